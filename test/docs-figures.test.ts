// The walkthrough's figures are drawn from the model itself. This test draws
// them again and holds the committed SVGs to it; to redraw after a change:
//   UPDATE_FIGURES=1 npx vitest run test/docs-figures.test.ts
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBertModel } from '../src/bert/load.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { MASK_FILL } from '../src/bert/model.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MODEL = resolve(ROOT, 'weights', 'demo');
const FIGURE = resolve(ROOT, 'docs', 'walkthrough', 'mask-matrix.svg');

/** a cell colour for p in [0, 1]: white → deep blue */
function blue(p: number): string {
  const t = Math.max(0, Math.min(1, p)) ** 0.7;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(247, 24)},${mix(251, 78)},${mix(255, 160)})`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Three panels for a padded batch of two sentences: the attention_mask, the
 * additive mask matrix the scores of the short sentence get, and that
 * sentence's attention probabilities (layer 0, head 0): padded columns are 0.
 */
function maskMatrixSvg(): string {
  const tokenizer = loadTokenizer(MODEL);
  const model = loadBertModel(MODEL);
  const texts = ['the cat sat on the mat', 'the cat sat'];
  const encs = tokenizer.encodeBatch(texts, { padding: true });
  const S = encs[0].inputIds.length;
  const out = model.forward(
    { inputIds: encs.map((e) => e.inputIds), attentionMask: encs.map((e) => e.attentionMask), tokenTypeIds: encs.map((e) => e.tokenTypeIds) },
    { outputAttentions: true },
  );
  const A = model.config.numAttentionHeads;
  // attentions [L, B, A, S, S]: layer 0, sentence b = 1, head 0
  const probs = out.attentions!.data.subarray((1 * A + 0) * S * S, (1 * A + 1) * S * S);
  const toks = encs[1].tokens;
  const mask = encs[1].attentionMask;

  const cell = 34;
  const labelW = 58;
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, o: { size?: number; anchor?: string; weight?: string; fill?: string; rotate?: boolean } = {}) =>
    `<text x="${x}" y="${y}" font-size="${o.size ?? 11}" text-anchor="${o.anchor ?? 'middle'}"${o.weight ? ` font-weight="${o.weight}"` : ''} fill="${o.fill ?? '#1f2937'}"${o.rotate ? ` transform="rotate(-45 ${x} ${y})"` : ''}>${esc(s)}</text>`;

  // panel 1: attention_mask of the batch
  let x0 = 20;
  let y0 = 70;
  parts.push(text(x0, 28, '1. attention_mask [B, S] of a padded batch', { anchor: 'start', size: 13, weight: '600' }));
  encs.forEach((e, b) => {
    e.tokens.forEach((t, s) => {
      const x = x0 + s * 44;
      const y = y0 + b * 76;
      const on = e.attentionMask[s] === 1;
      parts.push(`<rect x="${x}" y="${y}" width="40" height="26" rx="4" fill="${on ? '#dbeafe' : '#e5e7eb'}" stroke="${on ? '#60a5fa' : '#9ca3af'}"/>`);
      parts.push(text(x + 20, y + 17, String(e.attentionMask[s]), { size: 13, weight: '600', fill: on ? '#1e3a8a' : '#6b7280' }));
      parts.push(text(x + 20, y + 42, t, { size: 10, fill: on ? '#374151' : '#9ca3af' }));
    });
    parts.push(text(x0, y0 + b * 76 - 8, `sentence ${b + 1}: "${texts[b]}"`, { anchor: 'start', size: 11, fill: '#4b5563' }));
  });

  // panel 2: the additive mask each score row of sentence 2 gets
  x0 = 20 + labelW;
  y0 = 280;
  const grid = (gx: number, gy: number, title: string, value: (i: number, j: number) => { fill: string; label: string; color: string }) => {
    parts.push(text(gx - labelW, gy - 62, title, { anchor: 'start', size: 13, weight: '600' }));
    toks.forEach((t, j) => parts.push(text(gx + j * cell + cell / 2, gy - 8, t, { size: 10, rotate: true, anchor: 'start', fill: mask[j] ? '#374151' : '#9ca3af' })));
    toks.forEach((t, i) => {
      parts.push(text(gx - 6, gy + i * cell + cell / 2 + 4, t, { size: 10, anchor: 'end', fill: mask[i] ? '#374151' : '#9ca3af' }));
      toks.forEach((_, j) => {
        const v = value(i, j);
        parts.push(`<rect x="${gx + j * cell}" y="${gy + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${v.fill}"/>`);
        parts.push(text(gx + j * cell + cell / 2 - 1, gy + i * cell + cell / 2 + 3, v.label, { size: 9, fill: v.color }));
      });
    });
  };
  grid(x0, y0, '2. mask added to the scores (sentence 2)', (_i, j) =>
    mask[j] ? { fill: '#f3f4f6', label: '0', color: '#6b7280' } : { fill: '#374151', label: '−∞', color: '#f9fafb' },
  );
  parts.push(text(20, y0 + S * cell + 22, `query i (row) · key j (column); −∞ is float32's min, ${MASK_FILL.toExponential(2)}`, { anchor: 'start', size: 10, fill: '#4b5563' }));

  // panel 3: the probabilities after softmax
  const x3 = x0 + S * cell + 40 + labelW;
  grid(x3, y0, '3. softmax(QKᵀ/√d + mask): layer 0, head 0', (i, j) => {
    const p = probs[i * S + j];
    return { fill: blue(p), label: p.toFixed(2), color: p > 0.45 ? '#ffffff' : '#1f2937' };
  });
  parts.push(text(x3 - labelW, y0 + S * cell + 22, 'each row sums to 1; [PAD] columns get exactly 0', { anchor: 'start', size: 10, fill: '#4b5563' }));
  parts.push(text(x3 - labelW, y0 + S * cell + 36, '(weights/demo, random weights: the pattern means nothing)', { anchor: 'start', size: 10, fill: '#9ca3af' }));

  const W = x3 + S * cell + 20;
  const H = y0 + S * cell + 50;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
<rect width="${W}" height="${H}" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`;
}

describe('walkthrough figures', () => {
  it('docs/walkthrough/mask-matrix.svg is drawn from the model', () => {
    const svg = maskMatrixSvg();
    // the point of the figure: the padded columns get probability 0
    expect(svg).toContain('−∞');
    if (process.env.UPDATE_FIGURES || !existsSync(FIGURE)) writeFileSync(FIGURE, svg);
    expect(readFileSync(FIGURE, 'utf8')).toBe(svg);
  });
});

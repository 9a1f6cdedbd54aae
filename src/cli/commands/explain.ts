// bert-ts explain: one input's journey through BERT, step by step (80 columns, or --json).
import { BertTsError } from '../../errors.ts';
import { loadForCli } from '../load.ts';
import { explain, type ExplainResult, type ExplainStep, type LayerStep } from '../../explain/explain.ts';
import type { Statistics } from '../../explain/statistics.ts';
import type { CodeRef } from '../../explain/code-refs.ts';
import { int, str } from '../command.ts';
import { applyCompute, COMPUTE, computeOptions, MODEL, modelDir, releaseCompute } from '../common.ts';
import { resultCommand } from '../result-command.ts';

export const explainCommand = resultCommand<ExplainResult & { model: string }>({
  name: 'explain',
  summary: 'one input going through BERT, step by step, with formulas and code',
  args: 'TEXT',
  argsHelp: `Prints each step BERT takes on TEXT, with the formula it computes and the file
and function that compute it: the tokens (and why a word became ## pieces or
[UNK]) → the embeddings → each encoder layer (shapes, statistics, what each
attention head looks at) → the pooler → the masked-LM predictions at each
[MASK] (→ next-sentence, with --pair). Lines fit 80 columns.`,
  options: {
    ...MODEL,
    pair: { type: 'string', value: 'TEXT', help: 'a second text: [CLS] TEXT [SEP] PAIR [SEP]' },
    layer: { type: 'string', value: 'L', help: 'only layer L in detail (0 is the first)' },
    token: { type: 'string', value: 'T', help: "only token T's attention: a position (0 = [CLS]) or a token" },
    top: { type: 'string', value: 'K', help: 'predictions per [MASK] (default 5)' },
    ...COMPUTE,
  },
  examples: ['bert-ts explain -m weights/en "the cat sat on the [MASK]."', 'bert-ts explain -m weights/en --layer 0 --token cat "the cat sat on the mat."'],
  async compute(p) {
    const dir = modelDir('explain', p);
    if (p.positionals.length !== 1) throw new BertTsError(`explain: expected one TEXT, got ${p.positionals.length}`, 'quote the text: bert-ts explain -m DIR "the cat sat on the [MASK]."');
    const t = str(p, 'token');
    const token = t !== undefined ? (/^\d+$/.test(t) ? Number(t) : t) : undefined;
    const layer = int('explain', p, 'layer', 0);
    const top = int('explain', p, 'top', 1, 5);
    const compute = computeOptions('explain', p);
    await applyCompute(compute);
    try {
      const { model, tokenizer } = await loadForCli(dir, { dtype: compute.dtype });
      const result = explain(model, tokenizer, p.positionals[0], { pair: str(p, 'pair'), layer, token, top });
      return { model: dir, ...result };
    } finally {
      await releaseCompute(compute);
    }
  },
  format: formatExplain,
  warning: (r) => (r.truncated ? `the input has ${r.truncated.tokens} tokens, more than the model's limit of ${r.truncated.limit}: only the first ${r.truncated.limit} are explained` : undefined),
});

const W = 80;

export function formatExplain(r: ExplainResult & { model?: string }): string {
  const c = r.config;
  const out: string[] = [];
  out.push(...wrap(`${r.model ?? 'model'}: ${c.layers} layers, H ${c.hidden}, ${c.heads} heads of D ${c.headSize}, I ${c.intermediate}, V ${c.vocab}, ${c.activation}`, '', ''));
  out.push(...wrap(`text: ${JSON.stringify(r.text)}${r.pair !== undefined ? `  pair: ${JSON.stringify(r.pair)}` : ''}`, '', '      '));
  const tokens = r.steps.find((s) => s.kind === 'tokens')!.tokens.map((t) => t.token);
  let n = 0;
  let layerCodeShown = false;
  for (const s of r.steps) {
    out.push('');
    out.push(`${++n}. ${s.title.toUpperCase()}`);
    out.push(...wrap(s.formula, '   ', '   '));
    if (s.kind !== 'layer' || !layerCodeShown) out.push(...codeLines(s.code));
    else out.push('   code: as above');
    out.push(...body(s, tokens, r.focus));
    if (s.kind === 'layer') layerCodeShown = true;
  }
  return out.join('\n');
}

function codeLines(code: CodeRef[]): string[] {
  return code.map((ref, i) => `   ${i === 0 ? 'code:' : '     '} ${ref.file}  ${ref.fn}`);
}

function body(s: ExplainStep, tokens: string[], focus: number | undefined): string[] {
  const out: string[] = [];
  switch (s.kind) {
    case 'tokens': {
      const tw = Math.min(14, Math.max(5, ...s.tokens.map((t) => [...t.token].length)));
      const iw = Math.max(2, ...s.tokens.map((t) => String(t.id).length));
      const head = `   ${'pos'.padStart(3)} ${cut('token', tw)} ${'id'.padStart(iw)} type  `;
      out.push(head + 'why');
      for (const t of s.tokens) {
        const left = `   ${String(t.position).padStart(3)} ${cut(t.token, tw)} ${String(t.id).padStart(iw)} ${String(t.type).padStart(4)}  `;
        out.push(...wrap(t.why, left, ' '.repeat(left.length)));
      }
      break;
    }
    case 'embeddings':
      out.push(`   shape ${shape(s.shape)}: one vector of H per token`);
      out.push(stats('sum', s.sum));
      out.push(stats('LayerNorm', s.normalized));
      break;
    case 'layer':
      out.push(...layerBody(s, tokens, focus));
      break;
    case 'pooler':
      out.push(`   shape ${shape(s.shape)}: the [CLS] state, through a dense layer and tanh`);
      out.push(stats('pooled', s.pooled));
      break;
    case 'mlm':
      if (s.note) out.push(...wrap(s.note, '   ', '   '));
      for (const m of s.masks) {
        out.push(`   at position ${m.position}:`);
        m.top.forEach((t, i) => out.push(`     ${i + 1}  ${cut(t.token, 16)} ${t.p.toFixed(4)}  ${'█'.repeat(Math.round(t.p * 40))}`));
      }
      break;
    case 'classifier':
      s.labels.slice(0, 10).forEach((x, i) => out.push(`     ${i + 1}  ${cut(x.label, 16)} ${x.p.toFixed(4)}  ${'█'.repeat(Math.round(x.p * 40))}`));
      break;
    case 'nsp':
      out.push(`   P(IsNext) = ${s.isNext.toFixed(4)}: the pair ${s.isNext >= 0.5 ? 'follows' : 'does not follow'} the first text, says the model`);
      break;
  }
  return out;
}

function layerBody(s: LayerStep, tokens: string[], focus: number | undefined): string[] {
  const sh = s.shapes;
  const out = [
    `   Q, K, V ${shape(sh.qkv)} → per head ${shape(sh.perHead)} → probs ${shape(sh.probs)}`,
    `   → context ${shape(sh.qkv)} → FFN ${shape(sh.intermediate)} → output ${shape(sh.output)}`,
    stats('attention', s.attentionOutput),
    stats('output', s.output),
    `   attention entropy per head (nats): ${s.entropy.map((e) => e.toFixed(2)).join(' ')}`,
    focus !== undefined ? `   token ${focus} (${tokens[focus]}) attends most to, per head:` : '   each token attends most to (probability), per head:',
  ];
  // heads side by side, as many as fit in 80 columns
  const rows = s.heads[0].top.map((t) => t.from);
  const tw = Math.min(10, Math.max(5, ...rows.map((i) => [...tokens[i]].length)));
  const cell = 13;
  const per = Math.max(1, Math.floor((W - 4 - tw) / cell));
  for (let h0 = 0; h0 < s.heads.length; h0 += per) {
    const heads = s.heads.slice(h0, h0 + per);
    out.push(`   ${' '.repeat(tw)} ${heads.map((h) => cut(`head ${h.head}`, cell)).join('')}`.trimEnd());
    rows.forEach((from, r) => {
      const cells = heads.map((h) => {
        const t = h.top[r];
        return cut(`${cut(tokens[t.to], 7).trimEnd()} ${t.p.toFixed(2).replace(/^0/, '')}`, cell);
      });
      out.push(`   ${cut(tokens[from], tw)} ${cells.join('')}`.trimEnd());
    });
  }
  return out;
}

function stats(name: string, s: Statistics): string {
  const f = (v: number) => (v >= 0 ? ' ' : '') + v.toFixed(3);
  return `   ${name.padEnd(10)} mean ${f(s.mean)}  std ${s.std.toFixed(3)}  min ${f(s.min)}  max ${f(s.max)}  |x| ${s.rowNorm.toFixed(2)}`;
}

const shape = (s: number[]) => `[${s.join(', ')}]`;

/** s cut or padded to n columns (code points) */
function cut(s: string, n: number): string {
  const c = [...s];
  return c.length > n ? c.slice(0, n - 1).join('') + '…' : s + ' '.repeat(n - c.length);
}

/** words of text after `first`, continued after `rest`, lines of at most 80 columns */
function wrap(text: string, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    const len = [...line].length + (empty ? 0 : 1) + [...word].length;
    if (!empty && len > W) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  // a single word longer than the line is cut
  return lines.map((l) => ([...l].length > W ? [...l].slice(0, W - 1).join('') + '…' : l));
}

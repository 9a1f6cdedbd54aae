// One head's attention: lines between the tokens (as bertviz draws them) and a heatmap.
import { h, s, card, heat, heatInk } from '../dom.ts';
import type { Analysis } from '../protocol.ts';

export interface AttentionState {
  layer: number;
  head: number;
  /** the query token whose row is highlighted, or null */
  focus: number | null;
}

/** probabilities of layer l, head hd: a view [S, S] into a.attentions [L, 1, A, S, S] */
export function headProbs(a: Analysis, l: number, hd: number): Float32Array {
  const S = a.S;
  const o = (l * a.A + hd) * S * S;
  return a.attentions.subarray(o, o + S * S);
}

export function renderAttention(root: HTMLElement, a: Analysis, st: AttentionState, set: (next: Partial<AttentionState>) => void): void {
  const { S, L, A } = a;
  const p = headProbs(a, st.layer, st.head);
  const toks = a.tokens.map((t) => t.token);

  const pick = (what: 'layer' | 'head', n: number) =>
    h('div', { class: 'group', role: 'group', 'aria-label': what }, `${what}`, ...Array.from({ length: n }, (_, i) =>
      h('button', { 'aria-pressed': String((what === 'layer' ? st.layer : st.head) === i), ['data-' + what]: i, onclick: () => set(what === 'layer' ? { layer: i } : { head: i }) }, String(i)),
    ));

  // lines: queries on the left, keys on the right
  const rowH = 24;
  const width = 380;
  const svg = s('svg', { class: 'lines', width: '100%', viewBox: `0 0 ${width} ${S * rowH + 30}`, role: 'img', 'aria-label': `attention lines, layer ${st.layer} head ${st.head}` });
  svg.append(s('text', { x: 110, y: 14, 'text-anchor': 'end', style: 'fill: var(--muted); font-size: 11px' }, 'query'), s('text', { x: width - 110, y: 14, style: 'fill: var(--muted); font-size: 11px' }, 'key'));
  const y = (i: number) => 34 + i * rowH;
  for (let i = 0; i < S; i++) {
    if (st.focus !== null && st.focus !== i) continue;
    for (let j = 0; j < S; j++) {
      const v = p[i * S + j];
      if (v < 0.01) continue;
      svg.append(s('line', { x1: 120, y1: y(i) - 4, x2: width - 120, y2: y(j) - 4, stroke: '#4f46e5', 'stroke-width': 1 + 4 * v, 'stroke-opacity': Math.min(1, 0.08 + v) }));
    }
  }
  toks.forEach((t, i) => {
    const cls = st.focus === null ? '' : st.focus === i ? 'hot' : 'dim';
    const left = s('text', { x: 110, y: y(i), 'text-anchor': 'end', class: cls, 'data-query': i }, t);
    left.addEventListener('mouseenter', () => set({ focus: i }));
    left.addEventListener('click', () => set({ focus: st.focus === i ? null : i }));
    const w = st.focus !== null ? p[st.focus * S + i] : 0;
    const right = s('text', { x: width - 110, y: y(i), class: st.focus !== null && w >= 0.1 ? 'hot' : '' }, t);
    svg.append(left, right);
  });
  svg.addEventListener('mouseleave', () => set({ focus: null }));

  // heatmap: rows = queries, columns = keys; each cell holds its probability
  const grid = h('div', { class: 'heatmap', id: 'heatmap', 'data-layer': st.layer, 'data-head': st.head, style: `grid-template-columns: 90px repeat(${S}, minmax(16px, 34px))` });
  grid.append(h('div', {}));
  toks.forEach((t) => grid.append(h('div', { class: 'lab col', title: t }, t)));
  for (let i = 0; i < S; i++) {
    grid.append(h('div', { class: `lab row-lab${st.focus === i ? ' hot' : ''}`, title: toks[i] }, toks[i]));
    for (let j = 0; j < S; j++) {
      const v = p[i * S + j];
      grid.append(
        h('div', {
          class: `cell${st.focus === i ? ' hot' : ''}`,
          'data-row': i,
          'data-col': j,
          'data-p': v,
          title: `${toks[i]} → ${toks[j]}: ${v.toFixed(4)}`,
          style: `background: ${heat(v)}; color: ${heatInk(v)}`,
          onclick: () => set({ focus: st.focus === i ? null : i }),
        }, S <= 14 ? (v >= 0.995 ? '1' : v.toFixed(2).slice(1)) : ''),
      );
    }
  }

  root.replaceChildren(
    card(
      h('h2', {}, `layer ${st.layer}, head ${st.head}`),
      h('p', { class: 'lead' }, 'Each token (a query, left) takes a weighted average of all tokens (keys, right); the weights are ', h('code', {}, 'softmax(QKᵀ/√d + mask)'), ', one row of the heatmap, summing to 1. Hover or click a token to see only its row. ', h('kbd', {}, '←'), h('kbd', {}, '→'), ' change the head, ', h('kbd', {}, '↑'), h('kbd', {}, '↓'), ' the layer.'),
      h('div', { class: 'pickers' }, pick('layer', L), pick('head', A)),
      h('div', { class: 'attn' }, h('div', {}, svg), h('div', {}, grid, h('div', { class: 'scale' }, '0', h('i', {}), '1'))),
    ),
  );
}

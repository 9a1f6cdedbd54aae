// Every head of every layer at once, as small heatmaps: click one to open it.
import { h, card, heat } from '../dom.ts';
import type { Analysis } from '../protocol.ts';
import { headProbs } from './attention.ts';

export function renderGrid(root: HTMLElement, a: Analysis, current: { layer: number; head: number }, open: (layer: number, head: number) => void): void {
  const { L, A, S } = a;
  const grid = h('div', { class: 'heads', id: 'heads', style: `grid-template-columns: 70px repeat(${A}, minmax(48px, 120px))` });
  grid.append(h('div', {}));
  for (let hd = 0; hd < A; hd++) grid.append(h('div', { class: 'lab top' }, `head ${hd}`));
  for (let l = 0; l < L; l++) {
    grid.append(h('div', { class: 'lab' }, `layer ${l}`));
    for (let hd = 0; hd < A; hd++) {
      const c = h('canvas', { width: S, height: S, title: `layer ${l}, head ${hd}: click to open`, 'data-layer': l, 'data-head': hd, tabindex: 0, class: l === current.layer && hd === current.head ? 'current' : '' }) as HTMLCanvasElement;
      const g = c.getContext('2d')!;
      const img = g.createImageData(S, S);
      const p = headProbs(a, l, hd);
      for (let i = 0; i < S * S; i++) {
        const [r, gg, b] = heat(p[i]).slice(4, -1).split(',').map(Number);
        img.data.set([r, gg, b, 255], i * 4);
      }
      g.putImageData(img, 0, 0);
      c.addEventListener('click', () => open(l, hd));
      c.addEventListener('keydown', (e) => e.key === 'Enter' && open(l, hd));
      grid.append(c);
    }
  }
  root.replaceChildren(
    card(
      h('h2', {}, `all ${L * A} heads`),
      h('p', { class: 'lead' }, `Each square is one head's ${S}×${S} attention matrix (rows: queries, columns: keys), ${L} layers × ${A} heads. Heads specialise: some look at the next or previous token, some at [CLS] or [SEP], some spread out. Click one to open it.`),
      grid,
    ),
  );
}

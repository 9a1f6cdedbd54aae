// Two sentences' similarity: cosine of their mean-pooled vectors, and every token pair.
import { h, card, diverging } from '../dom.ts';
import type { Similarity } from '../protocol.ts';

export function renderSimilarity(root: HTMLElement, a: string, b: string, result: Similarity | null, compare: (a: string, b: string) => void): void {
  const ia = h('input', { type: 'text', id: 'sim-a', value: a, 'aria-label': 'sentence A' }) as HTMLInputElement;
  const ib = h('input', { type: 'text', id: 'sim-b', value: b, 'aria-label': 'sentence B' }) as HTMLInputElement;
  const go = () => compare(ia.value, ib.value);
  for (const i of [ia, ib]) i.addEventListener('keydown', (e) => e.key === 'Enter' && go());
  const parts: (HTMLElement | null)[] = [];
  if (result) {
    const { tokensA, tokensB, tokenCosines } = result;
    const grid = h('div', { class: 'heatmap', style: `grid-template-columns: 90px repeat(${tokensB.length}, minmax(16px, 34px))` });
    grid.append(h('div', {}));
    tokensB.forEach((t) => grid.append(h('div', { class: 'lab col', title: t }, t)));
    tokensA.forEach((t, i) => {
      grid.append(h('div', { class: 'lab row-lab', title: t }, t));
      tokensB.forEach((u, j) => {
        const c = tokenCosines[i * tokensB.length + j];
        grid.append(h('div', { class: 'cell', title: `${t} · ${u}: cosine ${c.toFixed(3)}`, style: `background: ${diverging(c)}; color: ${c > 0.3 ? '#fff' : '#1c2333'}` }, tokensA.length * tokensB.length <= 200 ? c.toFixed(1).replace(/^(-?)0\./, '$1.') : ''));
      });
    });
    const s = result.sentence;
    parts.push(
      h(
        'div',
        { class: 'gauges' },
        s ? h('div', { class: 'gauge', id: 'sim-sentence' }, h('b', {}, s.cosine.toFixed(3)), h('span', {}, `sentence similarity: ${s.name}, a model trained for it (${s.pooling} pooling)`)) : null,
        h('div', { class: 'gauge', id: 'sim-mean' }, h('b', {}, result.meanCosine.toFixed(3)), h('span', {}, 'cosine of the mean token vectors')),
        h('div', { class: 'gauge' }, h('b', {}, result.clsCosine.toFixed(3)), h('span', {}, 'cosine of the [CLS] vectors')),
      ),
      h('h3', {}, 'cosine between every token of A (rows) and of B (columns), last layer'),
      grid,
    );
  }
  root.replaceChildren(
    card(
      h('h2', {}, 'how similar are two sentences?'),
      h('p', { class: 'lead' }, 'Each sentence goes through BERT alone. Its token vectors from the last layer are averaged (mean pooling, special tokens left out) and the two averages compared by cosine similarity. A model trained for sentence embeddings makes this meaningful: when the server offers one (a sentence-transformers folder such as weights/en-embed), its score comes first. A masked-LM model gives rough numbers, but the token matrix shows which words BERT sees as alike.'),
      h('div', { class: 'sim-inputs' }, ia, ib, h('button', { onclick: go, id: 'sim-go' }, 'compare')),
      ...parts,
    ),
  );
}

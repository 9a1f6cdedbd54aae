// Static vs contextual: one word in two senses.
import { h, card } from '../dom.ts';
import type { AmbiguityResult, ContextSentence } from '../../src/word-vectors/ambiguity.ts';
import { bars } from './fill-mask.ts';

export interface AmbiguityInput {
  word: string;
  sentences: string[];
  contexts: ContextSentence[];
}

/** "river: the boat …" → { label: 'river', text: 'the boat …' }; a line without "word:" has no label */
export function parseContexts(text: string): ContextSentence[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([\p{L}\p{N}_-]{1,20}):\s+(.+)$/u.exec(l);
      return m ? { label: m[1], text: m[2] } : { text: l };
    });
}

export function renderAmbiguity(root: HTMLElement, input: AmbiguityInput, result: AmbiguityResult | null, error: string | null, run: (input: AmbiguityInput) => void): void {
  const word = h('input', { type: 'text', id: 'amb-word', value: input.word, 'aria-label': 'word' }) as HTMLInputElement;
  const s1 = h('input', { type: 'text', id: 'amb-s1', value: input.sentences[0] ?? '', 'aria-label': 'sentence 1' }) as HTMLInputElement;
  const s2 = h('input', { type: 'text', id: 'amb-s2', value: input.sentences[1] ?? '', 'aria-label': 'sentence 2' }) as HTMLInputElement;
  const ctx = h('textarea', { id: 'amb-contexts', 'aria-label': 'context sentences, one per line, optionally "label: sentence"' }, input.contexts.map((c) => (c.label ? `${c.label}: ${c.text}` : c.text)).join('\n')) as HTMLTextAreaElement;
  const go = () => run({ word: word.value.trim(), sentences: [s1.value, s2.value], contexts: parseContexts(ctx.value) });
  for (const i of [word, s1, s2]) i.addEventListener('keydown', (e) => e.key === 'Enter' && go());

  const labels = [...new Set(input.contexts.map((c) => c.label).filter(Boolean))];
  const badge = (label?: string) => (label ? h('span', { class: `badge b${labels.indexOf(label) + 1}` }, label) : null);
  const out: HTMLElement[] = [];
  if (error) out.push(h('div', { class: 'why' }, error));
  if (result) {
    out.push(
      h(
        'div',
        { class: 'cols' },
        card(
          h('h2', {}, `static: one vector for “${result.word}”`),
          h('p', { class: 'lead' }, `The input embedding table gives “${result.word}” (${result.static.tokens.join(' ')}) the same vector in both sentences: cosine 1.000. Its nearest tokens mix whatever senses the word has:`),
          bars(result.static.neighbours.map((n) => ({ name: n.word, value: n.cosine, label: n.cosine.toFixed(3) })), Math.max(1e-9, result.static.neighbours[0]?.cosine ?? 1)),
        ),
        ...result.uses.map((u, i) =>
          card(
            h('h2', {}, `contextual ${i + 1}: “${u.sentence}”`),
            h('p', { class: 'lead' }, `BERT’s vector for “${result.word}” here (hidden state ${result.layer}), compared with the same word in each context sentence${result.centered ? ' (cosine after subtracting the mean of all its vectors: what every use shares)' : ''}:`),
            h('div', { class: 'bars ctx', 'data-use': i }, ...u.nearest.flatMap((n, k) => [
              h('div', { class: 'name' }, badge(n.label), n.text),
              h('div', { class: `track ${k === 0 ? 'first' : ''}` }, h('div', { class: 'fill', style: `width: ${Math.max(0.5, 50 + 50 * n.cosine)}%` })),
              h('div', { class: 'val' }, n.cosine.toFixed(3)),
            ])),
            u.senses.length > 1 ? h('p', { class: 'lead', style: 'margin-top: 10px' }, 'closest sense: ', ...u.senses.flatMap((x, i) => [i > 0 ? ' > ' : '', badge(x.label), x.meanCosine.toFixed(3)])) : null,
          ),
        ),
      ),
      card(
        h('h2', {}, 'the two uses, compared'),
        h('table', { class: 'data' }, h('tr', {}, h('th', {}, ''), h('th', {}, 'static'), h('th', {}, 'contextual (BERT)')), h('tr', {}, h('td', {}, 'cosine(use 1, use 2)'), h('td', { class: 'num' }, result.static.cosines[0][1].toFixed(3)), h('td', { class: 'num', id: 'amb-cos' }, result.cosines[0][1].toFixed(3))), h('tr', {}, h('td', {}, 'raw vectors'), h('td', { class: 'num' }, '1.000'), h('td', { class: 'num' }, result.rawCosines[0][1].toFixed(3)))),
      ),
    );
  }
  root.replaceChildren(
    card(
      h('h2', {}, 'static vs contextual word vectors'),
      h('p', { class: 'lead' }, 'A static embedding (GloVe, word2vec, or BERT’s own input table) has one vector per word. BERT’s output vectors depend on the sentence, so one word in two senses gets two different vectors. Give a word, two sentences that use it differently, and context sentences (one per line; “label: sentence” names the sense).'),
      h('div', { class: 'amb-inputs' }, word, s1, s2, ctx),
      h('button', { onclick: go, id: 'amb-go' }, 'compare'),
    ),
    ...out,
  );
}

// The tokens: one chip per token, coloured by why it is what it is.
import { h, card } from '../dom.ts';
import type { Analysis } from '../protocol.ts';

export interface TokensActions {
  /** replace the word of token i with [MASK] in the sentence */
  mask(position: number): void;
}

export function renderTokens(root: HTMLElement, a: Analysis, selected: number | null, select: (i: number) => void, actions: TokensActions, maskToken: string): void {
  const chips = a.tokens.map((t) =>
    h(
      'div',
      {
        class: `tok ${t.token === maskToken ? 'mask' : t.kind} type${t.type}${selected === t.position ? ' selected' : ''}`,
        title: t.why,
        tabindex: 0,
        'data-token': t.token,
        'data-id': t.id,
        onclick: () => select(t.position),
        onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && select(t.position),
      },
      h('span', { class: 't' }, t.token),
      h('span', { class: 'i' }, `${t.position} · ${t.id}`),
    ),
  );
  const sel = selected !== null ? a.tokens[selected] : undefined;
  const why = sel
    ? h(
        'div',
        { class: 'why' },
        h('b', {}, sel.token),
        ` (id ${sel.id}, segment ${sel.type}): ${sel.why}`,
        sel.word !== undefined && sel.kind !== 'special' ? h('button', { class: 'ghost', onclick: () => actions.mask(sel.position) }, `mask “${sel.word}”`) : null,
      )
    : h('div', { class: 'why' }, 'Click a token to see why it is what it is; a word can be masked from there for fill-mask.');
  root.replaceChildren(
    card(
      h('h2', {}, `${a.tokens.length} tokens`),
      h('p', { class: 'lead' }, 'The tokenizer lowercases (for an uncased model), splits on spaces and punctuation, and cuts each word into the longest pieces its vocabulary has: ', h('code', {}, '##'), ' marks a piece that continues a word; a word no pieces can spell becomes ', h('code', {}, '[UNK]'), '. The number under each token is its position and its id, the row of the embedding table it selects.'),
      h('div', { class: 'tokens', id: 'tokens' }, chips),
      why,
      h(
        'div',
        { class: 'legend' },
        h('span', { style: '--c: var(--word)' }, 'a word of the vocabulary'),
        h('span', { style: '--c: var(--piece)' }, 'WordPiece of a longer word'),
        h('span', { style: '--c: var(--unk)' }, '[UNK]'),
        h('span', { style: '--c: var(--special)' }, 'special token'),
        h('span', { style: '--c: var(--mask)' }, '[MASK]'),
        h('span', { style: '--c: #f59e0b' }, 'underline: second segment (token type 1)'),
      ),
    ),
  );
}

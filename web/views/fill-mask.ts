// Fill-mask: the masked-LM head's guesses at each [MASK], as bars.
import { h, card } from '../dom.ts';
import type { Analysis } from '../protocol.ts';

export function bars(rows: { name: string; value: number; label?: string }[], max = 1): HTMLElement {
  return h(
    'div',
    { class: 'bars' },
    rows.flatMap((r, i) => {
      const cls = i === 0 ? 'first' : '';
      return [
        h('div', { class: `name ${cls}`, 'data-token': r.name }, r.name),
        h('div', { class: `track ${cls}` }, h('div', { class: 'fill', style: `width: ${Math.max(0.5, (100 * Math.max(0, r.value)) / max)}%` })),
        h('div', { class: 'val' }, r.label ?? `${(100 * r.value).toFixed(1)}%`),
      ];
    }),
  );
}

export function renderFillMask(root: HTMLElement, a: Analysis, maskToken: string, hasMlm: boolean): void {
  if (!hasMlm) {
    root.replaceChildren(card(h('div', { class: 'empty' }, 'This model has no masked-LM head (cls.predictions), so it cannot fill in words.')));
    return;
  }
  if (a.fillMask.length === 0) {
    root.replaceChildren(card(h('div', { class: 'empty' }, `Write ${maskToken} in the sentence where a word should be guessed, or click a word in the tokens view and mask it.`)));
    return;
  }
  const toks = a.tokens.map((t) => t.token);
  root.replaceChildren(
    ...a.fillMask.map((m, n) =>
      card(
        h('h2', {}, a.fillMask.length > 1 ? `${maskToken} ${n + 1} of ${a.fillMask.length}` : `what fits at ${maskToken}?`),
        h('p', { class: 'lead' }, 'The masked-LM head turns the last layer’s vector h at this position into one probability per vocabulary token: ', h('code', {}, 'P(y) = softmax(W·h + b)'), '. The ten most probable:'),
        h('div', { class: 'masked' }, ...toks.flatMap((t, i) => [i === m.position ? h('mark', {}, `${m.top[0].token}?`) : t, ' '])),
        h('div', { class: 'fill-mask', 'data-position': m.position }, bars(m.top.map((t) => ({ name: t.token, value: t.p })), m.top[0].p)),
      ),
    ),
  );
}

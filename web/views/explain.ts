// The explain steps (src/explain) for the typed sentence, as cards.
import { h, card, heat, heatInk } from '../dom.ts';
import type { ExplainResult, ExplainStep } from '../../src/explain/explain.ts';
import type { Statistics } from '../../src/explain/statistics.ts';
import { bars } from './fill-mask.ts';

const shape = (s: number[]) => `[${s.join(', ')}]`;

function statsTable(rows: [string, Statistics][]): HTMLElement {
  return h(
    'table',
    { class: 'data' },
    h('tr', {}, ...['', 'mean', 'std', 'min', 'max', 'mean |x| per token'].map((c) => h('th', {}, c))),
    ...rows.map(([name, s]) => h('tr', {}, h('td', {}, name), ...[s.mean, s.std, s.min, s.max, s.rowNorm].map((v) => h('td', { class: 'num' }, v.toFixed(3))))),
  );
}

function body(st: ExplainStep, tokens: string[]): (HTMLElement | string)[] {
  switch (st.kind) {
    case 'tokens':
      return [
        h(
          'table',
          { class: 'data' },
          h('tr', {}, ...['pos', 'token', 'id', 'type', 'why'].map((c) => h('th', {}, c))),
          ...st.tokens.map((t) => h('tr', {}, h('td', { class: 'num' }, t.position), h('td', { class: 'mono' }, t.token), h('td', { class: 'num' }, t.id), h('td', { class: 'num' }, t.type), h('td', {}, t.why))),
        ),
      ];
    case 'embeddings':
      return [h('p', {}, `shape ${shape(st.shape)}: one vector of H numbers per token.`), statsTable([['sum', st.sum], ['after LayerNorm', st.normalized]])];
    case 'layer': {
      const sh = st.shapes;
      const heads = st.heads;
      return [
        h('p', { class: 'mono' }, `Q, K, V ${shape(sh.qkv)} → per head ${shape(sh.perHead)} → probs ${shape(sh.probs)} → context ${shape(sh.qkv)} → FFN ${shape(sh.intermediate)} → ${shape(sh.output)}`),
        statsTable([['after attention', st.attentionOutput], ['layer output', st.output]]),
        h('h3', {}, 'each token attends most to, per head (probability); entropy ', st.entropy.map((e) => e.toFixed(2)).join(' · '), ' nats'),
        h(
          'table',
          { class: 'data' },
          h('tr', {}, h('th', {}, 'token'), ...heads.map((x) => h('th', {}, `head ${x.head}`))),
          ...heads[0].top.map((t, r) => h('tr', {}, h('td', { class: 'mono' }, tokens[t.from]), ...heads.map((x) => h('td', { class: 'mono', style: `background: ${heat(x.top[r].p)}; color: ${heatInk(x.top[r].p)}; border-radius: 4px; padding-left: 6px` }, `${tokens[x.top[r].to]} ${x.top[r].p.toFixed(2)}`)))),
        ),
      ];
    }
    case 'pooler':
      return [h('p', {}, `shape ${shape(st.shape)}: the [CLS] vector through a dense layer and tanh; classifiers read it.`), statsTable([['pooled', st.pooled]])];
    case 'mlm':
      return st.note ? [h('p', {}, st.note)] : st.masks.map((m) => h('div', {}, h('h3', {}, `at position ${m.position}`), bars(m.top.map((t) => ({ name: t.token, value: t.p })), m.top[0].p)));
    case 'classifier':
      return [bars(st.labels.slice(0, 10).map((x) => ({ name: x.label, value: x.p })), st.labels[0]?.p ?? 1)];
    case 'nsp':
      return [h('p', {}, `P(IsNext) = ${st.isNext.toFixed(4)}: the model thinks the second text ${st.isNext >= 0.5 ? 'follows' : 'does not follow'} the first.`)];
  }
}

export function renderExplain(root: HTMLElement, r: ExplainResult): void {
  const tokens = (r.steps[0].kind === 'tokens' ? r.steps[0].tokens : []).map((t) => t.token);
  const c = r.config;
  root.replaceChildren(
    card(
      h('h2', {}, 'the journey of one input'),
      h('p', { class: 'lead' }, `${c.layers} layers, hidden size H = ${c.hidden}, ${c.heads} heads of D = ${c.headSize}, feed-forward I = ${c.intermediate}, vocabulary V = ${c.vocab}, activation ${c.activation}. The same steps print in a terminal with `, h('code', {}, 'bert-ts explain --model DIR "text"'), '.'),
    ),
    ...r.steps.map((st, i) =>
      card(
        h(
          'div',
          { class: 'step', 'data-step': st.kind },
          h('div', { class: 'step-num' }, i + 1),
          h('div', {}, h('h2', {}, st.title), h('div', { class: 'formula' }, st.formula), h('div', { class: 'code-refs' }, st.code.map((x) => h('span', { title: 'computed here' }, `${x.file} · ${x.fn}`))), ...body(st, tokens)),
        ),
      ),
    ),
  );
}

// The viewer's page: the controls and the views. The model runs in worker.js;
// this file only sends it requests and draws the answers.
import type { Analysis, ModelSource, ModelSummary, Reply, Request, SentenceModelRef, Similarity } from './protocol.ts';
import type { AmbiguityResult } from '../src/word-vectors/ambiguity.ts';
import { BANK_DEMO } from '../src/word-vectors/ambiguity.ts';
import { h } from './dom.ts';
import { renderTokens } from './views/tokens.ts';
import { renderAttention, type AttentionState } from './views/attention.ts';
import { renderGrid } from './views/grid.ts';
import { renderFillMask } from './views/fill-mask.ts';
import { renderSimilarity } from './views/similarity.ts';
import { renderExplain } from './views/explain.ts';
import { renderAmbiguity, type AmbiguityInput } from './views/ambiguity.ts';

type View = 'tokens' | 'attention' | 'grid' | 'fill-mask' | 'similarity' | 'explain' | 'ambiguity';
const VIEWS: View[] = ['tokens', 'attention', 'grid', 'fill-mask', 'similarity', 'explain', 'ambiguity'];

// ---------------------------------------------------------------- the worker
type Payload<K extends Request['kind']> = Extract<Reply, { kind: K; ok: true }>['result'];
class ModelClient {
  private worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  private next = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; progress?(s: string): void }>();
  constructor() {
    this.worker.onmessage = (ev: MessageEvent<Reply>) => {
      const r = ev.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      if ('progress' in r) return p.progress?.(r.progress);
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.result);
      else p.reject(Object.assign(new Error(r.error), { hint: r.hint }));
    };
    this.worker.onerror = (e) => setStatus(`the model's worker failed: ${e.message}`, true);
  }
  call<K extends Request['kind']>(kind: K, body: Omit<Extract<Request, { kind: K }>, 'id' | 'kind'>, progress?: (s: string) => void): Promise<Payload<K>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      this.worker.postMessage({ ...body, kind, id });
    });
  }
}

// ---------------------------------------------------------------- state
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const client = new ModelClient();
const params = new URLSearchParams(location.search);
const state = {
  view: (VIEWS.includes(params.get('view') as View) ? params.get('view') : 'tokens') as View,
  model: null as ModelSummary | null,
  analysis: null as Analysis | null,
  selected: null as number | null,
  attention: { layer: 0, head: 0, focus: null } as AttentionState,
  similarity: null as Similarity | null,
  /** the offered sentence-embedding model the similarity view uses, if any */
  sentenceModel: undefined as SentenceModelRef | undefined,
  simA: '',
  simB: '',
  ambiguity: { word: BANK_DEMO.word, sentences: [...BANK_DEMO.sentences], contexts: [...BANK_DEMO.contexts] } as AmbiguityInput,
  ambiguityResult: null as AmbiguityResult | null,
  ambiguityError: null as string | null,
  requested: 0,
  loads: 0,
};

function setStatus(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

function errorText(e: unknown): string {
  const err = e as Error & { hint?: string };
  return err.hint ? `${err.message} (${err.hint})` : err.message;
}

// ---------------------------------------------------------------- models
interface Offered {
  name: string;
  url: string;
  /** the menu's text when not the name ("demo: random weights (tests)") */
  label?: string;
  default?: boolean;
  /** a sentence-transformers folder (modules.json): the similarity view compares sentences with it */
  sentence?: boolean;
}

async function offeredModels(): Promise<Offered[]> {
  try {
    const r = await fetch('models.json');
    return r.ok ? ((await r.json()) as Offered[]) : [];
  } catch {
    return [];
  }
}

async function load(source: ModelSource): Promise<void> {
  const mine = ++state.loads;
  document.body.dataset.state = 'loading';
  setStatus(`loading ${source.name ?? ''}…`);
  state.analysis = null;
  try {
    const m = await client.call('load', { source }, (s) => mine === state.loads && setStatus(s));
    if (mine !== state.loads) return; // another model was chosen meanwhile
    state.model = m;
    setStatus(`${m.name}: ${m.layers} layers, ${m.heads} heads, H ${m.hidden}, V ${m.vocab} · ${m.backend} · ${Math.round(m.loadMs)} ms`);
    state.attention = { layer: Math.min(state.attention.layer, m.layers - 1), head: Math.min(state.attention.head, m.heads - 1), focus: null };
    renderExamples();
    document.body.dataset.state = 'loaded';
    await analyze();
    if (state.view === 'similarity') await compare(state.simA || textValue(), state.simB || $<HTMLInputElement>('pair').value);
    if (state.view === 'ambiguity') await runAmbiguity(state.ambiguity);
  } catch (e) {
    if (mine !== state.loads) return;
    document.body.dataset.state = 'error';
    setStatus(errorText(e), true);
  }
}

function renderExamples(): void {
  const mask = state.model?.maskToken ?? '[MASK]';
  const chinese = (state.model?.name ?? '').includes('zh');
  const examples = chinese
    ? [`今天天气真好。`, `北京是中国的首${mask}。`, `我喜欢吃苹${mask}。`]
    : [`the cat sat on the ${mask}.`, `he went to the bank to deposit his ${mask}.`, `the river bank was covered in ${mask}.`, 'the quick brown fox jumps over the lazy dog.'];
  $('examples').replaceChildren(
    ...examples.map((t) =>
      h('button', {
        onclick: () => {
          $<HTMLInputElement>('text').value = t;
          void analyze();
        },
      }, t),
    ),
  );
}

// ---------------------------------------------------------------- requests
const textValue = () => $<HTMLInputElement>('text').value;

async function analyze(): Promise<void> {
  if (!state.model) return;
  const text = textValue();
  const pairValue = $<HTMLInputElement>('pair').value;
  const pairText = pairValue.trim() ? pairValue : '';
  if (text.trim() === '') {
    state.analysis = null;
    render();
    return;
  }
  const mine = ++state.requested;
  document.body.dataset.state = 'busy';
  try {
    const a = await client.call('analyze', { text, ...(pairText ? { pair: pairText } : {}) });
    if (mine !== state.requested) return; // a newer request is on its way
    state.analysis = a;
    if (state.selected !== null && state.selected >= a.S) state.selected = null;
    if (state.attention.focus !== null && state.attention.focus >= a.S) state.attention.focus = null;
    render();
    const cut = a.truncated ? ` (the text has ${a.truncated.tokens} tokens; the model takes ${a.truncated.limit}: the rest was cut)` : '';
    setStatus(`${state.model.name}: ${a.S} tokens in ${a.ms.toFixed(0)} ms${cut}`);
    document.body.dataset.state = 'ready';
  } catch (e) {
    if (mine !== state.requested) return;
    setStatus(errorText(e), true);
    document.body.dataset.state = 'error';
  }
}

async function compare(a: string, b: string): Promise<void> {
  state.simA = a;
  state.simB = b;
  if (!state.model || !a.trim() || !b.trim()) return render();
  document.body.dataset.state = 'busy';
  try {
    state.similarity = await client.call('similarity', { a, b, ...(state.sentenceModel ? { sentenceModel: state.sentenceModel } : {}) });
    const t = state.similarity.truncated;
    if (t) setStatus(`${[t.a !== undefined ? `text A has ${t.a} tokens` : '', t.b !== undefined ? `text B has ${t.b} tokens` : ''].filter(Boolean).join(', ')}; the model takes ${t.limit}: the rest was cut`);
    document.body.dataset.state = 'ready';
  } catch (e) {
    setStatus(errorText(e), true);
    document.body.dataset.state = 'error';
  }
  render();
}

async function runAmbiguity(input: AmbiguityInput): Promise<void> {
  state.ambiguity = input;
  if (!state.model) return;
  document.body.dataset.state = 'busy';
  try {
    state.ambiguityResult = await client.call('ambiguity', { ...input });
    state.ambiguityError = null;
    document.body.dataset.state = 'ready';
  } catch (e) {
    state.ambiguityResult = null;
    state.ambiguityError = errorText(e);
    document.body.dataset.state = 'error';
  }
  render();
}

/** replace the word of token i with [MASK] in the sentence, then show fill-mask */
function maskToken(i: number): void {
  const a = state.analysis;
  const t = a?.tokens[i];
  if (!t || !t.wordSpan || !state.model) return;
  const input = $<HTMLInputElement>(t.type === 0 ? 'text' : 'pair');
  const text = input.value;
  input.value = text.slice(0, t.wordSpan[0]) + state.model.maskToken + text.slice(t.wordSpan[1]);
  state.selected = null;
  setView('fill-mask');
  void analyze();
}

// ---------------------------------------------------------------- drawing
function render(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.view'))) el.hidden = el.dataset.view !== state.view;
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('.tabs button'))) b.setAttribute('aria-selected', String(b.dataset.view === state.view));
  const root = $(`view-${state.view}`);
  const a = state.analysis;
  const m = state.model;
  if (state.view === 'similarity') return renderSimilarity(root, state.simA || textValue(), state.simB || $<HTMLInputElement>('pair').value || 'a dog slept on the rug.', state.similarity, (x, y) => void compare(x, y));
  if (state.view === 'ambiguity') return renderAmbiguity(root, state.ambiguity, state.ambiguityResult, state.ambiguityError, (i) => void runAmbiguity(i));
  if (!a || !m) {
    root.replaceChildren(h('div', { class: 'card empty' }, m ? 'Type a sentence above.' : 'Loading the model…'));
    return;
  }
  switch (state.view) {
    case 'tokens':
      return renderTokens(root, a, state.selected, (i) => ((state.selected = state.selected === i ? null : i), render()), { mask: maskToken }, m.maskToken);
    case 'attention':
      return renderAttention(root, a, state.attention, (next) => {
        const before = JSON.stringify(state.attention);
        Object.assign(state.attention, next);
        if (JSON.stringify(state.attention) !== before) render();
      });
    case 'grid':
      return renderGrid(root, a, state.attention, (layer, head) => {
        state.attention = { layer, head, focus: null };
        setView('attention');
      });
    case 'fill-mask':
      return renderFillMask(root, a, m.maskToken, m.hasMlm);
    case 'explain':
      return renderExplain(root, a.explain);
  }
}

function setView(v: View): void {
  state.view = v;
  const url = new URL(location.href);
  url.searchParams.set('view', v);
  history.replaceState(null, '', url);
  render();
  if (v === 'similarity' && !state.similarity && state.model) void compare(state.simA || textValue(), state.simB || $<HTMLInputElement>('pair').value || 'a dog slept on the rug.');
  if (v === 'ambiguity' && !state.ambiguityResult && state.model) void runAmbiguity(state.ambiguity);
}

// ---------------------------------------------------------------- input
let timer = 0;
function onType(): void {
  clearTimeout(timer);
  timer = window.setTimeout(() => void analyze(), 180);
}

function onKey(e: KeyboardEvent): void {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
  if (typing) {
    if (e.key === 'Escape') (e.target as HTMLElement).blur();
    return;
  }
  if (e.key >= '1' && e.key <= String(VIEWS.length)) return setView(VIEWS[Number(e.key) - 1]);
  if (e.key === '/') {
    e.preventDefault();
    $<HTMLInputElement>('text').focus();
    return;
  }
  const m = state.model;
  if (!m || (state.view !== 'attention' && state.view !== 'grid')) return;
  const at = state.attention;
  const moves: Record<string, () => void> = {
    ArrowLeft: () => (at.head = (at.head + m.heads - 1) % m.heads),
    ArrowRight: () => (at.head = (at.head + 1) % m.heads),
    ArrowUp: () => (at.layer = (at.layer + m.layers - 1) % m.layers),
    ArrowDown: () => (at.layer = (at.layer + 1) % m.layers),
  };
  if (moves[e.key]) {
    e.preventDefault();
    moves[e.key]();
    render();
  }
}

async function start(): Promise<void> {
  $<HTMLInputElement>('text').value = params.get('text') ?? 'the cat sat on the [MASK].';
  if (params.get('pair')) $<HTMLInputElement>('pair').value = params.get('pair')!;
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('.tabs button'))) b.addEventListener('click', () => setView(b.dataset.view as View));
  $('text').addEventListener('input', onType);
  $('pair').addEventListener('input', onType);
  document.addEventListener('keydown', onKey);
  render();

  const select = $<HTMLSelectElement>('model-select');
  const offered = await offeredModels();
  const sentence = offered.find((o) => o.sentence);
  if (sentence) state.sentenceModel = { url: new URL(sentence.url, location.href).href, name: sentence.name };
  select.replaceChildren(...offered.map((o) => h('option', { value: o.url }, o.label ?? o.name)));
  if (offered.length === 0) select.append(h('option', { value: '' }, '(none offered: open a folder or give a URL)'));
  select.addEventListener('change', () => {
    const o = offered.find((x) => x.url === select.value);
    if (o) void load({ url: o.url, name: o.name });
  });
  $<HTMLInputElement>('model-files').addEventListener('change', (e) => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    if (files.length === 0) return;
    const folder = files[0].webkitRelativePath.split('/')[0];
    void load({ files, name: folder ? `${folder} (picked folder)` : 'picked files' });
  });
  $('url-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const url = $<HTMLInputElement>('model-url').value.trim();
    if (url) void load({ url, name: url });
  });

  const wanted = params.get('model');
  const first = offered.find((o) => o.name === wanted) ?? offered.find((o) => o.default) ?? offered[0];
  if (wanted && !offered.some((o) => o.name === wanted) && /^(https?:|\/|\.)/.test(wanted)) {
    // a link can name any site's model: the page asks before fetching from another origin
    if (sameOrigin(wanted) || window.confirm(`Load the model at ${wanted}? It is on another site (${originOf(wanted)}), and its files will be downloaded into this page.`)) {
      return load({ url: wanted, name: wanted });
    }
    setStatus(`not loaded: ${wanted} (another site)`);
  }
  if (first) {
    select.value = first.url;
    await load({ url: first.url, name: first.name });
  } else {
    setStatus('no model offered: open a model folder or give a URL');
    document.body.dataset.state = 'loaded';
  }
}

/** The origin a model URL from the address bar points at ('null' when it cannot be read). */
function originOf(url: string): string {
  try {
    return new URL(url, location.href).origin;
  } catch {
    return 'null';
  }
}

function sameOrigin(url: string): boolean {
  return originOf(url) === location.origin;
}

void start();

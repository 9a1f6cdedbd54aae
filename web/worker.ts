// The model's Web Worker: loads a model and answers the page's requests, so
// the page stays responsive while BERT computes.
import { BertTsError } from '../src/errors.ts';
import { getBackend, setBackend } from '../src/runtime/backend.ts';
import { explain, topK } from '../src/explain/explain.ts';
import { tokenReasons } from '../src/explain/token-reasons.ts';
import { ambiguityDemo } from '../src/word-vectors/ambiguity.ts';
import { cosine } from '../src/word-vectors/nearest.ts';
import type { BertModel } from '../src/bert/model.ts';
import type { BertTokenizer } from '../src/tokenizer/bert-tokenizer.ts';
import { loadPipeline, modelFiles } from '../src/load/browser.ts';
import type { BertPipeline } from '../src/pipelines/bert-pipeline.ts';
import type { Analysis, ModelSummary, Reply, Request, SentenceModelRef, Similarity } from './protocol.ts';

/** the worker's global scope, typed for what this file uses (the DOM lib has no worker types) */
const scope = self as unknown as {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<Request>) => void) | null;
};

let loaded: { model: BertModel; tokenizer: BertTokenizer } | null = null;

function need(): { model: BertModel; tokenizer: BertTokenizer } {
  if (!loaded) throw new BertTsError('no model is loaded yet', 'choose a model first');
  return loaded;
}

function maxLength(model: BertModel, tokenizer: BertTokenizer): number {
  return Math.min(tokenizer.modelMaxLength, model.config.maxPositionEmbeddings);
}

async function load(req: Extract<Request, { kind: 'load' }>): Promise<ModelSummary> {
  const t0 = performance.now();
  try {
    setBackend('auto');
  } catch {
    setBackend('js');
  }
  const source = 'url' in req.source ? req.source.url : req.source.files;
  const files = await modelFiles(source);
  const { model, tokenizer } = await loadPipeline(files, {
    onProgress: (p) => {
      if (p.status !== 'progress') return;
      const of = p.total ? ` ${Math.round((100 * p.loaded) / p.total)}%` : '';
      scope.postMessage({ id: req.id, progress: `loading ${p.file}${of}…` } satisfies Reply);
    },
  });
  const where = files.where;
  loaded = { model, tokenizer };
  const c = model.config;
  return {
    name: req.source.name ?? where,
    layers: c.numHiddenLayers,
    hidden: c.hiddenSize,
    heads: c.numAttentionHeads,
    vocab: c.vocabSize,
    maxLength: maxLength(model, tokenizer),
    hasMlm: model.hasMlmHead,
    hasPooler: model.hasPooler,
    maskToken: tokenizer.maskToken,
    backend: getBackend(),
    loadMs: performance.now() - t0,
  };
}

function analyze(text: string, pair: string | undefined): { result: Analysis; transfer: Transferable[] } {
  const { model, tokenizer } = need();
  const t0 = performance.now();
  const enc = tokenizer.encode(text, pair, { truncation: true, maxLength: maxLength(model, tokenizer) });
  const masks = enc.inputIds.flatMap((id, s) => (id === tokenizer.maskTokenId ? [s] : []));
  const out = model.forward(
    { inputIds: [enc.inputIds], attentionMask: [enc.attentionMask], tokenTypeIds: [enc.tokenTypeIds] },
    { outputAttentions: true, ...(masks.length > 0 && model.hasMlmHead ? { mlm: { positions: masks.map((s) => [0, s] as const) } } : {}) },
  );
  const V = model.config.vocabSize;
  const fillMask = out.mlmLogits
    ? masks.map((position, n) => ({
        position,
        top: topK(out.mlmLogits!.data.subarray(n * V, (n + 1) * V), 10).map((t) => ({ ...t, token: tokenizer.idToToken(t.id) ?? `[id ${t.id}]` })),
      }))
    : [];
  const attentions = out.attentions!.data; // [L, 1, A, S, S]
  const result: Analysis = {
    text,
    ...(pair !== undefined ? { pair } : {}),
    tokens: tokenReasons(tokenizer, enc, text, pair),
    attentions,
    L: model.config.numHiddenLayers,
    A: model.config.numAttentionHeads,
    S: enc.inputIds.length,
    fillMask,
    explain: explain(model, tokenizer, text, { pair }),
    ms: performance.now() - t0,
  };
  if (result.explain.truncated) result.truncated = result.explain.truncated;
  return { result, transfer: [attentions.buffer] };
}

/** The sentence-embedding model of the similarity view, loaded once per URL (besides the page's chosen model). */
let sentenceModel: { url: string; nlp: BertPipeline } | null = null;

async function loadSentenceModel(ref: SentenceModelRef): Promise<BertPipeline> {
  if (sentenceModel?.url === ref.url) return sentenceModel.nlp;
  // a pipeline reads modules.json, the Pooling config and sentence_bert_config.json: embed() pools as they say
  const nlp = await loadPipeline(ref.url);
  sentenceModel?.nlp.model.dispose();
  sentenceModel = { url: ref.url, nlp };
  return nlp;
}

/** Cosine of two texts' sentence embeddings (embed() with the model's own pooling and normalisation). */
function sentenceCosine(nlp: BertPipeline, a: string, b: string): number {
  const [x, y] = nlp.embed([a, b]);
  return cosine(Float32Array.from(x), Float32Array.from(y));
}

async function similarity(a: string, b: string, ref: SentenceModelRef | undefined): Promise<Similarity> {
  const sentence = ref ? await loadSentenceModel(ref) : null;
  const { model, tokenizer } = need();
  const H = model.config.hiddenSize;
  const limit = maxLength(model, tokenizer);
  // only an encoding that fills the limit can have been cut: count the whole text then
  const cut = (e: { inputIds: number[] }, text: string): number | undefined => {
    const whole = e.inputIds.length < limit ? 0 : tokenizer.encode(text).inputIds.length;
    return whole > limit ? whole : undefined;
  };
  const run = (text: string) => {
    const e = tokenizer.encode(text, undefined, { truncation: true, maxLength: limit });
    const h = model.forward({ inputIds: [e.inputIds], attentionMask: [e.attentionMask], tokenTypeIds: [e.tokenTypeIds] }).lastHiddenState.data;
    const mean = new Float32Array(H);
    let n = 0;
    e.specialTokensMask.forEach((special, s) => {
      if (special) return;
      n++;
      for (let i = 0; i < H; i++) mean[i] += h[s * H + i];
    });
    for (let i = 0; i < H; i++) mean[i] /= Math.max(1, n);
    return { tokens: e.tokens, h, mean, S: e.tokens.length, cut: cut(e, text) };
  };
  const x = run(a);
  const y = run(b);
  const tokenCosines = new Float32Array(x.S * y.S);
  for (let i = 0; i < x.S; i++) for (let j = 0; j < y.S; j++) tokenCosines[i * y.S + j] = cosine(x.h.subarray(i * H, (i + 1) * H), y.h.subarray(j * H, (j + 1) * H));
  const truncated = x.cut || y.cut ? { ...(x.cut ? { a: x.cut } : {}), ...(y.cut ? { b: y.cut } : {}), limit } : undefined;
  const out: Similarity = { a, b, tokensA: x.tokens, tokensB: y.tokens, meanCosine: cosine(x.mean, y.mean), clsCosine: cosine(x.h.subarray(0, H), y.h.subarray(0, H)), tokenCosines, ...(truncated ? { truncated } : {}) };
  if (sentence && ref) out.sentence = { name: ref.name, pooling: sentence.embedDefaults?.pooling ?? 'mean', cosine: sentenceCosine(sentence, a, b) };
  return out;
}

scope.onmessage = async (ev: MessageEvent<Request>) => {
  const req = ev.data;
  try {
    switch (req.kind) {
      case 'load':
        scope.postMessage({ id: req.id, ok: true, kind: 'load', result: await load(req) } satisfies Reply);
        break;
      case 'analyze': {
        const { result, transfer } = analyze(req.text, req.pair);
        scope.postMessage({ id: req.id, ok: true, kind: 'analyze', result } satisfies Reply, transfer);
        break;
      }
      case 'similarity':
        scope.postMessage({ id: req.id, ok: true, kind: 'similarity', result: await similarity(req.a, req.b, req.sentenceModel) } satisfies Reply);
        break;
      case 'ambiguity': {
        const { model, tokenizer } = need();
        const result = ambiguityDemo(model, tokenizer, { word: req.word, sentences: req.sentences, contexts: req.contexts, k: 8 });
        scope.postMessage({ id: req.id, ok: true, kind: 'ambiguity', result } satisfies Reply);
        break;
      }
    }
  } catch (e) {
    const err = e as Error & { hint?: string };
    scope.postMessage({ id: req.id, ok: false, error: err.message, ...(err instanceof BertTsError && err.hint ? { hint: err.hint } : {}) } satisfies Reply);
  }
};

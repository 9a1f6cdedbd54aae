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
import { loadModel } from '../src/browser/load-model.ts';
import { readJson } from '../src/browser/model-files.ts';
import { pool } from '../src/pipelines/embed.ts';
import { sentenceTransformersDefaults, type EmbedDefaults } from '../src/pipelines/sentence-transformers.ts';
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
  const { model, tokenizer, files } = await loadModel(source, {
    onProgress: (p) => {
      if (p.done) return;
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
  return { result, transfer: [attentions.buffer] };
}

/** The sentence-embedding model of the similarity view, loaded once per URL (besides the page's chosen model). */
let sentenceModel: { url: string; model: BertModel; tokenizer: BertTokenizer; defaults: EmbedDefaults } | null = null;

async function loadSentenceModel(ref: SentenceModelRef) {
  if (sentenceModel?.url === ref.url) return sentenceModel;
  const { model, tokenizer, files } = await loadModel(ref.url);
  // modules.json, the Pooling config and sentence_bert_config.json, read ahead for the synchronous parser
  const json = new Map<string, unknown>();
  const read = async (path: string) => json.set(path, await readJson(files, path));
  await read('modules.json');
  const modules = json.get('modules.json');
  const poolingPath = Array.isArray(modules) ? (modules.find((m) => typeof m?.type === 'string' && m.type.endsWith('.Pooling')) as { path?: string } | undefined)?.path : undefined;
  await Promise.all([read(`${poolingPath ? poolingPath + '/' : ''}config.json`), read('sentence_bert_config.json')]);
  const defaults = sentenceTransformersDefaults((p) => json.get(p)) ?? { pooling: 'mean', normalize: false };
  sentenceModel?.model.dispose();
  sentenceModel = { url: ref.url, model, tokenizer, defaults };
  return sentenceModel;
}

/** Cosine of two texts' sentence embeddings, pooled as the model's modules.json says (as embed() pools). */
function sentenceCosine(s: NonNullable<typeof sentenceModel>, a: string, b: string): number {
  const { model, tokenizer, defaults } = s;
  const H = model.config.hiddenSize;
  const vec = (text: string) => {
    const limit = Math.min(maxLength(model, tokenizer), defaults.maxSeqLength ?? Infinity);
    const e = tokenizer.encode(defaults.doLowerCase ? text.toLowerCase() : text, undefined, { truncation: true, maxLength: limit });
    const h = model.forward({ inputIds: [e.inputIds], attentionMask: [e.attentionMask], tokenTypeIds: [e.tokenTypeIds] }).lastHiddenState.data;
    return pool(h, e.attentionMask, 0, e.inputIds.length, H, defaults.pooling);
  };
  return cosine(Float32Array.from(vec(a)), Float32Array.from(vec(b)));
}

async function similarity(a: string, b: string, ref: SentenceModelRef | undefined): Promise<Similarity> {
  const sentence = ref ? await loadSentenceModel(ref) : null;
  const { model, tokenizer } = need();
  const H = model.config.hiddenSize;
  const run = (text: string) => {
    const e = tokenizer.encode(text, undefined, { truncation: true, maxLength: maxLength(model, tokenizer) });
    const h = model.forward({ inputIds: [e.inputIds], attentionMask: [e.attentionMask], tokenTypeIds: [e.tokenTypeIds] }).lastHiddenState.data;
    const mean = new Float32Array(H);
    let n = 0;
    e.specialTokensMask.forEach((special, s) => {
      if (special) return;
      n++;
      for (let i = 0; i < H; i++) mean[i] += h[s * H + i];
    });
    for (let i = 0; i < H; i++) mean[i] /= Math.max(1, n);
    return { tokens: e.tokens, h, mean, S: e.tokens.length };
  };
  const x = run(a);
  const y = run(b);
  const tokenCosines = new Float32Array(x.S * y.S);
  for (let i = 0; i < x.S; i++) for (let j = 0; j < y.S; j++) tokenCosines[i * y.S + j] = cosine(x.h.subarray(i * H, (i + 1) * H), y.h.subarray(j * H, (j + 1) * H));
  const out: Similarity = { a, b, tokensA: x.tokens, tokensB: y.tokens, meanCosine: cosine(x.mean, y.mean), clsCosine: cosine(x.h.subarray(0, H), y.h.subarray(0, H)), tokenCosines };
  if (sentence && ref) out.sentence = { name: ref.name, pooling: sentence.defaults.pooling, cosine: sentenceCosine(sentence, a, b) };
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

/**
 * The journey of one input through BERT, step by step, as data: the tokens
 * and why, the embeddings, each encoder layer (shapes, statistics, what each
 * head attends to), the pooler, and the masked-LM prediction at each [MASK].
 * Every step carries the formula it computes and the file and function that
 * compute it (code-refs.ts).
 *
 * It looks inside the model only through the forward pass's `probe` hook: the
 * same forward pass every caller runs, no second copy of it.
 */
import { BertTsError } from '../errors.ts';
import type { BertModel } from '../bert/model.ts';
import type { Tensor } from '../tensor/tensor.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { CODE, type CodeRef } from './code-refs.ts';
import { statistics, type Statistics } from './statistics.ts';
import { tokenReasons, type TokenInfo } from './token-reasons.ts';

export interface ExplainOptions {
  /** a second text: the input is [CLS] text [SEP] pair [SEP] */
  pair?: string;
  /** only this layer in detail (others still run) */
  layer?: number;
  /** only this token's attention (a position, or a token's text: its first occurrence) */
  token?: number | string;
  /** how many MLM predictions per [MASK] (default 5) */
  top?: number;
}

interface StepBase {
  title: string;
  formula: string;
  code: CodeRef[];
}

export interface TokensStep extends StepBase {
  kind: 'tokens';
  tokens: TokenInfo[];
}

export interface EmbeddingsStep extends StepBase {
  kind: 'embeddings';
  /** [B, S, H] */
  shape: number[];
  /** word + position + token type, before LayerNorm */
  sum: Statistics;
  /** after LayerNorm */
  normalized: Statistics;
}

export interface HeadAttention {
  head: number;
  /** for each query token (or the chosen one): the key token it attends to most */
  top: { from: number; to: number; p: number }[];
}

export interface LayerStep extends StepBase {
  kind: 'layer';
  layer: number;
  shapes: {
    /** query, key, value: [B, S, H] */
    qkv: number[];
    /** the same split per head: [B, A, S, D] */
    perHead: number[];
    /** attention probabilities [B, A, S, S] */
    probs: number[];
    /** intermediate (feed-forward) [B, S, I] */
    intermediate: number[];
    /** the layer's output [B, S, H] */
    output: number[];
  };
  /** the attention block's output, LN(x + attention) */
  attentionOutput: Statistics;
  /** the layer's output */
  output: Statistics;
  /** mean entropy of the attention rows, per head (in nats; 0 = all on one token) */
  entropy: number[];
  heads: HeadAttention[];
}

export interface PoolerStep extends StepBase {
  kind: 'pooler';
  shape: number[];
  pooled: Statistics;
}

export interface MlmStep extends StepBase {
  kind: 'mlm';
  /** one entry per [MASK] in the input */
  masks: { position: number; top: { token: string; id: number; p: number }[] }[];
  /** why there is nothing to show, when there is not */
  note?: string;
}

export interface NspStep extends StepBase {
  kind: 'nsp';
  /** P(the pair text follows the first), softmax of the two logits */
  isNext: number;
}

export interface ClassifierStep extends StepBase {
  kind: 'classifier';
  /** every label with its probability, most probable first */
  labels: { label: string; p: number }[];
}

export type ExplainStep = TokensStep | EmbeddingsStep | LayerStep | PoolerStep | MlmStep | NspStep | ClassifierStep;

export interface ExplainResult {
  text: string;
  pair?: string;
  config: { layers: number; hidden: number; heads: number; headSize: number; intermediate: number; vocab: number; activation: string };
  /** the token whose attention is shown, when one was chosen */
  focus?: number;
  /** present when the input had more tokens than the model takes: it was cut to `limit` */
  truncated?: { tokens: number; limit: number };
  steps: ExplainStep[];
}

export function explain(model: BertModel, tokenizer: BertTokenizer, text: string, options: ExplainOptions = {}): ExplainResult {
  const c = model.config;
  const { numHiddenLayers: L, hiddenSize: H, numAttentionHeads: A, headSize: D, intermediateSize: I } = c;
  if (options.layer !== undefined && (!Number.isInteger(options.layer) || options.layer < 0 || options.layer >= L)) {
    throw new BertTsError(`explain: layer ${options.layer} does not exist: the model has layers 0…${L - 1}`);
  }
  if (options.pair !== undefined && c.typeVocabSize < 2) {
    throw new BertTsError(`explain: this model has ${c.typeVocabSize} token type (type_vocab_size), so it takes no pair of texts`, 'leave out the pair');
  }
  const limit = Math.min(tokenizer.modelMaxLength, c.maxPositionEmbeddings);
  const enc = tokenizer.encode(text, options.pair, { truncation: true, maxLength: limit });
  const S = enc.inputIds.length;
  // only an encoding that fills the limit can have been cut: count the whole input then
  const whole = S < limit ? S : tokenizer.encode(text, options.pair).inputIds.length;
  const focus = focusPosition(enc.tokens, options.token);
  const masks = enc.inputIds.flatMap((id, s) => (id === tokenizer.maskTokenId ? [s] : []));

  // What the probe records: statistics at once, and each layer's attention probabilities [A, S, S].
  const seen = new Map<string, Statistics>();
  const probs: Float32Array[] = [];
  const probe = (name: string, t: Tensor) => {
    const m = /^encoder\.layer\.(\d+)\.attention\.self\.probs$/.exec(name);
    if (m) probs[Number(m[1])] = t.data.slice(0, A * S * S);
    else if (name === 'embeddings.sum' || name === 'embeddings' || name === 'pooler' || /\.(attention\.output|output)$/.test(name)) {
      seen.set(name, statistics(t.data, t.shape[t.shape.length - 1]));
    }
  };
  const wantMlm = masks.length > 0 && model.hasMlmHead;
  const wantNsp = options.pair !== undefined && model.hasNspHead;
  // a sequence classifier (softmax over its labels; multi-label and regression heads are not shown)
  const wantClassifier = model.taskHead === 'sequence-classification' && model.hasPooler && (model.labels.problemType ?? 'single_label_classification') === 'single_label_classification';
  const out = model.forward(
    { inputIds: [enc.inputIds], attentionMask: [enc.attentionMask], tokenTypeIds: [enc.tokenTypeIds] },
    { probe, ...(wantMlm ? { mlm: { positions: masks.map((s) => [0, s] as const) } } : {}), ...(wantNsp ? { nsp: true } : {}), ...(wantClassifier ? { taskHead: true } : {}) },
  );
  const stat = (name: string): Statistics => {
    const s = seen.get(name);
    if (!s) throw new BertTsError(`explain: the forward pass reported no '${name}'`, 'the probe hook of BertModel.forward must name every step (docs/walkthrough)');
    return s;
  };

  const steps: ExplainStep[] = [];
  steps.push({
    kind: 'tokens',
    title: 'Tokens',
    formula: options.pair === undefined ? 'normalize → split words → WordPiece → [CLS] text [SEP]' : 'normalize → split words → WordPiece → [CLS] text [SEP] pair [SEP]',
    code: [CODE.encode, CODE.normalize, CODE.preTokenize, CODE.wordPiece],
    tokens: tokenReasons(tokenizer, enc, text, options.pair),
  });
  steps.push({
    kind: 'embeddings',
    title: 'Embeddings',
    formula: 'x = LayerNorm(word[id] + position[s] + type[t])',
    code: [CODE.embeddings, CODE.embeddingSum, CODE.layerNorm],
    shape: [1, S, H],
    sum: stat('embeddings.sum'),
    normalized: stat('embeddings'),
  });
  for (let l = 0; l < L; l++) {
    if (options.layer !== undefined && options.layer !== l) continue;
    const p = probs[l];
    if (!p) throw new BertTsError(`explain: the forward pass reported no attention probabilities for layer ${l}`);
    steps.push({
      kind: 'layer',
      layer: l,
      title: `Encoder layer ${l}`,
      formula: 'a = LN(x + softmax(QKᵀ/√d + mask)·V·Wₒ); x = LN(a + W₂·act(W₁·a))',
      code: [CODE.layer, CODE.kernels, CODE.linear, CODE.attention, CODE.softmax, CODE.addLayerNorm, CODE.activation],
      shapes: { qkv: [1, S, H], perHead: [1, A, S, D], probs: [1, A, S, S], intermediate: [1, S, I], output: [1, S, H] },
      attentionOutput: stat(`encoder.layer.${l}.attention.output`),
      output: stat(`encoder.layer.${l}.output`),
      entropy: headEntropy(p, A, S, enc.attentionMask),
      heads: headTops(p, A, S, enc.attentionMask, focus),
    });
  }
  if (model.hasPooler) {
    steps.push({ kind: 'pooler', title: 'Pooler', formula: 'p = tanh(W·h[CLS] + b)', code: [CODE.pooler], shape: [1, H], pooled: stat('pooler') });
  }
  const mlm: MlmStep = { kind: 'mlm', title: 'Masked-LM head', formula: 'P(y) = softmax(W·h + b), h = LN(act(Wₜ·x + bₜ))', code: [CODE.mlm], masks: [] };
  if (!model.hasMlmHead) mlm.note = 'this checkpoint has no masked-LM head (cls.predictions)';
  else if (masks.length === 0) mlm.note = `no ${tokenizer.maskToken} in the input: write ${tokenizer.maskToken} where a word should be predicted`;
  else {
    const V = c.vocabSize;
    const logits = out.mlmLogits!.data;
    mlm.masks = masks.map((s, n) => ({ position: s, top: topK(logits.subarray(n * V, (n + 1) * V), options.top ?? 5).map((t) => ({ ...t, token: tokenizer.idToToken(t.id) ?? `[id ${t.id}]` })) }));
  }
  steps.push(mlm);
  if (wantNsp) {
    const [a, b] = out.nspLogits!.data;
    const m = Math.max(a, b);
    steps.push({ kind: 'nsp', title: 'Next-sentence head', formula: 'P(IsNext) = softmax(Wₙ·p + bₙ)₀', code: [CODE.nsp], isNext: Math.exp(a - m) / (Math.exp(a - m) + Math.exp(b - m)) });
  }
  if (wantClassifier && out.logits) {
    const p = topK(out.logits.data, out.logits.data.length);
    steps.push({
      kind: 'classifier',
      title: 'Classifier head',
      formula: 'P(label) = softmax(W·p + b)',
      code: [CODE.classifier],
      labels: p.map((x) => ({ label: model.labels.id2label[x.id] ?? `LABEL_${x.id}`, p: x.p })),
    });
  }
  return {
    text,
    ...(options.pair !== undefined ? { pair: options.pair } : {}),
    config: { layers: L, hidden: H, heads: A, headSize: D, intermediate: I, vocab: c.vocabSize, activation: c.hiddenAct },
    ...(focus !== undefined ? { focus } : {}),
    ...(whole > S ? { truncated: { tokens: whole, limit } } : {}),
    steps,
  };
}

function focusPosition(tokens: string[], token: number | string | undefined): number | undefined {
  if (token === undefined) return undefined;
  if (typeof token === 'number') {
    if (!Number.isInteger(token) || token < 0 || token >= tokens.length) throw new BertTsError(`explain: token position ${token} is outside 0…${tokens.length - 1}`);
    return token;
  }
  const i = tokens.indexOf(token);
  if (i < 0) throw new BertTsError(`explain: no token '${token}' in the input`, `the tokens are: ${tokens.join(' ')}`);
  return i;
}

/** For each head and query row (all real tokens, or the focus): the key with the highest probability. */
function headTops(p: Float32Array, A: number, S: number, mask: number[], focus: number | undefined): HeadAttention[] {
  const rows = focus !== undefined ? [focus] : mask.flatMap((m, i) => (m ? [i] : []));
  const heads: HeadAttention[] = [];
  for (let h = 0; h < A; h++) {
    heads.push({
      head: h,
      top: rows.map((i) => {
        const o = (h * S + i) * S;
        let best = 0;
        for (let j = 1; j < S; j++) if (p[o + j] > p[o + best]) best = j;
        return { from: i, to: best, p: p[o + best] };
      }),
    });
  }
  return heads;
}

function headEntropy(p: Float32Array, A: number, S: number, mask: number[]): number[] {
  const rows = mask.flatMap((m, i) => (m ? [i] : []));
  return Array.from({ length: A }, (_, h) => {
    let e = 0;
    for (const i of rows) {
      for (let j = 0; j < S; j++) {
        const v = p[(h * S + i) * S + j];
        if (v > 0) e -= v * Math.log(v);
      }
    }
    return e / rows.length;
  });
}

/** The k most probable ids of softmax(logits), best first (float64 softmax). */
export function topK(logits: ArrayLike<number>, k: number): { id: number; p: number }[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += Math.exp(logits[i] - max);
  const best: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (best.length === k && logits[i] <= logits[best[k - 1]]) continue;
    let j = Math.min(best.length, k - 1);
    while (j > 0 && logits[best[j - 1]] < logits[i]) j--;
    best.splice(j, 0, i);
    if (best.length > k) best.pop();
  }
  return best.map((id) => ({ id, p: Math.exp(logits[id] - max) / z }));
}

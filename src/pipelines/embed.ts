/**
 * Sentence embeddings: the encoder's last hidden state pooled over each text's
 * tokens, as sentence-transformers' Pooling and Normalize modules compute them
 * (sentence_transformers/models/Pooling.py, Normalize.py):
 *   mean  Σ_s mask·h / max(Σ_s mask, 1e-9)   padding never enters the mean
 *   cls   h[:, 0]
 *   max   max_s h with padded positions set to −1e9 first
 *   normalize  x / max(‖x‖₂, 1e-12)   (torch.nn.functional.normalize)
 * Defaults come from a sentence-transformers folder when the context has them.
 */
import { BertTsError } from '../errors.ts';
import { checkOptions } from '../options.ts';
import { inBatches } from './batching.ts';
import { toModelInput } from './model-input.ts';
import { encodeAll, markTruncated, maxTokens, textList, type MaybeTruncated, type PipelineContext, type TruncationOptions } from './pipeline.ts';
import type { Pooling } from './sentence-transformers.ts';

export interface EmbedOptions extends TruncationOptions {
  pooling?: Pooling;
  normalize?: boolean;
  /** texts per forward pass (default 32, sentence-transformers' default) */
  batchSize?: number;
}

export const EMBED_OPTIONS = ['pooling', 'normalize', 'batchSize', 'onTruncate'] as const;

/** One text's vector. */
export type Embedding = MaybeTruncated<number[]>;

export function embed(p: PipelineContext, text: string, options?: EmbedOptions): Embedding;
export function embed(p: PipelineContext, texts: string[], options?: EmbedOptions): Embedding[];
export function embed(p: PipelineContext, input: string | string[], options: EmbedOptions = {}): Embedding | Embedding[] {
  checkOptions('embed', options, EMBED_OPTIONS);
  const texts = textList('embed', input);
  const d = p.embedDefaults;
  const pooling = options.pooling ?? d?.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'cls' && pooling !== 'max') throw new BertTsError(`embed: pooling must be mean, cls or max, got '${String(pooling)}'`);
  const normalize = options.normalize ?? d?.normalize ?? false;
  const maxLength = Math.min(maxTokens(p), d?.maxSeqLength ?? Infinity);
  const { model, tokenizer } = p;
  const H = model.config.hiddenSize;
  const { encodings, cut } = encodeAll(p, texts.map((t) => [d?.doLowerCase ? t.toLowerCase() : t, undefined] as const), maxLength, options.onTruncate);
  const vectors = inBatches(encodings.map((e, i) => ({ e, i })), (x) => x.e.inputIds.length, options.batchSize ?? 32, (batch) => {
    const input = toModelInput(batch.map((x) => x.e), Math.max(tokenizer.padTokenId, 0));
    const h = model.forward(input).lastHiddenState.data; // [B, S, H]
    const S = input.inputIds[0].length;
    return batch.map(({ i }, b) => {
      const v = pool(h, input.attentionMask[b], b, S, H, pooling);
      const out = normalize ? normalized(v) : v;
      return cut[i] ? markTruncated(out) : out;
    });
  });
  return Array.isArray(input) ? vectors : vectors[0];
}

/** One row b of hidden [B, S, H] pooled over the positions whose mask is 1. */
export function pool(h: Float32Array, mask: readonly number[], b: number, S: number, H: number, pooling: Pooling): number[] {
  const base = b * S * H;
  if (pooling === 'cls') return Array.from(h.subarray(base, base + H));
  const out = new Array<number>(H).fill(pooling === 'max' ? -Infinity : 0);
  let count = 0;
  for (let s = 0; s < S; s++) {
    const row = base + s * H;
    if (pooling === 'max') {
      for (let i = 0; i < H; i++) out[i] = Math.max(out[i], mask[s] ? h[row + i] : -1e9);
    } else if (mask[s]) {
      count++;
      for (let i = 0; i < H; i++) out[i] += h[row + i];
    }
  }
  if (pooling === 'mean') {
    const n = Math.max(count, 1e-9);
    for (let i = 0; i < H; i++) out[i] = Math.fround(out[i] / n);
  }
  return out;
}

/** x / max(‖x‖₂, 1e-12) */
export function normalized(v: number[]): number[] {
  const norm = Math.max(Math.sqrt(v.reduce((a, x) => a + x * x, 0)), 1e-12);
  return v.map((x) => Math.fround(x / norm));
}

/** cos(a, b) = a·b / (‖a‖ ‖b‖); 0 when either is the zero vector. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new BertTsError(`cosineSimilarity: vectors of length ${a.length} and ${b.length}`);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Next-sentence prediction: P(b follows a) = softmax(nsp_logits)[0]
 * (BertForNextSentencePrediction: label 0 means "sentence B continues A").
 */
import { BertTsError } from '../errors.ts';
import { inBatches, DEFAULT_BATCH_SIZE } from './batching.ts';
import { toModelInput } from './model-input.ts';
import { checkOptions } from '../options.ts';
import { encodeAll, maxTokens, type PipelineContext, type TruncationOptions } from './pipeline.ts';
import { softmax } from './scores.ts';

export type NextSentenceOptions = TruncationOptions;
export const NEXT_SENTENCE_OPTIONS = ['onTruncate'] as const;

/**
 * A probability is a number, with no room for a `truncated` field: a pair longer
 * than the model's limit is cut (longest first, as transformers) and reported to onTruncate.
 */
export function nextSentence(p: PipelineContext, a: string, b: string, options?: NextSentenceOptions): number;
export function nextSentence(p: PipelineContext, pairs: [string, string][], options?: NextSentenceOptions): number[];
export function nextSentence(p: PipelineContext, a: string | [string, string][], b?: string | NextSentenceOptions, options?: NextSentenceOptions): number | number[] {
  const pairs: [string, string][] = typeof a === 'string' ? [[a, b as string]] : a;
  const opts = typeof a === 'string' ? options : (b as NextSentenceOptions | undefined);
  checkOptions('nextSentence', opts, NEXT_SENTENCE_OPTIONS);
  if (!Array.isArray(pairs) || pairs.length === 0 || !pairs.every((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string')) {
    throw new BertTsError('nextSentence: expected two strings, or an array of [a, b] pairs');
  }
  const { model, tokenizer } = p;
  if (!model.hasNspHead) throw new BertTsError(`nextSentence: the model (${model.architecture}) has no next-sentence head (cls.seq_relationship + pooler)`, 'use a BertForPreTraining or BertForNextSentencePrediction checkpoint');
  const { encodings } = encodeAll(p, pairs, maxTokens(p), opts?.onTruncate);
  const out = inBatches(encodings, (e) => e.inputIds.length, DEFAULT_BATCH_SIZE, (batch) => {
    const logits = model.forward(toModelInput(batch, Math.max(tokenizer.padTokenId, 0)), { nsp: true }).nspLogits!.data; // [B, 2]
    return batch.map((_, i) => softmax(logits.subarray(2 * i, 2 * i + 2))[0]);
  });
  return typeof a === 'string' ? out[0] : out;
}

/**
 * fill-mask: the most likely tokens at each [MASK], as transformers'
 * FillMaskPipeline returns them (pipelines/fill_mask.py).
 *
 * Rules mirrored, each from fill_mask.py:
 * - FillMaskPipeline.postprocess: probs = softmax(logits at the mask) over the
 *   WHOLE vocabulary; with targets, those probabilities are then restricted to
 *   the target ids (not renormalised) and top_k is capped at their number.
 * - postprocess: one list of candidates per mask; a single mask gives that list
 *   alone, several masks a list of lists.
 * - postprocess: `sequence` is the input ids with this mask replaced by the
 *   candidate, pad ids filtered out, decoded with skip_special_tokens only when
 *   there is a single mask (with several, the other [MASK]s stay visible);
 *   `token_str` is decode([token]).
 * - FillMaskPipeline.get_target_ids: a target is looked up in the vocabulary;
 *   if absent, it is tokenized (no special tokens) and its first token used;
 *   targets that give no token are dropped; duplicates removed.
 * - _ensure_exactly_one_mask_token (preprocess): an input without a mask is an error.
 * The vocabulary projection runs only at the mask positions (forward's mlm.positions).
 */
import { BertTsError, quote } from '../errors.ts';
import { checkOptions } from '../options.ts';
import { inBatches, DEFAULT_BATCH_SIZE } from './batching.ts';
import { toModelInput } from './model-input.ts';
import { encodeAll, markTruncated, maxTokens, textList, type MaybeTruncated, type PipelineContext, type TruncationOptions } from './pipeline.ts';
import { softmax, topK as topIndices } from './scores.ts';

/** One candidate, with transformers' field names (FillMaskPipeline: score, token, token_str, sequence). */
export interface FillMaskCandidate {
  score: number;
  token: number;
  token_str: string;
  sequence: string;
}

/** One text's result: the candidates of its mask, or one list per mask when it has several. */
export type FillMaskResult = MaybeTruncated<FillMaskCandidate[]> | MaybeTruncated<FillMaskCandidate[][]>;

/** A text literal with two masks or more (the type of its result is then a list per mask). */
export type MultiMaskText = `${string}[MASK]${string}[MASK]${string}`;
/** A text literal with a mask. */
export type MaskText = `${string}[MASK]${string}`;

export interface FillMaskOptions extends TruncationOptions {
  /** candidates per mask (default 5) */
  topK?: number;
  /** restrict the candidates to these tokens; a target that is not one token is replaced by its first token, with a warning (onWarning, else console.warn) */
  targets?: string | string[];
  batchSize?: number;
  /** where the targets' warnings go (default console.warn) */
  onWarning?: (message: string) => void;
}

export const FILL_MASK_OPTIONS = ['topK', 'targets', 'batchSize', 'onTruncate', 'onWarning'] as const;

export function fillMask(p: PipelineContext, text: MultiMaskText, options?: FillMaskOptions): MaybeTruncated<FillMaskCandidate[][]>;
export function fillMask(p: PipelineContext, text: MaskText, options?: FillMaskOptions): MaybeTruncated<FillMaskCandidate[]>;
export function fillMask(p: PipelineContext, text: string, options?: FillMaskOptions): FillMaskResult;
export function fillMask(p: PipelineContext, texts: string[], options?: FillMaskOptions): FillMaskResult[];
export function fillMask(p: PipelineContext, input: string | string[], options: FillMaskOptions = {}): FillMaskResult | FillMaskResult[] {
  checkOptions('fillMask', options, FILL_MASK_OPTIONS);
  const texts = textList('fillMask', input);
  const { model, tokenizer } = p;
  if (!model.hasMlmHead) throw new BertTsError(`fillMask: the model (${model.architecture}) has no masked-LM head (cls.predictions)`, 'use a BertForMaskedLM or BertForPreTraining checkpoint');
  if (tokenizer.maskTokenId < 0) throw new BertTsError(`fillMask: the vocabulary has no mask token ${JSON.stringify(tokenizer.maskToken)}`);
  let k = options.topK ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new BertTsError(`fillMask: topK must be a whole number ≥ 1, got ${k}`);
  const targetIds = options.targets === undefined ? undefined : targetIdsOf(p, options.targets, options.onWarning ?? ((m) => console.warn(m)));
  if (targetIds) k = Math.min(k, targetIds.length);

  const limit = maxTokens(p);
  const { encodings, cut } = encodeAll(p, texts.map((t) => [t, undefined] as const), limit, options.onTruncate);
  encodings.forEach((e, i) => {
    const masks = e.inputIds.filter((id) => id === tokenizer.maskTokenId).length;
    if (cut[i]) {
      // a mask past the limit would be silently dropped: refuse it, saying so
      const whole = tokenizer.encode(texts[i]).inputIds;
      const all = whole.filter((id) => id === tokenizer.maskTokenId).length;
      if (all > masks) {
        const at = whole.lastIndexOf(tokenizer.maskTokenId);
        throw new BertTsError(
          `fillMask: the ${tokenizer.maskToken} at token ${at + 1} of input ${quote(texts[i], 40)} is past the model's limit of ${limit} tokens (the text has ${whole.length})`,
          `shorten the text so that every ${tokenizer.maskToken} is within the first ${limit - 1} tokens`,
        );
      }
    }
    if (masks === 0) {
      throw new BertTsError(`fillMask: no mask token (${tokenizer.maskToken}) in input ${JSON.stringify(texts[i])}`, `write ${tokenizer.maskToken} where a word is missing`);
    }
  });
  const V = model.config.vocabSize;
  const results: FillMaskResult[] = inBatches(encodings.map((e, i) => ({ e, i })), (x) => x.e.inputIds.length, options.batchSize ?? DEFAULT_BATCH_SIZE, (batch) => {
    const positions: [number, number][] = [];
    batch.forEach(({ e }, b) => e.inputIds.forEach((id, s) => id === tokenizer.maskTokenId && positions.push([b, s])));
    const logits = model.forward(toModelInput(batch.map((x) => x.e), Math.max(tokenizer.padTokenId, 0)), { mlm: { positions } }).mlmLogits!; // [N, V]
    let row = 0;
    return batch.map(({ e, i }) => {
      const ids = e.inputIds;
      const masks = ids.flatMap((id, s) => (id === tokenizer.maskTokenId ? [s] : []));
      const single = masks.length === 1;
      const perMask = masks.map((s) => {
        const probs = softmax(logits.data.subarray(row * V, ++row * V));
        const candidates = targetIds ?? null;
        const scores = candidates ? candidates.map((id) => probs[id]) : probs;
        return topIndices(scores, k).map((j) => {
          const token = candidates ? candidates[j] : j;
          const filled = ids.slice();
          filled[s] = token;
          const kept = filled.filter((id) => id !== tokenizer.padTokenId);
          return {
            score: scores[j],
            token,
            token_str: tokenizer.decode([token]),
            sequence: tokenizer.decode(kept, { skipSpecialTokens: single }),
          };
        });
      });
      const result = single ? perMask[0] : perMask;
      return cut[i] ? markTruncated(result) : result;
    });
  });
  return Array.isArray(input) ? results : results[0];
}

/**
 * fill_mask.py get_target_ids: vocabulary first, else the first token of the
 * target, with the warning Python logs ("The specified target token `X` does not
 * exist in the model vocabulary. Replacing with `Y`."); deduplicated.
 */
function targetIdsOf(p: PipelineContext, targets: string | string[], warn: (message: string) => void): number[] {
  const list = textList('fillMask targets', targets);
  const ids = new Set<number>();
  for (const t of list) {
    let id = p.tokenizer.tokenToId(t);
    if (id === undefined) {
      id = p.tokenizer.encode(t, undefined, { addSpecialTokens: false }).inputIds[0];
      if (id === undefined) warn(`fillMask: target ${quote(t)} gives no token; it is left out`);
      else warn(`fillMask: target ${quote(t)} is not a single token; using ${quote(p.tokenizer.idToToken(id) ?? String(id))}`);
    }
    if (id !== undefined) ids.add(id);
  }
  if (ids.size === 0) throw new BertTsError('fillMask: none of the targets is a token of the vocabulary', 'give words of the vocabulary as targets');
  return [...ids];
}

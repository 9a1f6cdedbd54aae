/**
 * The tokenizer's output meets the model's input without renaming: an
 * Encoding already carries inputIds / attentionMask / tokenTypeIds, so a batch
 * of encodings is forward's [B][S] input once padded (right, as HF pads) to the
 * longest of the batch.
 */
import { BertTsError } from '../errors.ts';
import type { BertInput } from '../bert/model.ts';
import type { Encoding } from '../tokenizer/index.ts';

export type EncodedIds = Pick<Encoding, 'inputIds' | 'attentionMask' | 'tokenTypeIds'>;

/** [B] encodings → forward's input; shorter rows padded with padTokenId (mask 0, type 0). */
export function toModelInput(encodings: readonly EncodedIds[], padTokenId = 0): { inputIds: number[][]; attentionMask: number[][]; tokenTypeIds: number[][] } & BertInput {
  if (encodings.length === 0) throw new BertTsError('toModelInput: no encodings');
  const S = Math.max(...encodings.map((e) => e.inputIds.length));
  const fill = (a: number[], v: number) => (a.length < S ? a.concat(new Array<number>(S - a.length).fill(v)) : a.slice());
  return {
    inputIds: encodings.map((e) => fill(e.inputIds, padTokenId)),
    attentionMask: encodings.map((e) => fill(e.attentionMask, 0)),
    tokenTypeIds: encodings.map((e) => fill(e.tokenTypeIds, 0)),
  };
}

import { MASK_FILL } from '../../src/bert/model.ts';

/** [B, S] additive mask with padded tails of different lengths per batch row (row 0 unpadded). */
export function tailMask(B: number, S: number, into: Float32Array = new Float32Array(B * S)): Float32Array {
  for (let b = 0; b < B; b++) for (let s = Math.max(1, S - 2 * b - 1); s < S; s++) into[b * S + s] = MASK_FILL;
  return into;
}

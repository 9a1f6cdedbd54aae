import type { QuantizedLinear } from './quantize.ts';

/**
 * Embedding gather: row ids[i] of a table [V, H] → out row i. Ids are checked
 * by the caller (the model) before any kernel runs, so this loop trusts them.
 */
export function embeddingGather(out: Float32Array, table: Float32Array, ids: Int32Array, n: number, H: number): void {
  for (let i = 0; i < n; i++) {
    const src = ids[i] * H;
    const dst = i * H;
    for (let h = 0; h < H; h++) out[dst + h] = table[src + h];
  }
}

/**
 * BERT's input embedding before its LayerNorm, for ids [B, S]:
 *
 *   e[b, s] = word[ids[b, s]] + tokenType[types[b, s]] + position[s]
 *
 * summed in Hugging Face's order ((word + token type) + position), each sum
 * rounded to float32 as PyTorch does. Positions are absolute, 0..S−1, also for
 * padded rows (BERT's position_ids do not skip padding).
 * out: [B, S, H]; word: [V, H]; position: [P, H] (S ≤ P); tokenType: [T, H].
 */
export function bertEmbeddingSum(
  out: Float32Array, ids: Int32Array, types: Int32Array, word: Float32Array, position: Float32Array,
  tokenType: Float32Array, B: number, S: number, H: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      const i = b * S + s;
      const w = ids[i] * H;
      const t = types[i] * H;
      const p = s * H;
      const o = i * H;
      for (let h = 0; h < H; h++) out[o + h] = Math.fround(word[w + h] + tokenType[t + h]) + position[p + h];
    }
  }
}

/**
 * bertEmbeddingSum with the word table in int8, one scale per column (dtype
 * 'q8', quantizeTable): word[id, h] = c[h] · q[id, h], widened as it is
 * gathered; the sums as bertEmbeddingSum's.
 */
export function bertEmbeddingSumQ8(
  out: Float32Array, ids: Int32Array, types: Int32Array, word: QuantizedLinear, position: Float32Array,
  tokenType: Float32Array, B: number, S: number, H: number,
): void {
  const { q, Kp } = word, c = word.inputScale!;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      const i = b * S + s;
      const w = ids[i] * Kp, t = types[i] * H, p = s * H, o = i * H;
      for (let h = 0; h < H; h++) out[o + h] = Math.fround(Math.fround(c[h] * q[w + h]) + tokenType[t + h]) + position[p + h];
    }
  }
}

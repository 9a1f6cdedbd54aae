/**
 * Numerically stable softmax of one row with an additive mask:
 *
 *   p_j = exp(s_j + m_j − max) / Σ_k exp(s_k + m_k − max),   max = max_j (s_j + m_j)
 *
 * Subtracting the max keeps exp() from overflowing; masked entries carry
 * m_j = float32 min (Hugging Face's `(1 − mask) · finfo.min`) and become 0.
 * A row with every entry masked comes out uniform, as it does in PyTorch.
 *
 * scores: read from [sOff, sOff + n); mask: additive, [mOff, mOff + n) or null;
 * out: written at [oOff, oOff + n) (may be the same array and offset as scores).
 */
export function softmaxRow(
  out: Float32Array | Float64Array,
  oOff: number,
  scores: Float32Array | Float64Array,
  sOff: number,
  mask: Float32Array | null,
  mOff: number,
  n: number,
): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = scores[sOff + j] + (mask ? mask[mOff + j] : 0);
    if (v > max) max = v;
  }
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(scores[sOff + j] + (mask ? mask[mOff + j] : 0) - max);
    out[oOff + j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < n; j++) out[oOff + j] *= inv;
}

/** The reference: the formula with plain arrays. */
export function softmaxNaive(scores: ArrayLike<number>, mask: ArrayLike<number> | null): number[] {
  const s = Array.from(scores, (v, j) => v + (mask ? mask[j] : 0));
  const max = Math.max(...s);
  const e = s.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/**
 * LayerNorm over the last axis, rows independent:
 *
 *   y = (x − μ) / √(σ² + eps) · γ + β,   μ, σ² the mean and biased variance of the row
 *
 * x, out: [R, H] (may be the same array); gamma, beta: [H]. eps comes from the
 * config's `layer_norm_eps` (1e-12 for BERT): a different eps changes outputs.
 */
export function layerNorm(
  out: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array, R: number, H: number, eps: number,
): void {
  for (let r = 0; r < R; r++) {
    const o = r * H;
    // two passes (mean, then variance about the mean): stable even for rows
    // with a large common offset, unlike E[x²] − E[x]².
    let sum = 0;
    for (let i = 0; i < H; i++) sum += x[o + i];
    const mean = sum / H;
    let sq = 0;
    for (let i = 0; i < H; i++) { const d = x[o + i] - mean; sq += d * d; }
    const inv = 1 / Math.sqrt(sq / H + eps);
    for (let i = 0; i < H; i++) out[o + i] = (x[o + i] - mean) * inv * gamma[i] + beta[i];
  }
}

/**
 * out = LayerNorm(x + residual): the "Add & Norm" step that closes each
 * sub-block of an encoder layer, fused so the sum needs no buffer of its own.
 * out may alias x or residual.
 */
export function addLayerNorm(
  out: Float32Array, x: Float32Array, residual: Float32Array, gamma: Float32Array, beta: Float32Array, R: number,
  H: number, eps: number,
): void {
  // the sum is stored as float32 first (as PyTorch's x + residual is), and the
  // statistics are taken of the stored values
  const n = R * H;
  for (let i = 0; i < n; i++) out[i] = x[i] + residual[i];
  layerNorm(out, out, gamma, beta, R, H, eps);
}

/** The reference: the formula on one row at a time, with plain arrays. */
export function layerNormNaive(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, R: number, H: number, eps: number): number[] {
  const y: number[] = [];
  for (let r = 0; r < R; r++) {
    const row = Array.from({ length: H }, (_, i) => x[r * H + i]);
    const mean = row.reduce((a, b) => a + b, 0) / H;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / H;
    for (let i = 0; i < H; i++) y.push(((row[i] - mean) / Math.sqrt(variance + eps)) * gamma[i] + beta[i]);
  }
  return y;
}

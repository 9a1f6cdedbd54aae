/**
 * Matrix products for BERT's linear layers, in PyTorch's weight layout.
 *
 *   out[m, n] = bias[n] + Σ_k x[m, k] · W[n, k]        (x · Wᵀ + b)
 *
 * x: [M, K] (M = B·S rows), W: [N, K] (nn.Linear's [out_features, in_features]),
 * bias: [N] or null, out: [M, N]. With W in [out, in] layout the inner loop is a
 * contiguous dot product of two rows.
 */

/** The reference: a plain triple loop. Every fast variant is tested against it. */
export function linearNaive(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  M: number,
  K: number,
  N: number,
): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) acc += x[m * K + k] * W[n * K + k];
      out[m * N + n] = acc;
    }
  }
}

/**
 * The fast single-thread kernel: rows [m0, m1) of out. A 2×2 block of output
 * values shares each load of x and W (register blocking); K innermost.
 */
export function linearRows(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  m0: number,
  m1: number,
  K: number,
  N: number,
): void {
  let m = m0;
  for (; m + 1 < m1; m += 2) {
    const x0 = m * K;
    const x1 = x0 + K;
    let n = 0;
    for (; n + 1 < N; n += 2) {
      const w0 = n * K;
      const w1 = w0 + K;
      let a00 = 0, a01 = 0, a10 = 0, a11 = 0;
      for (let k = 0; k < K; k++) {
        const xa = x[x0 + k], xb = x[x1 + k], wa = W[w0 + k], wb = W[w1 + k];
        a00 += xa * wa; a01 += xa * wb; a10 += xb * wa; a11 += xb * wb;
      }
      const b0 = bias ? bias[n] : 0, b1 = bias ? bias[n + 1] : 0;
      out[m * N + n] = a00 + b0; out[m * N + n + 1] = a01 + b1;
      out[(m + 1) * N + n] = a10 + b0; out[(m + 1) * N + n + 1] = a11 + b1;
    }
    for (; n < N; n++) {
      const w0 = n * K;
      let a0 = 0, a1 = 0;
      for (let k = 0; k < K; k++) { a0 += x[x0 + k] * W[w0 + k]; a1 += x[x1 + k] * W[w0 + k]; }
      const b = bias ? bias[n] : 0;
      out[m * N + n] = a0 + b; out[(m + 1) * N + n] = a1 + b;
    }
  }
  for (; m < m1; m++) {
    const x0 = m * K;
    for (let n = 0; n < N; n++) {
      const w0 = n * K;
      let a = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) a += x[x0 + k] * W[w0 + k];
      out[m * N + n] = a;
    }
  }
}

/** out = x · Wᵀ + b over all M rows (the entry point the model calls). */
export function linear(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  M: number,
  K: number,
  N: number,
): void {
  linearRows(out, x, W, bias, 0, M, K, N);
}

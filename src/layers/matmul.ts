/**
 * Matrix products for BERT's linear layers, in PyTorch's weight layout.
 *
 *   out[m, n] = bias[n] + Σ_k x[m, k] · W[n, k]        (x · Wᵀ + b)
 *
 * x: [M, K] (M = B·S rows), W: [N, K] (nn.Linear's [out_features, in_features]),
 * bias: [N] or null, out: [M, N]. With W in [out, in] layout the inner loop is a
 * contiguous dot product of two rows.
 *
 * Three kernels, all with the same result up to float rounding:
 * - `linearNaive`: the reference triple loop (≈ 0.8 GFLOP/s);
 * - `linearBlock`: the fast single-thread kernel, a 4×4 tile of accumulators
 *   held in local variables (≈ 4 GFLOP/s on one core, see docs/performance.md);
 * - `linear`: the entry point. It splits the work over the worker pool of
 *   threads.ts when one is enabled (`setThreads(n)`), the product is large
 *   enough, and every buffer is SharedArrayBuffer-backed; otherwise it runs
 *   `linearBlock` on the calling thread;
 * - with the 'wasm' backend, `linear` runs wasm-matmul.ts's WebAssembly SIMD
 *   kernel instead (≈ 25 GFLOP/s on one thread, split over the pool too). The
 *   JS kernels stay the reference and the fallback.
 *
 * The backend is chosen on first use: 'wasm' where the runtime has WebAssembly
 * SIMD (Node 16.4+, current browsers), else 'js'; `setBackend` overrides it.
 */
import { parallelLinear } from './threads.ts';
import { linearWasm, wasmSimdSupported, wasmTensorMemory } from './wasm-matmul.ts';
import type { TensorMemory } from '../tensor/alloc.ts';

export type Backend = 'js' | 'wasm';
/** null until first use, then what 'auto' picks (or what setBackend chose) */
let backend: Backend | null = null;

/**
 * Choose the kernels of the model: 'js' (plain TypeScript), 'wasm'
 * (WebAssembly SIMD; throws where the runtime has no SIMD) or 'auto' (the
 * default: wasm where supported, else js). Returns the backend now in use.
 */
export function setBackend(b: Backend | 'auto'): Backend {
  if (b === 'auto') backend = wasmSimdSupported() ? 'wasm' : 'js';
  else if (b === 'wasm') {
    if (!wasmSimdSupported()) throw new Error("setBackend('wasm'): this runtime has no WebAssembly SIMD; use 'js' or 'auto'");
    backend = 'wasm';
  } else if (b === 'js') backend = 'js';
  else throw new Error(`setBackend: unknown backend ${String(b)}; expected 'js', 'wasm' or 'auto'`);
  return backend;
}

/** The backend in use ('auto' resolves on the first call). */
export function getBackend(): Backend {
  return backend ?? setBackend('auto');
}

/**
 * Where to load weights: wasm memory under the 'wasm' backend when that memory
 * is shared (Node; browsers when crossOriginIsolated), so the wasm kernels read
 * them in place; else undefined (ordinary JS memory). loadBertModel asks this,
 * so choose the backend before loading a model.
 */
export function weightMemory(): TensorMemory | undefined {
  return getBackend() === 'wasm' ? wasmTensorMemory() : undefined;
}

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
 * The fast kernel on a block of the output: rows [m0, m1) × columns [n0, n1).
 * Workers call it on their share; `linear` calls it on everything.
 *
 * Each step of the K loop loads 4 values of x (rows m..m+3) and 4 of W (rows
 * n..n+3) and does 16 multiply-adds into 16 local accumulators, so every load
 * feeds 4 multiply-adds instead of 1. V8 keeps the 16 doubles in registers;
 * more accumulators spill and get slower. The sums are float64 and rounded to
 * float32 once, at the store. Edges (M or N not a multiple of 4) use 1×4, 4×1
 * and 1×1 tiles.
 */
export function linearBlock(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  m0: number,
  m1: number,
  n0: number,
  n1: number,
  K: number,
  N: number,
): void {
  let m = m0;
  for (; m + 3 < m1; m += 4) {
    const x0 = m * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
    let n = n0;
    for (; n + 3 < n1; n += 4) {
      const w0 = n * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0;
      let a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      let a20 = 0, a21 = 0, a22 = 0, a23 = 0;
      let a30 = 0, a31 = 0, a32 = 0, a33 = 0;
      for (let k = 0; k < K; k++) {
        const xa = x[x0 + k], xb = x[x1 + k], xc = x[x2 + k], xd = x[x3 + k];
        const wa = W[w0 + k], wb = W[w1 + k], wc = W[w2 + k], wd = W[w3 + k];
        a00 += xa * wa; a01 += xa * wb; a02 += xa * wc; a03 += xa * wd;
        a10 += xb * wa; a11 += xb * wb; a12 += xb * wc; a13 += xb * wd;
        a20 += xc * wa; a21 += xc * wb; a22 += xc * wc; a23 += xc * wd;
        a30 += xd * wa; a31 += xd * wb; a32 += xd * wc; a33 += xd * wd;
      }
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      if (bias) { b0 = bias[n]; b1 = bias[n + 1]; b2 = bias[n + 2]; b3 = bias[n + 3]; }
      let o = m * N + n;
      out[o] = a00 + b0; out[o + 1] = a01 + b1; out[o + 2] = a02 + b2; out[o + 3] = a03 + b3;
      o += N;
      out[o] = a10 + b0; out[o + 1] = a11 + b1; out[o + 2] = a12 + b2; out[o + 3] = a13 + b3;
      o += N;
      out[o] = a20 + b0; out[o + 1] = a21 + b1; out[o + 2] = a22 + b2; out[o + 3] = a23 + b3;
      o += N;
      out[o] = a30 + b0; out[o + 1] = a31 + b1; out[o + 2] = a32 + b2; out[o + 3] = a33 + b3;
    }
    // 4×1 tiles for the last N % 4 columns
    for (; n < n1; n++) {
      const w0 = n * K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < K; k++) {
        const w = W[w0 + k];
        a0 += x[x0 + k] * w; a1 += x[x1 + k] * w; a2 += x[x2 + k] * w; a3 += x[x3 + k] * w;
      }
      const b = bias ? bias[n] : 0;
      out[m * N + n] = a0 + b;
      out[(m + 1) * N + n] = a1 + b;
      out[(m + 2) * N + n] = a2 + b;
      out[(m + 3) * N + n] = a3 + b;
    }
  }
  // the last M % 4 rows: 1×4 tiles, then 1×1
  for (; m < m1; m++) {
    const x0 = m * K;
    let n = n0;
    for (; n + 3 < n1; n += 4) {
      const w0 = n * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < K; k++) {
        const xv = x[x0 + k];
        a0 += xv * W[w0 + k]; a1 += xv * W[w1 + k]; a2 += xv * W[w2 + k]; a3 += xv * W[w3 + k];
      }
      const o = m * N + n;
      if (bias) { a0 += bias[n]; a1 += bias[n + 1]; a2 += bias[n + 2]; a3 += bias[n + 3]; }
      out[o] = a0; out[o + 1] = a1; out[o + 2] = a2; out[o + 3] = a3;
    }
    for (; n < n1; n++) {
      const w0 = n * K;
      let a = 0;
      for (let k = 0; k < K; k++) a += x[x0 + k] * W[w0 + k];
      out[m * N + n] = a + (bias ? bias[n] : 0);
    }
  }
}

/** The fast kernel on the whole output, always on the calling thread. */
export function linearFast(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  M: number,
  K: number,
  N: number,
): void {
  linearBlock(out, x, W, bias, 0, M, 0, N, K, N);
}

/**
 * out = x · Wᵀ + b over all M rows: the entry point the model calls.
 * Synchronous; uses the wasm backend when selected, else the worker pool when
 * one is enabled and worth it, else the fast kernel on the calling thread.
 */
export function linear(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  M: number,
  K: number,
  N: number,
): void {
  if (getBackend() === 'wasm') return linearWasm(out, x, W, bias, M, K, N);
  if (parallelLinear(out, x, W, bias, M, K, N, linearBlock)) return;
  linearBlock(out, x, W, bias, 0, M, 0, N, K, N);
}

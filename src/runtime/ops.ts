/**
 * The kernel table's ops as plain functions, for callers without a RunState
 * (the public API, tests, the benchmark): each call takes heap scratch and
 * gives it back.
 */
import { kernels } from './backend.ts';
import { Scratch } from './scratch.ts';

function withScratch(f: (ws: Scratch) => void): void {
  const ws = new Scratch('a kernel call');
  try {
    f(ws);
  } finally {
    ws.dispose();
  }
}

/** out [M, N] = x [M, K] · W [N, K]ᵀ + bias, on the backend in use (and the pool, if on). */
export function linear(
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number,
): void {
  withScratch((ws) => kernels().linear(ws, out, x, W, bias, M, K, N));
}

/** Attention over the B·A (batch, head) pairs, on the backend in use: src/layers/attention.ts's contract. */
export function attention(
  ctx: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, maskAdd: Float32Array, probs: Float32Array | null,
  B: number, S: number, A: number, D: number,
): void {
  withScratch((ws) => kernels().attention(ws, ctx, q, k, v, maskAdd, probs, B, S, A, D));
}

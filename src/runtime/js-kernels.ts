/**
 * The 'js' backend: the TypeScript kernels of src/layers, shared out over the
 * worker pool (pool.ts) when one is on, the work is large enough and every
 * operand lies in the heap; else on the calling thread.
 */
import { linearBlock, linearPackDoubles } from '../layers/matmul.ts';
import { attentionPairs, attentionScratch } from '../layers/attention.ts';
import { ACTIVATIONS, applyActivationRange } from '../layers/activations.ts';
import { addLayerNorm, layerNorm } from '../layers/layernorm.ts';
import { bertEmbeddingSum } from '../layers/embedding.ts';
import { paddedK, qlinearReference, quantizeRows, scaledInput } from '../layers/quantize.ts';
import { heapOffset } from './heap.ts';
import { CHUNKS_PER_THREAD, getThreads, nextTaskNumber, parallelFor } from './pool.ts';
import { activationTask, attentionTask, linearTask } from './tasks.ts';
import type { Kernels } from './kernels.ts';

/** Heap offsets of the views, or null if one is not in the heap (null entries stay -1). */
export function offsets(...views: (Float32Array | null)[]): number[] | null {
  const out: number[] = [];
  for (const v of views) {
    const o = v ? heapOffset(v) : -1;
    if (v && o < 0) return null;
    out.push(o);
  }
  return out;
}

/**
 * Arrays at least this long are shared out over the pool: 64K erf GELUs take
 * ≈ 0.5 ms on one thread, well above the tens of microseconds a wake-up costs.
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 16;

export const jsKernels: Kernels = {
  release() {}, // the JS kernels read W where it lies: no copies to free

  linear(ws, out, x, W, bias, M, K, N) {
    if (M === 0 || N === 0) return;
    const T = getThreads();
    const byCols = N >= M, tiles = Math.ceil((byCols ? N : M) / 4);
    const at = T > 1 && tiles >= 2 ? offsets(out, x, W, bias) : null;
    if (at) {
      const chunks = Math.min(tiles, CHUNKS_PER_THREAD * T);
      const args = { out: at[0], x: at[1], W: at[2], bias: at[3], M, K, N, byCols: byCols ? 1 : 0, chunks, key: nextTaskNumber() };
      if (parallelFor(linearTask, chunks, args, M * K * N, ws.local)) return;
    }
    linearBlock(out, x, W, bias, 0, M, 0, N, K, N, ws.local.f64(linearPackDoubles(K)));
  },

  attention(ws, ctx, q, k, v, maskAdd, probs, B, S, A, D) {
    const T = getThreads(), pairs = B * A;
    const at = T > 1 && pairs >= 2 ? offsets(ctx, q, k, v, maskAdd, probs) : null;
    if (at) {
      const args = { ctx: at[0], q: at[1], k: at[2], v: at[3], mask: at[4], probs: at[5], B, S, A, D };
      if (parallelFor(attentionTask, pairs, args, 2 * B * A * S * S * D, ws.local)) return;
    }
    attentionPairs(ctx, q, k, v, maskAdd, probs, B, S, A, D, 0, pairs, ws.local.f64(attentionScratch(S, D)));
  },

  activation(ws, act, x, n) {
    if (act === 'linear') return;
    const T = getThreads();
    const at = T > 1 && n >= PARALLEL_MIN_ELEMENTS ? offsets(x) : null;
    const chunks = CHUNKS_PER_THREAD * T;
    if (at && parallelFor(activationTask, chunks, { x: at[0], n, act: ACTIVATIONS.indexOf(act), chunks }, 16 * n, ws.local)) return;
    applyActivationRange(act, x, 0, n);
  },

  qlinear(_ws, outs, x, Ws, M, K) {
    // the plain reference, one thread: the q8 path is for the wasm backend; this keeps 'js' complete
    const Mp = 2 * Math.ceil(M / 2);
    const xq = new Uint8Array(Mp * paddedK(K)), rows = new Float32Array(2 * Mp);
    quantizeRows(xq, rows, scaledInput(x, Ws, M, K), M, K);
    for (let i = 0; i < Ws.length; i++) qlinearReference(outs[i], xq, rows, Ws[i], M);
  },

  layerNorm,
  addLayerNorm,
  embeddingSum: bertEmbeddingSum,
};

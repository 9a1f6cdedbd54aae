/**
 * The registry of the tasks the worker pool runs: each wraps one kernel's
 * chunk runner (src/layers/*, src/wasm/*) with views on the heap made from its
 * numeric arguments. The caller (src/runtime/js-kernels.ts, wasm-kernels.ts)
 * and every worker (worker.ts) use this one list; a task is named to a worker
 * by its index here.
 *
 * Arguments: byte offsets in the heap (`-1`: none), sizes, and `chunks`.
 * The JS kernels pack into the thread's private scratch (`local`); the wasm
 * attention's per-thread scratch is one heap region of `stride` bytes per
 * thread at `scratch` (thread t at scratch + t·stride), owned by the caller's
 * RunState.
 */
import { heapF32, heapMemory, heapBuffer } from './heap.ts';
import { defineTask, type Task } from './task.ts';
import { chunkStart, linearChunk, linearPackDoubles } from '../layers/matmul.ts';
import { attentionPairs, attentionScratch } from '../layers/attention.ts';
import { ACTIVATIONS, applyActivationRange } from '../layers/activations.ts';
import { wasmKernels } from '../wasm/kernels.ts';
import { simdOf } from './simd.ts';
import { NR } from '../wasm/panel.ts';
import { dotGroups } from '../wasm/dot.ts';
import { attentionHeads } from '../wasm/attention.ts';
import { qdotGroups } from '../wasm/qdot.ts';

const view = (ptr: number, n: number): Float32Array | null => (ptr < 0 ? null : heapF32(ptr, n));

/** out = x · Wᵀ + b in chunks of whole 4-wide column (byCols) or row ranges; key: the product's number (packs x once per thread). */
export const linearTask = defineTask(
  'linear',
  ['out', 'x', 'W', 'bias', 'M', 'K', 'N', 'byCols', 'chunks', 'key'],
  (a, _t, local) => {
    // | 0: sizes as small integers keep the kernel's index arithmetic in integer registers (2× faster)
    const M = a.M | 0, K = a.K | 0, N = a.N | 0, chunks = a.chunks | 0, byCols = a.byCols === 1;
    const out = heapF32(a.out, M * N), x = heapF32(a.x, M * K), W = heapF32(a.W, N * K), bias = view(a.bias, N);
    const pack = local.f64(linearPackDoubles(K));
    return (c) => linearChunk(out, x, W, bias, M, K, N, byCols, c, chunks, pack, a.key);
  },
);

const ATTENTION_FIELDS = ['ctx', 'q', 'k', 'v', 'mask', 'probs', 'B', 'S', 'A', 'D'] as const;

/** JS attention, one (batch, head) pair per chunk. */
export const attentionTask = defineTask('attention', ATTENTION_FIELDS, (a, _t, local) => {
  const B = a.B | 0, S = a.S | 0, A = a.A | 0, D = a.D | 0, MH = B * S * A * D;
  const ctx = heapF32(a.ctx, MH), q = heapF32(a.q, MH), k = heapF32(a.k, MH), v = heapF32(a.v, MH);
  const mask = heapF32(a.mask, B * S), probs = view(a.probs, B * A * S * S);
  const scratch = local.f64(attentionScratch(S, D));
  return (j) => attentionPairs(ctx, q, k, v, mask, probs, B, S, A, D, j, j + 1, scratch);
});

/** x ← act(x) over element chunks; act: the index in ACTIVATIONS. */
export const activationTask = defineTask('activation', ['x', 'n', 'act', 'chunks'], (a) => {
  const n = a.n | 0, chunks = a.chunks | 0, act = ACTIVATIONS[a.act], x = heapF32(a.x, n);
  return (c) => applyActivationRange(act, x, chunkStart(c, chunks, n, 1), chunkStart(c + 1, chunks, n, 1));
});

/** The packed wasm product: chunks of whole panels of 8 columns. */
export const panelsTask = defineTask(
  'wasm panels',
  ['xPtr', 'wPtr', 'panelBytes', 'K', 'oPtr', 'ldo', 'tiles', 'panels', 'chunks', 'simd'],
  (a) => {
    const { panel } = wasmKernels(heapMemory(), simdOf(a.simd));
    const panels = a.panels | 0, chunks = a.chunks | 0;
    return (c) => {
      for (let p = chunkStart(c, chunks, panels, 1), p1 = chunkStart(c + 1, chunks, panels, 1); p < p1; p++) {
        panel(a.xPtr, a.wPtr + p * a.panelBytes, a.K, a.oPtr + p * NR * 4, a.ldo, a.tiles);
      }
    };
  },
);

/**
 * Column groups per unit of a product's chunks. The products take columns in
 * quarters (src/wasm/dot.ts): group g writes columns g, g + G, g + 2G, g + 3G,
 * so 16 consecutive groups fill whole 64-byte lines of each output row, and
 * threads given whole units never write the same cache line. In units of one
 * group (or 4), both threads kept taking each other's output lines: MiniLM-L6
 * at 1 × 128 on two threads took 36 ms with q8 and 44 ms with f32 (one thread:
 * 41 and 68); in units of 16, 25 and 40.5 ms.
 */
const GROUP_STEP = 16;

/** The in-place wasm product (W read where it lies): chunks of whole groups of 4 columns. */
export const dotTask = defineTask('wasm dot', ['xPtr', 'wPtr', 'bPtr', 'oPtr', 'K', 'N', 'pairs', 'groups', 'chunks', 'simd'], (a) => {
  const { dot } = wasmKernels(heapMemory(), simdOf(a.simd));
  const groups = a.groups | 0, chunks = a.chunks | 0;
  return (c) => dotGroups(dot, a.xPtr, a.wPtr, a.bPtr, a.oPtr, a.K, a.N, a.pairs, chunkStart(c, chunks, groups, GROUP_STEP), chunkStart(c + 1, chunks, groups, GROUP_STEP));
});

/** wasm attention, one (batch, head) pair per chunk; q and k followed by one row of padding. */
export const wasmAttentionTask = defineTask('wasm attention', [...ATTENTION_FIELDS, 'scratch', 'stride', 'simd'], (a, t) => {
  const wk = wasmKernels(heapMemory(), simdOf(a.simd));
  const B = a.B | 0, S = a.S | 0, A = a.A | 0, D = a.D | 0, H = A * D, MH = B * S * H;
  const ctx = heapF32(a.ctx, MH), q = heapF32(a.q, MH + H), k = heapF32(a.k, MH + H), v = heapF32(a.v, MH);
  const mask = heapF32(a.mask, B * S), probs = view(a.probs, B * A * S * S);
  const base = a.scratch + t * a.stride, buf = heapBuffer();
  return (j) => attentionHeads(wk, buf, ctx, q, k, v, mask, probs, B, S, A, D, j, j + 1, base);
});

/** Exact GELU on wasm, in place on n floats (a multiple of 4) at x: chunks of whole vectors. */
export const geluTask = defineTask('wasm gelu', ['x', 'n', 'chunks', 'simd'], (a) => {
  const { gelu } = wasmKernels(heapMemory(), simdOf(a.simd));
  const n = a.n, chunks = a.chunks | 0;
  return (c) => {
    const i0 = chunkStart(c, chunks, n, 4), i1 = chunkStart(c + 1, chunks, n, 4);
    gelu(a.x + 4 * i0, i1 - i0);
  };
});

/** The int8 wasm product (src/wasm/qdot.ts): chunks of whole groups of 4 columns of one quantized weight. */
export const qdotTask = defineTask(
  'wasm int8 dot',
  ['xPtr', 'ldx', 'wPtr', 'Kp', 'cPtr', 'rPtr', 'oPtr', 'ldo', 'N', 'pairs', 'groups', 'chunks', 'simd'],
  (a) => {
    const { qdot } = wasmKernels(heapMemory(), simdOf(a.simd));
    const groups = a.groups | 0, chunks = a.chunks | 0;
    return (c) => qdotGroups(qdot, a.xPtr, a.ldx, a.wPtr, a.Kp, a.cPtr, a.rPtr, a.oPtr, a.ldo, a.N, a.pairs, chunkStart(c, chunks, groups, GROUP_STEP), chunkStart(c + 1, chunks, groups, GROUP_STEP));
  },
);

/** Every task, in a fixed order: a worker is told a task by its index here. */
export const TASKS: readonly Task[] = [linearTask, attentionTask, activationTask, panelsTask, dotTask, wasmAttentionTask, geluTask, qdotTask] as Task[];

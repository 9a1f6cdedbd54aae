/**
 * The WebAssembly SIMD backend of `linear` (out = x · Wᵀ + b), emitted at run
 * time by wasm-emit.ts: 128-bit SIMD, four float32 lanes.
 *
 * Two kernels. WebAssembly computes only on its own linear memory, so:
 * - weights loaded into wasm memory (loadBertModel under the 'wasm' backend
 *   places the checkpoint there, through wasmTensorMemory) are read in place,
 *   in their [N, K] layout, by wasm-dot.ts's `dot` kernel: no copy at all;
 * - any other W (e.g. loaded under the 'js' backend) takes the packed path below.
 *
 * Packed path:
 * - each weight matrix W [N, K] is copied once, on first use, into wasm memory
 *   as packed panels of 8 output columns: panel p holds W[8p..8p+7, k] for
 *   k = 0..K−1 interleaved ([K, 8], zero-padded past N). The packed copies are
 *   cached by the identity of the W array (weights are read-only) and live as
 *   long as the process: the wasm backend roughly doubles the memory held by
 *   linear weights;
 * - x [M, K] is packed per call into tiles of MR rows interleaved ([K, MR]);
 * - the kernel writes a padded [M', N'] block that is copied out with the bias.
 *
 * Kernel. For one panel and MR = 6 rows at a time, 12 accumulators of 4 lanes
 * (6 rows × 8 columns) stay in registers over the whole K loop; each step
 * loads 2 vectors of W and splats 6 values of x: 48 multiply-adds for 8 loads.
 * Sums are float32 (as in PyTorch's GEMM), not float64 like the JS kernels, so
 * results differ from linearNaive by float32 rounding (≈ 1e-6 relative).
 *
 * Threads. Where SharedArrayBuffer exists the wasm memory is shared, and with a
 * worker pool (threads.ts's setThreads) the panels of a product are split over
 * the threads: each worker instantiates the same kernel on the same memory
 * (sent to it once), so packed weights and x are not copied per thread.
 */
import { I32, V128, emitModule, op, type FuncDef } from './wasm-emit.ts';
import { parallelWasm, parallelWasmDot } from './threads.ts';
import { dotGroups, dotKernel, type DotFn } from './wasm-dot.ts';
import type { TensorMemory } from '../tensor/alloc.ts';

/** 4 GiB: wasm32's whole address space (reserved, not committed). */
const MAX_PAGES = 65536;
type PanelFn = (xp: number, pp: number, K: number, op: number, ldo: number, tiles: number) => void;

/** rows of x per tile */
export const MR = 6;
/** columns of W per panel (two f32x4 vectors) */
export const NR = 8;

/** The kernel `panel(xp, pp, K, op, ldo, tiles)`: tiles × MR rows against one packed panel. */
function panelKernel(): FuncDef {
  // params
  const XP = 0, PP = 1, K = 2, OP = 3, LDO = 4, TILES = 5;
  // locals
  const k = 6, pk = 7, q = 8, s = 9, w0 = 10, w1 = 11, acc = (r: number, j: number) => 12 + 2 * r + j;
  const body: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? body.push(i) : body.push(...i);
  };
  emit(op.block, op.loop); // for each tile of MR rows
  emit(op.localGet(TILES), op.i32Eqz, op.brIf(1));
  for (let r = 0; r < MR; r++) for (let j = 0; j < 2; j++) emit(op.v128Zero, op.localSet(acc(r, j)));
  emit(op.localGet(PP), op.localSet(pk), op.localGet(K), op.localSet(k));
  emit(op.block, op.loop); // for k in 0..K-1
  emit(op.localGet(k), op.i32Eqz, op.brIf(1));
  emit(op.localGet(pk), op.v128Load(0), op.localSet(w0));
  emit(op.localGet(pk), op.v128Load(16), op.localSet(w1));
  for (let r = 0; r < MR; r++) {
    emit(op.localGet(XP), op.v128Load32Splat(4 * r), op.localTee(s));
    emit(op.localGet(w0), op.f32x4Mul, op.localGet(acc(r, 0)), op.f32x4Add, op.localSet(acc(r, 0)));
    emit(op.localGet(s), op.localGet(w1), op.f32x4Mul, op.localGet(acc(r, 1)), op.f32x4Add, op.localSet(acc(r, 1)));
  }
  emit(op.localGet(pk), op.i32Const(4 * NR), op.i32Add, op.localSet(pk));
  emit(op.localGet(XP), op.i32Const(4 * MR), op.i32Add, op.localSet(XP));
  emit(op.localGet(k), op.i32Const(1), op.i32Sub, op.localSet(k));
  emit(op.br(0), op.end, op.end);
  // store the MR × 8 block at op, row stride ldo bytes
  emit(op.localGet(OP), op.localSet(q));
  for (let r = 0; r < MR; r++) {
    emit(op.localGet(q), op.localGet(acc(r, 0)), op.v128Store(0));
    emit(op.localGet(q), op.localGet(acc(r, 1)), op.v128Store(16));
    emit(op.localGet(q), op.localGet(LDO), op.i32Add, op.localSet(q));
  }
  emit(op.localGet(q), op.localSet(OP));
  emit(op.localGet(TILES), op.i32Const(1), op.i32Sub, op.localSet(TILES));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'panel',
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [[3, I32], [3 + 2 * MR, V128]],
    body,
  };
}

interface WasmState {
  memory: WebAssembly.Memory;
  panel: PanelFn;
  dot: DotFn;
  /**
   * Every buffer object memory.buffer has returned while we made views on it.
   * A shared memory's buffer is a new SharedArrayBuffer object after each grow;
   * the old ones stay valid (never detached) over the same bytes, with their
   * old length. So a view lies in wasm memory iff its buffer is one of these.
   */
  buffers: WeakSet<ArrayBufferLike>;
  /** bytes of weights copied into wasm memory by the packed path */
  copied: number;
  /** next free byte */
  top: number;
  /** packed weights by identity: byte offset in memory */
  packed: WeakMap<Float32Array, number>;
  scratch: { ptr: number; bytes: number };
}

let state: WasmState | null = null;
let supported: boolean | null = null;

/** Whether this runtime runs WebAssembly with 128-bit SIMD. */
export function wasmSimdSupported(): boolean {
  if (supported === null) {
    try {
      // (func (result v128) v128.const 0) — validates only where SIMD is implemented
      const probe: FuncDef = { name: 'f', params: [], results: [V128], locals: [], body: [...op.v128Zero] };
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(emitModule([probe], 1));
    } catch {
      supported = false;
    }
  }
  return supported;
}

const modules = new Map<boolean, WebAssembly.Module>();

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The kernels `panel` and `dot` instantiated on `memory`. */
function kernelsFor(memory: WebAssembly.Memory): { panel: PanelFn; dot: DotFn } {
  const shared = isShared(memory);
  let module = modules.get(shared);
  if (!module) {
    module = new WebAssembly.Module(emitModule([panelKernel(), dotKernel()], 1, shared ? MAX_PAGES : undefined));
    modules.set(shared, module);
  }
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return { panel: exports.panel as PanelFn, dot: exports.dot as DotFn };
}

/** The packed kernel instantiated on `memory` (also called by the pool's workers on the shared memory). */
export function wasmKernelFor(memory: WebAssembly.Memory): PanelFn {
  return kernelsFor(memory).panel;
}

/** The in-place kernel (wasm-dot.ts) instantiated on `memory`, for the pool's workers. */
export function wasmDotFor(memory: WebAssembly.Memory): DotFn {
  return kernelsFor(memory).dot;
}

function init(): WasmState {
  if (state) return state;
  if (!wasmSimdSupported()) throw new Error('bert-ts: this runtime has no WebAssembly SIMD; use the js backend');
  // Shared only where threads can use it: a page that is not cross-origin
  // isolated may still create a shared memory, but has no SharedArrayBuffer,
  // so kernelsFor would emit an unshared module for it (a LinkError).
  const canShare = typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
  let memory: WebAssembly.Memory | null = null;
  if (canShare) {
    try {
      memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor);
    } catch {
      // no shared memory here: one thread
    }
  }
  memory ??= new WebAssembly.Memory({ initial: 16 });
  state = {
    memory,
    ...kernelsFor(memory),
    buffers: new WeakSet(),
    copied: 0,
    top: 64,
    packed: new WeakMap(),
    scratch: { ptr: 0, bytes: 0 },
  };
  return state;
}

/**
 * In a pool worker: use the caller's shared wasm memory (sent once). A worker
 * never allocates in it; the caller hands it scratch regions.
 */
export function attachWasmMemory(memory: WebAssembly.Memory): void {
  state = {
    memory, ...kernelsFor(memory), buffers: new WeakSet(), copied: 0, top: Infinity, packed: new WeakMap(), scratch: { ptr: 0, bytes: 0 },
  };
}

/** A region of `bytes` in wasm memory that stays reserved (e.g. a worker's scratch). */
export function wasmAlloc(bytes: number): number {
  return alloc(init(), bytes);
}

/** The wasm memory, created on first use. */
export function wasmMemory(): WebAssembly.Memory {
  return init().memory;
}

/** Reserve `bytes` (16-byte aligned) at the top of wasm memory, growing it if needed. */
function alloc(st: WasmState, bytes: number): number {
  if (st.top === Infinity) throw new Error('bert-ts: a pool worker cannot allocate wasm memory');
  const ptr = (st.top + 15) & ~15;
  const end = ptr + bytes;
  const have = st.memory.buffer.byteLength;
  if (end > have) {
    const pages = Math.ceil((end - have) / 65536);
    try {
      st.memory.grow(pages);
    } catch {
      throw new Error(`bert-ts wasm backend: cannot grow WebAssembly memory to ${Math.ceil(end / 2 ** 20)} MiB (the 4 GiB limit of wasm32?)`);
    }
  }
  st.top = end;
  return ptr;
}

/** W [N, K] packed as panels [⌈N/8⌉][K][8], once per W array. */
function packedWeights(st: WasmState, W: Float32Array, K: number, N: number): number {
  const hit = st.packed.get(W);
  if (hit !== undefined) return hit;
  const panels = Math.ceil(N / NR);
  const ptr = alloc(st, panels * K * NR * 4);
  const P = new Float32Array(st.memory.buffer, ptr, panels * K * NR); // zero (fresh memory)
  for (let p = 0; p < panels; p++) {
    for (let j = 0; j < NR; j++) {
      const n = p * NR + j;
      if (n >= N) break;
      const src = n * K;
      let dst = p * K * NR + j;
      for (let k = 0; k < K; k++, dst += NR) P[dst] = W[src + k];
    }
  }
  st.packed.set(W, ptr);
  st.copied += panels * K * NR * 4;
  return ptr;
}

/**
 * Scratch space in wasm memory for one call: `bytes` at the returned offset
 * (reused by the next call; valid until then). Also used by wasm-attention.ts.
 */
export function wasmScratch(bytes: number): number {
  const st = init();
  if (st.scratch.bytes < bytes) {
    const size = Math.ceil(bytes * 1.5);
    st.scratch = { ptr: alloc(st, size), bytes: size };
  }
  return st.scratch.ptr;
}

/** The wasm memory's current buffer (changes when the memory grows). */
export function wasmBuffer(): ArrayBufferLike {
  return init().memory.buffer;
}

/**
 * Run the kernel: `tiles` packed x tiles (at xPtr, [tiles][K][MR]) against
 * `panels` packed W panels (at wPtr, [panels][K][8]) into the padded output
 * at oPtr (row stride ldo bytes); split over the worker pool when one is on.
 */
export function wasmPanels(xPtr: number, wPtr: number, K: number, oPtr: number, ldo: number, tiles: number, panels: number): void {
  const st = init();
  const panelBytes = K * NR * 4;
  const runPanels = (p0: number, p1: number): void => {
    for (let p = p0; p < p1; p++) st.panel(xPtr, wPtr + p * panelBytes, K, oPtr + p * NR * 4, ldo, tiles);
  };
  const task = { memory: st.memory, panels, xPtr, wPtr, panelBytes, K, oPtr, ldo, tiles };
  if (!parallelWasm(task, tiles * MR * K * panels * NR, runPanels)) runPanels(0, panels);
}

/**
 * Where tensors go to live in wasm memory (for safetensors-fs.ts's readSafetensors
 * and loadBertModel): bytes(n) reserves n bytes for good and returns a view on
 * them. Only where the memory is shared: a shared memory's views stay valid
 * when it grows, while a non-shared memory detaches its buffer, so weights
 * placed there would vanish; undefined then (the weights stay in JS memory and
 * linear takes the packed path).
 */
export function wasmTensorMemory(): TensorMemory | undefined {
  const st = init();
  if (!isShared(st.memory)) return undefined;
  return {
    name: 'wasm',
    bytes(n: number): Uint8Array {
      // 16 spare bytes: no view ends exactly at the end of memory
      const ptr = alloc(st, n + 16);
      const buffer = st.memory.buffer;
      st.buffers.add(buffer);
      return new Uint8Array(buffer, ptr, n);
    },
  };
}

/** The in-place kernel on this thread's instance (wasm-attention.ts calls it inside a worker's share). */
export function wasmDotKernel(): DotFn {
  return init().dot;
}

/** The byte offset of `view` in wasm memory when it lies there, else -1. */
export function wasmOffset(view: ArrayBufferView): number {
  if (!state) return -1;
  const buffer = view.buffer;
  return buffer === state.memory.buffer || state.buffers.has(buffer) ? view.byteOffset : -1;
}

/** Bytes of weights the packed path has copied into wasm memory (0 when every W is read in place). */
export function wasmCopiedBytes(): number {
  return state ? state.copied : 0;
}

/**
 * Run `dot` over the column groups [0, ⌈N/4⌉) (see wasm-dot.ts's dotGroups),
 * split over the worker pool when one is on.
 */
export function wasmDot(xPtr: number, wPtr: number, bPtr: number, oPtr: number, K: number, N: number, pairs: number): void {
  const st = init();
  const groups = Math.ceil(N / 4);
  const run = (g0: number, g1: number): void => dotGroups(st.dot, xPtr, wPtr, bPtr, oPtr, K, N, pairs, g0, g1);
  const task = { memory: st.memory, groups, xPtr, wPtr, bPtr, oPtr, K, N, pairs };
  if (!parallelWasmDot(task, 2 * pairs * K * N, run)) run(0, groups);
}

/**
 * linear with W read in place at byte offset wPtr of wasm memory: x and the
 * bias are copied into scratch (M·K + N floats, cheap next to M·K·N), the
 * output comes back padded [M', N'] (M' even, N' a multiple of 4) and is
 * copied out.
 */
function linearDot(
  st: WasmState, out: Float32Array, x: Float32Array, wPtr: number, bias: Float32Array | null, M: number, K: number, N: number,
): void {
  const pairs = Math.ceil(M / 2), Mp = 2 * pairs, Np = 4 * Math.ceil(N / 4);
  const xPtr = wasmScratch((Mp * K + Np + Mp * Np) * 4), bPtr = xPtr + Mp * K * 4, oPtr = bPtr + Np * 4;
  const buf = st.memory.buffer; // after any grow
  const X = new Float32Array(buf, xPtr, Mp * K);
  X.set(x.subarray(0, M * K));
  X.fill(0, M * K); // the padding row, if M is odd
  const Bv = new Float32Array(buf, bPtr, Np);
  if (bias) Bv.set(bias.subarray(0, N));
  Bv.fill(0, bias ? N : 0);
  wasmDot(xPtr, wPtr, bPtr, oPtr, K, N, pairs);
  const O = new Float32Array(buf, oPtr, Mp * Np);
  if (Np === N) out.set(O.subarray(0, M * N));
  else for (let m = 0; m < M; m++) out.set(O.subarray(m * Np, m * Np + N), m * N);
}

/** Same contract as matmul.ts's `linear`, on the WebAssembly SIMD kernels. */
export function linearWasm(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  M: number,
  K: number,
  N: number,
): void {
  if (M === 0 || N === 0) return;
  const st = init();
  const inPlace = wasmOffset(W);
  if (inPlace >= 0 && K > 0) return linearDot(st, out, x, inPlace, bias, M, K, N);
  const wPtr = packedWeights(st, W, K, N);
  const tiles = Math.ceil(M / MR), panels = Math.ceil(N / NR);
  const Mp = tiles * MR, Np = panels * NR;
  const xPtr = wasmScratch((Mp * K + Mp * Np) * 4), oPtr = xPtr + Mp * K * 4;
  const buf = st.memory.buffer; // after any grow
  // x [M, K] → tiles [Mp/MR][K][MR], zero rows past M
  const X = new Float32Array(buf, xPtr, Mp * K);
  for (let t = 0; t < tiles; t++) {
    for (let r = 0; r < MR; r++) {
      const m = t * MR + r;
      let dst = t * K * MR + r;
      if (m >= M) {
        for (let k = 0; k < K; k++, dst += MR) X[dst] = 0;
        continue;
      }
      const src = m * K;
      for (let k = 0; k < K; k++, dst += MR) X[dst] = x[src + k];
    }
  }
  wasmPanels(xPtr, wPtr, K, oPtr, Np * 4, tiles, panels);
  const O = new Float32Array(buf, oPtr, Mp * Np);
  for (let m = 0; m < M; m++) {
    const o = m * N, s = m * Np;
    if (bias) for (let n = 0; n < N; n++) out[o + n] = O[s + n] + bias[n];
    else for (let n = 0; n < N; n++) out[o + n] = O[s + n];
  }
}

/** Bytes of wasm memory in use (packed weights + scratch), for the benchmark. */
export function wasmMemoryBytes(): number {
  return state ? state.memory.buffer.byteLength : 0;
}

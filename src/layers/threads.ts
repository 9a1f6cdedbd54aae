/**
 * An optional worker pool for the big matrix products: Node's worker_threads,
 * or Web Workers in a cross-origin isolated page (src/browser/web-pool.ts).
 *
 *   await setThreads(2);   // the calling thread + 1 worker
 *   linear(out, x, W, bias, M, K, N);   // still synchronous: now split in two
 *   await setThreads(1);   // back to the single-thread reference path
 *
 * Off by default: with 1 thread `linear` runs the fast kernel on the calling
 * thread. The CLI, the benchmark or the user opt in.
 *
 * How a product is split (`parallelLinear`):
 * - the output is cut into about CHUNKS_PER_THREAD · T chunks (T = workers + 1)
 *   of whole 4-row or 4-column tiles: by columns of W when N ≥ M (BERT's linear
 *   layers at small batch: each chunk then streams only its own slice of W),
 *   else by rows;
 * - the chunks are shared out by work stealing: the caller and every worker
 *   loop `c = Atomics.add(counter, 1)` on one shared counter and run chunk c
 *   until the chunks run out. A thread that is slow (the core is busy with
 *   something else) or wakes late simply takes fewer chunks, instead of holding
 *   up the whole product with a fixed 1/T share;
 * - every buffer must be SharedArrayBuffer-backed (allocFloat32 and the
 *   safetensors loader make them so). Each SharedArrayBuffer is posted to the
 *   workers once, the first time it is seen, and then named by a number
 *   (WeakMap buffer → id); a call only writes a few numbers into shared memory;
 * - the calling thread wakes the workers with Atomics.notify, takes chunks
 *   itself, then sleeps in Atomics.wait until each worker has stored "done".
 *   Node allows Atomics.wait on its main thread; a browser's main thread may
 *   not block, so there the caller spins on the "done" words instead (a Web
 *   Worker caller sleeps as in Node). Without SharedArrayBuffer (a page that
 *   is not cross-origin isolated) everything runs on one thread.
 * Products smaller than `minMacs` multiply-adds (default 2^20, about a quarter
 * of a millisecond of work) stay on the calling thread, since waking a worker
 * costs tens of microseconds.
 *
 * Workers are unref'd: a process exits normally while the pool is idle.
 */

/** A kernel computing output rows [m0, m1) × columns [n0, n1) (matmul.ts's linearBlock). */
export type BlockKernel = (
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null,
  m0: number, m1: number, n0: number, n1: number, K: number, N: number, packKey?: number,
) => void;

/** Layout of the shared control block: one 64-byte line of Int32 per worker. */
export const CTL_STRIDE = 16;
export const CTL_SEQ = 0; // task number, written by the caller; -1 = quit
export const CTL_DONE = 1; // task number, written by the worker when finished
export const CTL_ERROR = 2; // 1 if the worker's last task threw
export const CTL_TASKS = 3; // tasks the worker has completed (statistics, tests)
/**
 * The chunk counter of work-stealing tasks: the first Int32 of one more 64-byte
 * line after the workers' lines, i.e. at ctl.length − CTL_STRIDE. The caller
 * stores 0 before waking the workers; every thread claims chunks with
 * Atomics.add(ctl, counter, 1).
 */
export function counterIndex(ctl: Int32Array): number {
  return ctl.length - CTL_STRIDE;
}
/**
 * Chunks per thread of a work-stealing task: enough that a slow thread costs
 * little, few enough that claiming is cheap. 8, 16 and 32 measured the same on
 * 128×384×384 and 128×384×1536 at 2 threads on a quiet machine.
 */
export const CHUNKS_PER_THREAD = 16;

/**
 * Start of chunk c of `chunks` over `len` items cut at multiples of `step`
 * (4 for the tiles of a product, 1 for elements): the chunks are
 * [chunkStart(c), chunkStart(c + 1)) for c in [0, chunks), covering [0, len).
 */
export function chunkStart(c: number, chunks: number, len: number, step: number): number {
  const units = Math.ceil(len / step);
  // | 0: a small integer, so the kernels' index arithmetic stays in integer registers
  return Math.min(len, step * Math.floor((units * c) / chunks)) | 0;
}
/** Layout of the shared argument block: Float64 slots per worker. */
export const ARG_STRIDE = 32;
/**
 * Argument slots. kind: which task. TASK_LINEAR: for each of out, x, W, bias a
 * buffer id (-1 = none), byte offset and length, then the sizes M, K, N, the
 * number of chunks and byCols (1: chunks are column ranges, 0: row ranges).
 * TASK_WASM: panels [p0, p1) of wasm-matmul.ts's kernel, on the shared wasm memory.
 * Every work-stealing task has its chunk count at ARG.chunks.
 */
export const ARG = {
  kind: 0, out: 1, x: 4, W: 7, bias: 10, p0: 13, p1: 14, K: 17, N: 18,
  xPtr: 19, wPtr: 20, oPtr: 21, ldo: 22, tiles: 23, panelBytes: 24,
  M: 25, chunks: 26, byCols: 27,
} as const;
export const TASK_LINEAR = 0;
export const TASK_WASM = 1;
export const TASK_ATTENTION = 2;
/** attention.ts's attentionPairs, one (batch, head) pair per chunk */
export const TASK_ATTENTION_JS = 3;
/** activations.ts's applyActivationRange over element chunks */
export const TASK_ACTIVATION = 4;
/** wasm-dot.ts's dotGroups over chunks of column groups, on the shared wasm memory */
export const TASK_WASM_DOT = 5;
/** Argument slots of TASK_WASM_DOT: the groups of 4 columns, the byte offsets in wasm memory and the sizes (then ARG.chunks). */
export const DOT = { groups: 1, xPtr: 3, wPtr: 4, bPtr: 5, oPtr: 6, K: 7, N: 8, pairs: 9 } as const;
/** Argument slots of TASK_ATTENTION: views as for linear, then sizes, pairs [j0, j1), scratch offset. */
export const ATT = {
  ctx: 1, q: 4, k: 7, v: 10, mask: 13, probs: 16, B: 19, S: 20, A: 21, D: 22, j0: 23, j1: 24, scratch: 25,
} as const;
/** Argument slots of TASK_ACTIVATION: the view, its length n, the activation's index in activations.ts's ACTIVATIONS. */
export const ACT = { x: 1, n: 4, act: 5 } as const;

/** Messages on each worker's port. */
export type PoolMessage =
  | { type: 'add'; id: number; buffer: SharedArrayBuffer }
  | { type: 'drop'; id: number }
  | { type: 'wasm'; memory: WebAssembly.Memory };

export interface PoolOptions {
  /** Products with fewer multiply-adds than this run on the calling thread (default 2^20). */
  minMacs?: number;
}

/** One started worker, as the pool sees it. */
export interface PoolWorkerHandle {
  /** send a message to the worker (its shell hands it to PoolWorker.receive) */
  post(msg: PoolMessage): void;
  terminate(): Promise<void>;
}

/**
 * How a pool's workers are started on this platform: Node's worker_threads
 * (built in below) or, in a browser, Web Workers (src/browser/web-pool.ts
 * registers that one with setPoolPlatform).
 */
export interface PoolPlatform {
  /** whether this runtime can run a pool now (e.g. a browser page only when crossOriginIsolated) */
  supported(): boolean;
  /** why not, in one line, with the fix (shown by setThreads(n > 1) when unsupported) */
  unsupportedReason(): string;
  /** start worker `index` on the shared control and argument blocks; resolves when it takes tasks */
  spawn(index: number, ctl: SharedArrayBuffer, args: SharedArrayBuffer): Promise<PoolWorkerHandle>;
  /**
   * whether the calling thread may sleep in Atomics.wait (a browser's main thread
   * may not: there the caller spins on the workers' "done" words instead)
   */
  canBlock(): boolean;
}

interface Pool {
  workers: PoolWorkerHandle[];
  ctl: Int32Array;
  args: Float64Array;
  seq: number;
  ids: WeakMap<SharedArrayBuffer, number>;
  nextId: number;
  finalizer: FinalizationRegistry<number>;
  minMacs: number;
  /** calls that were split over the pool */
  parallelCalls: number;
  /** the shared wasm memory the workers have been sent, if any */
  wasmMemory: WebAssembly.Memory | null;
  /** true while the caller runs its own share: nested products stay on the calling thread */
  busy: boolean;
  /** platform.canBlock(), fixed when the pool starts */
  canBlock: boolean;
}

let pool: Pool | null = null;
/**
 * The last task number of any pool. A new pool continues from it, so task
 * numbers stay unique across setThreads calls: linearBlock's packKey relies on
 * that (the calling thread's packed x outlives a pool).
 */
let lastSeq = 0;
let pending: Promise<void> = Promise.resolve();

/** The number of threads `linear` may use: 1 (no pool) or workers + 1. */
export function getThreads(): number {
  return pool ? pool.workers.length + 1 : 1;
}

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!proc?.versions?.node;
}

/** The platform a browser entry registered (Node always uses worker_threads). */
let platform: PoolPlatform | null = null;

/** Use `p` to start workers outside Node (src/browser/web-pool.ts calls this with Web Workers). */
export function setPoolPlatform(p: PoolPlatform): void {
  platform = p;
}

function currentPlatform(): PoolPlatform | null {
  return isNode() ? nodePlatform : platform;
}

/**
 * Whether this runtime can run the pool: SharedArrayBuffer and Atomics, plus
 * Node's worker_threads or (in a cross-origin isolated page) Web Workers.
 */
export function threadsSupported(): boolean {
  const p = currentPlatform();
  return typeof SharedArrayBuffer !== 'undefined' && typeof Atomics !== 'undefined' && !!p && p.supported();
}

/**
 * Use n threads (the caller + n − 1 workers) for large matrix products.
 * n = 1 stops the pool. Where threads are not supported (a page that is not
 * cross-origin isolated, no SharedArrayBuffer) this warns once, in one line,
 * why, and stays at one thread. Resolves when the workers are ready.
 */
export function setThreads(n: number, options: PoolOptions = {}): Promise<void> {
  if (!Number.isInteger(n) || n < 1) {
    return Promise.reject(new RangeError(`setThreads: expected a whole number ≥ 1, got ${n}`));
  }
  // serialise concurrent calls
  pending = pending.then(() => resize(n, options));
  return pending;
}

/** Counters for tests and the benchmark: products split over the pool, tasks each worker ran. */
export function threadStats(): { parallelCalls: number; workerTasks: number[] } {
  if (!pool) return { parallelCalls: 0, workerTasks: [] };
  const p = pool;
  return {
    parallelCalls: p.parallelCalls,
    workerTasks: p.workers.map((_, i) => Atomics.load(p.ctl, i * CTL_STRIDE + CTL_TASKS)),
  };
}

let warned = false;

async function resize(n: number, options: PoolOptions): Promise<void> {
  if (pool && pool.workers.length + 1 === n) {
    if (options.minMacs !== undefined) pool.minMacs = options.minMacs;
    return;
  }
  await stop();
  if (n === 1) return;
  if (!threadsSupported()) {
    if (!warned) {
      warned = true;
      const p = currentPlatform();
      const reason = p && !p.supported() ? p.unsupportedReason()
        : typeof SharedArrayBuffer === 'undefined' ? 'this runtime has no SharedArrayBuffer' : 'this runtime cannot start workers';
      console.warn(`bert-ts: setThreads(${n}) stays at 1 thread: ${reason}`);
    }
    return;
  }
  pool = await start(currentPlatform()!, n - 1, options.minMacs ?? 1 << 20);
}

async function stop(): Promise<void> {
  const p = pool;
  if (!p) return;
  pool = null;
  for (let i = 0; i < p.workers.length; i++) {
    Atomics.store(p.ctl, i * CTL_STRIDE + CTL_SEQ, -1);
    Atomics.notify(p.ctl, i * CTL_STRIDE + CTL_SEQ);
  }
  await Promise.all(p.workers.map((w) => w.terminate()));
}

// Module names held in variables so that bundlers for the browser leave them alone.
const WORKER_THREADS = 'node:worker_threads';
const ESBUILD = 'esbuild';

interface NodeWorker {
  postMessage(value: unknown, transferList?: unknown[]): void;
  terminate(): Promise<number>;
  unref(): void;
  once(event: string, listener: (...args: any[]) => void): void;
}
interface NodePort {
  postMessage(value: unknown): void;
  close(): void;
  unref?(): void;
}

/**
 * Where the worker's code comes from. In the built package, dist/worker.js sits
 * beside dist/index.js. Run from TypeScript source (vitest), worker.ts is
 * bundled on the fly with esbuild (a devDependency) and run as eval'd CommonJS.
 */
async function workerScript(): Promise<{ script: string | URL; evaluate: boolean }> {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL('./worker.js', here), evaluate: false };
  const esbuild = (await import(ESBUILD)) as {
    build(o: object): Promise<{ outputFiles: { text: string }[] }>;
  };
  const entry = new URL('./worker.ts', here);
  const result = await esbuild.build({
    entryPoints: [decodeURIComponent(entry.pathname)],
    bundle: true, write: false, format: 'cjs', platform: 'node', target: 'es2022', logLevel: 'silent',
  });
  return { script: result.outputFiles[0].text, evaluate: true };
}

/** Node: worker_threads running worker.ts; buffers travel on a MessagePort per worker. Workers are unref'd. */
const nodePlatform: PoolPlatform = {
  supported: () => true,
  unsupportedReason: () => '',
  canBlock: () => true,
  async spawn(index, ctl, args) {
    const wt = (await import(WORKER_THREADS)) as {
      Worker: new (script: string | URL, options: object) => NodeWorker;
      MessageChannel: new () => { port1: NodePort; port2: NodePort };
    };
    const { script, evaluate } = await workerScript();
    const { port1, port2 } = new wt.MessageChannel();
    const worker = new wt.Worker(script, { eval: evaluate, workerData: { index, ctl, args, port: port2 }, transferList: [port2] });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    // Only now: an unref'd worker would not keep the process alive until it is ready.
    worker.unref();
    port1.unref?.();
    return {
      post: (msg) => port1.postMessage(msg),
      async terminate() {
        await worker.terminate();
        port1.close();
      },
    };
  },
};

async function start(platform: PoolPlatform, count: number, minMacs: number): Promise<Pool> {
  // one line per worker, then the line of the chunk counter (counterIndex)
  const ctl = new Int32Array(new SharedArrayBuffer((count + 1) * CTL_STRIDE * 4));
  const args = new Float64Array(new SharedArrayBuffer(count * ARG_STRIDE * 8));
  const workers = await Promise.all(Array.from({ length: count }, (_, i) => platform.spawn(i, ctl.buffer as SharedArrayBuffer, args.buffer as SharedArrayBuffer)));
  const p: Pool = {
    workers, ctl, args, seq: lastSeq, ids: new WeakMap(), nextId: 0, minMacs, parallelCalls: 0, wasmMemory: null, busy: false,
    canBlock: platform.canBlock(),
    finalizer: new FinalizationRegistry((id: number) => {
      if (pool !== p) return;
      for (const w of p.workers) w.post({ type: 'drop', id });
    }),
  };
  return p;
}

/** The id of a view's SharedArrayBuffer, posting the buffer to the workers the first time; -1 if not shared. */
function bufferId(p: Pool, view: Float32Array): number {
  const buffer = view.buffer;
  if (typeof SharedArrayBuffer === 'undefined' || !(buffer instanceof SharedArrayBuffer)) return -1;
  let id = p.ids.get(buffer);
  if (id === undefined) {
    id = p.nextId++;
    p.ids.set(buffer, id);
    p.finalizer.register(buffer, id);
    for (const w of p.workers) w.post({ type: 'add', id, buffer });
  }
  return id;
}

function putView(args: Float64Array, at: number, id: number, view: Float32Array | null): void {
  args[at] = id;
  args[at + 1] = view ? view.byteOffset : 0;
  args[at + 2] = view ? view.length : 0;
}

/**
 * Split out = x · Wᵀ + b over the pool. Returns false, having done nothing,
 * when there is no pool, the product is small, or a buffer is not shared; the
 * caller then runs the single-thread kernel.
 */
export function parallelLinear(
  out: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  M: number,
  K: number,
  N: number,
  kernel: BlockKernel,
): boolean {
  const p = pool;
  if (!p || p.busy || M * K * N < p.minMacs) return false;
  const outId = bufferId(p, out), xId = bufferId(p, x), wId = bufferId(p, W);
  const biasId = bias ? bufferId(p, bias) : -2;
  if (outId < 0 || xId < 0 || wId < 0 || biasId === -1) return false;

  // Cut the longer side into chunks of whole 4-wide tiles.
  const T = p.workers.length + 1;
  const { args } = p;
  const byCols = N >= M;
  const len = byCols ? N : M;
  const tiles = Math.ceil(len / 4);
  if (tiles < 2) return false;
  const chunks = Math.min(tiles, CHUNKS_PER_THREAD * T);

  dispatchChunks(
    p,
    chunks,
    (a) => {
      args[a + ARG.kind] = TASK_LINEAR;
      putView(args, a + ARG.out, outId, out);
      putView(args, a + ARG.x, xId, x);
      putView(args, a + ARG.W, wId, W);
      putView(args, a + ARG.bias, bias ? biasId : -1, bias);
      args[a + ARG.M] = M;
      args[a + ARG.K] = K;
      args[a + ARG.N] = N;
      args[a + ARG.byCols] = byCols ? 1 : 0;
    },
    (c) => linearChunk(kernel, out, x, W, bias, M, K, N, byCols, c, chunks, p.seq),
  );
  return true;
}

/**
 * Chunk c of `chunks` of a product split by parallelLinear, on the calling
 * thread or a worker: whole 4-wide column ranges when byCols, else row ranges.
 * seq: the product's task number, passed to the kernel as packKey so that a
 * thread packs x once for all the column chunks it takes.
 */
export function linearChunk(
  kernel: BlockKernel, out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null,
  M: number, K: number, N: number, byCols: boolean, c: number, chunks: number, seq: number,
): void {
  const len = byCols ? N : M;
  const lo = chunkStart(c, chunks, len, 4), hi = chunkStart(c + 1, chunks, len, 4);
  if (byCols) kernel(out, x, W, bias, 0, M, lo, hi, K, N, seq);
  else kernel(out, x, W, bias, lo, hi, 0, N, K, N);
}

/**
 * A work-stealing task: post it to every worker (fill(argsOffset) writes its
 * arguments; the chunk count is added here), then claim chunks on the calling
 * thread with runChunk(c) until none are left, then wait for every worker.
 * If a worker failed (not expected), the chunk it was running is lost, so the
 * caller runs every chunk again itself: slower, still right.
 */
function dispatchChunks(p: Pool, chunks: number, fill: (a: number) => void, runChunk: (c: number) => void): void {
  const { ctl, args } = p;
  const counter = counterIndex(ctl);
  Atomics.store(ctl, counter, 0);
  let redone = false;
  dispatch(
    p,
    (a) => {
      fill(a);
      args[a + ARG.chunks] = chunks;
    },
    () => {
      for (let c = Atomics.add(ctl, counter, 1); c < chunks; c = Atomics.add(ctl, counter, 1)) runChunk(c);
    },
    () => {
      if (redone) return;
      redone = true;
      for (let c = 0; c < chunks; c++) runChunk(c);
    },
  );
}

/**
 * Post a task to every worker (fill(argsOffset, workerIndex) writes its
 * arguments), run the caller's own share, then wait for every worker.
 */
function dispatch(
  p: Pool,
  fill: (a: number, w: number) => void,
  own: () => void,
  redo: (a: number) => void,
): void {
  const seq = (p.seq = lastSeq = p.seq >= 0x3fffffff ? 1 : p.seq + 1);
  const { ctl } = p;
  const W = p.workers.length;
  for (let w = 0; w < W; w++) {
    fill(w * ARG_STRIDE, w);
    Atomics.store(ctl, w * CTL_STRIDE + CTL_SEQ, seq);
    Atomics.notify(ctl, w * CTL_STRIDE + CTL_SEQ);
  }
  p.busy = true;
  try {
    own();
  } finally {
    p.busy = false;
  }
  for (let w = 0; w < W; w++) {
    const at = w * CTL_STRIDE + CTL_DONE;
    for (;;) {
      const done = Atomics.load(ctl, at);
      if (done === seq) break;
      if (p.canBlock) Atomics.wait(ctl, at, done, 1000);
    }
  }
  // Only once every worker is done: a redo must not race a worker still writing.
  for (let w = 0; w < W; w++) {
    if (Atomics.load(ctl, w * CTL_STRIDE + CTL_ERROR)) {
      Atomics.store(ctl, w * CTL_STRIDE + CTL_ERROR, 0);
      redo(w * ARG_STRIDE);
    }
  }
  p.parallelCalls++;
}

/** The geometry of one wasm-matmul.ts call: packed x, packed W panels, padded out. */
export interface WasmPanelsTask {
  memory: WebAssembly.Memory;
  panels: number;
  xPtr: number;
  wPtr: number;
  panelBytes: number;
  K: number;
  oPtr: number;
  ldo: number;
  tiles: number;
}

/**
 * Split the panels of a wasm-matmul.ts product over the pool. The wasm memory
 * must be shared (WebAssembly.Memory with shared: true); it is posted to the
 * workers once. runPanels(p0, p1) runs panels [p0, p1) on the calling thread.
 * Returns false, having done nothing, when there is no pool or too little work.
 */
export function parallelWasm(task: WasmPanelsTask, macs: number, runPanels: (p0: number, p1: number) => void): boolean {
  const p = pool;
  const T = p ? p.workers.length + 1 : 1;
  if (!p || p.busy || macs < p.minMacs || task.panels < T) return false;
  if (!sendWasmMemory(p, task.memory)) return false;
  const { args } = p;
  const cut = (t: number) => Math.round((task.panels * t) / T);
  const fill = (a: number, w: number) => {
    args[a + ARG.kind] = TASK_WASM;
    args[a + ARG.p0] = cut(w + 1);
    args[a + ARG.p1] = cut(w + 2);
    args[a + ARG.xPtr] = task.xPtr;
    args[a + ARG.wPtr] = task.wPtr;
    args[a + ARG.panelBytes] = task.panelBytes;
    args[a + ARG.K] = task.K;
    args[a + ARG.oPtr] = task.oPtr;
    args[a + ARG.ldo] = task.ldo;
    args[a + ARG.tiles] = task.tiles;
  };
  dispatch(p, fill, () => runPanels(0, cut(1)), (a) => runPanels(args[a + ARG.p0] | 0, args[a + ARG.p1] | 0));
  return true;
}

/** Post the shared wasm memory to the workers once; false if it is not shared. */
function sendWasmMemory(p: Pool, memory: WebAssembly.Memory): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return false;
  if (p.wasmMemory !== memory) {
    for (const w of p.workers) w.post({ type: 'wasm', memory });
    p.wasmMemory = memory;
  }
  return true;
}

/** The operands of wasm-attention.ts's attention: [B, S, A·D] activations, [B, S] mask, [B, A, S, S] probs. */
export interface AttentionTask {
  ctx: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  maskAdd: Float32Array;
  probs: Float32Array | null;
  B: number;
  S: number;
  A: number;
  D: number;
}

/**
 * The writer of an attention's views and sizes into a worker's argument slots
 * (ATT), shared by the wasm and the JS attention tasks; null, having posted
 * nothing new, when a view is not SharedArrayBuffer-backed.
 */
function attentionViews(p: Pool, t: AttentionTask): ((a: number) => void) | null {
  const ids = [t.ctx, t.q, t.k, t.v, t.maskAdd].map((view) => bufferId(p, view));
  const probsId = t.probs ? bufferId(p, t.probs) : -2;
  if (ids.some((id) => id < 0) || probsId === -1) return null;
  const { args } = p;
  return (a) => {
    putView(args, a + ATT.ctx, ids[0], t.ctx);
    putView(args, a + ATT.q, ids[1], t.q);
    putView(args, a + ATT.k, ids[2], t.k);
    putView(args, a + ATT.v, ids[3], t.v);
    putView(args, a + ATT.mask, ids[4], t.maskAdd);
    putView(args, a + ATT.probs, t.probs ? probsId : -1, t.probs);
    args[a + ATT.B] = t.B;
    args[a + ATT.S] = t.S;
    args[a + ATT.A] = t.A;
    args[a + ATT.D] = t.D;
  };
}

/**
 * Split the B·A (batch, head) pairs of an attention over the pool; workers run
 * wasm-attention.ts's attentionHeads in their scratch region scratchOf(w) of
 * the shared wasm memory. runPairs(j0, j1) runs pairs [j0, j1) on the calling
 * thread. Returns false, having done nothing, when the pool cannot take it.
 */
export function parallelAttention(
  t: AttentionTask,
  macs: number,
  memory: WebAssembly.Memory,
  scratchOf: (w: number) => number,
  runPairs: (j0: number, j1: number) => void,
): boolean {
  const p = pool;
  const T = p ? p.workers.length + 1 : 1;
  const pairs = t.B * t.A;
  if (!p || p.busy || macs < p.minMacs || pairs < T) return false;
  const views = attentionViews(p, t);
  if (!views || !sendWasmMemory(p, memory)) return false;
  const scratch = p.workers.map((_, w) => scratchOf(w));
  const { args } = p;
  const cut = (i: number) => Math.round((pairs * i) / T);
  dispatch(
    p,
    (a, w) => {
      args[a + ARG.kind] = TASK_ATTENTION;
      views(a);
      args[a + ATT.j0] = cut(w + 1);
      args[a + ATT.j1] = cut(w + 2);
      args[a + ATT.scratch] = scratch[w];
    },
    () => runPairs(0, cut(1)),
    (a) => runPairs(args[a + ATT.j0] | 0, args[a + ATT.j1] | 0),
  );
  return true;
}

/** The geometry of one in-place wasm product (wasm-matmul.ts's wasmDot): byte offsets in wasm memory. */
export interface WasmDotTask {
  memory: WebAssembly.Memory;
  /** column groups of 4 */
  groups: number;
  xPtr: number;
  wPtr: number;
  bPtr: number;
  oPtr: number;
  K: number;
  N: number;
  pairs: number;
}

/**
 * Split the column groups of an in-place wasm product over the pool, in
 * work-stealing chunks of whole groups as for linear. runGroups(g0, g1) runs
 * groups [g0, g1) on the calling thread. Returns false, having done nothing, when there is no
 * pool, too little work, or the wasm memory is not shared.
 */
export function parallelWasmDot(task: WasmDotTask, macs: number, runGroups: (g0: number, g1: number) => void): boolean {
  const p = pool;
  const T = p ? p.workers.length + 1 : 1;
  if (!p || p.busy || macs < p.minMacs || task.groups < T) return false;
  if (!sendWasmMemory(p, task.memory)) return false;
  const { args } = p;
  // work-stealing chunks of whole groups, as for linear
  const chunks = Math.min(task.groups, CHUNKS_PER_THREAD * T);
  dispatchChunks(
    p,
    chunks,
    (a) => {
      args[a + ARG.kind] = TASK_WASM_DOT;
      args[a + DOT.groups] = task.groups;
      args[a + DOT.xPtr] = task.xPtr;
      args[a + DOT.wPtr] = task.wPtr;
      args[a + DOT.bPtr] = task.bPtr;
      args[a + DOT.oPtr] = task.oPtr;
      args[a + DOT.K] = task.K;
      args[a + DOT.N] = task.N;
      args[a + DOT.pairs] = task.pairs;
    },
    (ch) => runGroups(chunkStart(ch, chunks, task.groups, 1), chunkStart(ch + 1, chunks, task.groups, 1)),
  );
  return true;
}

/**
 * Split the B·A (batch, head) pairs of attention.ts's JS attention over the
 * pool, one pair per work-stealing chunk; workers run attentionPairs with
 * their own float64 scratch. runPairs(j0, j1) runs pairs [j0, j1) on the
 * calling thread. Returns false, having done nothing, when there is no pool,
 * too little work, or a buffer is not shared.
 */
export function parallelAttentionJs(t: AttentionTask, macs: number, runPairs: (j0: number, j1: number) => void): boolean {
  const p = pool;
  const pairs = t.B * t.A;
  if (!p || p.busy || macs < p.minMacs || pairs < 2) return false;
  const views = attentionViews(p, t);
  if (!views) return false;
  const { args } = p;
  dispatchChunks(
    p,
    pairs,
    (a) => {
      args[a + ARG.kind] = TASK_ATTENTION_JS;
      views(a);
    },
    (j) => runPairs(j, j + 1),
  );
  return true;
}

/**
 * Split an element-wise activation of x[0, n) over the pool in
 * CHUNKS_PER_THREAD · T chunks; act is the activation's index in
 * activations.ts's ACTIVATIONS. runRange(i0, i1) runs [i0, i1) on the calling
 * thread. Returns false, having done nothing, when there is no pool, n is below
 * minElements, or x is not shared.
 */
export function parallelActivation(
  x: Float32Array,
  n: number,
  act: number,
  minElements: number,
  runRange: (i0: number, i1: number) => void,
): boolean {
  const p = pool;
  if (!p || p.busy || n < minElements) return false;
  const id = bufferId(p, x);
  if (id < 0) return false;
  const { args } = p;
  const chunks = CHUNKS_PER_THREAD * (p.workers.length + 1);
  dispatchChunks(
    p,
    chunks,
    (a) => {
      args[a + ARG.kind] = TASK_ACTIVATION;
      putView(args, a + ACT.x, id, x);
      args[a + ACT.n] = n;
      args[a + ACT.act] = act;
    },
    (c) => runRange(chunkStart(c, chunks, n, 1), chunkStart(c + 1, chunks, n, 1)),
  );
  return true;
}

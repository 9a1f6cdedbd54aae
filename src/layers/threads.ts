/**
 * An optional worker_threads pool for the big matrix products (Node only).
 *
 *   await setThreads(2);   // the calling thread + 1 worker
 *   linear(out, x, W, bias, M, K, N);   // still synchronous: now split in two
 *   await setThreads(1);   // back to the single-thread reference path
 *
 * Off by default: with 1 thread `linear` runs the fast kernel on the calling
 * thread. The CLI, the benchmark or the user opt in.
 *
 * How a product is split (`parallelLinear`):
 * - the output is cut into T = workers + 1 blocks of whole 4-row or 4-column
 *   tiles: by columns of W when N ≥ M (BERT's linear layers at small batch: each
 *   thread then streams only its own slice of W), else by rows;
 * - every buffer must be SharedArrayBuffer-backed (allocFloat32 and the
 *   safetensors loader make them so). Each SharedArrayBuffer is posted to the
 *   workers once, the first time it is seen, and then named by a number
 *   (WeakMap buffer → id); a call only writes a few numbers into shared memory;
 * - the calling thread wakes the workers with Atomics.notify, computes its own
 *   block, then sleeps in Atomics.wait until each worker has stored "done".
 *   Node allows Atomics.wait on its main thread; browsers do not, so in a
 *   browser (and wherever SharedArrayBuffer is missing) everything runs on one
 *   thread. Web Workers are a documented limit, not implemented.
 * Products smaller than `minMacs` multiply-adds (default 2^20, about a quarter
 * of a millisecond of work) stay on the calling thread, since waking a worker
 * costs tens of microseconds.
 *
 * Workers are unref'd: a process exits normally while the pool is idle.
 */

/** A kernel computing output rows [m0, m1) × columns [n0, n1) (matmul.ts's linearBlock). */
export type BlockKernel = (
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null,
  m0: number, m1: number, n0: number, n1: number, K: number, N: number,
) => void;

/** Layout of the shared control block: one 64-byte line of Int32 per worker. */
export const CTL_STRIDE = 16;
export const CTL_SEQ = 0; // task number, written by the caller; -1 = quit
export const CTL_DONE = 1; // task number, written by the worker when finished
export const CTL_ERROR = 2; // 1 if the worker's last task threw
export const CTL_TASKS = 3; // tasks the worker has completed (statistics, tests)
/** Layout of the shared argument block: Float64 slots per worker. */
export const ARG_STRIDE = 32;
/** Argument slots: for each of out, x, W, bias: buffer id (-1 = none), byte offset, length. */
export const ARG = {
  out: 0, x: 3, W: 6, bias: 9, m0: 12, m1: 13, n0: 14, n1: 15, K: 16, N: 17,
} as const;

/** Messages on each worker's port. */
export type PoolMessage =
  | { type: 'add'; id: number; buffer: SharedArrayBuffer }
  | { type: 'drop'; id: number };

export interface PoolOptions {
  /** Products with fewer multiply-adds than this run on the calling thread (default 2^20). */
  minMacs?: number;
}

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

interface Pool {
  workers: NodeWorker[];
  ports: NodePort[];
  ctl: Int32Array;
  args: Float64Array;
  seq: number;
  ids: WeakMap<SharedArrayBuffer, number>;
  nextId: number;
  finalizer: FinalizationRegistry<number>;
  minMacs: number;
  /** calls that were split over the pool */
  parallelCalls: number;
}

let pool: Pool | null = null;
let pending: Promise<void> = Promise.resolve();

/** The number of threads `linear` may use: 1 (no pool) or workers + 1. */
export function getThreads(): number {
  return pool ? pool.workers.length + 1 : 1;
}

/** Whether this runtime can run the pool: Node's worker_threads and SharedArrayBuffer. */
export function threadsSupported(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof SharedArrayBuffer !== 'undefined' && typeof Atomics !== 'undefined' && !!proc?.versions?.node;
}

/**
 * Use n threads (the caller + n − 1 workers) for large matrix products.
 * n = 1 stops the pool. Where threads are not supported (browsers, no
 * SharedArrayBuffer) this leaves one thread and returns quietly.
 * Resolves when the workers are ready.
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

async function resize(n: number, options: PoolOptions): Promise<void> {
  if (pool && pool.workers.length + 1 === n) {
    if (options.minMacs !== undefined) pool.minMacs = options.minMacs;
    return;
  }
  await stop();
  if (n === 1 || !threadsSupported()) return;
  pool = await start(n - 1, options.minMacs ?? 1 << 20);
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
  for (const port of p.ports) port.close();
}

// Module names held in variables so that bundlers for the browser leave them alone.
const WORKER_THREADS = 'node:worker_threads';
const ESBUILD = 'esbuild';

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

async function start(count: number, minMacs: number): Promise<Pool> {
  const wt = (await import(WORKER_THREADS)) as {
    Worker: new (script: string | URL, options: object) => NodeWorker;
    MessageChannel: new () => { port1: NodePort; port2: NodePort };
  };
  const { script, evaluate } = await workerScript();
  const ctl = new Int32Array(new SharedArrayBuffer(count * CTL_STRIDE * 4));
  const args = new Float64Array(new SharedArrayBuffer(count * ARG_STRIDE * 8));
  const workers: NodeWorker[] = [];
  const ports: NodePort[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const { port1, port2 } = new wt.MessageChannel();
    const worker = new wt.Worker(script, {
      eval: evaluate,
      workerData: { index: i, ctl: ctl.buffer, args: args.buffer, port: port2 },
      transferList: [port2],
    });
    ready.push(new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    }));
    workers.push(worker);
    ports.push(port1);
  }
  await Promise.all(ready);
  // Only now: an unref'd worker would not keep the process alive until it is ready.
  for (const w of workers) w.unref();
  for (const port of ports) port.unref?.();
  const p: Pool = {
    workers, ports, ctl, args, seq: 0, ids: new WeakMap(), nextId: 0, minMacs, parallelCalls: 0,
    finalizer: new FinalizationRegistry((id: number) => {
      if (pool !== p) return;
      for (const port of p.ports) port.postMessage({ type: 'drop', id } satisfies PoolMessage);
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
    for (const port of p.ports) port.postMessage({ type: 'add', id, buffer } satisfies PoolMessage);
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
  if (!p || M * K * N < p.minMacs) return false;
  const outId = bufferId(p, out), xId = bufferId(p, x), wId = bufferId(p, W);
  const biasId = bias ? bufferId(p, bias) : -2;
  if (outId < 0 || xId < 0 || wId < 0 || biasId === -1) return false;

  // Cut the longer side into T blocks of whole 4-wide tiles.
  const T = p.workers.length + 1;
  const byCols = N >= M;
  const len = byCols ? N : M;
  const tiles = Math.ceil(len / 4);
  if (tiles < T) return false;
  const cut = (t: number) => Math.min(len, 4 * Math.round((tiles * t) / T));

  const seq = (p.seq = p.seq >= 0x3fffffff ? 1 : p.seq + 1);
  const { ctl, args } = p;
  for (let w = 0; w < T - 1; w++) {
    const a = w * ARG_STRIDE;
    putView(args, a + ARG.out, outId, out);
    putView(args, a + ARG.x, xId, x);
    putView(args, a + ARG.W, wId, W);
    putView(args, a + ARG.bias, bias ? biasId : -1, bias);
    const lo = cut(w + 1), hi = cut(w + 2);
    args[a + ARG.m0] = byCols ? 0 : lo;
    args[a + ARG.m1] = byCols ? M : hi;
    args[a + ARG.n0] = byCols ? lo : 0;
    args[a + ARG.n1] = byCols ? hi : N;
    args[a + ARG.K] = K;
    args[a + ARG.N] = N;
    Atomics.store(ctl, w * CTL_STRIDE + CTL_SEQ, seq);
    Atomics.notify(ctl, w * CTL_STRIDE + CTL_SEQ);
  }
  // The calling thread's own block: the first one.
  const hi0 = cut(1);
  if (byCols) kernel(out, x, W, bias, 0, M, 0, hi0, K, N);
  else kernel(out, x, W, bias, 0, hi0, 0, N, K, N);

  for (let w = 0; w < T - 1; w++) {
    const at = w * CTL_STRIDE + CTL_DONE;
    for (;;) {
      const done = Atomics.load(ctl, at);
      if (done === seq) break;
      Atomics.wait(ctl, at, done, 1000);
    }
    if (Atomics.load(ctl, w * CTL_STRIDE + CTL_ERROR)) {
      // Not expected; recompute the worker's block here rather than return garbage.
      Atomics.store(ctl, w * CTL_STRIDE + CTL_ERROR, 0);
      const a = w * ARG_STRIDE;
      kernel(out, x, W, bias, args[a + ARG.m0] | 0, args[a + ARG.m1] | 0, args[a + ARG.n0] | 0, args[a + ARG.n1] | 0, K, N);
    }
  }
  p.parallelCalls++;
  return true;
}

/**
 * The worker pool: `parallelFor(task, chunks, args)` runs the chunks of one
 * task (src/runtime/tasks.ts) on the calling thread and every worker at once.
 *
 *   await setThreads(2);   // the calling thread + 1 worker
 *   kernels().linear(…);   // still synchronous: now shared out
 *   await setThreads(1);   // back to one thread
 *
 * How a task runs:
 * - the caller writes the task's index, its chunk count and its numeric
 *   arguments (task.fields, in order) into one shared argument block, stores a
 *   new task number and wakes the workers with Atomics.notify;
 * - work stealing: every thread loops `c = Atomics.add(counter, 1)` and runs
 *   chunk c until the chunks run out, so a slow thread simply takes fewer;
 * - every buffer is addressed by its byte offset in the heap (heap.ts), the one
 *   shared memory the workers were given when they started: nothing is posted
 *   per call, and nothing is kept by a worker after a task;
 * - the caller then waits for each started worker's "done" in Atomics.wait
 *   slices of 20 ms, never for ever: a worker that threw makes the call fail
 *   with one BertTsError (its message copied through the shared text block); a
 *   worker that died (no "done" although every chunk is done, or no progress
 *   for `stallMs` while chunks are missing) marks the pool broken: the call
 *   returns its result, or fails with a BertTsError when a chunk was lost,
 *   and the next call starts fresh workers. Node allows Atomics.wait on its
 *   main thread; a browser page's thread does not, so there the caller spins
 *   (the host says so: worker-host.ts's callerMayBlock).
 * - tasks with less work than `minMacs` multiply-adds (default 2^20, about a
 *   quarter of a millisecond) stay on the calling thread.
 * - spin, then sleep: after a task a worker polls the task number for
 *   `spinMs` (the host's default: 0.25 ms in Node, 0 in browsers) before it
 *   sleeps in Atomics.wait, and the caller polls a worker's "done" as long
 *   before it waits. In a forward pass the next product follows within
 *   microseconds, and waking a sleeping thread costs tens of them (more in a
 *   VM): MiniLM-L6 at 1 × 8 on two threads, f32, went from 5.5–6.5 to 4.6 ms.
 *   The spin is bounded so that an idle pool sleeps within a quarter of a
 *   millisecond (onnxruntime's spinning default holds a core for much longer:
 *   see ../shared/NOTES.md); `spinMs: 0` turns it off.
 * Workers are unref'd: a process exits normally while the pool is idle.
 */
import { BertTsError } from '../errors.ts';
import { heapMemory, heapShared } from './heap.ts';
import { TASKS } from './tasks.ts';
import { writeArgs, type Task, type TaskArgs } from './task.ts';
import type { ThreadScratch } from './scratch.ts';
import { workerHost, type PoolWorker, type WorkerData, type WorkerHost } from './worker-host.ts';

/** Int32 slots of the control block, one 64-byte line each; then one line per worker. */
export const CTL = { seq: 0, counter: 16, completed: 32, spin: 48, workers: 64 } as const;
/** Offsets in a worker's line: its last task number, the task number it failed in, tasks run, started, a test fault. */
export const LINE = { done: 0, error: 1, tasks: 2, started: 3, fault: 4, stride: 16 } as const;
/** The argument block: [0] task index, [1] chunks, [2 …] the task's fields. */
export const ARGS_AT = 2;
const ARG_SLOTS = 64;
/** UTF-16 code units of error text per worker. */
export const TEXT_CHARS = 512;
/** Chunks per thread: enough that a slow thread costs little, few enough that claiming is cheap (8, 16, 32 measured the same). */
export const CHUNKS_PER_THREAD = 16;
const MAX_THREADS = 256;

export interface PoolOptions {
  /** Tasks with fewer multiply-adds than this run on the calling thread (default 2^20). */
  minMacs?: number;
  /** Milliseconds without progress, chunks missing, before a worker counts as dead (default 30 000). */
  stallMs?: number;
  /** Milliseconds a thread polls for the next task (a worker) or for "done" (the caller) before it sleeps (default: the host's, Node 0.25, browsers 0; 0: sleep at once). */
  spinMs?: number;
}

interface Pool {
  workers: PoolWorker[];
  ctl: Int32Array;
  args: Float64Array;
  text: Uint16Array;
  /** a worker exited or stopped answering: the next call starts a new pool */
  broken: boolean;
  /** true while the caller runs a task: nested tasks stay on the calling thread */
  busy: boolean;
  /** the host's callerMayBlock(): false on a browser page's thread, which spins instead of Atomics.wait */
  mayBlock: boolean;
  /** the host's spin, unless setThreads was given one (PoolOptions.spinMs) */
  spinMs: number;
}

let pool: Pool | null = null;
let settings: { minMacs: number; stallMs: number; spinMs: number | null } = { minMacs: 2 ** 20, stallMs: 30_000, spinMs: null };
/** Task numbers, unique for the life of the process (linearBlock's pack key relies on it). */
let taskNumber = 0;
let parallelCalls = 0;
let pending: Promise<void> = Promise.resolve();
/** how workers are started here (worker-host.ts), found by the first setThreads */
let cachedHost: WorkerHost | null = null;
const taskIndex = new Map<Task, number>(TASKS.map((t, i) => [t, i]));

/** The number of threads tasks may use: 1 (no pool) or workers + 1. */
export function getThreads(): number {
  return pool ? pool.workers.length + 1 : 1;
}

/** Whether this runtime can run the pool: a shared heap and a worker host. */
export function threadsSupported(): boolean {
  return heapShared();
}

/** A number for the next task, unique in the process (also the pack key of a product). */
export function nextTaskNumber(): number {
  return ++taskNumber;
}

/**
 * Use n threads (the caller + n − 1 workers). n = 1 stops the pool. Where
 * threads are not supported this leaves one thread and resolves quietly.
 * Resolves when the workers are ready; if they cannot start, rejects with a
 * BertTsError and the previous pool keeps working.
 */
export function setThreads(n: number, options: PoolOptions = {}): Promise<void> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    return Promise.reject(new BertTsError(`setThreads: expected a whole number from 1 to ${MAX_THREADS}, got ${n}`));
  }
  const spin = options.spinMs;
  if (spin !== undefined && !(spin >= 0 && spin <= 1000)) {
    return Promise.reject(new BertTsError(`setThreads: spinMs must be from 0 to 1000 milliseconds, got ${spin}`));
  }
  // one resize at a time; a failed one does not fail the ones after it
  const run = pending.then(() => resize(n, options));
  pending = run.catch(() => undefined);
  return run;
}

async function resize(n: number, options: PoolOptions): Promise<void> {
  const want = n === 1 || !threadsSupported() ? 0 : n - 1;
  if (!(pool && !pool.broken && pool.workers.length === want)) {
    const host = want > 0 ? await workerHost() : null;
    const next = host ? await start(host, want, true) : null;
    if (host) cachedHost = host; // the host of the pool in use rebuilds it
    stop(pool);
    pool = next;
  }
  const spinMs = options.spinMs ?? settings.spinMs;
  settings = { minMacs: options.minMacs ?? settings.minMacs, stallMs: options.stallMs ?? settings.stallMs, spinMs };
  if (pool) setSpin(pool, spinMs ?? cachedHost?.spinMs ?? 0);
}

/** The pool's spin, for the caller and (in microseconds, in the control block) the workers. */
function setSpin(p: Pool, ms: number): void {
  p.spinMs = ms;
  Atomics.store(p.ctl, CTL.spin, Math.round(ms * 1000));
}

/** Counters for tests and the benchmark: tasks shared out over the pool, tasks each worker ran. */
export function threadStats(): { parallelCalls: number; workerTasks: number[] } {
  const p = pool;
  if (!p) return { parallelCalls, workerTasks: [] };
  return { parallelCalls, workerTasks: p.workers.map((_, i) => Atomics.load(p.ctl, CTL.workers + i * LINE.stride + LINE.tasks)) };
}

/** Test hook: make worker w throw (1) or exit (2) in its next chunk. */
export function injectWorkerFault(w: number, fault: 1 | 2): void {
  if (pool) Atomics.store(pool.ctl, CTL.workers + w * LINE.stride + LINE.fault, fault);
}

/** Test hook: terminate worker w as if it had crashed. */
export function killWorker(w: number): void {
  pool?.workers[w]?.terminate();
}

function stop(p: Pool | null): void {
  if (!p) return;
  p.broken = true;
  Atomics.store(p.ctl, CTL.seq, -1);
  Atomics.notify(p.ctl, CTL.seq);
  for (const w of p.workers) w.terminate();
}

/**
 * count workers on fresh control blocks. wait: resolve when all are ready
 * (setThreads); else return at once (a rebuild inside a call: workers that
 * are not started yet are simply not waited for).
 */
function start(host: WorkerHost, count: number, wait: true): Promise<Pool>;
function start(host: WorkerHost, count: number, wait: false): Pool;
function start(host: WorkerHost, count: number, wait: boolean): Pool | Promise<Pool> {
  const ctl = new Int32Array(new SharedArrayBuffer((CTL.workers + count * LINE.stride) * 4));
  const args = new Float64Array(new SharedArrayBuffer(ARG_SLOTS * 8));
  const text = new Uint16Array(new SharedArrayBuffer(count * TEXT_CHARS * 2));
  const p: Pool = { workers: [], ctl, args, text, broken: false, busy: false, mayBlock: host.callerMayBlock?.() ?? true, spinMs: 0 };
  setSpin(p, settings.spinMs ?? host.spinMs ?? 0);
  const ready: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const data: WorkerData = { index, ctl: ctl.buffer as SharedArrayBuffer, args: args.buffer as SharedArrayBuffer, text: text.buffer as SharedArrayBuffer, memory: heapMemory() };
    ready.push(new Promise<void>((resolve, reject) => {
      p.workers.push(host.spawn(data, {
        ready: resolve,
        exit: (error) => {
          p.broken = true; // a worker that stops is never waited for again
          reject(new BertTsError(`setThreads: worker ${index} failed to start${error ? ` (${(error as Error).message ?? error})` : ''}`));
        },
      }));
    }));
  }
  if (!wait) {
    for (const r of ready) r.catch(() => undefined);
    return p;
  }
  return Promise.all(ready).then(() => p, (e) => {
    stop(p);
    throw e;
  });
}


/** The pool to run on now: a broken one is replaced by fresh workers (which join when they have started). */
function livePool(): Pool | null {
  if (pool?.broken && cachedHost) {
    const count = pool.workers.length;
    stop(pool);
    pool = start(cachedHost, count, false);
  }
  return pool;
}

/**
 * Run chunks [0, chunks) of `task` with `args` on the caller (with its
 * private scratch `local`) and the pool.
 * Returns false, having done nothing, when there is no pool, a task is already
 * running on it, there are fewer than 2 chunks, or the work (multiply-adds) is
 * below minMacs: the caller then runs the single-thread kernel.
 */
export function parallelFor<F extends string>(task: Task<F>, chunks: number, args: TaskArgs<F>, work: number, local: ThreadScratch): boolean {
  const p = livePool();
  if (!p || p.busy || chunks < 2 || work < settings.minMacs) return false;
  const index = taskIndex.get(task as Task);
  if (index === undefined) throw new BertTsError(`parallelFor: task '${task.name}' is not in the registry (src/runtime/tasks.ts)`);
  const { ctl } = p;
  const seq = (nextTaskNumber() % 2 ** 30) + 1;
  p.busy = true;
  try {
    p.args[0] = index;
    p.args[1] = chunks;
    writeArgs(task, p.args, ARGS_AT, args);
    Atomics.store(ctl, CTL.counter, 0);
    Atomics.store(ctl, CTL.completed, 0);
    Atomics.store(ctl, CTL.seq, seq);
    Atomics.notify(ctl, CTL.seq);
    parallelCalls++;
    const run = task.prepare(args, 0, local);
    for (let c = Atomics.add(ctl, CTL.counter, 1); c < chunks; c = Atomics.add(ctl, CTL.counter, 1)) {
      run(c);
      Atomics.add(ctl, CTL.completed, 1);
    }
    waitForWorkers(p, seq, chunks, task.name);
  } finally {
    p.busy = false;
  }
  return true;
}

/** Poll `ready` for up to `ms` milliseconds (the clock read once every 64 polls); whether it came true. */
export function spinUntil(ready: () => boolean, ms: number): boolean {
  if (ms <= 0) return ready();
  const until = performance.now() + ms;
  for (let i = 0; ; i++) {
    if (ready()) return true;
    if ((i & 63) === 63 && performance.now() > until) return false;
  }
}

function waitForWorkers(p: Pool, seq: number, chunks: number, name: string): void {
  const { ctl } = p;
  let seen = -1, since = performance.now();
  for (let w = 0; w < p.workers.length; w++) {
    const line = CTL.workers + w * LINE.stride;
    if (Atomics.load(ctl, line + LINE.started) === 0) continue; // not started yet: it skips this task
    spinUntil(() => Atomics.load(ctl, line + LINE.done) === seq, p.spinMs);
    for (let done = Atomics.load(ctl, line + LINE.done); done !== seq; done = Atomics.load(ctl, line + LINE.done)) {
      if (p.mayBlock) Atomics.wait(ctl, line + LINE.done, done, 20);
      const completed = Atomics.load(ctl, CTL.completed);
      if (completed !== seen) {
        seen = completed;
        since = performance.now();
      } else if (performance.now() - since > (completed === chunks ? 1000 : settings.stallMs)) {
        p.broken = true; // dead, or gone for a second after the last chunk: replaced on the next call
        if (completed < chunks) throw new BertTsError(`worker pool: worker ${w} stopped during task '${name}' (${chunks - completed} of ${chunks} chunks lost)`, 'the pool restarts on the next call');
        break;
      }
    }
  }
  for (let w = 0; w < p.workers.length; w++) {
    const line = CTL.workers + w * LINE.stride;
    if (Atomics.load(ctl, line + LINE.error) !== seq) continue;
    const chars = p.text.subarray(w * TEXT_CHARS, (w + 1) * TEXT_CHARS);
    const end = chars.indexOf(0);
    const message = String.fromCharCode(...chars.subarray(0, end < 0 ? TEXT_CHARS : end));
    throw new BertTsError(`worker pool: worker ${w} failed in task '${name}': ${message}`);
  }
}

/**
 * The platform seam of the worker pool: how a worker is started. The pool
 * (pool.ts) has no Node import; under Node the host below starts
 * worker_threads running dist/worker.js (built by tools/build.mjs, also for
 * the tests). A browser build can plug Web Workers in with setWorkerHost.
 */

/** What every worker is given once, when it starts (worker.ts's runWorker). */
export interface WorkerData {
  index: number;
  /** pool.ts's control block (Int32) */
  ctl: SharedArrayBuffer;
  /** the argument block (Float64) */
  args: SharedArrayBuffer;
  /** error text, TEXT_CHARS UTF-16 code units per worker */
  text: SharedArrayBuffer;
  /** the heap: the shared wasm memory every buffer lives in */
  memory: WebAssembly.Memory;
}

export interface PoolWorker {
  terminate(): void;
}

export interface WorkerHost {
  /**
   * Whether the calling thread may sleep in Atomics.wait (default true). A
   * browser page's own thread may not: there the caller spins while it waits
   * for the workers (src/browser/web-pool.ts).
   */
  callerMayBlock?(): boolean;
  /**
   * Milliseconds a thread polls for its next task before it sleeps, unless
   * setThreads is given spinMs (pool.ts): Node 0.25; default 0. A browser
   * page runs threads of its own (rendering, the page's thread spinning while
   * it waits): spinning workers there made small forwards up to ten times
   * slower on two cores (test/browser.test.ts, minMacs 0).
   */
  spinMs?: number;
  /** Start a worker; ready() once it waits for tasks, exit(error?) if it fails to start or stops. */
  spawn(data: WorkerData, events: { ready(): void; exit(error?: unknown): void }): PoolWorker;
}

let chosen: WorkerHost | null | undefined;

/** Use `host` to start workers (a browser's Web Workers, or a test's); null: no workers; undefined: the default again. */
export function setWorkerHost(host: WorkerHost | null | undefined): void {
  chosen = host;
}

/** The host in use: the one set, else Node's worker_threads, else null (no threads). */
export async function workerHost(): Promise<WorkerHost | null> {
  if (chosen !== undefined) return chosen;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  chosen = proc?.versions?.node ? await nodeWorkerHost() : null;
  return chosen;
}

// Held in a variable so that bundlers for the browser leave it alone.
const WORKER_THREADS = 'node:worker_threads';

interface NodeWorker {
  terminate(): Promise<number>;
  unref(): void;
  once(event: string, listener: (...args: any[]) => void): void;
}

/**
 * Node: the built worker beside this module (dist/worker.js), or, run from
 * TypeScript source (the tests), the one tools/build.mjs builds into dist/.
 */
async function nodeWorkerHost(): Promise<WorkerHost> {
  const wt = (await import(WORKER_THREADS)) as { Worker: new (script: URL, options: object) => NodeWorker };
  const here = import.meta.url;
  const script = new URL(here.endsWith('.ts') ? '../../dist/worker.js' : './worker.js', here);
  return {
    spinMs: 0.25,
    spawn(data, events) {
      const worker = new wt.Worker(script, { workerData: data });
      worker.once('message', () => {
        worker.unref(); // only once ready: until then it keeps a waiting process alive
        events.ready();
      });
      worker.once('error', (e: unknown) => events.exit(e));
      worker.once('exit', () => events.exit());
      return { terminate: () => void worker.terminate() };
    },
  };
}

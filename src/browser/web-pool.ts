/**
 * The pool's worker host in a browser (src/runtime/worker-host.ts's seam): each
 * worker of src/runtime/pool.ts is a Web Worker started from a blob of the
 * bundled worker code (worker-source.ts), running worker-main.ts's pool role on
 * the heap (the shared wasm memory) it is given when it starts.
 *
 * Threads need the heap to be shared, so only in a cross-origin isolated page
 * (or a worker of one): elsewhere setThreads(n > 1) says so (threads.ts) and
 * stays at one thread. On the page's own thread, which may not block in
 * Atomics.wait, the caller spins while the workers finish their share; a
 * forward on the page's thread freezes the page anyway: use BertWorker, whose
 * thread may block.
 */
import { BertTsError } from '../errors.ts';
import { setWorkerHost, type WorkerData, type WorkerHost } from '../runtime/worker-host.ts';
import { WORKER_SOURCE } from './worker-source.ts';

/** The first message to a new pool worker. */
export interface PoolInit { type: 'pool'; data: WorkerData }

let url: string | null = null;

/** Whether this code runs in a worker (which may block in Atomics.wait) rather than a page. */
export function inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

/**
 * The URL workers start from: a blob of the bundled worker code, made once;
 * inside bert-ts's own worker (which holds no copy of its code), its own URL.
 */
export function workerUrl(): string | null {
  if (url) return url;
  if (WORKER_SOURCE !== null) url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  else if (inWorker() && (globalThis as { BERT_TS_WORKER?: boolean }).BERT_TS_WORKER) url = (globalThis as unknown as { location: { href: string } }).location.href;
  return url;
}

export const ISOLATION_HINT = 'serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** Why this page (or runtime) cannot run threads, in one line with the fix; null when it can. */
export function threadsUnavailableReason(): string | null {
  if (isNode) return typeof SharedArrayBuffer === 'undefined' ? 'this runtime has no SharedArrayBuffer' : null;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return `this page is not cross-origin isolated (no SharedArrayBuffer); ${ISOLATION_HINT}`;
  }
  if (typeof Worker === 'undefined') return 'this context cannot start Web Workers';
  if (!workerUrl()) return "the worker code is missing: import bert-ts's browser bundle (dist/bert-ts.browser.js), not its TypeScript source";
  return null;
}

const webHost: WorkerHost = {
  callerMayBlock: inWorker,
  spawn(data, events) {
    const reason = threadsUnavailableReason();
    if (reason) throw new BertTsError(`setThreads: ${reason}`);
    const worker = new Worker(workerUrl()!, { name: `bert-ts pool ${data.index}` });
    worker.onmessage = (e: MessageEvent) => {
      if (e.data === 'ready') events.ready();
      else if (e.data === 'exit') events.exit();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      events.exit(new Error(e.message));
    };
    worker.postMessage({ type: 'pool', data } satisfies PoolInit);
    return { terminate: () => worker.terminate() };
  },
};

// Node keeps its worker_threads. (Checked when workers start, not here: in
// bert-ts's own worker this module runs before worker-main.ts marks it.)
if (!isNode && typeof Worker !== 'undefined') setWorkerHost(webHost);

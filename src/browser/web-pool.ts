/**
 * threads.ts's pool on Web Workers (a PoolPlatform): each worker runs
 * worker-main.ts's pool role, started from a blob of the bundled worker code
 * (worker-source.ts), and gets the pool's shared control and argument blocks;
 * buffers and the shared wasm memory follow by postMessage.
 *
 * Only in a cross-origin isolated page (or a worker of one): elsewhere there is
 * no SharedArrayBuffer, and setThreads(n > 1) says so and stays at one thread.
 * On the page's main thread, which may not block, the caller spins while the
 * workers finish their share (a forward on the main thread freezes the page
 * anyway: use BertWorker, which runs the model in a worker that may block).
 */
import { setPoolPlatform, type PoolMessage, type PoolPlatform, type PoolWorkerHandle } from '../layers/threads.ts';
import { WORKER_SOURCE } from './worker-source.ts';

/** Messages from the page (or the model worker) to a new pool worker. */
export interface PoolInit { type: 'pool'; index: number; ctl: SharedArrayBuffer; args: SharedArrayBuffer }

let url: string | null = null;

function inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

/**
 * The URL workers start from: a blob of the bundled worker code, made once; inside
 * our own worker (which has no copy of its own code), the worker's own URL.
 */
export function workerUrl(): string | null {
  if (url) return url;
  if (WORKER_SOURCE !== null) url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  else if (inWorker() && (globalThis as { BERT_TS_WORKER?: boolean }).BERT_TS_WORKER) url = (globalThis as unknown as { location: { href: string } }).location.href;
  return url;
}

export const ISOLATION_HINT = 'serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

const webPlatform: PoolPlatform = {
  supported: () => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof Worker !== 'undefined' && workerUrl() !== null,
  unsupportedReason() {
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return `this page is not cross-origin isolated (no SharedArrayBuffer); ${ISOLATION_HINT}`;
    if (typeof Worker === 'undefined') return 'this context cannot start Web Workers';
    return "the worker code is missing: import bert-ts's browser bundle (dist/bert-ts.browser.js), not its TypeScript source";
  },
  canBlock: inWorker,
  spawn(index, ctl, args): Promise<PoolWorkerHandle> {
    const worker = new Worker(workerUrl()!, { name: `bert-ts pool ${index}` });
    return new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent) => {
        if (e.data !== 'ready') return;
        worker.onmessage = null;
        worker.onerror = null;
        resolve({
          post: (msg: PoolMessage) => worker.postMessage(msg),
          async terminate() {
            worker.terminate();
          },
        });
      };
      worker.onerror = (e: ErrorEvent) => {
        worker.terminate();
        reject(new Error(`bert-ts: pool worker ${index} failed to start (${e.message})`));
      };
      worker.postMessage({ type: 'pool', index, ctl, args } satisfies PoolInit);
    });
  },
};

setPoolPlatform(webPlatform);

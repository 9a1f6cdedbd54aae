/**
 * bert-ts's Web Worker (bundled into worker-source.ts's string). Its first
 * message gives it one of two roles:
 * - {type: 'pool'}: one worker of src/runtime/pool.ts, started by web-pool.ts;
 *   src/runtime/worker.ts's runWorker serves tasks (it blocks in Atomics.wait
 *   between them, which a worker may);
 * - {type: 'host'}: the home of a model, for model-worker.ts's BertWorker: it
 *   loads, tokenizes and runs forward on request, off the page's UI thread.
 */
import { runWorker } from '../runtime/worker.ts';
import type { PoolInit } from './web-pool.ts';
import { serveModel, type HostInit } from './model-host.ts';

(globalThis as { BERT_TS_WORKER?: boolean }).BERT_TS_WORKER = true;

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(msg: unknown): void;
  close(): void;
};

scope.onmessage = (e: MessageEvent) => {
  const init = e.data as PoolInit | HostInit;
  if (init.type === 'pool') {
    scope.onmessage = null;
    runWorker(init.data, () => scope.postMessage('ready'), () => {
      scope.postMessage('exit');
      scope.close();
    });
    scope.close(); // the pool stopped (or the worker failed): nothing more to do
  } else if (init.type === 'host') {
    serveModel(init, scope);
  }
};

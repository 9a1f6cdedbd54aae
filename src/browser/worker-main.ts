/**
 * bert-ts's Web Worker (bundled into worker-source.ts's string). Its first
 * message gives it one of two roles:
 * - {type: 'pool'}: one worker of threads.ts's pool (web-pool.ts starts it).
 *   It waits on its task number with Atomics.waitAsync, so that its event loop
 *   runs between tasks and the buffers posted to it arrive; pool-worker.ts
 *   does the work.
 * - {type: 'host'}: the home of a model, for model-worker.ts's BertWorker: it
 *   loads, tokenizes and runs forward on request, off the page's UI thread.
 */
import { PoolWorker } from '../layers/pool-worker.ts';
import { CTL_SEQ, type PoolMessage } from '../layers/threads.ts';
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
  if (init.type === 'pool') runPool(init);
  else if (init.type === 'host') serveModel(init, scope);
};

function runPool(init: PoolInit): void {
  const worker = new PoolWorker(init.index, init.ctl, init.args);
  /** resolves the wait of a task whose buffers have not all arrived */
  let arrived: (() => void) | null = null;
  scope.onmessage = (e: MessageEvent) => {
    worker.receive(e.data as PoolMessage);
    arrived?.();
  };
  const c = worker.line;
  const waitAsync = (Atomics as { waitAsync?: (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
  const loop = async () => {
    let seen = 0;
    for (;;) {
      if (waitAsync) {
        const r = waitAsync(worker.ctl, c + CTL_SEQ, seen);
        if (r.async) await r.value;
      } else {
        // no waitAsync: sleep blocked, then let the event loop deliver what came
        Atomics.wait(worker.ctl, c + CTL_SEQ, seen);
        await new Promise((r) => setTimeout(r, 0));
      }
      const seq = Atomics.load(worker.ctl, c + CTL_SEQ);
      if (seq < 0) break;
      if (seq === seen) continue;
      seen = seq;
      // a buffer is posted before its task is signalled, but may not have been delivered yet
      for (let tries = 0; !worker.ready() && tries < 1000; tries++) {
        await new Promise<void>((resolve) => {
          arrived = resolve;
          setTimeout(resolve, 10);
        });
        arrived = null;
      }
      worker.runAndFinish(seq);
    }
    scope.close();
  };
  scope.postMessage('ready');
  void loop();
}

/**
 * setThreads for the browser entry: src/runtime/pool.ts's, plus one line
 * saying why a page stays at one thread when it must (no cross-origin
 * isolation: the headers that fix it), instead of staying there quietly.
 */
import { setThreads as poolSetThreads, threadsSupported, type PoolOptions } from '../runtime/pool.ts';
import { threadsUnavailableReason } from './web-pool.ts';

let warned = false;

/** Use n threads (see src/runtime/pool.ts); where a page cannot, warn once why and stay at one. */
export async function setThreads(n: number, options: PoolOptions = {}): Promise<void> {
  await poolSetThreads(n, options);
  if (n > 1 && !threadsSupported() && !warned) {
    warned = true;
    const reason = threadsUnavailableReason() ?? 'the heap is not shared (BERT_TS_SHARED_MEMORY=0 or configureHeap)';
    console.warn(`bert-ts: setThreads(${n}) stays at 1 thread: ${reason}`);
  }
}

/**
 * The Node shell of a pool worker (worker_threads): pool-worker.ts does the work.
 *
 * It sleeps in Atomics.wait on its task number. Buffers arrive on a
 * MessagePort and are read synchronously with receiveMessageOnPort, because a
 * worker asleep in Atomics.wait never runs its event loop.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { PoolWorker } from './pool-worker.ts';
import { CTL_ERROR, CTL_SEQ, type PoolMessage } from './threads.ts';

interface WorkerData { index: number; ctl: SharedArrayBuffer; args: SharedArrayBuffer; port: MessagePort }

const { index, ctl, args, port } = workerData as WorkerData;
const worker = new PoolWorker(index, ctl, args);
const c = worker.line;

/** Apply every message waiting on the port. */
function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) worker.receive(m.message as PoolMessage);
}

parentPort!.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(worker.ctl, c + CTL_SEQ, seen);
  const seq = Atomics.load(worker.ctl, c + CTL_SEQ);
  if (seq < 0) break;
  if (seq === seen) continue;
  seen = seq;
  drain();
  // A buffer is posted before its task is signalled; wait briefly if the message is not visible yet.
  for (let spins = 0; !worker.ready() && spins < 10000; spins++) {
    Atomics.wait(worker.ctl, c + CTL_ERROR, 0, 0.1);
    drain();
  }
  worker.runAndFinish(seq);
}
port.close();

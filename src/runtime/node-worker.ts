/**
 * The pool's worker under Node (worker_threads): tools/build.mjs bundles this
 * file into dist/worker.js. The work itself is worker.ts's runWorker.
 */
import './node-relaxed-simd.ts';
import { parentPort, workerData } from 'node:worker_threads';
import { runWorker } from './worker.ts';
import type { WorkerData } from './worker-host.ts';

runWorker(workerData as WorkerData, () => parentPort!.postMessage('ready'), () => process.exit(1));

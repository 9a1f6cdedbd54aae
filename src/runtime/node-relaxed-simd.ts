/**
 * Node 20 (V8 11.3) has relaxed SIMD behind --experimental-wasm-relaxed-simd,
 * which NODE_OPTIONS and a Worker's execArgv refuse. Setting it from inside the
 * process works for the whole process, workers included, for modules compiled
 * afterwards. Imported first by the Node entries (src/index.ts, the CLI, the
 * pool's worker); only where the probe fails, so a Node that has it by default
 * (≥ 22) is never handed a flag it may no longer know.
 */
import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported, resetSimdProbes } from '../wasm/kernels.ts';

if (!relaxedSimdSupported() && Number(process.versions.node.split('.')[0]) < 22) {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  resetSimdProbes();
}

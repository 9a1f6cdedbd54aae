/**
 * What the benchmark needs from bert-ts beyond the public API: the kernels by
 * name (naive, fast, threaded) and a per-op profile of one forward pass, timed
 * through the model's probe hook (no second copy of the forward pass).
 * bench/lib/build.mjs bundles this file (and the pool's worker) into
 * bench/results/tmp/, so the benchmark runs the same source as dist/.
 */
import '../../src/runtime/node-relaxed-simd.ts';
import { linearFast, linearNaive } from '../../src/layers/matmul.ts';
import type { BertModel } from '../../src/bert/model.ts';
import { Arena } from '../../src/runtime/heap.ts';

export { linearFast, linearNaive };
export { allocFloat32 } from '../../src/tensor/alloc.ts';
export { linear } from '../../src/runtime/ops.ts';
export { setBackend, getBackend } from '../../src/runtime/backend.ts';
export { wasmSimdSupported, relaxedSimdSupported } from '../../src/wasm/kernels.ts';
export { setSimd, getSimd } from '../../src/runtime/simd.ts';
export { quantizeLinear } from '../../src/layers/quantize.ts';
export { wasmKernelTable } from '../../src/runtime/wasm-kernels.ts';
export { Scratch } from '../../src/runtime/scratch.ts';
export { ceilingGops, CEILING_KINDS } from './ceiling.ts';

const arena = new Arena('bench arrays');
/** n zeros in the heap (where the model keeps its weights and activations). */
export function heapFloat32(n: number): Float32Array {
  return arena.float32(n);
}
/** bytes in the heap, as a model's arena gives them (quantizeLinear's memory). */
export const heapMemory = () => arena.tensorMemory();
export { heapStats } from '../../src/runtime/heap.ts';
export { setThreads, getThreads, threadStats } from '../../src/runtime/pool.ts';
export { loadBertModel } from '../../src/bert/load.ts';

/** The probe's step names (src/bert/probe.ts) grouped into the rows of the per-op table. */
export function opOf(step: string, activation: string): string {
  const name = step.replace(/^encoder\.layer\.\d+\./, '');
  if (name.startsWith('embeddings')) return 'embeddings';
  if (/^attention\.self\.(query|key|value)$/.test(name)) return 'linear q,k,v (H→H ×3)';
  if (/^attention\.self\.(probs|context)$/.test(name)) return 'attention (QKᵀ, softmax, PV)';
  if (name === 'attention.output') return 'attention output (linear H→H, add + LayerNorm)';
  if (name === 'intermediate') return `intermediate (linear H→I, ${activation})`;
  if (name === 'output') return 'output (linear I→H, add + LayerNorm)';
  return name;
}

/**
 * One forward pass of `model` at [B, S] on `ids` with a clock read at every
 * probe: milliseconds per op row (opOf), summed over the layers. A step's time
 * is the time since the step before it.
 */
export function profileForward(model: BertModel, B: number, S: number, ids?: Int32Array): Record<string, number> {
  const V = model.config.vocabSize;
  const inputIds = Array.from({ length: B }, (_, b) =>
    Array.from({ length: S }, (_, s) => (ids ? ids[b * S + s] : 1000 + (((b * S + s) * 7919) % (V - 1000))) % V),
  );
  const ms: Record<string, number> = {};
  let t = 0;
  const probe = (step: string): void => {
    const now = performance.now();
    const op = opOf(step, model.config.activation);
    ms[op] = (ms[op] ?? 0) + now - t;
    t = now;
  };
  t = performance.now();
  model.forward({ inputIds }, { probe });
  return ms;
}
export { jsKernels } from '../../src/runtime/js-kernels.ts';

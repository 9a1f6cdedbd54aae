/**
 * Where the kernels are chosen, once: `setBackend('js' | 'wasm' | 'auto')`
 * picks a kernel table (js-kernels.ts or wasm-kernels.ts) and `kernels()`
 * returns it. The model calls the table and never asks which backend runs.
 *
 * 'auto' (the default, on first use) is 'wasm' where the runtime has
 * WebAssembly SIMD (Node 16.4+, current browsers), else 'js'. The JS kernels
 * stay the reference. This module has no Node import: the browser entry
 * exports setBackend, getBackend and setThreads as the Node one does.
 */
import { BertTsError } from '../errors.ts';
import { wasmSimdSupported } from '../wasm/kernels.ts';
import { jsKernels } from './js-kernels.ts';
import { wasmKernelTable } from './wasm-kernels.ts';
import type { Kernels } from './kernels.ts';

export type Backend = 'js' | 'wasm';
/** null until first use, then what 'auto' picks (or what setBackend chose) */
let backend: Backend | null = null;
let table: Kernels = jsKernels;

/**
 * Choose the kernels: 'js' (plain TypeScript), 'wasm' (WebAssembly SIMD;
 * refused where the runtime has no SIMD) or 'auto'. Returns the backend now in use.
 */
export function setBackend(b: Backend | 'auto'): Backend {
  if (b === 'auto') backend = wasmSimdSupported() ? 'wasm' : 'js';
  else if (b === 'wasm') {
    if (!wasmSimdSupported()) throw new BertTsError("setBackend('wasm'): this runtime has no WebAssembly SIMD", "use 'js' or 'auto'");
    backend = 'wasm';
  } else if (b === 'js') backend = 'js';
  else throw new BertTsError(`setBackend: unknown backend ${String(b)}`, "expected 'js', 'wasm' or 'auto'");
  table = backend === 'wasm' ? wasmKernelTable : jsKernels;
  return backend;
}

/** The backend in use ('auto' resolves on the first call). */
export function getBackend(): Backend {
  return backend ?? setBackend('auto');
}

/** The kernel table of the backend in use. */
export function kernels(): Kernels {
  if (backend === null) setBackend('auto');
  return table;
}

/** Free every backend's copies of weight W (a model may have run on either): BertModel.dispose. */
export function releaseWeight(W: Float32Array): void {
  jsKernels.release(W);
  wasmKernelTable.release(W);
}

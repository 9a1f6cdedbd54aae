/**
 * The WebAssembly SIMD kernels (panel.ts, dot.ts, gelu.ts), emitted as one
 * module and instantiated on a given memory: the caller's heap, or the same
 * shared memory inside a pool worker (each thread has its own instance on the
 * one memory, so nothing is copied per thread).
 *
 * The module's memory import declares what it is given: `shared` with a
 * maximum of 4 GiB for a shared memory, an ordinary one otherwise (a shared
 * declaration against an ordinary memory is a LinkError, as on a web page that
 * is not cross-origin isolated).
 */
import { V128, emitModule, op, type FuncDef } from './emit.ts';
import { panelKernel, type PanelFn } from './panel.ts';
import { dotKernel, type DotFn } from './dot.ts';
import { geluKernel, type GeluFn } from './gelu.ts';

/** 4 GiB in 64 KiB pages: the maximum a shared memory import declares. */
const MAX_PAGES = 65536;

export interface WasmKernels {
  panel: PanelFn;
  dot: DotFn;
  gelu: GeluFn;
}

let supported: boolean | null = null;

/** Whether this runtime runs WebAssembly with 128-bit SIMD. */
export function wasmSimdSupported(): boolean {
  if (supported === null) {
    try {
      // (func (result v128) v128.const 0): validates only where SIMD is implemented
      const probe: FuncDef = { name: 'f', params: [], results: [V128], locals: [], body: [...op.v128Zero] };
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(emitModule([probe], 1));
    } catch {
      supported = false;
    }
  }
  return supported;
}

const modules = new Map<boolean, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, WasmKernels>();

/** The kernels instantiated on `memory` (once per memory and thread). */
export function wasmKernels(memory: WebAssembly.Memory): WasmKernels {
  const have = instances.get(memory);
  if (have) return have;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let module = modules.get(shared);
  if (!module) {
    module = new WebAssembly.Module(emitModule([panelKernel(), dotKernel(), geluKernel()], 1, shared ? MAX_PAGES : undefined));
    modules.set(shared, module);
  }
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = { panel: e.panel as PanelFn, dot: e.dot as DotFn, gelu: e.gelu as GeluFn };
  instances.set(memory, kernels);
  return kernels;
}

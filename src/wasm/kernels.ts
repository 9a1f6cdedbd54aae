/**
 * The WebAssembly SIMD kernels (panel.ts, dot.ts, gelu.ts, softmax.ts, qdot.ts, quantize.ts, layernorm.ts),
 * emitted as one module per instruction-set variant and instantiated on a
 * given memory: the caller's heap, or the same shared memory inside a pool
 * worker (each thread has its own instance on the one memory, so nothing is
 * copied per thread).
 *
 * Two variants, chosen by feature detection (src/runtime/backend.ts):
 * - 'simd128': fixed-width SIMD (WebAssembly 2.0), everywhere SIMD is;
 * - 'relaxed': the same kernels with relaxed-SIMD instructions where they pay
 *   (f32x4.relaxed_madd in the products, i16x8.relaxed_dot_i8x16_i7x16_s in
 *   the int8 product). A module holding any relaxed opcode fails to compile
 *   where relaxed SIMD is absent, so it is a module of its own, and a tiny
 *   probe module of the exact opcodes decides (WebAssembly.validate).
 *
 * The module's memory import declares what it is given: `shared` with a
 * maximum of 4 GiB for a shared memory, an ordinary one otherwise (a shared
 * declaration against an ordinary memory is a LinkError, as on a web page that
 * is not cross-origin isolated).
 */
import { V128, emitModule, op, relaxed, type FuncDef } from './emit.ts';
import { panelKernel, type PanelFn } from './panel.ts';
import { dotKernel, type DotFn } from './dot.ts';
import { geluKernel, type GeluFn } from './gelu.ts';
import { softmaxKernel, type SoftmaxFn } from './softmax.ts';
import { qdotKernel, type QdotFn } from './qdot.ts';
import { quantizeKernel, type QuantizeFn } from './quantize.ts';
import { layerNormKernel, type LayerNormFn } from './layernorm.ts';

/** 4 GiB in 64 KiB pages: the maximum a shared memory import declares. */
const MAX_PAGES = 65536;

/** The instruction sets a kernel module is emitted for. */
export type SimdVariant = 'relaxed' | 'simd128';

export interface WasmKernels {
  variant: SimdVariant;
  panel: PanelFn;
  dot: DotFn;
  gelu: GeluFn;
  softmax: SoftmaxFn;
  qdot: QdotFn;
  quantize: QuantizeFn;
  layerNorm: LayerNormFn;
}

/** A module of one function `f` returning the v128 that `body` leaves on the stack. */
const probe = (body: number[][]): Uint8Array<ArrayBuffer> =>
  emitModule([{ name: 'f', params: [], results: [V128], locals: [], body: body.flat() }], 1);

const validates = (module: Uint8Array<ArrayBuffer>): boolean => {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(module);
  } catch {
    return false;
  }
};

let simd: boolean | null = null;
let relaxedOk: boolean | null = null;

/** Whether this runtime runs WebAssembly with 128-bit SIMD. */
export function wasmSimdSupported(): boolean {
  // (func (result v128) v128.const 0): validates only where SIMD is implemented
  simd ??= validates(probe([op.v128Zero]));
  return simd;
}

/** Whether this runtime has the relaxed-SIMD opcodes the 'relaxed' module uses. */
export function relaxedSimdSupported(): boolean {
  relaxedOk ??= wasmSimdSupported() &&
    validates(probe([op.v128Zero, op.v128Zero, op.v128Zero, relaxed.f32x4Madd])) &&
    validates(probe([op.v128Zero, op.v128Zero, relaxed.i16x8DotI8x16I7x16S]));
  return relaxedOk;
}

/** Forget the probes' answers (after the Node entry turned relaxed SIMD on). */
export function resetSimdProbes(): void {
  relaxedOk = null;
}

function kernelsOf(variant: SimdVariant): FuncDef[] {
  const r = variant === 'relaxed';
  return [panelKernel(r), dotKernel(r), geluKernel(r), softmaxKernel(r), qdotKernel(r), quantizeKernel(), layerNormKernel()];
}

const modules = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<SimdVariant, WasmKernels>>();

/** The kernels of `variant` instantiated on `memory` (once per memory, variant and thread). */
export function wasmKernels(memory: WebAssembly.Memory, variant: SimdVariant): WasmKernels {
  let byVariant = instances.get(memory);
  const have = byVariant?.get(variant);
  if (have) return have;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const key = `${variant} ${shared ? 'shared' : 'unshared'}`;
  let module = modules.get(key);
  if (!module) {
    module = new WebAssembly.Module(emitModule(kernelsOf(variant), 1, shared ? MAX_PAGES : undefined));
    modules.set(key, module);
  }
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels: WasmKernels = {
    variant,
    panel: e.panel as PanelFn,
    dot: e.dot as DotFn,
    gelu: e.gelu as GeluFn,
    softmax: e.softmax as SoftmaxFn,
    qdot: e.qdot as QdotFn,
    quantize: e.quantize as QuantizeFn,
    layerNorm: e.layerNorm as LayerNormFn,
  };
  if (!byVariant) instances.set(memory, (byVariant = new Map()));
  byVariant.set(variant, kernels);
  return kernels;
}

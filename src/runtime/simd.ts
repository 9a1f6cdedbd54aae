/**
 * Which variant of the wasm kernels runs (src/wasm/kernels.ts): 'relaxed'
 * (relaxed SIMD: fused multiply-add, the int8 dot product) where the runtime
 * has it, else 'simd128'. Chosen once by feature detection; the user can
 * force either with setSimd() or the environment variable BERT_TS_SIMD
 * (relaxed | simd128 | auto), read on first use.
 *
 * Node 20 has relaxed SIMD behind a V8 flag: the Node entry turns it on
 * (src/runtime/node-relaxed-simd.ts) before the first kernel is compiled.
 * Node ≥ 22 and Chromium ≥ 114 have it by default.
 */
import { BertTsError } from '../errors.ts';
import { relaxedSimdSupported, wasmSimdSupported, type SimdVariant } from '../wasm/kernels.ts';

export type { SimdVariant };

let variant: SimdVariant | null = null;

/**
 * Choose the wasm kernel variant: 'relaxed' (refused where the runtime lacks
 * relaxed SIMD), 'simd128' or 'auto' (relaxed where it validates). Returns the
 * variant now in use. Workers read it per task, so this takes effect at once.
 */
export function setSimd(v: SimdVariant | 'auto'): SimdVariant {
  if (v === 'auto') variant = relaxedSimdSupported() ? 'relaxed' : 'simd128';
  else if (v === 'relaxed') {
    if (!relaxedSimdSupported()) {
      throw new BertTsError("setSimd('relaxed'): this runtime has no relaxed SIMD", "use 'simd128' or 'auto' (Node ≥ 20 with bert-ts's Node entry, Chromium ≥ 114)");
    }
    variant = 'relaxed';
  } else if (v === 'simd128') {
    if (!wasmSimdSupported()) throw new BertTsError("setSimd('simd128'): this runtime has no WebAssembly SIMD", "use the 'js' backend");
    variant = 'simd128';
  } else throw new BertTsError(`setSimd: unknown variant ${String(v)}`, "expected 'relaxed', 'simd128' or 'auto'");
  return variant;
}

/** The variant in use; the first call reads BERT_TS_SIMD (default auto). */
export function getSimd(): SimdVariant {
  if (variant) return variant;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BERT_TS_SIMD;
  if (env && !['relaxed', 'simd128', 'auto'].includes(env)) {
    throw new BertTsError(`BERT_TS_SIMD=${env} is not a kernel variant`, 'expected relaxed, simd128 or auto');
  }
  return setSimd((env as SimdVariant | 'auto' | undefined) ?? 'auto');
}

/** The variant as a task argument: 1 relaxed, 0 simd128. */
export const simdArg = (): number => (getSimd() === 'relaxed' ? 1 : 0);
/** A task argument back to the variant. */
export const simdOf = (arg: number): SimdVariant => (arg === 1 ? 'relaxed' : 'simd128');

/**
 * Exact (erf) GELU on WebAssembly SIMD, in place:
 *
 *   gelu(v) = 0.5 · v · (1 + erf(v / √2))
 *
 * erf in float32 by the rational approximation Eigen and XLA use for float:
 * erf(x) ≈ x · P(x²) / Q(x²) on x clamped to [−4, 4] (|erf| rounds to 1 beyond),
 * P of degree 6 and Q of degree 4 in x², accurate to a few float32 ulps. So
 * this is not the tanh shortcut: it agrees with activations.ts's float64 erf
 * GELU to float32 rounding (tested). Four values per instruction, in place
 * on values in wasm memory (src/runtime/wasm-kernels.ts copies others in and out).
 * With `fma` (the relaxed module), each Horner step p·x² + α is one
 * f32x4.relaxed_madd instead of a multiply and an add: 10 fewer instructions
 * of about 35 per 4 values. The last step, h + h · (p / q), stays unfused:
 * fused, its rounding took the worst error to 1.06e-6 of the float64 GELU,
 * past the 1e-6 the ops test holds every variant to.
 */
import { V128, I32, op, relaxed, type FuncDef } from './emit.ts';

/** gelu(ptr, count): count float32 at byte offset ptr, in place; count a multiple of 4. */
export type GeluFn = (ptr: number, count: number) => void;

// erf(x) ≈ x · (α1 + α3 x² + … + α13 x¹²) / (β0 + β2 x² + … + β8 x⁸)
const ALPHA = [-2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2];
const BETA = [-1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3, -1.42647390514189e-2];

/** `gelu(ptr, count)`: count float32 at byte offset ptr, count a multiple of 4; `fma`: relaxed_madd (relaxed module only). */
export function geluKernel(fma = false): FuncDef {
  const PTR = 0, N = 1; // params
  const v = 2, c = 3, x2 = 4, p = 5, q = 6, h = 7; // v128 locals
  const b: number[] = [];
  const emit = (...ins: number[][]) => ins.forEach((i) => b.push(...i));
  /** acc = acc · x2 + a */
  const horner = (acc: number, a: number) =>
    fma
      ? emit(op.localGet(acc), op.localGet(x2), op.f32x4Const(a), relaxed.f32x4Madd, op.localSet(acc))
      : emit(op.localGet(acc), op.localGet(x2), op.f32x4Mul, op.f32x4Const(a), op.f32x4Add, op.localSet(acc));
  emit(op.block, op.loop);
  emit(op.localGet(N), op.i32Eqz, op.brIf(1));
  emit(op.localGet(PTR), op.v128Load(0), op.localSet(v));
  // c = clamp(v / √2, −4, 4); x2 = c²
  emit(op.localGet(v), op.f32x4Const(Math.SQRT1_2), op.f32x4Mul, op.f32x4Const(-4), op.f32x4Max, op.f32x4Const(4), op.f32x4Min, op.localSet(c));
  emit(op.localGet(c), op.localGet(c), op.f32x4Mul, op.localSet(x2));
  // Horner: p = c · P(x2), q = Q(x2)
  emit(op.f32x4Const(ALPHA[0]), op.localSet(p));
  for (const a of ALPHA.slice(1)) horner(p, a);
  emit(op.localGet(p), op.localGet(c), op.f32x4Mul, op.localSet(p));
  emit(op.f32x4Const(BETA[0]), op.localSet(q));
  for (const a of BETA.slice(1)) horner(q, a);
  // h = v / 2; out = h + h · (p / q)
  emit(op.localGet(v), op.f32x4Const(0.5), op.f32x4Mul, op.localSet(h));
  emit(op.localGet(PTR));
  emit(op.localGet(h), op.localGet(h), op.localGet(p), op.localGet(q), op.f32x4Div, op.f32x4Mul, op.f32x4Add);
  emit(op.v128Store(0));
  emit(op.localGet(PTR), op.i32Const(16), op.i32Add, op.localSet(PTR));
  emit(op.localGet(N), op.i32Const(4), op.i32Sub, op.localSet(N));
  emit(op.br(0), op.end, op.end);
  return { name: 'gelu', params: [I32, I32], results: [], locals: [[6, V128]], body: b };
}

/**
 * Exact (erf) GELU on WebAssembly SIMD, in place:
 *
 *   gelu(v) = 0.5 · v · (1 + erf(v / √2))
 *
 * erf in float32 by the rational approximation Eigen and XLA use for float:
 * erf(x) ≈ x · P(x²) / Q(x²) on x clamped to [−4, 4] (|erf| rounds to 1 beyond),
 * P of degree 6 and Q of degree 4 in x², accurate to a few float32 ulps. So
 * this is not the tanh shortcut: it agrees with activations.ts's float64 erf
 * GELU to float32 rounding (tested). Four values per instruction; values are
 * copied into wasm memory and back (2 copies of n floats, small next to the
 * ≈ 30 vector operations per 4 values).
 */
import { V128, I32, op, emitModule, type FuncDef } from './wasm-emit.ts';
import { wasmBuffer, wasmMemory, wasmScratch } from './wasm-matmul.ts';

// erf(x) ≈ x · (α1 + α3 x² + … + α13 x¹²) / (β0 + β2 x² + … + β8 x⁸)
const ALPHA = [-2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2];
const BETA = [-1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3, -1.42647390514189e-2];

/** `gelu(ptr, count)`: count float32 at byte offset ptr, count a multiple of 4. */
function geluKernel(): FuncDef {
  const PTR = 0, N = 1; // params
  const v = 2, c = 3, x2 = 4, p = 5, q = 6, h = 7; // v128 locals
  const b: number[] = [];
  const emit = (...ins: number[][]) => ins.forEach((i) => b.push(...i));
  emit(op.block, op.loop);
  emit(op.localGet(N), op.i32Eqz, op.brIf(1));
  emit(op.localGet(PTR), op.v128Load(0), op.localSet(v));
  // c = clamp(v / √2, −4, 4); x2 = c²
  emit(op.localGet(v), op.f32x4Const(Math.SQRT1_2), op.f32x4Mul, op.f32x4Const(-4), op.f32x4Max, op.f32x4Const(4), op.f32x4Min, op.localSet(c));
  emit(op.localGet(c), op.localGet(c), op.f32x4Mul, op.localSet(x2));
  // Horner: p = c · P(x2), q = Q(x2)
  emit(op.f32x4Const(ALPHA[0]), op.localSet(p));
  for (const a of ALPHA.slice(1)) emit(op.localGet(p), op.localGet(x2), op.f32x4Mul, op.f32x4Const(a), op.f32x4Add, op.localSet(p));
  emit(op.localGet(p), op.localGet(c), op.f32x4Mul, op.localSet(p));
  emit(op.f32x4Const(BETA[0]), op.localSet(q));
  for (const a of BETA.slice(1)) emit(op.localGet(q), op.localGet(x2), op.f32x4Mul, op.f32x4Const(a), op.f32x4Add, op.localSet(q));
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

let kernel: ((ptr: number, n: number) => void) | null = null;

function geluFn(): (ptr: number, n: number) => void {
  if (kernel) return kernel;
  const memory = wasmMemory();
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(emitModule([geluKernel()], 1, shared ? 65536 : undefined));
  kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.gelu as (ptr: number, n: number) => void;
  return kernel;
}

/** x[0..n) ← gelu(x) (erf form), on WebAssembly SIMD, in chunks through wasm memory. */
export function geluWasm(x: Float32Array, n: number): void {
  const gelu = geluFn();
  const CHUNK = 1 << 16; // floats per pass (256 KiB)
  const ptr = wasmScratch(CHUNK * 4);
  const buf = new Float32Array(wasmBuffer(), ptr, CHUNK);
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    const len4 = (len + 3) & ~3;
    buf.set(x.subarray(i, i + len));
    for (let j = len; j < len4; j++) buf[j] = 0;
    gelu(ptr, len4);
    x.set(buf.subarray(0, len), i);
  }
}

/**
 * The attention softmax on WebAssembly SIMD, four scores per instruction:
 *
 *   x_j = s_j · scale + m_j          (m: the additive key mask, −∞ past S)
 *   p_j = exp(x_j − max_j x) / Σ_j exp(x_j − max_j x)
 *
 * exp is float32, by Cephes' expf: n = round(x · log2 e), r = x − n · ln 2 (ln 2
 * split in two constants so r is exact), exp(x) = 2ⁿ · (1 + r + r² · P(r)) with
 * P of degree 5: within 2 ulp of the true value on [−87, 0], and 0 below −87
 * (exp(−87) ≈ 1.6e−38, the edge of float32's normal range; −∞ gives 0 too). JS's softmax (src/layers/softmax.ts)
 * works in float64: the two agree to float32 rounding (tested in ops.test.ts).
 * Masked scores (float32 min) add to float32 min exactly, so a fully masked
 * row comes out uniform, as in PyTorch.
 * With `fma` (the relaxed module), s · scale + m, the range reduction and each
 * Horner step are fused multiply-adds (f32x4.relaxed_madd / relaxed_nmadd).
 */
import { F32, I32, V128, op, relaxed, type FuncDef } from './emit.ts';

/**
 * softmax(sp, lds, mp, pp, ldp, rows, n4, scale): `rows` rows of 4·n4 scores at
 * sp (row stride lds bytes; overwritten with x), the mask row of 4·n4 floats
 * at mp, the probabilities to pp (row stride ldp bytes).
 */
export type SoftmaxFn = (sp: number, lds: number, mp: number, pp: number, ldp: number, rows: number, n4: number, scale: number) => void;

const LOG2E = Math.LOG2E;
const LN2_HI = 0.693359375, LN2_LO = -2.12194440e-4;
const P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** below this exp is 0 here (2ⁿ must stay a normal float32: n ≥ −126) */
const LOWEST = -87;

export function softmaxKernel(fma = false): FuncDef {
  const SP = 0, LDS = 1, MP = 2, PP = 3, LDP = 4, ROWS = 5, N4 = 6, SCALE = 7; // params
  const j = 8, s = 9, m = 10, p = 11; // i32 locals
  const sum = 12; // f32
  const vmax = 13, x = 14, y = 15, fx = 16, r = 17, vscale = 18, acc = 19, keep = 20; // v128
  const b: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? b.push(i) : b.push(...i);
  };
  /** for j = n4 … 1: body, then s, m, p += 16 (those given) */
  const vectors = (body: () => void, ptrs: number[]) => {
    emit(op.localGet(N4), op.localSet(j));
    for (const q of ptrs) emit(op.localGet(q === s ? SP : q === p ? PP : MP), op.localSet(q));
    emit(op.block, op.loop, op.localGet(j), op.i32Eqz, op.brIf(1));
    body();
    for (const q of ptrs) emit(op.localGet(q), op.i32Const(16), op.i32Add, op.localSet(q));
    emit(op.localGet(j), op.i32Const(1), op.i32Sub, op.localSet(j), op.br(0), op.end, op.end);
  };
  /** v128 on the stack → exp(v) on the stack */
  const exp = () => {
    emit(op.localTee(x), op.f32x4Const(LOWEST), op.f32x4Ge, op.localSet(keep));
    emit(op.localGet(x), op.f32x4Const(LOWEST), op.f32x4Pmax, op.localSet(x));
    emit(op.localGet(x), op.f32x4Const(LOG2E), op.f32x4Mul, op.f32x4Nearest, op.localSet(fx));
    if (fma) {
      emit(op.localGet(fx), op.f32x4Const(LN2_HI), op.localGet(x), relaxed.f32x4Nmadd);
      emit(op.localSet(r), op.localGet(fx), op.f32x4Const(LN2_LO), op.localGet(r), relaxed.f32x4Nmadd, op.localSet(r));
    } else {
      emit(op.localGet(x), op.localGet(fx), op.f32x4Const(LN2_HI), op.f32x4Mul, op.f32x4Sub);
      emit(op.localGet(fx), op.f32x4Const(LN2_LO), op.f32x4Mul, op.f32x4Sub, op.localSet(r));
    }
    emit(op.f32x4Const(P[0]), op.localSet(y));
    for (const c of P.slice(1)) {
      if (fma) emit(op.localGet(y), op.localGet(r), op.f32x4Const(c), relaxed.f32x4Madd, op.localSet(y));
      else emit(op.localGet(y), op.localGet(r), op.f32x4Mul, op.f32x4Const(c), op.f32x4Add, op.localSet(y));
    }
    // (y · r² + r + 1) · 2ⁿ, 2ⁿ built in the exponent bits: (n + 127) << 23
    if (fma) emit(op.localGet(y), op.localGet(r), op.f32x4Mul, op.localGet(r), op.localGet(r), relaxed.f32x4Madd, op.f32x4Const(1), op.f32x4Add);
    else emit(op.localGet(y), op.localGet(r), op.f32x4Mul, op.localGet(r), op.f32x4Mul, op.localGet(r), op.f32x4Add, op.f32x4Const(1), op.f32x4Add);
    emit(op.localGet(fx), op.i32x4TruncSatF32x4S, op.i32x4Const(127), op.i32x4Add, op.i32Const(23), op.i32x4Shl, op.f32x4Mul);
    emit(op.localGet(keep), op.v128And); // 0 below LOWEST (and for −∞, NaN)
  };
  /** the 4 lanes of v combined by `combine` (pmax or add), splat to every lane */
  const across = (v: number, combine: number[]) => {
    emit(op.localGet(v), op.localGet(v), op.localGet(v), op.f32x4Shuffle(2, 3, 0, 1), combine, op.localSet(v));
    emit(op.localGet(v), op.localGet(v), op.localGet(v), op.f32x4Shuffle(1, 0, 3, 2), combine, op.localSet(v));
  };

  emit(op.localGet(SCALE), op.f32x4Splat, op.localSet(vscale));
  emit(op.block, op.loop, op.localGet(ROWS), op.i32Eqz, op.brIf(1));
  // pass 1: x = s · scale + m, kept in the score row; its max
  emit(op.f32x4Const(-Infinity), op.localSet(vmax));
  vectors(() => {
    if (fma) emit(op.localGet(s), op.localGet(s), op.v128Load(0), op.localGet(vscale), op.localGet(m), op.v128Load(0), relaxed.f32x4Madd, op.localTee(x));
    else emit(op.localGet(s), op.localGet(s), op.v128Load(0), op.localGet(vscale), op.f32x4Mul, op.localGet(m), op.v128Load(0), op.f32x4Add, op.localTee(x));
    emit(op.v128Store(0), op.localGet(vmax), op.localGet(x), op.f32x4Pmax, op.localSet(vmax));
  }, [s, m]);
  across(vmax, op.f32x4Pmax);
  // pass 2: e = exp(x − max) into the probability row; Σ e
  emit(op.v128Zero, op.localSet(acc));
  vectors(() => {
    emit(op.localGet(p), op.localGet(s), op.v128Load(0), op.localGet(vmax), op.f32x4Sub);
    exp();
    emit(op.localTee(y), op.v128Store(0), op.localGet(acc), op.localGet(y), op.f32x4Add, op.localSet(acc));
  }, [s, p]);
  across(acc, op.f32x4Add);
  emit(op.f32Const(1), op.localGet(acc), op.f32x4ExtractLane(0), op.f32Div, op.localSet(sum));
  // pass 3: p = e · (1 / Σ)
  emit(op.localGet(sum), op.f32x4Splat, op.localSet(acc));
  vectors(() => emit(op.localGet(p), op.localGet(p), op.v128Load(0), op.localGet(acc), op.f32x4Mul, op.v128Store(0)), [p]);
  emit(op.localGet(SP), op.localGet(LDS), op.i32Add, op.localSet(SP));
  emit(op.localGet(PP), op.localGet(LDP), op.i32Add, op.localSet(PP));
  emit(op.localGet(ROWS), op.i32Const(1), op.i32Sub, op.localSet(ROWS));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'softmax',
    params: [I32, I32, I32, I32, I32, I32, I32, F32],
    results: [],
    locals: [[4, I32], [1, F32], [8, V128]],
    body: b,
  };
}

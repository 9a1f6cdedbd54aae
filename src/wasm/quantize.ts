/**
 * The q8 path's activation quantizer on WebAssembly SIMD (the scheme is in
 * src/layers/quantize.ts, whose quantizeRows is its reference, bit for bit):
 * per row of x, its range [lo, hi] ∋ 0, then
 *
 *   sx = (hi − lo) / 127 (1 if the row is all zeros),  zp = clamp(round(−lo / sx), 0, 127)
 *   xq[k] = clamp(round(x[k] · (1 / sx)) + zp, 0, 127)
 *
 * in float32, rounding half to even (f32.nearest), 16 values per step:
 * 4 vectors scaled, rounded, converted, offset, narrowed to 16 bytes.
 */
import { F32, I32, V128, op, type FuncDef } from './emit.ts';

/**
 * quantize(xp, ldx, k16, qp, ldq, rp, rows): `rows` rows of 16·k16 floats at xp
 * (row stride ldx bytes; the padding past K must be zeros) → bytes at qp (row
 * stride ldq) and [sx, sx·zp] floats per row at rp.
 */
export type QuantizeFn = (xp: number, ldx: number, k16: number, qp: number, ldq: number, rp: number, rows: number) => void;

export function quantizeKernel(): FuncDef {
  const XP = 0, LDX = 1, K16 = 2, QP = 3, LDQ = 4, RP = 5, ROWS = 6; // params
  const j = 7, s = 8, q = 9, zpi = 10; // i32
  const lo = 11, hi = 12, sx = 13, zp = 14; // f32
  const vlo = 15, vhi = 16, v = 17, vinv = 18, vzp = 19; // v128
  const b: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? b.push(i) : b.push(...i);
  };
  const loop = (count: number[], body: () => void) => {
    emit(count, op.localSet(j), op.block, op.loop, op.localGet(j), op.i32Eqz, op.brIf(1));
    body();
    emit(op.localGet(j), op.i32Const(1), op.i32Sub, op.localSet(j), op.br(0), op.end, op.end);
  };
  const across = (x: number, combine: number[]) => {
    emit(op.localGet(x), op.localGet(x), op.localGet(x), op.f32x4Shuffle(2, 3, 0, 1), combine, op.localSet(x));
    emit(op.localGet(x), op.localGet(x), op.localGet(x), op.f32x4Shuffle(1, 0, 3, 2), combine, op.localSet(x));
  };
  /** the value of v scaled, rounded and offset, as int32 lanes on the stack */
  const level = (offset: number) => {
    emit(op.localGet(s), op.v128Load(offset), op.localGet(vinv), op.f32x4Mul, op.f32x4Nearest, op.i32x4TruncSatF32x4S, op.localGet(vzp), op.i32x4Add);
  };

  emit(op.block, op.loop, op.localGet(ROWS), op.i32Eqz, op.brIf(1));
  // the row's range, 0 included
  emit(op.v128Zero, op.localSet(vlo), op.v128Zero, op.localSet(vhi), op.localGet(XP), op.localSet(s));
  loop([...op.localGet(K16), ...op.i32Const(4), ...op.i32Mul], () => {
    emit(op.localGet(s), op.v128Load(0), op.localTee(v), op.localGet(vlo), op.f32x4Pmin, op.localSet(vlo));
    emit(op.localGet(vhi), op.localGet(v), op.f32x4Pmax, op.localSet(vhi));
    emit(op.localGet(s), op.i32Const(16), op.i32Add, op.localSet(s));
  });
  across(vlo, op.f32x4Pmin);
  across(vhi, op.f32x4Pmax);
  emit(op.localGet(vlo), op.f32x4ExtractLane(0), op.localSet(lo), op.localGet(vhi), op.f32x4ExtractLane(0), op.localSet(hi));
  // sx = hi > lo ? (hi − lo) / 127 : 1;  zp = clamp(nearest(−lo / sx), 0, 127)
  emit(op.localGet(hi), op.localGet(lo), op.f32Sub, op.f32Const(127), op.f32Div, op.f32Const(1), op.localGet(hi), op.localGet(lo), op.f32Gt, op.select, op.localSet(sx));
  emit(op.f32Const(0), op.localGet(lo), op.f32Sub, op.localGet(sx), op.f32Div, op.f32Nearest, op.f32Const(0), op.f32Max, op.f32Const(127), op.f32Min, op.localSet(zp));
  emit(op.localGet(RP), op.localGet(sx), op.f32Store(0), op.localGet(RP), op.localGet(sx), op.localGet(zp), op.f32Mul, op.f32Store(4));
  emit(op.f32Const(1), op.localGet(sx), op.f32Div, op.f32x4Splat, op.localSet(vinv));
  emit(op.localGet(zp), op.i32TruncF32S, op.localTee(zpi), op.i32x4Splat, op.localSet(vzp));
  // 16 values per step: 4 × (scale, round, int32, + zp), narrowed with saturation to 16 bytes in [0, 255], then min 127
  emit(op.localGet(XP), op.localSet(s), op.localGet(QP), op.localSet(q));
  loop(op.localGet(K16), () => {
    emit(op.localGet(q));
    level(0), level(16), emit(op.i16x8NarrowI32x4S);
    level(32), level(48), emit(op.i16x8NarrowI32x4S);
    emit(op.i8x16NarrowI16x8U, op.i32Const(127), op.i8x16Splat, op.i8x16MinU, op.v128Store(0));
    emit(op.localGet(s), op.i32Const(64), op.i32Add, op.localSet(s), op.localGet(q), op.i32Const(16), op.i32Add, op.localSet(q));
  });
  emit(op.localGet(XP), op.localGet(LDX), op.i32Add, op.localSet(XP));
  emit(op.localGet(QP), op.localGet(LDQ), op.i32Add, op.localSet(QP));
  emit(op.localGet(RP), op.i32Const(8), op.i32Add, op.localSet(RP));
  emit(op.localGet(ROWS), op.i32Const(1), op.i32Sub, op.localSet(ROWS));
  emit(op.br(0), op.end, op.end);
  return { name: 'quantize', params: new Array<number>(7).fill(I32), results: [], locals: [[4, I32], [4, F32], [5, V128]], body: b };
}

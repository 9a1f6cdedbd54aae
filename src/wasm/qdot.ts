/**
 * The int8 product of the q8 path (src/layers/quantize.ts has the scheme and
 * the plain-JS reference): out = x · Wᵀ + b with
 *
 *   W[n, k] ≈ sw[n] · Wq[n, k]                Wq int8, one scale per output channel
 *   x[m, k] ≈ sx[m] · (xq[m, k] − zp[m])      xq in [0, 127], one scale per row
 *
 *   acc[m, n] = Σ_k xq[m, k] · Wq[n, k]       (int32, exact)
 *   out[m, n] = acc · (sw[n] · sx[m]) − (sw[n] · Σ_k Wq[n, k]) · (sx[m] · zp[m]) + b[n]
 *
 * The epilogue is float32 in that order, so every variant (and the JS
 * reference) gives the same bits. The activation operand is kept in [0, 127]
 * because relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s defines its result
 * only for a second operand of 7 bits (XNNPACK offsets its activations the same
 * way): then it is exact on every engine.
 *
 * Like dot.ts, one call computes a 2×4 tile of the output for each of `pairs`
 * pairs of x rows against 4 rows of Wq (columns in dot.ts's "quarters": group
 * g takes columns g, g + G, g + 2G, g + 3G), K innermost, 16 values per step:
 * - 'relaxed': acc += dot_i16x8(relaxed_dot_i16x8(W, x), ones), 16 multiply-adds in
 *   three instructions (pmaddubsw, pmaddwd, paddd on x64). The pairwise widening
 *   sum is a dot with a vector of ones kept in a register: the same integers as
 *   i32x4.extadd_pairwise_i16x8_s, which V8 11.3 emits as a pmaddwd reading its
 *   ones from memory on every use; the kernel ran 5–8 % faster with the register
 *   (97–103 → 102–109 GOP/s on 128×768×768 … 128×384×1536 here, as
 *   docs/performance.md says);
 * - 'simd128': both operands widened to int16 (x unsigned, W signed) and
 *   i32x4.dot_i16x8_s on each half, then added.
 * Lane l of an accumulator sums the k ≡ 4l…4l+3 (mod 16) (relaxed) or
 * k ≡ 2l, 2l+1 (mod 8) (simd128) terms; the 4 lanes are summed at the end, so
 * both give the one exact integer.
 */
import { I32, V128, op, relaxed, type FuncDef } from './emit.ts';
import { quarterRow, rowSums, storeLanes } from './dot.ts';

/**
 * qdot(xp, w0, w1, w2, w3, k16, op, ldo, pairs, ldx, cp, rp, lds): xq rows at xp
 * (row stride ldx bytes, 2·pairs rows), the 4 Wq rows at w0..w3, K = 16·k16
 * (rows zero-padded to it), output 2 rows × 4 floats per pair at op (row stride
 * ldo bytes, the 4 floats of a row lds bytes apart); cp: the 4 columns' [sw ×4 |
 * sw·ΣWq ×4 | bias ×4] floats; rp: per row [sx, sx·zp] floats, 2 rows per pair.
 */
export type QdotFn = (
  xp: number, w0: number, w1: number, w2: number, w3: number, k16: number,
  op: number, ldo: number, pairs: number, ldx: number, cp: number, rp: number, lds: number,
) => void;

export function qdotKernel(useRelaxed = false): FuncDef {
  // params
  const XP = 0, W = [1, 2, 3, 4], K16 = 5, OP = 6, LDO = 7, PAIRS = 8, LDX = 9, CP = 10, RP = 11, LDS = 12;
  // locals
  const k = 13, xa = 14, xb = 15, P = [16, 17, 18, 19];
  const acc = (r: number, j: number) => 20 + 4 * r + j;
  const XL = [28, 29], XH = [30, 31], WV = 32, WH = 33, T0 = 34, T1 = 35, ONES = 36;
  const body: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? body.push(i) : body.push(...i);
  };

  if (useRelaxed) emit(op.i16x8Const(1), op.localSet(ONES));
  emit(op.block, op.loop); // for each pair of x rows
  emit(op.localGet(PAIRS), op.i32Eqz, op.brIf(1));
  for (let r = 0; r < 2; r++) for (let j = 0; j < 4; j++) emit(op.v128Zero, op.localSet(acc(r, j)));
  emit(op.localGet(XP), op.localTee(xa), op.localGet(LDX), op.i32Add, op.localSet(xb));
  for (let j = 0; j < 4; j++) emit(op.localGet(W[j]), op.localSet(P[j]));
  emit(op.localGet(K16), op.localSet(k));
  emit(op.block, op.loop);
  emit(op.localGet(k), op.i32Eqz, op.brIf(1));
  for (const [r, p] of [[0, xa], [1, xb]]) {
    emit(op.localGet(p), op.v128Load(0), op.localSet(XL[r]));
    if (!useRelaxed) {
      emit(op.localGet(XL[r]), op.i16x8ExtendHighI8x16U, op.localSet(XH[r]));
      emit(op.localGet(XL[r]), op.i16x8ExtendLowI8x16U, op.localSet(XL[r]));
    }
  }
  for (let j = 0; j < 4; j++) {
    emit(op.localGet(P[j]), op.v128Load(0), op.localSet(WV));
    if (!useRelaxed) {
      emit(op.localGet(WV), op.i16x8ExtendHighI8x16S, op.localSet(WH));
      emit(op.localGet(WV), op.i16x8ExtendLowI8x16S, op.localSet(WV));
    }
    for (let r = 0; r < 2; r++) {
      const a = acc(r, j);
      if (useRelaxed) emit(op.localGet(a), op.localGet(WV), op.localGet(XL[r]), relaxed.i16x8DotI8x16I7x16S, op.localGet(ONES), op.i32x4DotI16x8S, op.i32x4Add, op.localSet(a));
      else {
        emit(op.localGet(XL[r]), op.localGet(WV), op.i32x4DotI16x8S, op.localGet(a), op.i32x4Add);
        emit(op.localGet(XH[r]), op.localGet(WH), op.i32x4DotI16x8S, op.i32x4Add, op.localSet(a));
      }
    }
  }
  for (const p of [xa, xb, ...P]) emit(op.localGet(p), op.i32Const(16), op.i32Add, op.localSet(p));
  emit(op.localGet(k), op.i32Const(1), op.i32Sub, op.localSet(k));
  emit(op.br(0), op.end, op.end);
  for (let r = 0; r < 2; r++) {
    // the row's 4 integer sums (as dot.ts), the epilogue, stored at the row's output address
    emit(rowSums([0, 1, 2, 3].map((j) => acc(r, j)), op.i32x4Add, T0, T1), op.f32x4ConvertI32x4S);
    // · (sw · sx) − (sw·ΣWq) · (sx·zp) + bias
    emit(op.localGet(CP), op.v128Load(0), op.localGet(RP), op.v128Load32Splat(8 * r), op.f32x4Mul, op.f32x4Mul);
    emit(op.localGet(CP), op.v128Load(16), op.localGet(RP), op.v128Load32Splat(8 * r + 4), op.f32x4Mul, op.f32x4Sub);
    emit(op.localGet(CP), op.v128Load(32), op.f32x4Add, op.localSet(WV));
    emit(storeLanes(OP, r === 1 ? LDO : null, LDS, WV, k));
  }
  // next pair: xp += 2·ldx, op += 2·ldo, rp += 2 rows of 2 floats
  emit(op.localGet(XP), op.localGet(LDX), op.i32Add, op.localGet(LDX), op.i32Add, op.localSet(XP));
  emit(op.localGet(OP), op.localGet(LDO), op.i32Add, op.localGet(LDO), op.i32Add, op.localSet(OP));
  emit(op.localGet(RP), op.i32Const(16), op.i32Add, op.localSet(RP));
  emit(op.localGet(PAIRS), op.i32Const(1), op.i32Sub, op.localSet(PAIRS));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'qdot',
    params: new Array<number>(13).fill(I32),
    results: [],
    locals: [[7, I32], [17, V128]],
    body,
  };
}

/**
 * Column groups [g0, g1) of the int8 product, in dot.ts's quarters (group g:
 * columns g + j·G, G = ⌈N/4⌉), for 2·pairs quantized rows at xPtr (row stride
 * ldx bytes) and Wq [N, Kp] at wPtr, with the groups' parameters at cPtr ([G,
 * 12] floats, in the same order: quantizeLinear) and the rows' at rPtr; out at
 * oPtr, row stride ldo bytes, padded to 4G columns. Columns past N read Wq's
 * last row again; their outputs lie in the padding.
 */
export function qdotGroups(
  qdot: QdotFn, xPtr: number, ldx: number, wPtr: number, Kp: number, cPtr: number, rPtr: number, oPtr: number, ldo: number,
  N: number, pairs: number, g0: number, g1: number,
): void {
  const G = Math.ceil(N / 4), k16 = Kp >> 4;
  const row = (g: number, j: number) => quarterRow(wPtr, Kp, g, j, G, N);
  for (let g = g0; g < g1; g++) {
    qdot(xPtr, row(g, 0), row(g, 1), row(g, 2), row(g, 3), k16, oPtr + 4 * g, ldo, pairs, ldx, cPtr + 48 * g, rPtr, 4 * G);
  }
}

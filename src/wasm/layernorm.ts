/**
 * LayerNorm (and "Add & Norm") on WebAssembly SIMD, rows independent:
 *
 *   t = x + residual                        (float32, stored: PyTorch's sum is a tensor)
 *   y = (t − μ) / √(σ² + eps) · γ + β       μ, σ²: mean and biased variance of the row
 *
 * The arithmetic of src/layers/layernorm.ts, the reference: the sums, μ, σ²,
 * 1/√(σ² + eps) and each output are float64 (each float32 widened into a lane
 * of f64x2), and an output is rounded to float32 once. Only the order of the
 * sums differs (four running sums, not one), which can move a float64 sum by
 * an ulp: the float32 outputs agree with the JS kernel's but for rare ties
 * (tested). Two passes over the row (mean, then the variance about the mean):
 * stable for rows with a large common offset, unlike E[t²] − E[t]².
 *
 * Why in wasm: the JS loop costs about 4.7 ns an element here, 6 % of a q8
 * MiniLM forward at 1×128 (two of them per layer).
 */
import { F64, I32, V128, op, type FuncDef } from './emit.ts';

/**
 * layerNorm(x, res, hasRes, out, gamma, beta, R, H, eps): R rows of H float32
 * (H a multiple of 4) at byte offset x (plus, when hasRes ≠ 0, the rows at
 * res) into out, which may alias x or res; gamma, beta: H floats each.
 */
export type LayerNormFn = (
  x: number, res: number, hasRes: number, out: number, gamma: number, beta: number, R: number, H: number, eps: number,
) => void;

/** The f64x2 instructions (SIMD128) only this kernel uses. */
const f64x2 = {
  promoteLow: [0xfd, 0x5f],
  demoteZero: [0xfd, 0x5e],
  add: [0xfd, 0xf0, 0x01],
  sub: [0xfd, 0xf1, 0x01],
  mul: [0xfd, 0xf2, 0x01],
  div: [0xfd, 0xf3, 0x01],
  sqrt: [0xfd, 0xef, 0x01],
  splat: [0xfd, 0x14],
  /** f64x2.convert_low_i32x4_s */
  convertLowI32: [0xfd, 0xfe, 0x01],
  one: [0xfd, 0x0c, ...new Uint8Array(Float64Array.of(1, 1).buffer)],
};
/** float32 lanes 2, 3 moved to lanes 0, 1 (which promoteLow widens) */
const HIGH_HALF = op.f32x4Shuffle(2, 3, 2, 3);
/** the two float64 lanes swapped */
const SWAP = op.f32x4Shuffle(2, 3, 0, 1);
/** two demoted halves [a0, a1, 0, 0], [b0, b1, 0, 0] → [a0, a1, b0, b1] */
const JOIN = op.f32x4Shuffle(0, 1, 4, 5);

export function layerNormKernel(): FuncDef {
  // params
  const X = 0, RES = 1, HAS_RES = 2, OUT = 3, GAMMA = 4, BETA = 5, R = 6, H = 7, EPS = 8;
  // locals: i32, then v128
  const src = 9, p = 10;
  const v = 11, lo = 12, hi = 13, s0 = 14, s1 = 15, mean = 16, inv = 17, hv = 18, eps = 19, g0 = 20, g1 = 21;
  const b: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const x of ins) typeof x === 'number' ? b.push(x) : b.push(...x);
  };
  /** for (p = 0; p < 4·H; p += 16) body(): one vector of 4 floats of the row per step */
  const overRow = (body: () => void) => {
    emit(op.i32Const(0), op.localSet(p), op.block, op.loop);
    emit(op.localGet(p), op.localGet(H), op.i32Const(2), op.i32Shl, op.i32GeU, op.brIf(1));
    body();
    emit(op.localGet(p), op.i32Const(16), op.i32Add, op.localSet(p), op.br(0), op.end, op.end);
  };
  /** the 4 floats at base + p, widened: a ← lanes 0, 1 and c ← lanes 2, 3, as float64 */
  const widen = (base: number, a: number, c: number) => {
    emit(op.localGet(base), op.localGet(p), op.i32Add, op.v128Load(0), op.localTee(v), f64x2.promoteLow, op.localSet(a));
    emit(op.localGet(v), op.localGet(v), HIGH_HALF, f64x2.promoteLow, op.localSet(c));
  };
  /** (s0 + s1) with both lanes set to the sum of its two lanes, on the stack */
  const total = () => emit(op.localGet(s0), op.localGet(s1), f64x2.add, op.localTee(v), op.localGet(v), op.localGet(v), SWAP, f64x2.add);
  const zeroSums = () => emit(op.v128Zero, op.localSet(s0), op.v128Zero, op.localSet(s1));

  emit(op.localGet(H), op.i32x4Splat, f64x2.convertLowI32, op.localSet(hv));
  emit(op.localGet(EPS), f64x2.splat, op.localSet(eps));
  emit(op.block, op.loop); // for each row
  emit(op.localGet(R), op.i32Eqz, op.brIf(1));
  // the row: x, or t = x + res (float32) stored into out first
  emit(op.localGet(X), op.localSet(src));
  emit(op.localGet(HAS_RES), op.if);
  overRow(() => {
    emit(op.localGet(OUT), op.localGet(p), op.i32Add);
    emit(op.localGet(X), op.localGet(p), op.i32Add, op.v128Load(0), op.localGet(RES), op.localGet(p), op.i32Add, op.v128Load(0), op.f32x4Add);
    emit(op.v128Store(0));
  });
  emit(op.localGet(OUT), op.localSet(src), op.end);
  // μ = Σ t / H
  zeroSums();
  overRow(() => {
    widen(src, lo, hi);
    emit(op.localGet(s0), op.localGet(lo), f64x2.add, op.localSet(s0));
    emit(op.localGet(s1), op.localGet(hi), f64x2.add, op.localSet(s1));
  });
  total();
  emit(op.localGet(hv), f64x2.div, op.localSet(mean));
  // 1 / √(Σ (t − μ)² / H + eps)
  zeroSums();
  overRow(() => {
    widen(src, lo, hi);
    emit(op.localGet(lo), op.localGet(mean), f64x2.sub, op.localTee(lo), op.localGet(lo), f64x2.mul, op.localGet(s0), f64x2.add, op.localSet(s0));
    emit(op.localGet(hi), op.localGet(mean), f64x2.sub, op.localTee(hi), op.localGet(hi), f64x2.mul, op.localGet(s1), f64x2.add, op.localSet(s1));
  });
  emit(f64x2.one);
  total();
  emit(op.localGet(hv), f64x2.div, op.localGet(eps), f64x2.add, f64x2.sqrt, f64x2.div, op.localSet(inv));
  // out = (t − μ) · inv · γ + β, rounded to float32
  overRow(() => {
    widen(src, lo, hi);
    emit(op.localGet(lo), op.localGet(mean), f64x2.sub, op.localGet(inv), f64x2.mul, op.localSet(lo));
    emit(op.localGet(hi), op.localGet(mean), f64x2.sub, op.localGet(inv), f64x2.mul, op.localSet(hi));
    widen(GAMMA, g0, g1);
    emit(op.localGet(lo), op.localGet(g0), f64x2.mul, op.localSet(lo), op.localGet(hi), op.localGet(g1), f64x2.mul, op.localSet(hi));
    widen(BETA, g0, g1);
    emit(op.localGet(OUT), op.localGet(p), op.i32Add);
    emit(op.localGet(lo), op.localGet(g0), f64x2.add, f64x2.demoteZero, op.localGet(hi), op.localGet(g1), f64x2.add, f64x2.demoteZero, JOIN);
    emit(op.v128Store(0));
  });
  // next row
  const rowBytes = () => emit(op.localGet(H), op.i32Const(2), op.i32Shl, op.i32Add);
  for (const ptr of [X, RES, OUT]) {
    emit(op.localGet(ptr));
    rowBytes();
    emit(op.localSet(ptr));
  }
  emit(op.localGet(R), op.i32Const(1), op.i32Sub, op.localSet(R));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'layerNorm',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F64],
    results: [],
    locals: [[2, I32], [11, V128]],
    body: b,
  };
}

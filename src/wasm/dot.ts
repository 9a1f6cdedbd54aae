/**
 * The WebAssembly SIMD kernel `dot` of linear (out = x · Wᵀ + b) that reads W
 * [N, K] where it lies in wasm memory, in PyTorch's [out, in] layout, with no
 * packed copy (a model's weights are loaded into the heap, the wasm memory: see
 * src/bert/load.ts).
 *
 * One call computes a 2×4 tile of the output for each of `pairs` pairs of x
 * rows against 4 rows of W (4 output columns n..n+3):
 *
 *   out[m + r, n + j] = bias[n + j] + Σ_k x[m + r, k] · W[n + j, k]     r < 2, j < 4
 *
 * K is innermost: each step loads 4 floats of 2 x rows and 4 floats of 4 W
 * rows (6 loads) and does 8 vector multiply-adds into 8 accumulators of 4
 * lanes (lane l sums k ≡ l mod 4). The last K mod 4 values go through the same
 * loop with single-float loads (v128.load32_zero). At the end the 4 lanes of
 * each accumulator are summed, for one row, with shuffles:
 *
 *   t0 = [a0+a2, a1+a3, b0+b2, b1+b3]     (a, b, c, d: the 4 accumulators of a row)
 *   t1 = [c0+c2, c1+c3, d0+d2, d1+d3]
 *   out = [t0₀+t0₁, t0₂+t0₃, t1₀+t1₁, t1₂+t1₃] + bias
 *
 * Sums are float32 in a different order than linearNaive's: results agree to
 * float32 rounding (≈ 1e-6 relative).
 */
import { I32, V128, op, relaxed, type FuncDef } from './emit.ts';

/**
 * dot(xp, w0, w1, w2, w3, k4, kt, op, ldo, pairs, ldx, bp): x rows at xp (row
 * stride ldx bytes, 2·pairs rows), the 4 W rows at w0..w3, K = 4·k4 + kt,
 * output 2 rows × 4 floats per pair at op (row stride ldo bytes), 4 biases at bp.
 */
export type DotFn = (
  xp: number, w0: number, w1: number, w2: number, w3: number, k4: number, kt: number,
  op: number, ldo: number, pairs: number, ldx: number, bp: number,
) => void;

/**
 * The kernel; with `fma`, each multiply-add is one f32x4.relaxed_madd (a fused
 * multiply-add where the CPU has FMA: one rounding instead of two, and half the
 * instructions), for the relaxed-SIMD module only.
 */
export function dotKernel(fma = false): FuncDef {
  // params
  const XP = 0, W = [1, 2, 3, 4], K4 = 5, KT = 6, OP = 7, LDO = 8, PAIRS = 9, LDX = 10, BP = 11;
  // locals
  const k = 12, xa = 13, xb = 14, P = [15, 16, 17, 18];
  const acc = (r: number, j: number) => 19 + 4 * r + j;
  const A = 27, B = 28, WV = 29, T0 = 30, T1 = 31;
  const body: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? body.push(i) : body.push(...i);
  };
  /** k = count; while (k) { the 2×4 multiply-add of `load`ed vectors; advance `step` bytes } */
  const kLoop = (count: number, load: number[], step: number) => {
    emit(op.localGet(count), op.localSet(k));
    emit(op.block, op.loop);
    emit(op.localGet(k), op.i32Eqz, op.brIf(1));
    emit(op.localGet(xa), load, op.localSet(A));
    emit(op.localGet(xb), load, op.localSet(B));
    for (let j = 0; j < 4; j++) {
      emit(op.localGet(P[j]), load, op.localSet(WV));
      for (const [x, r] of [[A, 0], [B, 1]]) {
        if (fma) emit(op.localGet(x), op.localGet(WV), op.localGet(acc(r, j)), relaxed.f32x4Madd, op.localSet(acc(r, j)));
        else emit(op.localGet(x), op.localGet(WV), op.f32x4Mul, op.localGet(acc(r, j)), op.f32x4Add, op.localSet(acc(r, j)));
      }
    }
    for (const p of [xa, xb, ...P]) emit(op.localGet(p), op.i32Const(step), op.i32Add, op.localSet(p));
    emit(op.localGet(k), op.i32Const(1), op.i32Sub, op.localSet(k));
    emit(op.br(0), op.end, op.end);
  };

  emit(op.block, op.loop); // for each pair of x rows
  emit(op.localGet(PAIRS), op.i32Eqz, op.brIf(1));
  for (let r = 0; r < 2; r++) for (let j = 0; j < 4; j++) emit(op.v128Zero, op.localSet(acc(r, j)));
  emit(op.localGet(XP), op.localTee(xa), op.localGet(LDX), op.i32Add, op.localSet(xb));
  for (let j = 0; j < 4; j++) emit(op.localGet(W[j]), op.localSet(P[j]));
  kLoop(K4, op.v128Load(0), 16);
  kLoop(KT, op.v128Load32Zero(0), 4);
  for (let r = 0; r < 2; r++) {
    // the row's output address, its 4 sums, plus the 4 biases
    emit(op.localGet(OP));
    if (r === 1) emit(op.localGet(LDO), op.i32Add);
    emit(rowSums([0, 1, 2, 3].map((j) => acc(r, j)), op.f32x4Add, T0, T1));
    emit(op.localGet(BP), op.v128Load(0), op.f32x4Add);
    emit(op.v128Store(0));
  }
  // next pair: xp += 2·ldx, op += 2·ldo
  emit(op.localGet(XP), op.localGet(LDX), op.i32Add, op.localGet(LDX), op.i32Add, op.localSet(XP));
  emit(op.localGet(OP), op.localGet(LDO), op.i32Add, op.localGet(LDO), op.i32Add, op.localSet(OP));
  emit(op.localGet(PAIRS), op.i32Const(1), op.i32Sub, op.localSet(PAIRS));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'dot',
    params: new Array<number>(12).fill(I32),
    results: [],
    locals: [[7, I32], [13, V128]],
    body,
  };
}

/**
 * The instructions that leave [Σ a, Σ b, Σ c, Σ d] on the stack, the lane sums
 * of 4 accumulators (locals `acc`), with `add` (f32x4.add or i32x4.add) and two
 * scratch locals t0, t1; shuffles move 32-bit lanes whatever they hold:
 *
 *   t0 = [a0+a2, a1+a3, b0+b2, b1+b3],  t1 = [c0+c2, c1+c3, d0+d2, d1+d3]
 *   sums = [t0₀+t0₁, t0₂+t0₃, t1₀+t1₁, t1₂+t1₃]
 */
export function rowSums(acc: number[], add: number[], t0: number, t1: number): number[] {
  const [a, b, c, d] = acc;
  return [
    ...op.localGet(a), ...op.localGet(b), ...op.f32x4Shuffle(0, 1, 4, 5),
    ...op.localGet(a), ...op.localGet(b), ...op.f32x4Shuffle(2, 3, 6, 7), ...add, ...op.localSet(t0),
    ...op.localGet(c), ...op.localGet(d), ...op.f32x4Shuffle(0, 1, 4, 5),
    ...op.localGet(c), ...op.localGet(d), ...op.f32x4Shuffle(2, 3, 6, 7), ...add, ...op.localSet(t1),
    ...op.localGet(t0), ...op.localGet(t1), ...op.f32x4Shuffle(0, 2, 4, 6),
    ...op.localGet(t0), ...op.localGet(t1), ...op.f32x4Shuffle(1, 3, 5, 7), ...add,
  ];
}

/**
 * Output columns [4·g0, 4·g1) of x · Wᵀ + b with `dot`, for 2·pairs rows of x
 * at xPtr ([2·pairs, K]) and W [N, K] at wPtr, into the padded output at oPtr
 * ([2·pairs, N'], N' = N rounded up to 4) with biases at bPtr ([N']). Columns
 * past N read W's last row again; their outputs lie in the padding. Called by
 * src/runtime/wasm-kernels.ts and by the pool's workers on their chunks of column groups.
 */
export function dotGroups(
  dot: DotFn, xPtr: number, wPtr: number, bPtr: number, oPtr: number, K: number, N: number, pairs: number, g0: number, g1: number,
): void {
  dotStrided(dot, xPtr, 4 * K, wPtr, 4 * K, bPtr, oPtr, 16 * Math.ceil(N / 4), K, N, pairs, g0, g1);
}

/**
 * dotGroups with any row strides (bytes): x rows ldx apart, W rows ldw apart,
 * output rows ldo apart. attention.ts uses it on one head's columns of
 * [S, H] activations (stride H floats) without copying them out.
 */
export function dotStrided(
  dot: DotFn, xPtr: number, ldx: number, wPtr: number, ldw: number, bPtr: number, oPtr: number, ldo: number,
  K: number, N: number, pairs: number, g0: number, g1: number,
): void {
  const k4 = K >> 2, kt = K & 3;
  const row = (n: number) => wPtr + Math.min(n, N - 1) * ldw;
  for (let g = g0; g < g1; g++) {
    const n = 4 * g;
    dot(xPtr, row(n), row(n + 1), row(n + 2), row(n + 3), k4, kt, oPtr + 4 * n, ldo, pairs, ldx, bPtr + 4 * n);
  }
}

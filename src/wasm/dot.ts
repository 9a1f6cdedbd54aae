/**
 * The WebAssembly SIMD kernel `dot` of linear (out = x · Wᵀ + b) that reads W
 * [N, K] where it lies in wasm memory, in PyTorch's [out, in] layout, with no
 * packed copy (a model's weights are loaded into the heap, the wasm memory: see
 * src/bert/load.ts).
 *
 * One call computes a 2×4 tile of the output for each of `pairs` pairs of x
 * rows against 4 rows of W (4 output columns n₀..n₃, given as 4 pointers):
 *
 *   out[m + r, nⱼ] = bias[nⱼ] + Σ_k x[m + r, k] · W[nⱼ, k]     r < 2, j < 4
 *
 * Which 4 columns make a group: for a weight (dotGroups), "quarters": group g
 * of G = ⌈N/4⌉ takes columns g, g + G, g + 2G, g + 3G, so the four W rows a
 * call reads are each the row after the previous call's: four long sequential
 * streams through W, one per quarter, that the hardware prefetcher follows
 * from group to group. Adjacent columns (n..n+3, the previous layout) start
 * four new short streams every call; with few x rows, where each W row is
 * read once from memory and used by one or two pairs, that stalled the
 * kernel: quarters measured 1.84× faster at 2 rows, 1.24× at 8, 1.07× at 32
 * and the same at 64–128 (bert-base's f32 products, weights from memory; int8:
 * 1.6×, 1.27×, 1.1×, +2–4 %). The 4 results of a row then go to 4 columns
 * G apart (lane stride `lds` bytes; 4: one vector store).
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
 * dot(xp, w0, w1, w2, w3, k4, kt, op, ldo, pairs, ldx, bp, lds): x rows at xp
 * (row stride ldx bytes, 2·pairs rows), the 4 W rows at w0..w3, K = 4·k4 + kt,
 * output 2 rows × 4 floats per pair at op (row stride ldo bytes, the 4 floats
 * of a row lds bytes apart), the 4 biases as one vector at bp.
 */
export type DotFn = (
  xp: number, w0: number, w1: number, w2: number, w3: number, k4: number, kt: number,
  op: number, ldo: number, pairs: number, ldx: number, bp: number, lds: number,
) => void;

/**
 * The kernel; with `fma`, each multiply-add is one f32x4.relaxed_madd (a fused
 * multiply-add where the CPU has FMA: one rounding instead of two, and half the
 * instructions), for the relaxed-SIMD module only.
 */
export function dotKernel(fma = false): FuncDef {
  // params
  const XP = 0, W = [1, 2, 3, 4], K4 = 5, KT = 6, OP = 7, LDO = 8, PAIRS = 9, LDX = 10, BP = 11, LDS = 12;
  // locals
  const k = 13, xa = 14, xb = 15, P = [16, 17, 18, 19];
  const acc = (r: number, j: number) => 20 + 4 * r + j;
  const A = 28, B = 29, WV = 30, T0 = 31, T1 = 32;
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
    // the row's 4 sums plus the 4 biases, stored at the row's output address
    emit(rowSums([0, 1, 2, 3].map((j) => acc(r, j)), op.f32x4Add, T0, T1));
    emit(op.localGet(BP), op.v128Load(0), op.f32x4Add, op.localSet(A));
    emit(storeLanes(OP, r === 1 ? LDO : null, LDS, A, k));
  }
  // next pair: xp += 2·ldx, op += 2·ldo
  emit(op.localGet(XP), op.localGet(LDX), op.i32Add, op.localGet(LDX), op.i32Add, op.localSet(XP));
  emit(op.localGet(OP), op.localGet(LDO), op.i32Add, op.localGet(LDO), op.i32Add, op.localSet(OP));
  emit(op.localGet(PAIRS), op.i32Const(1), op.i32Sub, op.localSet(PAIRS));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'dot',
    params: new Array<number>(13).fill(I32),
    results: [],
    locals: [[7, I32], [13, V128]],
    body,
  };
}

/**
 * The instructions that store the 4 lanes of local `v` at base (+ local `add`)
 * + j·lds: one v128.store when lds = 4, else four f32 stores; `a` is a scratch
 * i32 local.
 */
export function storeLanes(base: number, add: number | null, lds: number, v: number, a: number): number[] {
  const out = [...op.localGet(base), ...(add === null ? [] : [...op.localGet(add), ...op.i32Add]), ...op.localSet(a)];
  out.push(...op.localGet(lds), ...op.i32Const(4), ...op.i32Eq, ...op.if);
  out.push(...op.localGet(a), ...op.localGet(v), ...op.v128Store(0));
  out.push(...op.else);
  for (let j = 0; j < 4; j++) {
    if (j) out.push(...op.localGet(a), ...op.localGet(lds), ...op.i32Add, ...op.localSet(a));
    out.push(...op.localGet(a), ...op.localGet(v), ...op.f32x4ExtractLane(j), ...op.f32Store(0));
  }
  out.push(...op.end);
  return out;
}

/** Output column j (< 4) of column group g of G = ⌈N/4⌉ ("quarters": see the top of this file). */
export const quarterColumn = (g: number, j: number, G: number): number => g + j * G;

/** The byte offset of W's row for column j of group g (W [N, ·] at wPtr, rows ldw bytes apart); past N, the last row. */
export const quarterRow = (wPtr: number, ldw: number, g: number, j: number, G: number, N: number): number =>
  wPtr + Math.min(quarterColumn(g, j, G), N - 1) * ldw;

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
 * Column groups [g0, g1) of x · Wᵀ + b with `dot`, in quarters (group g: columns
 * g + j·G), for 2·pairs rows of x at xPtr ([2·pairs, K]) and W [N, K] at wPtr,
 * into the padded output at oPtr ([2·pairs, N'], N' = 4G) with the biases at
 * bPtr in group order ([G][4]: quarterBias). Columns past N read W's last row
 * again; their outputs lie in the padding. Called by
 * src/runtime/wasm-kernels.ts and by the pool's workers on their chunks of column groups.
 */
export function dotGroups(
  dot: DotFn, xPtr: number, wPtr: number, bPtr: number, oPtr: number, K: number, N: number, pairs: number, g0: number, g1: number,
): void {
  const G = Math.ceil(N / 4), k4 = K >> 2, kt = K & 3, ldw = 4 * K;
  const row = (g: number, j: number) => quarterRow(wPtr, ldw, g, j, G, N);
  for (let g = g0; g < g1; g++) {
    dot(xPtr, row(g, 0), row(g, 1), row(g, 2), row(g, 3), k4, kt, oPtr + 4 * g, 16 * G, pairs, 4 * K, bPtr + 16 * g, 4 * G);
  }
}

/** b [N] in dotGroups' group order into out [4G] (zeros past N); b null: zeros. */
export function quarterBias(out: Float32Array, b: Float32Array | null, N: number): void {
  const G = Math.ceil(N / 4);
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < 4; j++) {
      const n = quarterColumn(g, j, G);
      out[4 * g + j] = b && n < N ? b[n] : 0;
    }
  }
}

/**
 * Adjacent columns [4·g0, 4·g1) (group g: columns 4g..4g+3) with any row strides
 * (bytes): x rows ldx apart, W rows ldw apart, output rows ldo apart, the
 * biases at bPtr ([N']). attention.ts uses it on one head's columns of
 * [S, H] activations (stride H floats) without copying them out: there the
 * "weight" is a block of activations already in cache.
 */
export function dotStrided(
  dot: DotFn, xPtr: number, ldx: number, wPtr: number, ldw: number, bPtr: number, oPtr: number, ldo: number,
  K: number, N: number, pairs: number, g0: number, g1: number,
): void {
  const k4 = K >> 2, kt = K & 3;
  const row = (n: number) => wPtr + Math.min(n, N - 1) * ldw;
  for (let g = g0; g < g1; g++) {
    const n = 4 * g;
    dot(xPtr, row(n), row(n + 1), row(n + 2), row(n + 3), k4, kt, oPtr + 4 * n, ldo, pairs, ldx, bPtr + 4 * n, 4);
  }
}

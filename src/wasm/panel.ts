/**
 * The packed WebAssembly SIMD kernel of linear (out = x · Wᵀ + b), for weights
 * that do not lie in wasm memory (src/runtime/wasm-kernels.ts packs them there):
 *
 * - W [N, K] is packed once into panels of NR = 8 output columns: panel p holds
 *   W[8p..8p+7, k] for k = 0..K−1 interleaved ([K, 8], zero-padded past N);
 * - x [M, K] is packed per call into tiles of MR rows interleaved ([K, MR]);
 * - the kernel writes a padded [M', N'] block that is copied out with the bias.
 *
 * For one panel and MR = 6 rows at a time, 12 accumulators of 4 lanes
 * (6 rows × 8 columns) stay in registers over the whole K loop; each step
 * loads 2 vectors of W and splats 6 values of x: 48 multiply-adds for 8 loads.
 * Sums are float32 (as in PyTorch's GEMM), not float64 like the JS kernels, so
 * results differ from linearNaive by float32 rounding (≈ 1e-6 relative).
 */
import { I32, V128, op, relaxed, type FuncDef } from './emit.ts';

/** panel(xp, pp, K, op, ldo, tiles): tiles × MR rows of packed x at xp against one packed panel at pp, out at op (row stride ldo bytes). */
export type PanelFn = (xp: number, pp: number, K: number, op: number, ldo: number, tiles: number) => void;

/** rows of x per tile */
export const MR = 6;
/** columns of W per panel (two f32x4 vectors) */
export const NR = 8;

/** The kernel `panel(xp, pp, K, op, ldo, tiles)`: tiles × MR rows against one packed panel; `fma`: relaxed_madd (relaxed module only). */
export function panelKernel(fma = false): FuncDef {
  // params
  const XP = 0, PP = 1, K = 2, OP = 3, LDO = 4, TILES = 5;
  // locals
  const k = 6, pk = 7, q = 8, s = 9, w0 = 10, w1 = 11, acc = (r: number, j: number) => 12 + 2 * r + j;
  const body: number[] = [];
  const emit = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? body.push(i) : body.push(...i);
  };
  emit(op.block, op.loop); // for each tile of MR rows
  emit(op.localGet(TILES), op.i32Eqz, op.brIf(1));
  for (let r = 0; r < MR; r++) for (let j = 0; j < 2; j++) emit(op.v128Zero, op.localSet(acc(r, j)));
  emit(op.localGet(PP), op.localSet(pk), op.localGet(K), op.localSet(k));
  emit(op.block, op.loop); // for k in 0..K-1
  emit(op.localGet(k), op.i32Eqz, op.brIf(1));
  emit(op.localGet(pk), op.v128Load(0), op.localSet(w0));
  emit(op.localGet(pk), op.v128Load(16), op.localSet(w1));
  for (let r = 0; r < MR; r++) {
    emit(op.localGet(XP), op.v128Load32Splat(4 * r), op.localSet(s));
    for (const [w, j] of [[w0, 0], [w1, 1]]) {
      if (fma) emit(op.localGet(s), op.localGet(w), op.localGet(acc(r, j)), relaxed.f32x4Madd, op.localSet(acc(r, j)));
      else emit(op.localGet(s), op.localGet(w), op.f32x4Mul, op.localGet(acc(r, j)), op.f32x4Add, op.localSet(acc(r, j)));
    }
  }
  emit(op.localGet(pk), op.i32Const(4 * NR), op.i32Add, op.localSet(pk));
  emit(op.localGet(XP), op.i32Const(4 * MR), op.i32Add, op.localSet(XP));
  emit(op.localGet(k), op.i32Const(1), op.i32Sub, op.localSet(k));
  emit(op.br(0), op.end, op.end);
  // store the MR × 8 block at op, row stride ldo bytes
  emit(op.localGet(OP), op.localSet(q));
  for (let r = 0; r < MR; r++) {
    emit(op.localGet(q), op.localGet(acc(r, 0)), op.v128Store(0));
    emit(op.localGet(q), op.localGet(acc(r, 1)), op.v128Store(16));
    emit(op.localGet(q), op.localGet(LDO), op.i32Add, op.localSet(q));
  }
  emit(op.localGet(q), op.localSet(OP));
  emit(op.localGet(TILES), op.i32Const(1), op.i32Sub, op.localSet(TILES));
  emit(op.br(0), op.end, op.end);
  return {
    name: 'panel',
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [[3, I32], [3 + 2 * MR, V128]],
    body,
  };
}

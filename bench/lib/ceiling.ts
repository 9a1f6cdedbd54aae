/**
 * This machine's ceiling for each wasm kernel variant: GFLOP/s (or int8
 * GOP/s, 2 per multiply-add) of independent multiply-add chains in registers,
 * no memory traffic: what the instruction mix could reach if loads were free.
 * The GEMM rows of the bench are read against it.
 *   f32 simd128: f32x4.mul + f32x4.add;  f32 relaxed: f32x4.relaxed_madd;
 *   int8 simd128: i32x4.dot_i16x8_s + i32x4.add (8 multiply-adds);
 *   int8 relaxed: i16x8.relaxed_dot_i8x16_i7x16_s + i32x4.dot_i16x8_s with ones + add
 *   (16 multiply-adds), as src/wasm/qdot.ts;
 *   int8 dot-add: i32x4.relaxed_dot_i8x16_i7x16_add_s alone (16 multiply-adds): one
 *   instruction where the engine lowers it to VNNI's vpdpbusd. Not in a kernel: on
 *   Node 20 (V8 11.3) it runs below the pair above (no VNNI lowering) and drops its
 *   addend in some register allocations; the row says whether an engine has it.
 * Every chain's products read the chain's own accumulator: a product of two
 * loop-invariant operands is hoisted out of the loop by V8 (the int8 ceilings
 * once read 257 GOP/s that way, 2.5× what any kernel could do).
 */
import { I32, V128, emitModule, op, relaxed, type FuncDef } from '../../src/wasm/emit.ts';

type Kind = 'f32 simd128' | 'f32 relaxed' | 'int8 simd128' | 'int8 relaxed' | 'int8 dot-add relaxed';
/** Independent chains: enough to cover each mix's latency (int8's is three instructions deep), within 16 registers. */
const chainsOf = (kind: Kind): number => (kind.startsWith('int8') ? 12 : 8);

function chains(kind: Kind): FuncDef {
  const CHAINS = chainsOf(kind);
  const N = 0, k = 1, a = 2, b = 3, ones = 4, acc = (i: number) => 5 + i;
  const body: number[] = [];
  const e = (...ins: (number[] | number)[]) => {
    for (const i of ins) typeof i === 'number' ? body.push(i) : body.push(...i);
  };
  e(op.f32x4Const(1.0001), op.localSet(a), op.f32x4Const(0.9999), op.localSet(b), op.i16x8Const(1), op.localSet(ones));
  for (let i = 0; i < CHAINS; i++) e(op.v128Zero, op.localSet(acc(i)));
  e(op.localGet(N), op.localSet(k), op.block, op.loop, op.localGet(k), op.i32Eqz, op.brIf(1));
  for (let i = 0; i < CHAINS; i++) {
    const c = acc(i);
    if (kind === 'f32 simd128') e(op.localGet(a), op.localGet(b), op.f32x4Mul, op.localGet(c), op.f32x4Add, op.localSet(c));
    else if (kind === 'f32 relaxed') e(op.localGet(a), op.localGet(b), op.localGet(c), relaxed.f32x4Madd, op.localSet(c));
    else if (kind === 'int8 simd128') e(op.localGet(a), op.localGet(c), op.i32x4DotI16x8S, op.localGet(c), op.i32x4Add, op.localSet(c));
    else if (kind === 'int8 relaxed') e(op.localGet(c), op.localGet(a), op.localGet(c), relaxed.i16x8DotI8x16I7x16S, op.localGet(ones), op.i32x4DotI16x8S, op.i32x4Add, op.localSet(c));
    else e(op.localGet(c), op.localGet(a), op.localGet(c), relaxed.i32x4DotI8x16I7x16AddS, op.localSet(c));
  }
  e(op.localGet(k), op.i32Const(1), op.i32Sub, op.localSet(k), op.br(0), op.end, op.end);
  // keep the chains alive: their sum is stored
  e(op.i32Const(0), op.localGet(acc(0)));
  for (let i = 1; i < CHAINS; i++) e(op.localGet(acc(i)), kind.startsWith('f32') ? op.f32x4Add : op.i32x4Add);
  e(op.v128Store(0));
  return { name: 'f', params: [I32], results: [], locals: [[1, I32], [3 + CHAINS, V128]], body };
}

/** The ceiling of one variant (multiply-adds per instruction: 4, 4, 8, 16), in G(FL)OP/s, best of 5 runs. */
export function ceilingGops(kind: Kind): number {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const f = new WebAssembly.Instance(new WebAssembly.Module(emitModule([chains(kind)], 1)), { env: { memory: mem } }).exports.f as (n: number) => unknown;
  const macsPerOp = kind === 'int8 simd128' ? 8 : kind.startsWith('int8') ? 16 : 4;
  const n = 2_000_000;
  f(1000);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f(n);
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, (2 * macsPerOp * chainsOf(kind) * n) / s / 1e9);
  }
  return best;
}
export const CEILING_KINDS: Kind[] = ['f32 simd128', 'f32 relaxed', 'int8 simd128', 'int8 relaxed', 'int8 dot-add relaxed'];

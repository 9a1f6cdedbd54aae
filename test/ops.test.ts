// One table-driven test per op: every variant (naive reference, blocked JS on
// one thread, JS pooled over 3 threads, wasm, wasm pooled, and for linear the
// wasm packed path for weights outside the heap) against the naive reference
// on odd shapes. A pooled variant must really take the pool. The wasm
// variants run on both kernel modules: 'simd128' always, 'relaxed' where the
// runtime has relaxed SIMD (Node 20 with the flag the Node entry sets).
import '../src/runtime/node-relaxed-simd.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { linearFast, linearNaive } from '../src/layers/matmul.ts';
import { attentionNaive } from '../src/layers/attention.ts';
import { ACTIVATIONS, activationScalar, type Activation } from '../src/layers/activations.ts';
import { layerNormNaive } from '../src/layers/layernorm.ts';
import { jsKernels } from '../src/runtime/js-kernels.ts';
import { wasmKernelTable } from '../src/runtime/wasm-kernels.ts';
import { relaxedSimdSupported, wasmKernels, wasmSimdSupported, type SimdVariant } from '../src/wasm/kernels.ts';
import { heapMemory, heapOffset } from '../src/runtime/heap.ts';
import { setSimd } from '../src/runtime/simd.ts';
import { setThreads, threadStats } from '../src/runtime/pool.ts';
import { Scratch } from '../src/runtime/scratch.ts';
import type { Kernels } from '../src/runtime/kernels.ts';
import { maxDiff, maxError, randomArray } from './helpers/random.ts';
import { heapArray, sharedRandom } from './helpers/heap.ts';
import { tailMask } from './helpers/mask.ts';

interface Variant {
  name: string;
  table: Kernels;
  threads: number;
  /** operands in the heap (else plain JS arrays: no pool, wasm packs / stages them) */
  heap: boolean;
  /** the wasm kernel module */
  simd?: SimdVariant;
}

const WASM = wasmSimdSupported();
const SIMD: SimdVariant[] = [...(WASM ? ['simd128' as const] : []), ...(relaxedSimdSupported() ? ['relaxed' as const] : [])];
const VARIANTS: Variant[] = [
  { name: 'blocked JS, 1 thread', table: jsKernels, threads: 1, heap: false },
  { name: 'JS pooled, 3 threads', table: jsKernels, threads: 3, heap: true },
  ...SIMD.flatMap((simd) => [
    { name: `wasm ${simd}, 1 thread`, table: wasmKernelTable, threads: 1, heap: true, simd },
    { name: `wasm ${simd}, operands outside the heap`, table: wasmKernelTable, threads: 1, heap: false, simd },
    { name: `wasm ${simd} pooled, 3 threads`, table: wasmKernelTable, threads: 3, heap: true, simd },
    { name: `wasm ${simd} pooled, weights outside the heap`, table: wasmKernelTable, threads: 3, heap: false, simd },
  ]),
];
if (!WASM) console.warn('ops.test: no WebAssembly SIMD in this runtime: the wasm variants are not tested');
else if (!SIMD.includes('relaxed')) console.warn('ops.test: no relaxed SIMD in this runtime: only the simd128 kernels are tested');

const ws = new Scratch('ops.test');
afterAll(async () => {
  await setThreads(1);
  ws.dispose();
});

const random = (v: Variant, n: number, seed: number): Float32Array => (v.heap ? sharedRandom(n, seed) : randomArray(n, seed));
const output = (v: Variant, n: number): Float32Array => (v.heap ? heapArray(n) : new Float32Array(n)).fill(NaN);

/** Run f on v's thread count with every task taken by the pool (minMacs 0); true if the pool ran it. */
async function on(v: Variant, f: () => void): Promise<boolean> {
  await setThreads(v.threads, { minMacs: 0 });
  setSimd(v.simd ?? 'auto');
  const before = threadStats().parallelCalls;
  f();
  return threadStats().parallelCalls > before;
}

describe('linear: every variant against linearNaive', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [5, 3, 7], [13, 13, 13], [129, 17, 12], [12, 17, 129], [3, 33, 131], [50, 7, 9], [61, 64, 37], [0, 4, 5], [4, 0, 5],
    // M even and N a multiple of 4: the wasm kernel reads x and writes out where they lie
    [8, 24, 16], [6, 40, 20],
    // more than one unit of 16 column groups (the pool's chunks of the wasm products), in place and padded
    [8, 24, 160], [2, 16, 260], [3, 20, 133],
  ];
  const reference = (x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number) => {
    const want = new Float32Array(M * N);
    linearNaive(want, x, W, bias, M, K, N);
    return want;
  };
  it('blocked (linearFast) matches on every shape', () => {
    for (const [M, K, N] of shapes) {
      const x = randomArray(M * K, 1), W = randomArray(N * K, 2), bias = randomArray(N, 3);
      const got = new Float32Array(M * N).fill(NaN);
      linearFast(got, x, W, bias, M, K, N);
      expect(maxError(got, reference(x, W, bias, M, K, N)), `M=${M} K=${K} N=${N}`).toBeLessThan(1e-6);
    }
  });
  for (const v of VARIANTS) {
    it(v.name, async () => {
      let seed = 10, pooled = false;
      for (const withBias of [true, false]) {
        for (const [M, K, N] of shapes) {
          const x = random(v, M * K, seed++), W = random(v, N * K, seed++), bias = withBias ? random(v, N, seed++) : null;
          const got = output(v, M * N);
          pooled = (await on(v, () => v.table.linear(ws, got, x, W, bias, M, K, N))) || pooled;
          expect(maxError(got, reference(x, W, bias, M, K, N)), `M=${M} K=${K} N=${N}`).toBeLessThan(v.table === jsKernels ? 1e-6 : 1e-5);
        }
      }
      expect(pooled, 'the pool took some calls').toBe(v.threads > 1);
    });
  }
});

describe('attention: every variant against attentionNaive', () => {
  // S past the wasm kernel's query block (32 rows), odd and even
  const shapes = [[1, 1, 1, 1], [2, 5, 3, 4], [3, 9, 2, 7], [1, 33, 4, 16], [2, 17, 4, 8], [2, 71, 2, 5], [1, 96, 2, 8]] as const;
  for (const v of VARIANTS) {
    it(v.name, async () => {
      let pooled = false;
      for (const [B, S, A, D] of shapes) {
        const H = A * D, seed = B * 1000 + S * 10 + A;
        const q = random(v, B * S * H, seed).map((t) => 2 * t), k = random(v, B * S * H, seed + 1), v_ = random(v, B * S * H, seed + 2);
        const qh = v.heap ? heapArray(q.length) : new Float32Array(q.length);
        qh.set(q);
        const mask = tailMask(B, S, v.heap ? heapArray(B * S) : undefined);
        const ref = attentionNaive(qh, k, v_, mask, B, S, A, D);
        for (const withProbs of [true, false]) {
          const ctx = output(v, B * S * H), probs = withProbs ? output(v, B * A * S * S) : null;
          pooled = (await on(v, () => v.table.attention(ws, ctx, qh, k, v_, mask, probs, B, S, A, D))) || pooled;
          expect(maxDiff(ctx, ref.ctx), `B=${B} S=${S} A=${A} D=${D}`).toBeLessThan(1e-5);
          if (probs) expect(maxDiff(probs, ref.probs)).toBeLessThan(1e-6);
        }
      }
      expect(pooled, 'the pool took some calls').toBe(v.threads > 1 && v.heap);
    });
  }
});

describe('activation: every variant against the scalar formula', () => {
  // 2^16 + 13: above the pool's threshold, not a multiple of 4
  const sizes = [1, 7, (1 << 16) + 13];
  for (const v of VARIANTS) {
    it(v.name, async () => {
      let pooled = false;
      for (const act of ACTIVATIONS as Activation[]) {
        for (const n of sizes) {
          const x = random(v, n, n).map((t) => 6 * t);
          const src = v.heap ? heapArray(n) : new Float32Array(n);
          src.set(x);
          pooled = (await on(v, () => v.table.activation(ws, act, src, n))) || pooled;
          let worst = 0;
          for (let i = 0; i < n; i++) {
            const want = activationScalar(act, x[i]);
            worst = Math.max(worst, Math.abs(src[i] - want) / Math.max(1, Math.abs(want)));
          }
          expect(worst, `${act} n=${n}`).toBeLessThan(1e-6);
        }
      }
      expect(pooled, 'the pool took some calls').toBe(v.threads > 1 && v.heap);
    });
  }
});

describe('the wasm LayerNorm kernel against the JS kernel (float64 statistics in both)', () => {
  for (const simd of SIMD) {
    it(`${simd}: the same float32 outputs, in place and out of place, rows with a large offset`, () => {
      setSimd(simd);
      let differ = 0, n = 0;
      for (const [R, H, offset] of [[1, 4, 0], [7, 128, 0], [5, 768, 0], [3, 384, 1000], [2, 1024, -3e5]]) {
        const x = sharedRandom(R * H, R + H), res = sharedRandom(R * H, 2 * H), g = sharedRandom(H, 3), b = sharedRandom(H, 4);
        for (let i = 0; i < R * H; i++) x[i] = Math.fround(x[i] + offset);
        for (const withRes of [false, true]) {
          for (const alias of ['none', 'x', 'res'] as const) {
            if (alias === 'res' && !withRes) continue;
            const want = new Float32Array(R * H), xs = Float32Array.from(x), rs = Float32Array.from(res);
            if (withRes) jsKernels.addLayerNorm(want, xs, rs, g, b, R, H, 1e-12);
            else jsKernels.layerNorm(want, xs, g, b, R, H, 1e-12);
            const xh = heapArray(R * H), rh = heapArray(R * H);
            xh.set(x);
            rh.set(res);
            const out = alias === 'x' ? xh : alias === 'res' ? rh : heapArray(R * H);
            // the kernel itself (the table would fall back to JS for operands outside the heap)
            const at = (a: Float32Array) => heapOffset(a);
            wasmKernels(heapMemory(), simd).layerNorm(at(xh), withRes ? at(rh) : 0, withRes ? 1 : 0, at(out), at(g), at(b), R, H, 1e-12);
            for (let i = 0; i < R * H; i++) {
              n++;
              if (out[i] === want[i]) continue;
              differ++;
              // a tie of the float64 sums' order: one float32 ulp at most
              expect(Math.abs(out[i] - want[i]), `[${R}, ${H}] +${offset} res ${withRes} alias ${alias} at ${i}`).toBeLessThanOrEqual(Math.abs(want[i]) * 2 ** -23 + 1e-30);
            }
          }
        }
      }
      expect(differ / n, `${differ} of ${n} outputs differ by an ulp`).toBeLessThan(1e-3);
    });
  }
});

describe('layerNorm, add + layerNorm, embedding sum: each table against the formula', () => {
  for (const v of VARIANTS.filter((x) => x.threads === 1)) {
    it(v.name, () => {
      setSimd(v.simd ?? 'auto');
      // H a multiple of 4 (every model's) takes the wasm LayerNorm kernel when the operands are in the heap
      for (const [R, H] of [[1, 1], [3, 7], [5, 33], [4, 64], [3, 388]]) {
        const x = random(v, R * H, R), res = random(v, R * H, H), g = random(v, H, 3), b = random(v, H, 4);
        const got = output(v, R * H);
        v.table.layerNorm(got, x, g, b, R, H, 1e-12);
        expect(maxDiff(got, layerNormNaive(x, g, b, R, H, 1e-12)), `[${R}, ${H}]`).toBeLessThan(1e-5);
        v.table.addLayerNorm(got, x, res, g, b, R, H, 1e-5);
        const sum = Array.from(x, (t, i) => Math.fround(t + res[i]));
        expect(maxDiff(got, layerNormNaive(sum, g, b, R, H, 1e-5))).toBeLessThan(1e-5);
      }
      const B = 2, S = 3, H = 5, V = 7;
      const word = random(v, V * H, 1), pos = random(v, S * H, 2), type = random(v, 2 * H, 3);
      const ids = Int32Array.from([6, 0, 3, 1, 1, 5]), types = Int32Array.from([0, 1, 1, 0, 0, 1]);
      const got = output(v, B * S * H);
      v.table.embeddingSum(got, ids, types, word, pos, type, B, S, H);
      for (let i = 0; i < B * S; i++) {
        for (let h = 0; h < H; h++) {
          expect(got[i * H + h]).toBe(Math.fround(Math.fround(word[ids[i] * H + h] + type[types[i] * H + h]) + pos[(i % S) * H + h]));
        }
      }
    });
  }
});

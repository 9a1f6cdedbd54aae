// dtype 'q8': the int8 kernels of every variant against the plain-JS reference
// (integers are exact and the float32 epilogue is in one order, so the results
// must be bit for bit equal), the scheme against the float32 product, and q8
// forwards of a shipped model against f32 within the tolerances
// docs/performance.md states.
import '../src/runtime/node-relaxed-simd.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { linearNaive } from '../src/layers/matmul.ts';
import { colSlot, paddedK, qdotIntegers, qlinearReference, quantizeLinear, quantizeRows } from '../src/layers/quantize.ts';
import { jsKernels } from '../src/runtime/js-kernels.ts';
import { wasmKernelTable } from '../src/runtime/wasm-kernels.ts';
import { relaxedSimdSupported, wasmSimdSupported, type SimdVariant } from '../src/wasm/kernels.ts';
import { setSimd } from '../src/runtime/simd.ts';
import { setThreads } from '../src/runtime/pool.ts';
import { Arena } from '../src/runtime/heap.ts';
import { Scratch } from '../src/runtime/scratch.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { randomArray } from './helpers/random.ts';
import { heapArray } from './helpers/heap.ts';
import { expectError } from './helpers/expect-error.ts';

const SIMD: SimdVariant[] = [...(wasmSimdSupported() ? ['simd128' as const] : []), ...(relaxedSimdSupported() ? ['relaxed' as const] : [])];
const ws = new Scratch('q8.test');
const arena = new Arena('q8.test weights');
afterAll(async () => {
  await setThreads(1);
  setSimd('auto');
  ws.dispose();
  arena.dispose();
});

describe('the q8 scheme (src/layers/quantize.ts)', () => {
  it('quantizes weights per output channel and activations per row into [0, 127] with exact integer sums', () => {
    const M = 5, K = 37, N = 6;
    const x = randomArray(M * K, 1).map((v) => 3 * v), W = randomArray(N * K, 2), bias = randomArray(N, 3);
    const w = quantizeLinear(W, bias, N, K);
    expect(w.Kp).toBe(48);
    for (let n = 0; n < N; n++) {
      let amax = 0;
      for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(w.q[n * w.Kp + k]));
      expect(amax, 'each row reaches ±127').toBe(127);
      for (let k = K; k < w.Kp; k++) expect(w.q[n * w.Kp + k]).toBe(0);
    }
    const xq = new Uint8Array(6 * paddedK(K)), rows = new Float32Array(12);
    quantizeRows(xq, rows, x, M, K);
    expect(Math.max(...xq)).toBeLessThanOrEqual(127);
    // dequantized row ≈ x within half a step
    for (let m = 0; m < M; m++) {
      const sx = rows[2 * m], zp = rows[2 * m + 1] / sx;
      for (let k = 0; k < K; k++) expect(Math.abs(sx * (xq[m * w.Kp + k] - zp) - x[m * K + k])).toBeLessThanOrEqual(sx / 2 + 1e-6);
    }
    const acc = qdotIntegers(xq, w, M);
    let s = 0;
    for (let k = 0; k < w.Kp; k++) s += xq[2 * w.Kp + k] * w.q[3 * w.Kp + k];
    expect(acc[2 * N + 3]).toBe(s);
    // the product is within the rounding bound of the float32 one:
    // |Σ x·w − Σ x̂·ŵ| ≤ Σ_k |w|·sx/2 + |x|·sw/2 + sx·sw/4
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, bias, M, K, N);
    qlinearReference(got, xq, rows, w, M);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        const sx = rows[2 * m], sw = w.cols[colSlot(n, N)];
        let bound = 1e-5;
        for (let k = 0; k < K; k++) bound += (Math.abs(W[n * K + k]) * sx) / 2 + (Math.abs(x[m * K + k]) * sw) / 2 + (sx * sw) / 4;
        expect(Math.abs(got[m * N + n] - want[m * N + n]), `[${m}, ${n}]`).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('the int8 product: every wasm variant equals the JS reference bit for bit', () => {
  // N up to 260: more than one unit of 16 column groups (the pool's chunks), in place (M even, N % 4 = 0) and padded
  const shapes: [number, number, number][] = [[1, 1, 1], [2, 16, 4], [5, 37, 6], [13, 64, 9], [33, 100, 131], [64, 384, 96], [8, 48, 260], [7, 32, 133]];
  for (const simd of SIMD) {
    for (const threads of [1, 3]) {
      it(`${simd}, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
        await setThreads(threads, { minMacs: 0 });
        setSimd(simd);
        let seed = 7;
        for (const [M, K, N] of shapes) {
          const x = heapArray(M * K);
          x.set(randomArray(M * K, seed++).map((v) => 4 * v));
          const W1 = randomArray(N * K, seed++), W2 = randomArray(N * K, seed++);
          const w1 = quantizeLinear(W1, randomArray(N, seed++), N, K, arena.tensorMemory());
          const w2 = quantizeLinear(W2, null, N, K, arena.tensorMemory());
          const want = [new Float32Array(M * N), new Float32Array(M * N)], got = [heapArray(M * N), new Float32Array(M * N)];
          jsKernels.qlinear(ws, want, x, [w1, w2], M, K);
          wasmKernelTable.qlinear(ws, got, x, [w1, w2], M, K);
          for (let i = 0; i < 2; i++) expect(Array.from(got[i]), `M=${M} K=${K} N=${N} weight ${i}`).toEqual(Array.from(want[i]));
        }
      });
    }
  }
});

describe("a shipped model with dtype 'q8' against f32", () => {
  const f32 = loadBertModel('weights/en');
  const q8 = loadBertModel('weights/en', { dtype: 'q8' });
  afterAll(() => {
    f32.dispose();
    q8.dispose();
  });
  const sentences = [
    [2, 1996, 4937, 2003, 1037, 103, 1012, 3],
  ];
  it('keeps the model: dtype, int8 encoder matrices, no float32 copies of them', () => {
    expect(q8.dtype).toBe('q8');
    expect(f32.dtype).toBe('f32');
    const l = q8.weights.encoder.layer[0];
    expect(l.intermediate.dense.q8?.q).toBeInstanceOf(Int8Array);
    expect(l.intermediate.dense.weight.length).toBe(0);
    expectError(() => loadBertModel('weights/en', { dtype: 'int4' as never }), /dtype "int4" is not one of f32, q8/);
  });
  it('agrees with f32 on the hidden states and the masked-LM top-1 (both variants)', () => {
    const V = f32.config.vocabSize;
    for (const simd of SIMD) {
      setSimd(simd);
      for (const ids of sentences) {
        const ids2 = ids.map((t) => Math.min(t, V - 1));
        const a = f32.forward({ inputIds: [ids2] }, { mlm: true }), b = q8.forward({ inputIds: [ids2] }, { mlm: true });
        const H = f32.config.hiddenSize, S = ids2.length;
        for (let s = 0; s < S; s++) {
          const x = a.lastHiddenState.data.subarray(s * H, (s + 1) * H), y = b.lastHiddenState.data.subarray(s * H, (s + 1) * H);
          let xy = 0, xx = 0, yy = 0;
          for (let h = 0; h < H; h++) {
            xy += x[h] * y[h];
            xx += x[h] * x[h];
            yy += y[h] * y[h];
          }
          expect(xy / Math.sqrt(xx * yy), `${simd} token ${s}`).toBeGreaterThan(0.98);
        }
      }
    }
  });
});

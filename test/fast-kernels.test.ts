// The fast JS kernels' own contracts (linearBlock's blocks and pack reuse,
// attentionPairs' pair ranges, ranged activations, chunk bounds). Every op's
// variants against its reference on odd shapes: ops.test.ts.
import { describe, expect, it } from 'vitest';
import { PACK_MIN_ROWS, PACK_ROWS, chunkStart, linearBlock, linearBlockDirect, linearNaive, linearPackDoubles } from '../src/layers/matmul.ts';
import { attentionNaive, attentionPairs, attentionScratch } from '../src/layers/attention.ts';
import { ACTIVATIONS, applyActivationRange, activationScalar } from '../src/layers/activations.ts';
import { maxDiff, maxError, randomArray } from './helpers/random.ts';
import { tailMask } from './helpers/mask.ts';

const pack = (K: number): Float64Array => new Float64Array(linearPackDoubles(K));

describe('linearBlock (packed) vs linearNaive', () => {
  const odd = [1, 3, 5, 7, 13];
  // few rows run linearBlockDirect, PACK_MIN_ROWS and more the packed path
  const rowsOdd = [...odd, PACK_MIN_ROWS, PACK_MIN_ROWS + 1, PACK_MIN_ROWS + 3, PACK_MIN_ROWS + 13];
  it('matches on odd M, K, N, with and without bias (packed and direct paths)', () => {
    let seed = 100;
    for (const M of rowsOdd) for (const K of odd) for (const N of odd) for (const withBias of [true, false]) {
      const x = randomArray(M * K, seed++), W = randomArray(N * K, seed++), bias = withBias ? randomArray(N, seed++) : null;
      const want = new Float32Array(M * N), got = new Float32Array(M * N).fill(NaN);
      linearNaive(want, x, W, bias, M, K, N);
      linearBlock(got, x, W, bias, 0, M, 0, N, K, N, pack(K));
      expect(maxError(got, want), `M=${M} K=${K} N=${N} bias=${withBias}`).toBeLessThan(1e-6);
      got.fill(NaN);
      linearBlockDirect(got, x, W, bias, 0, M, 0, N, K, N);
      expect(maxError(got, want), `direct M=${M} K=${K} N=${N} bias=${withBias}`).toBeLessThan(1e-6);
    }
  });

  it('spans several packed panels of x (M > PACK_ROWS)', () => {
    const M = 2 * PACK_ROWS + 5, K = 19, N = 10;
    const x = randomArray(M * K, 1), W = randomArray(N * K, 2), bias = randomArray(N, 3);
    const want = new Float32Array(M * N), got = new Float32Array(M * N).fill(NaN);
    linearNaive(want, x, W, bias, M, K, N);
    linearBlock(got, x, W, bias, 0, M, 0, N, K, N, pack(K));
    expect(maxError(got, want)).toBeLessThan(1e-6);
  });

  it('writes exactly its sub-block [m0, m1) × [n0, n1), for odd bounds', () => {
    const M = PACK_MIN_ROWS + 13, K = 7, N = 13;
    const x = randomArray(M * K, 5), W = randomArray(N * K, 6), bias = randomArray(N, 7);
    const want = new Float32Array(M * N);
    linearNaive(want, x, W, bias, M, K, N);
    for (const [m0, m1, n0, n1] of [[0, 1, 0, 13], [1, 6, 3, 4], [5, 13, 1, 12], [3, 3, 0, 5], [12, 13, 12, 13], [3, M - 2, 1, 12], [0, M, 5, 13], [7, 7 + PACK_MIN_ROWS, 0, 3]]) {
      const got = new Float32Array(M * N).fill(NaN);
      linearBlock(got, x, W, bias, m0, m1, n0, n1, K, N, pack(K));
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
        const v = got[m * N + n];
        if (m >= m0 && m < m1 && n >= n0 && n < n1) expect(Math.abs(v - want[m * N + n])).toBeLessThan(1e-6);
        else expect(v, `[${m}, ${n}] outside [${m0}, ${m1}) × [${n0}, ${n1})`).toBeNaN();
      }
    }
  });

  it('gives the same result after the scratch was grown by a bigger call', () => {
    const M = PACK_MIN_ROWS + 1;
    const x = randomArray(M * 3, 8), W = randomArray(3 * 3, 9);
    const first = new Float32Array(M * 3), again = new Float32Array(M * 3);
    linearBlock(first, x, W, null, 0, M, 0, 3, 3, 3, pack(3));
    const big = new Float32Array(64 * 300);
    linearBlock(big, randomArray(64 * 200, 10), randomArray(300 * 200, 11), null, 0, 64, 0, 300, 200, 300, pack(200));
    linearBlock(again, x, W, null, 0, M, 0, 3, 3, 3, pack(3));
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});

describe('attentionPairs (tiled) vs attentionNaive', () => {
  const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [2, 5, 3, 4], [3, 9, 2, 7], [1, 13, 2, 5], [2, 17, 3, 3], [1, 33, 4, 16]];
  for (const [B, S, A, D] of shapes) {
    it(`matches with masks, with and without probs, over partial pair ranges: B=${B} S=${S} A=${A} D=${D}`, () => {
      const H = A * D;
      const q = randomArray(B * S * H, S * 7 + 1), k = randomArray(B * S * H, S * 7 + 2), v = randomArray(B * S * H, S * 7 + 3);
      for (let i = 0; i < q.length; i++) { q[i] *= 2; k[i] *= 2; }
      const mask = tailMask(B, S);
      const ref = attentionNaive(q, k, v, mask, B, S, A, D);
      const scratch = new Float64Array(attentionScratch(S, D));
      const ctx = new Float32Array(B * S * H).fill(NaN), probs = new Float32Array(B * A * S * S).fill(NaN);
      // the pairs in two uneven ranges, as two threads would take them
      const cut = Math.floor((B * A) / 3);
      attentionPairs(ctx, q, k, v, mask, probs, B, S, A, D, cut, B * A, scratch);
      attentionPairs(ctx, q, k, v, mask, probs, B, S, A, D, 0, cut, scratch);
      expect(maxDiff(ctx, ref.ctx)).toBeLessThan(1e-5);
      expect(maxDiff(probs, ref.probs)).toBeLessThan(1e-6);
      const ctx2 = new Float32Array(B * S * H).fill(NaN);
      attentionPairs(ctx2, q, k, v, mask, null, B, S, A, D, 0, B * A, scratch);
      expect(maxDiff(ctx2, ctx)).toBe(0);
    });
  }

  it('touches only the heads of its pairs', () => {
    const B = 2, S = 6, A = 3, D = 5, H = A * D;
    const q = randomArray(B * S * H, 1), k = randomArray(B * S * H, 2), v = randomArray(B * S * H, 3);
    const ctx = new Float32Array(B * S * H).fill(NaN), probs = new Float32Array(B * A * S * S).fill(NaN);
    attentionPairs(ctx, q, k, v, tailMask(B, S), probs, B, S, A, D, 4, 5, new Float64Array(attentionScratch(S, D)));
    // pair 4 = batch 1, head 1
    for (let s = 0; s < B * S; s++) for (let c = 0; c < H; c++) {
      const inside = s >= S && c >= D && c < 2 * D;
      expect(Number.isNaN(ctx[s * H + c])).toBe(!inside);
    }
    for (let i = 0; i < probs.length; i++) expect(Number.isNaN(probs[i])).toBe(Math.floor(i / (S * S)) !== 4);
  });

  it('refuses a scratch that is too small', () => {
    expect(() => attentionPairs(new Float32Array(8), new Float32Array(8), new Float32Array(8), new Float32Array(8),
      new Float32Array(2), null, 1, 2, 1, 4, 0, 1, new Float64Array(3))).toThrow(/scratch/);
  });
});

describe('applyActivationRange', () => {
  it('equals the scalar formula on its range and leaves the rest alone', () => {
    for (const act of ACTIVATIONS) {
      const x = randomArray(37, 3);
      for (let i = 0; i < x.length; i++) x[i] *= 4;
      const y = Float32Array.from(x);
      applyActivationRange(act, y, 5, 30);
      for (let i = 0; i < x.length; i++) {
        const want = i >= 5 && i < 30 ? Math.fround(activationScalar(act, x[i])) : x[i];
        expect(y[i], `${act}[${i}]`).toBe(want);
      }
    }
  });
});

describe('chunkStart', () => {
  it('covers [0, len) with whole steps, for more or fewer chunks than steps', () => {
    for (const [chunks, len, step] of [[1, 10, 4], [3, 10, 4], [5, 9, 4], [32, 9, 4], [7, 100, 1], [32, 5, 1]]) {
      expect(chunkStart(0, chunks, len, step)).toBe(0);
      expect(chunkStart(chunks, chunks, len, step)).toBe(len);
      for (let c = 0; c < chunks; c++) {
        const lo = chunkStart(c, chunks, len, step), hi = chunkStart(c + 1, chunks, len, step);
        expect(hi).toBeGreaterThanOrEqual(lo);
        if (hi < len) expect(hi % step).toBe(0);
      }
    }
  });
});

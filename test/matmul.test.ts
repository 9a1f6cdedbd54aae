import { beforeAll, describe, expect, it } from 'vitest';
import { linear, linearBlock, linearFast, linearNaive, setBackend } from '../src/layers/matmul.ts';
import { randomArray, maxError } from './helpers/random.ts';

// these tests are about the JS kernels, whatever the default backend
beforeAll(() => {
  setBackend('js');
});

const sizes = [1, 3, 4, 5, 7, 8, 17, 64, 65];
const shapes: [number, number, number][] = [];
for (const M of sizes) for (const N of sizes) shapes.push([M, (M * 7 + N * 3) % 70 + 1, N]);
shapes.push([129, 3, 65], [5, 129, 7], [128, 64, 128], [128, 128, 64], [33, 768, 20]);

describe('linear (fast kernels) vs linearNaive', () => {
  for (const withBias of [true, false]) {
    it(`matches the reference on ${shapes.length} shapes, ${withBias ? 'with' : 'without'} bias`, () => {
      let seed = 1;
      for (const [M, K, N] of shapes) {
        const x = randomArray(M * K, seed++), W = randomArray(N * K, seed++);
        const bias = withBias ? randomArray(N, seed++) : null;
        const want = new Float32Array(M * N), got = new Float32Array(M * N).fill(NaN);
        linearNaive(want, x, W, bias, M, K, N);
        linear(got, x, W, bias, M, K, N);
        expect(maxError(got, want), `M=${M} K=${K} N=${N}`).toBeLessThan(1e-6);
        got.fill(NaN);
        linearFast(got, x, W, bias, M, K, N);
        expect(maxError(got, want), `fast M=${M} K=${K} N=${N}`).toBeLessThan(1e-6);
      }
    });
  }

  it('linearBlock writes only its block', () => {
    const M = 13, K = 9, N = 11;
    const x = randomArray(M * K, 7), W = randomArray(N * K, 8), bias = randomArray(N, 9);
    const want = new Float32Array(M * N);
    linearNaive(want, x, W, bias, M, K, N);
    const got = new Float32Array(M * N).fill(NaN);
    linearBlock(got, x, W, bias, 2, 9, 3, 10, K, N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        const v = got[m * N + n];
        if (m >= 2 && m < 9 && n >= 3 && n < 10) expect(Math.abs(v - want[m * N + n])).toBeLessThan(1e-5);
        else expect(v).toBeNaN();
      }
    }
  });

  it('handles K = 0 (bias only) and M = 0', () => {
    const out = new Float32Array(6).fill(NaN);
    linear(out, new Float32Array(0), new Float32Array(0), Float32Array.of(1, 2, 3), 2, 0, 3);
    expect(Array.from(out)).toEqual([1, 2, 3, 1, 2, 3]);
    linear(new Float32Array(0), new Float32Array(0), new Float32Array(12), null, 0, 4, 3);
  });
});

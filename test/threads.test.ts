import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocFloat32 } from '../src/tensor/alloc.ts';
import { linear, linearNaive, setBackend } from '../src/layers/matmul.ts';
import { getThreads, setThreads, threadStats } from '../src/layers/threads.ts';
import { fillRandom, maxError } from './helpers/random.ts';

const sharedRandom = (n: number, seed: number): Float32Array => fillRandom(allocFloat32(n), seed);

beforeAll(() => {
  setBackend('js'); // the JS kernels on the pool
});

afterAll(async () => {
  await setThreads(1);
});

describe('worker pool', () => {
  it('is off by default', () => {
    expect(getThreads()).toBe(1);
    expect(threadStats().parallelCalls).toBe(0);
  });

  it('rejects a bad thread count', async () => {
    await expect(setThreads(0)).rejects.toThrow(/whole number/);
  });

  it('splits products over 3 threads and matches the reference', async () => {
    await setThreads(3, { minMacs: 0 });
    expect(getThreads()).toBe(3);
    // rows split (M > N), columns split (N ≥ M), odd sizes, views at offsets
    const shapes: [number, number, number][] = [
      [129, 17, 12], [12, 17, 129], [65, 64, 65], [17, 7, 17], [128, 64, 128], [128, 128, 64], [300, 33, 5],
    ];
    let seed = 11;
    for (const withBias of [true, false]) {
      for (const [M, K, N] of shapes) {
        const x = sharedRandom(M * K, seed++), bias = withBias ? sharedRandom(N, seed++) : null;
        // W as a view at an offset inside a bigger shared buffer, like a checkpoint tensor
        const file = sharedRandom(N * K + 37, seed++);
        const W = file.subarray(37);
        const want = new Float32Array(M * N);
        linearNaive(want, x, W, bias, M, K, N);
        const before = threadStats();
        const got = allocFloat32(M * N).fill(NaN);
        linear(got, x, W, bias, M, K, N);
        const after = threadStats();
        expect(maxError(got, want), `M=${M} K=${K} N=${N}`).toBeLessThan(1e-6);
        expect(after.parallelCalls, 'the pool took the call').toBe(before.parallelCalls + 1);
        after.workerTasks.forEach((n, i) => expect(n, `worker ${i} ran`).toBe(before.workerTasks[i] + 1));
      }
    }
  });

  it('runs on the calling thread for unshared buffers and tiny products', async () => {
    await setThreads(2, { minMacs: 1000 });
    const M = 9, K = 13, N = 11;
    const x = new Float32Array(sharedRandom(M * K, 1)); // a plain ArrayBuffer copy
    const W = sharedRandom(N * K, 2);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    const before = threadStats().parallelCalls;
    linear(got, x, W, null, M, K, N);
    expect(maxError(got, want)).toBeLessThan(1e-6);
    const tiny = allocFloat32(4);
    linear(tiny, sharedRandom(4, 3), sharedRandom(4, 4), null, 2, 2, 2);
    expect(threadStats().parallelCalls).toBe(before);
  });

  it('goes back to one thread', async () => {
    await setThreads(1);
    expect(getThreads()).toBe(1);
    expect(threadStats().workerTasks).toEqual([]);
  });
});

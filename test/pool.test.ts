// The worker pool: it splits tasks and matches the reference, and it survives
// what a long-running server meets: a worker that dies or throws never hangs
// a call, the pool rebuilds itself, and a failed setThreads keeps the old pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearNaive } from '../src/layers/matmul.ts';
import { setBackend } from '../src/runtime/backend.ts';
import { linear } from '../src/runtime/ops.ts';
import { getThreads, injectWorkerFault, killWorker, setThreads, threadStats } from '../src/runtime/pool.ts';
import { setWorkerHost } from '../src/runtime/worker-host.ts';
import { BertTsError } from '../src/errors.ts';
import { maxError } from './helpers/random.ts';
import { heapArray, sharedRandom } from './helpers/heap.ts';

beforeAll(() => {
  setBackend('js');
});
afterAll(async () => {
  setWorkerHost(undefined);
  await setThreads(1);
  setBackend('auto');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One product big enough for the pool (minMacs 0): true if the pool ran it; the result is checked. */
function product(seed = 1): boolean {
  const M = 40, K = 33, N = 130;
  const x = sharedRandom(M * K, seed), W = sharedRandom(N * K, seed + 1);
  const want = new Float32Array(M * N), got = heapArray(M * N).fill(NaN);
  linearNaive(want, x, W, null, M, K, N);
  const before = threadStats().parallelCalls;
  linear(got, x, W, null, M, K, N);
  expect(maxError(got, want)).toBeLessThan(1e-6);
  return threadStats().parallelCalls > before;
}

describe('worker pool', () => {
  it('is off by default, and refuses bad thread counts with one BertTsError', async () => {
    expect(getThreads()).toBe(1);
    for (const n of [0, 1.5, 2 ** 31]) await expect(setThreads(n)).rejects.toThrow(BertTsError);
  });

  it('is not poisoned by a failed setThreads: the next calls succeed', async () => {
    await expect(setThreads(2 ** 31)).rejects.toThrow(/whole number from 1 to/);
    await setThreads(1);
    await setThreads(2, { minMacs: 0 });
    expect(getThreads()).toBe(2);
    expect(product()).toBe(true);
  });

  it('keeps the previous pool when new workers cannot start', async () => {
    await setThreads(2, { minMacs: 0 });
    setWorkerHost({ spawn: (_data, events) => (setTimeout(() => events.exit(new Error('no threads today')), 1), { terminate() {} }) });
    await expect(setThreads(3)).rejects.toThrow(/worker 0 failed to start \(no threads today\)/);
    setWorkerHost(undefined);
    expect(getThreads()).toBe(2);
    expect(product(5)).toBe(true);
  });

  it('a worker that throws fails the call with one BertTsError; the pool keeps working', async () => {
    await setThreads(2, { minMacs: 0 });
    product(); // the worker is awake and claiming
    injectWorkerFault(0, 1);
    let error: unknown = null;
    for (let i = 0; i < 50 && !error; i++) {
      try {
        product(i); // the caller may take every chunk before the worker wakes: try again
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(BertTsError);
    expect((error as Error).message).toMatch(/worker 0 failed in task 'linear': a fault injected by a test/);
    expect(product(7)).toBe(true);
  });

  it('a terminated worker never hangs a call; the pool rebuilds itself on the next call', async () => {
    await setThreads(2, { minMacs: 0 });
    killWorker(0);
    await sleep(100); // the exit is seen
    const t0 = performance.now();
    product(11); // runs on the caller while the new worker starts
    expect(performance.now() - t0).toBeLessThan(5000);
    // the new worker joins once it has started
    let joined = false;
    for (let i = 0; i < 50 && !joined; i++) {
      await sleep(100);
      const before = threadStats().workerTasks[0];
      expect(product(12)).toBe(true);
      joined = threadStats().workerTasks[0] === before + 1;
    }
    expect(joined).toBe(true);
  });

  it('a worker that exits inside a task gives a right result or one BertTsError, never a hang', async () => {
    await setThreads(2, { minMacs: 0, stallMs: 300 });
    product();
    injectWorkerFault(0, 2);
    const t0 = performance.now();
    let outcome = 'ok';
    for (let i = 0; i < 20 && threadStats().workerTasks.length > 0; i++) {
      try {
        product(20 + i);
      } catch (e) {
        expect(e).toBeInstanceOf(BertTsError);
        expect((e as Error).message).toMatch(/worker 0 stopped during task 'linear'/);
        outcome = 'error';
        break;
      }
      if (performance.now() - t0 > 1500) break;
    }
    expect(['ok', 'error']).toContain(outcome);
    expect(performance.now() - t0).toBeLessThan(10_000);
    await sleep(500);
    expect(product(40)).toBe(true); // a fresh worker took part again
    await setThreads(2, { stallMs: 30_000 });
  });

  it('spins, then sleeps: tasks are taken while a worker polls and after it slept; spinMs is checked', async () => {
    for (const spinMs of [-1, 1001, Number.NaN]) await expect(setThreads(2, { spinMs })).rejects.toThrow(/spinMs must be from 0 to 1000/);
    for (const spinMs of [0, 20]) {
      await setThreads(1);
      await setThreads(2, { minMacs: 0, spinMs }); // a fresh pool, its worker started
      const before = threadStats().workerTasks[0];
      // back to back: with spinMs 20 the worker is still polling when the next task comes
      for (let i = 0; i < 20; i++) expect(product(50 + i)).toBe(true);
      await sleep(60); // longer than the spin: the worker sleeps in Atomics.wait, and is woken
      expect(product(70)).toBe(true);
      expect(threadStats().workerTasks[0] - before, `spinMs ${spinMs}: the worker took part`).toBeGreaterThan(0);
    }
    await setThreads(2, { spinMs: 0.25 });
  });

  it('goes back to one thread', async () => {
    await setThreads(1);
    expect(getThreads()).toBe(1);
    expect(threadStats().workerTasks).toEqual([]);
    expect(product()).toBe(false);
  });
});

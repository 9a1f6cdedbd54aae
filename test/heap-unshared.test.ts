// The plain-web-page mode under Node: no shared memory (as on a page that is
// not cross-origin isolated), so one thread, weights in JS memory, and wasm
// kernels linked against an ordinary memory. Both backends must still match
// the golden outputs. (This file's process sets the mode before any use.)
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { configureHeap, heapOffset, heapShared } from '../src/runtime/heap.ts';
import { setBackend } from '../src/runtime/backend.ts';
import { getThreads, setThreads } from '../src/runtime/pool.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { verifyGoldenCase } from '../src/golden/verify.ts';
import { wasmSimdSupported } from '../src/wasm/kernels.ts';
import { expectError } from './helpers/expect-error.ts';

configureHeap({ shared: false });
const DEMO = join(resolve(import.meta.dirname, '..'), 'weights', 'demo');

describe('an unshared heap (a page without cross-origin isolation)', () => {
  it('is not shared, and cannot be switched once in use', () => {
    expect(heapShared()).toBe(false);
    expectError(() => configureHeap({ shared: true }), 'the heap is already in use');
  });

  it('runs one thread: setThreads resolves quietly', async () => {
    await setThreads(2);
    expect(getThreads()).toBe(1);
  });

  for (const backend of wasmSimdSupported() ? (['js', 'wasm'] as const) : (['js'] as const)) {
    it(`passes the demo golden case on the ${backend} backend, weights in JS memory`, () => {
      setBackend(backend);
      const model = loadBertModel(DEMO);
      expect(heapOffset(model.weights.encoder.layer[0].attention.self.query.weight)).toBe(-1);
      const report = verifyGoldenCase(DEMO, undefined, model);
      expect(report.ok, JSON.stringify(report.tensors.filter((t) => !t.ok))).toBe(true);
      model.dispose();
      setBackend('auto');
    });
  }
});

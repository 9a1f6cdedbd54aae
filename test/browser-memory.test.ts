// The heap (the wasm memory) fits the runtime (Node here, standing in for a page),
// through the browser's loaders and its setThreads:
// without SharedArrayBuffer (a page that is not cross-origin isolated) the
// memory is unshared, the kernels are emitted unshared to match, and the model
// runs on one thread; with it, the memory is shared and the weights are read
// in place. Each case imports the library afresh (vi.resetModules): the wasm
// memory is made once per module instance.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const demo = join(resolve(import.meta.dirname, '..'), 'weights', 'demo');
const files = () => readdirSync(demo).map((n) => new File([readFileSync(join(demo, n))], n));

async function freshLibrary() {
  vi.resetModules();
  const [load, golden, backend, heap, wasm, pool, threads] = await Promise.all([
    import('../src/load/browser.ts'),
    import('../src/browser/golden.ts'),
    import('../src/runtime/backend.ts'),
    import('../src/runtime/heap.ts'),
    import('../src/runtime/wasm-kernels.ts'),
    import('../src/runtime/pool.ts'),
    import('../src/browser/threads.ts'),
  ]);
  return { ...load, ...golden, ...backend, ...heap, ...wasm, ...pool, ...threads };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('wasm memory modes', () => {
  it('no SharedArrayBuffer: unshared memory, matching kernels, one thread, golden case OK', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    vi.stubGlobal('crossOriginIsolated', false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const lib = await freshLibrary();
    expect(lib.getBackend()).toBe('wasm');
    await lib.setThreads(2);
    expect(lib.getThreads()).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^bert-ts: setThreads\(2\) stays at 1 thread: this runtime has no SharedArrayBuffer$/);
    const source = await lib.modelFiles(files());
    const report = await lib.checkGoldenCase(await lib.loadPipeline(source), source);
    expect(report.ok).toBe(true);
    expect(report.idsMatch).toBe(true);
    const buffer = lib.heapMemory().buffer;
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    // the weights could not live in an unshared memory (it detaches views when it grows): packed copies
    expect(lib.wasmCopiedBytes()).toBeGreaterThan(0);
  });

  it('with SharedArrayBuffer: shared memory, weights read in place, 2 threads, golden case OK', async () => {
    const lib = await freshLibrary();
    try {
      await lib.setThreads(2, { minMacs: 0 });
      expect(lib.getThreads()).toBe(2);
      const source = await lib.modelFiles(files());
      const loaded = await lib.loadPipeline(source);
      const before = lib.threadStats().parallelCalls;
      const report = await lib.checkGoldenCase(loaded, source);
      expect(report.ok).toBe(true);
      expect(lib.threadStats().parallelCalls).toBeGreaterThan(before);
      expect(lib.heapMemory().buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(lib.wasmCopiedBytes()).toBe(0);
    } finally {
      await lib.setThreads(1);
    }
  });
});

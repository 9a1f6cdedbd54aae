// The heap: a freeing allocator (reuse, merging, the top given back), offsets
// past 2 GiB as unsigned numbers, arenas that free all at once and refuse use
// after dispose.
import { describe, expect, it } from 'vitest';
import { Scratch } from '../src/runtime/scratch.ts';
import { Arena, heapAlloc, heapF32, heapFree, heapMemory, heapStats } from '../src/runtime/heap.ts';
import { wasmKernels, wasmSimdSupported } from '../src/wasm/kernels.ts';
import { activationScalar } from '../src/layers/activations.ts';
import { expectError } from './helpers/expect-error.ts';

describe('heap allocator', () => {
  it('reuses a freed region, merges free neighbours and gives the top back', () => {
    const start = heapStats();
    const a = heapAlloc(1000), b = heapAlloc(1000), c = heapAlloc(1000);
    expect(b - a).toBe(1008); // 16-byte aligned
    heapFree(b);
    expect(heapAlloc(500)).toBe(b); // first fit, in the hole
    heapFree(b);
    heapFree(a); // a and b merge into one hole of 2016 bytes
    expect(heapAlloc(2000)).toBe(a);
    heapFree(a);
    heapFree(c); // everything free: the top comes back down
    expect(heapStats().top).toBe(start.top);
    expect(heapStats().liveRegions).toBe(start.liveRegions);
    expectError(() => heapFree(c), /no live region at offset/);
  });

  it('hands out offsets past 2 GiB as unsigned numbers, and the wasm kernels use them', () => {
    const big = heapAlloc(2 ** 31 + 2 ** 20); // reserved, never touched: costs no RSS
    const ptr = heapAlloc(64);
    expect(ptr).toBeGreaterThan(2 ** 31);
    const x = heapF32(ptr, 4);
    x.set([-1, 0, 1, 2]);
    expect(Array.from(heapF32(ptr, 4))).toEqual([-1, 0, 1, 2]);
    if (wasmSimdSupported()) {
      wasmKernels(heapMemory(), 'simd128').gelu(ptr, 4); // an i32 address with the top bit set
      expect(x[3]).toBeCloseTo(activationScalar('gelu', 2), 6);
    }
    heapFree(ptr);
    heapFree(big);
    const e = expectError(() => heapAlloc(2 ** 32), /cannot grow to \d+ MiB/);
    expect(e.hint).toMatch(/at most 4 GiB: dispose\(\) models/);
  });

  it('an arena frees all its regions at once; a disposed arena refuses to allocate', () => {
    const before = heapStats().liveBytes;
    const arena = new Arena('the test model');
    const w = arena.float32(1000);
    expect(w.every((v) => v === 0)).toBe(true);
    arena.alloc(5000);
    expect(heapStats().liveBytes).toBeGreaterThan(before);
    arena.dispose();
    expect(heapStats().liveBytes).toBe(before);
    expectError(() => arena.alloc(1), 'the test model was disposed');
  });

  it('scratch that grows frees its old region first, so the heap reuses it', () => {
    const ws = new Scratch('a growing scratch');
    const top0 = heapStats().top;
    for (let bytes = 1000; bytes < 200_000; bytes = Math.ceil(bytes * 1.3)) {
      ws.stage(bytes);
      ws.perThread(bytes, 2);
    }
    const grown = heapStats().top - top0;
    // each region at most 1.25× its last request; a scratch that kept every old region would hold ~4× as much
    expect(grown).toBeLessThan(2 * 1.25 * (200_000 + 2 * 200_000));
    ws.dispose();
    expect(heapStats().top).toBe(top0);
  });
});

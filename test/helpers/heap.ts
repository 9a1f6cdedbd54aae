// Test arrays in the heap, where the worker pool and the wasm kernels address them.
import { afterAll } from 'vitest';
import { Arena } from '../../src/runtime/heap.ts';
import { fillRandom } from './random.ts';

let arena: Arena | null = null;

/** n pseudo-random values in [-1, 1) in the heap (freed after the test file). */
export function sharedRandom(n: number, seed: number): Float32Array {
  return fillRandom(heapArray(n), seed);
}

/** n zeros in the heap (freed after the test file). */
export function heapArray(n: number): Float32Array {
  if (!arena) {
    const a = (arena = new Arena('test arrays'));
    afterAll(() => {
      a.dispose();
      arena = null;
    });
  }
  return arena.float32(n);
}

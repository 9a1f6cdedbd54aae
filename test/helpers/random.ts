// Shared by the kernel, thread-pool, wasm and tokenizer tests.

/** mulberry32 from tools/rng.mjs (the benches use the same one): seeded numbers in [0, 1). */
export { rng } from '../../tools/rng.mjs';

/** Fill a with deterministic pseudo-random values in [-1, 1) (a small LCG, so failures reproduce). */
export function fillRandom(a: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

export function randomArray(n: number, seed: number): Float32Array {
  return fillRandom(new Float32Array(n), seed);
}

/** Max |a − b| relative to the largest magnitude of the reference (≥ 1). */
export function maxError(a: Float32Array, b: Float32Array): number {
  let err = 0, scale = 1;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** Max |a − b| (absolute). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

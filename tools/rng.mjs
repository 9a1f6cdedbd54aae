// mulberry32: a small seeded generator for tests and benches, so a failure or a
// measured input reproduces from its seed. Not for anything that needs strong randomness.

/** Uniform numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

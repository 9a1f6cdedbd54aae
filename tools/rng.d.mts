// Types of tools/rng.mjs, for the tests that import it.
export function rng(seed: number): () => number;

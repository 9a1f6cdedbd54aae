import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, linear, linearNaive, setBackend } from '../src/layers/matmul.ts';
import { linearWasm, wasmSimdSupported } from '../src/layers/wasm-matmul.ts';
import { attentionWasm } from '../src/layers/wasm-attention.ts';
import { attention } from '../src/layers/attention.ts';
import { geluWasm } from '../src/layers/wasm-activations.ts';
import { activationScalar } from '../src/layers/activations.ts';
import { emitModule, sleb, uleb } from '../src/layers/wasm-emit.ts';
import { setThreads, threadStats } from '../src/layers/threads.ts';
import { randomArray, maxError } from './helpers/random.ts';

describe('wasm emitter', () => {
  it('writes LEB128 as the spec says', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
  it('emits a module WebAssembly accepts', () => {
    expect(WebAssembly.validate(emitModule([], 1))).toBe(true);
  });
});

const sim = wasmSimdSupported() ? describe : describe.skip;

sim('linearWasm (WebAssembly SIMD) vs linearNaive', () => {
  afterEach(() => {
    setBackend('js');
  });

  const sizes = [1, 3, 5, 6, 7, 8, 9, 17, 64, 65];
  const shapes: [number, number, number][] = [];
  for (const M of sizes) for (const N of sizes) shapes.push([M, (M * 5 + N * 3) % 70 + 1, N]);
  shapes.push([129, 3, 65], [5, 129, 7], [128, 64, 128], [128, 128, 64], [33, 768, 20]);

  for (const withBias of [true, false]) {
    it(`matches the reference on ${shapes.length} shapes, ${withBias ? 'with' : 'without'} bias`, () => {
      let seed = 100;
      for (const [M, K, N] of shapes) {
        const x = randomArray(M * K, seed++), W = randomArray(N * K, seed++);
        const bias = withBias ? randomArray(N, seed++) : null;
        const want = new Float32Array(M * N), got = new Float32Array(M * N).fill(NaN);
        linearNaive(want, x, W, bias, M, K, N);
        linearWasm(got, x, W, bias, M, K, N);
        // float32 sums (as PyTorch's GEMM) against the float64 reference
        expect(maxError(got, want), `M=${M} K=${K} N=${N}`).toBeLessThan(1e-5);
      }
    });
  }

  it('reuses the packed weights and sees a new x every call', () => {
    const M = 9, K = 31, N = 13;
    const W = randomArray(N * K, 1), bias = randomArray(N, 2);
    for (let i = 0; i < 3; i++) {
      const x = randomArray(M * K, 10 + i);
      const want = new Float32Array(M * N), got = new Float32Array(M * N);
      linearNaive(want, x, W, bias, M, K, N);
      linearWasm(got, x, W, bias, M, K, N);
      expect(maxError(got, want)).toBeLessThan(1e-5);
    }
  });

  it('splits the panels over the worker pool, on the shared wasm memory', async () => {
    await setThreads(3, { minMacs: 0 });
    try {
      setBackend('wasm');
      let seed = 500;
      for (const [M, K, N] of [[7, 13, 24], [64, 65, 129], [128, 64, 128], [3, 5, 100]] as const) {
        const x = randomArray(M * K, seed++), W = randomArray(N * K, seed++), bias = randomArray(N, seed++);
        const want = new Float32Array(M * N), got = new Float32Array(M * N).fill(NaN);
        linearNaive(want, x, W, bias, M, K, N);
        const before = threadStats();
        linear(got, x, W, bias, M, K, N);
        const after = threadStats();
        expect(maxError(got, want), `M=${M} K=${K} N=${N}`).toBeLessThan(1e-5);
        expect(after.parallelCalls).toBe(before.parallelCalls + 1);
        after.workerTasks.forEach((n, i) => expect(n, `worker ${i} ran`).toBe(before.workerTasks[i] + 1));
      }
    } finally {
      await setThreads(1);
    }
  });

  it("routes linear through wasm after setBackend('wasm')", () => {
    expect(getBackend()).toBe('js');
    expect(setBackend('wasm')).toBe('wasm');
    const M = 17, K = 65, N = 9;
    const x = randomArray(M * K, 3), W = randomArray(N * K, 4);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    linear(got, x, W, null, M, K, N);
    expect(maxError(got, want)).toBeLessThan(1e-5);
    expect(setBackend('auto')).toBe('wasm');
    expect(() => setBackend('gpu' as never)).toThrow(/unknown backend/);
  });
});

sim('attentionWasm vs attention (the JS kernel)', () => {
  const MASK = -3.4028234663852886e38;
  for (const [B, S, A, D] of [[1, 1, 1, 1], [2, 5, 3, 4], [1, 17, 2, 9], [2, 13, 4, 16], [1, 64, 2, 64], [1, 129, 1, 8]] as const) {
    it(`B=${B} S=${S} A=${A} D=${D}, with a padding mask and probabilities`, () => {
      const H = A * D, n = B * S * H;
      const q = randomArray(n, 1 + S), k = randomArray(n, 2 + S), v = randomArray(n, 3 + S);
      const maskAdd = new Float32Array(B * S);
      if (S > 2) maskAdd[B * S - 1] = MASK; // the last key of the last row is padding
      const want = new Float32Array(n), got = new Float32Array(n).fill(NaN);
      const pWant = new Float32Array(B * A * S * S), pGot = new Float32Array(B * A * S * S).fill(NaN);
      attention(want, q, k, v, maskAdd, pWant, new Float64Array(S + D), B, S, A, D);
      attentionWasm(got, q, k, v, maskAdd, pGot, new Float64Array(S + D), B, S, A, D);
      expect(maxError(got, want)).toBeLessThan(1e-5);
      expect(maxError(pGot, pWant)).toBeLessThan(1e-5);
      if (S > 2) expect(pGot[B * A * S * S - 1]).toBe(0);
    });
  }
});

sim('attentionWasm on the worker pool', () => {
  it('splits the (batch, head) pairs over 3 threads and matches attention', async () => {
    await setThreads(3, { minMacs: 0 });
    try {
      for (const [B, S, A, D] of [[1, 17, 3, 8], [2, 9, 4, 16], [1, 64, 12, 32]] as const) {
        const H = A * D, n = B * S * H;
        const shared = (src: Float32Array) => {
          const a = new Float32Array(new SharedArrayBuffer(src.length * 4));
          a.set(src);
          return a;
        };
        const q = shared(randomArray(n, 7)), k = shared(randomArray(n, 8)), v = shared(randomArray(n, 9));
        const maskAdd = shared(new Float32Array(B * S));
        maskAdd[0] = -3.4028234663852886e38;
        const want = new Float32Array(n), pWant = new Float32Array(B * A * S * S);
        attention(want, q, k, v, maskAdd, pWant, new Float64Array(S + D), B, S, A, D);
        const got = shared(new Float32Array(n).fill(NaN)), pGot = shared(new Float32Array(B * A * S * S).fill(NaN));
        const before = threadStats();
        attentionWasm(got, q, k, v, maskAdd, pGot, new Float64Array(S + D), B, S, A, D);
        const after = threadStats();
        expect(maxError(got, want), `B=${B} S=${S} A=${A} D=${D}`).toBeLessThan(1e-5);
        expect(maxError(pGot, pWant)).toBeLessThan(1e-5);
        expect(after.parallelCalls).toBe(before.parallelCalls + 1);
        after.workerTasks.forEach((t, i) => expect(t, `worker ${i} ran`).toBe(before.workerTasks[i] + 1));
      }
    } finally {
      await setThreads(1);
    }
  });
});

sim('geluWasm vs the float64 erf GELU', () => {
  it('agrees to float32 rounding on [-12, 12] and at the edges', () => {
    const xs: number[] = [];
    for (let v = -12; v <= 12; v += 0.001) xs.push(v);
    xs.push(0, -0, 1e-30, -1e-30, 3.9999, 4.0001, -5.6, 100, -100);
    const x = Float32Array.from(xs);
    const got = new Float32Array(x);
    geluWasm(got, got.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = activationScalar('gelu', x[i]);
      worst = Math.max(worst, Math.abs(got[i] - want) / Math.max(1, Math.abs(want)));
    }
    expect(worst).toBeLessThan(1e-6);
  });
  it('handles lengths that are not a multiple of 4 and longer than one chunk', () => {
    for (const n of [1, 3, 5, 70001]) {
      const x = randomArray(n, n).map((v) => v * 5);
      const got = new Float32Array(x);
      geluWasm(got, n);
      for (let i = 0; i < n; i += 997) expect(Math.abs(got[i] - activationScalar('gelu', x[i]))).toBeLessThan(1e-6);
      expect(Math.abs(got[n - 1] - activationScalar('gelu', x[n - 1]))).toBeLessThan(1e-6);
    }
  });
});

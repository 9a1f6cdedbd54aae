// The wasm emitter, the kernel module's memory declaration, the backend
// switch, and the wasm GELU's accuracy. Every op's wasm variants against the
// reference: ops.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, kernels, setBackend } from '../src/runtime/backend.ts';
import { linear } from '../src/runtime/ops.ts';
import { jsKernels } from '../src/runtime/js-kernels.ts';
import { wasmKernelTable } from '../src/runtime/wasm-kernels.ts';
import { Scratch } from '../src/runtime/scratch.ts';
import { linearNaive } from '../src/layers/matmul.ts';
import { activationScalar } from '../src/layers/activations.ts';
import { wasmKernels, wasmSimdSupported } from '../src/wasm/kernels.ts';
import { emitModule, sleb, uleb } from '../src/wasm/emit.ts';
import { randomArray, maxError } from './helpers/random.ts';
import { expectError } from './helpers/expect-error.ts';

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

sim('the kernel module', () => {
  it('links against a shared and against an ordinary memory (the import declares what it is given)', () => {
    for (const shared of [true, false]) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared } as WebAssembly.MemoryDescriptor);
      const { gelu } = wasmKernels(memory, 'simd128');
      const x = new Float32Array(memory.buffer, 16, 4);
      x.set([-1, 0, 1, 2]);
      gelu(16, 4);
      x.forEach((v, i) => expect(v, `shared ${shared}`).toBeCloseTo(activationScalar('gelu', [-1, 0, 1, 2][i]), 6));
    }
  });
});

sim('the backend', () => {
  afterEach(() => {
    setBackend('auto');
  });
  it("chooses one kernel table: setBackend('wasm') routes linear through it", () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(kernels()).toBe(jsKernels);
    expect(setBackend('wasm')).toBe('wasm');
    expect(kernels()).toBe(wasmKernelTable);
    const M = 17, K = 65, N = 9;
    const x = randomArray(M * K, 3), W = randomArray(N * K, 4);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    linear(got, x, W, null, M, K, N);
    expect(maxError(got, want)).toBeLessThan(1e-5);
    expect(setBackend('auto')).toBe('wasm');
    expectError(() => setBackend('gpu' as never), /unknown backend gpu/);
  });
});

sim('wasm GELU vs the float64 erf GELU', () => {
  const ws = new Scratch('wasm.test');
  it('agrees to float32 rounding on [-12, 12] and at the edges', () => {
    const xs: number[] = [];
    for (let v = -12; v <= 12; v += 0.001) xs.push(v);
    xs.push(0, -0, 1e-30, -1e-30, 3.9999, 4.0001, -5.6, 100, -100);
    const x = Float32Array.from(xs);
    const got = new Float32Array(x);
    wasmKernelTable.activation(ws, 'gelu', got, got.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = activationScalar('gelu', x[i]);
      worst = Math.max(worst, Math.abs(got[i] - want) / Math.max(1, Math.abs(want)));
    }
    expect(worst).toBeLessThan(1e-6);
  });
});

// Every kernel against its naive definition, on random and odd shapes.
import { maxDiff, rng } from './helpers/random.ts';
import { describe, expect, it } from 'vitest';
import { erf, activationScalar, applyActivation, activationFor, HIDDEN_ACT, type Activation } from '../src/layers/activations.ts';
import { layerNorm, addLayerNorm, layerNormNaive } from '../src/layers/layernorm.ts';
import { softmaxRow, softmaxNaive } from '../src/layers/softmax.ts';
import { embeddingGather, bertEmbeddingSum } from '../src/layers/embedding.ts';
import { MASK_FILL } from '../src/bert/model.ts';
import { BertTsError } from '../src/errors.ts';

function randn(n: number, rand: () => number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
  return a;
}

describe('erf', () => {
  // reference values: CPython's math.erf (correctly rounded to double in practice)
  const known: [number, number][] = [
    [0, 0],
    [1e-8, 1.1283791670955126e-8],
    [0.1, 0.1124629160182849],
    [0.25, 0.2763263901682369],
    [0.4999, 0.5204119951613866],
    [0.5, 0.5204998778130465],
    [0.75, 0.7111556336535151],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.9995930479825550],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
    [6, 1],
  ];
  it('matches tabulated values to better than float32 (relative 1.2e-7)', () => {
    for (const [x, y] of known) {
      expect(Math.abs(erf(x) - y)).toBeLessThanOrEqual(1.2e-7 * Math.max(Math.abs(y), 1e-30));
      expect(Math.abs(erf(-x) + y)).toBeLessThanOrEqual(1.2e-7 * Math.max(Math.abs(y), 1e-30));
    }
  });
  it('is odd, monotone and continuous at the branch point 0.5', () => {
    let prev = -1;
    for (let x = -5; x <= 5; x += 0.001) {
      const y = erf(x);
      expect(y).toBeGreaterThanOrEqual(prev - 1e-15);
      prev = y;
    }
    expect(Math.abs(erf(0.5 - 1e-12) - erf(0.5))).toBeLessThan(1e-7);
  });
});

describe('activations', () => {
  it('every hidden_act maps to a kernel and the array kernel equals the scalar formula', () => {
    const rand = rng(1);
    const x = randn(1001, rand, 6);
    for (const [name, act] of Object.entries(HIDDEN_ACT)) {
      expect(activationFor(name, 'config.json')).toBe(act);
      const y = x.slice();
      applyActivation(act, y, y.length);
      const ref = Array.from(x, (v) => Math.fround(activationScalar(act, v)));
      expect(maxDiff(y, ref)).toBe(0);
    }
  });
  it('forms agree with their published definitions at known points', () => {
    const cases: [Activation, number, number][] = [
      ['gelu', 1, 0.8413447460685429], // x·Φ(x)
      ['gelu', -1, -0.15865525393145707],
      ['gelu_tanh', 1, 0.8411919906082768],
      ['quick_gelu', 1, 1 / (1 + Math.exp(-1.702))],
      ['relu', -2, 0],
      ['silu', 2, 2 / (1 + Math.exp(-2))],
      ['tanh', 0.5, Math.tanh(0.5)],
    ];
    for (const [act, x, y] of cases) expect(Math.abs(activationScalar(act, x) - y)).toBeLessThan(1e-12 + 1e-7 * Math.abs(y));
    // tanh GELU is an approximation: it must differ from the exact form
    expect(Math.abs(activationScalar('gelu', 2) - activationScalar('gelu_tanh', 2))).toBeGreaterThan(1e-5);
  });
  it('the rarer ACT2FN forms agree with PyTorch (values from torch, float64)', () => {
    const xs = [-3, -0.5, 0.3, 1, 2.5, 25];
    const torch: Record<string, number[]> = {
      mish: [-0.1456474612756246, -0.22074377465173, 0.20800137234811503, 0.8650983882673103, 2.471392304557881, 25],
      laplace: [0, 9.383381167682447e-6, 0.07448831139480605, 0.8504296492845703, 0.9999999998962167, 1],
      leaky_relu: [-0.03, -0.005, 0.3, 1, 2.5, 25],
      relu6: [0, 0, 0.3, 1, 2.5, 6],
      relu2: [0, 0, 0.09, 1, 6.25, 625],
      gelu_10: xs.map((x) => Math.min(10, activationScalar('gelu', x))),
      linear: xs,
      sigmoid: xs.map((x) => 1 / (1 + Math.exp(-x))),
    };
    for (const [name, ys] of Object.entries(torch)) {
      const act = activationFor(name, 'config.json');
      xs.forEach((x, i) => expect(Math.abs(activationScalar(act, x) - ys[i]), `${name}(${x})`).toBeLessThan(1e-7 * Math.max(1, Math.abs(ys[i]))));
    }
    expect(activationScalar('gelu_10', 25)).toBe(10);
  });
  it('refuses an unknown hidden_act with a clear error', () => {
    expect(() => activationFor('xielu', 'config.json')).toThrow(BertTsError);
    expect(() => activationFor('xielu', 'config.json')).toThrow(/config.json: hidden_act 'xielu' is not supported/);
  });
});

describe('layerNorm', () => {
  for (const [R, H, eps] of [[1, 1, 1e-12], [3, 7, 1e-12], [5, 64, 1e-5], [2, 33, 1e-3]] as const) {
    it(`matches the formula for [${R}, ${H}] eps ${eps}`, () => {
      const rand = rng(R * 100 + H);
      const x = randn(R * H, rand, 3);
      for (let i = 0; i < x.length; i++) x[i] += 10; // a common offset: stresses the variance
      const g = randn(H, rand);
      const b = randn(H, rand);
      const out = new Float32Array(R * H);
      layerNorm(out, x, g, b, R, H, eps);
      expect(maxDiff(out, layerNormNaive(x, g, b, R, H, eps))).toBeLessThan(1e-5);
      // addLayerNorm(x, r) = layerNorm(x + r)
      const r = randn(R * H, rand);
      const sum = x.map((v, i) => v + r[i]);
      const fused = new Float32Array(R * H);
      addLayerNorm(fused, x, r, g, b, R, H, eps);
      expect(maxDiff(fused, layerNormNaive(sum, g, b, R, H, eps))).toBeLessThan(1e-5);
    });
  }
});

describe('softmaxRow', () => {
  it('matches the formula with and without a mask, in place and with offsets', () => {
    const rand = rng(7);
    for (const n of [1, 2, 5, 17, 128]) {
      const s = randn(n + 3, rand, 20);
      const mask = new Float32Array(n + 2);
      for (let j = 0; j < n; j++) mask[j + 2] = rand() < 0.3 && j > 0 ? MASK_FILL : 0;
      const out = new Float64Array(n + 1);
      softmaxRow(out, 1, s, 3, mask, 2, n);
      const ref = softmaxNaive(s.subarray(3), mask.subarray(2));
      expect(maxDiff(out.subarray(1), ref)).toBeLessThan(1e-12);
      const inPlace = Float64Array.from(s);
      softmaxRow(inPlace, 0, inPlace, 0, null, 0, n + 3);
      expect(maxDiff(inPlace, softmaxNaive(s, null))).toBeLessThan(1e-12);
    }
  });
  it('is stable for huge scores and gives masked entries exactly 0', () => {
    const out = new Float64Array(3);
    softmaxRow(out, 0, Float64Array.from([1000, 1001, 5]), 0, Float32Array.from([0, 0, MASK_FILL]), 0, 3);
    expect(out[2]).toBe(0);
    expect(out[0] + out[1]).toBeCloseTo(1, 12);
    expect(Number.isFinite(out[0])).toBe(true);
  });
  it('gives a uniform row when every key is masked, as PyTorch does', () => {
    const out = new Float64Array(4);
    softmaxRow(out, 0, Float64Array.from([1, 2, 3, 4]), 0, new Float32Array(4).fill(MASK_FILL), 0, 4);
    expect(Array.from(out)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('embeddings', () => {
  it('gathers rows', () => {
    const table = Float32Array.from([0, 1, 10, 11, 20, 21]);
    const out = new Float32Array(6);
    embeddingGather(out, table, Int32Array.from([2, 0, 1]), 3, 2);
    expect(Array.from(out)).toEqual([20, 21, 0, 1, 10, 11]);
  });
  it('sums word + token type + position with absolute positions', () => {
    const rand = rng(3);
    const [B, S, H, V, P, T] = [2, 3, 4, 5, 6, 2];
    const word = randn(V * H, rand);
    const pos = randn(P * H, rand);
    const type = randn(T * H, rand);
    const ids = Int32Array.from([4, 0, 2, 1, 1, 3]);
    const types = Int32Array.from([0, 1, 1, 0, 0, 0]);
    const out = new Float32Array(B * S * H);
    bertEmbeddingSum(out, ids, types, word, pos, type, B, S, H);
    for (let b = 0; b < B; b++)
      for (let s = 0; s < S; s++)
        for (let h = 0; h < H; h++) {
          const i = b * S + s;
          expect(out[i * H + h]).toBeCloseTo(word[ids[i] * H + h] + type[types[i] * H + h] + pos[s * H + h], 6);
        }
  });
});

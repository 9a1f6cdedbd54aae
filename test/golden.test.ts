// Golden outputs: every committed fixture (made by tools/make_golden.py from the
// PyTorch reference; `/usr/bin/python3 -m tools.make_golden` regenerates them) and
// every public case in ../shared/golden must match, on each backend, and on wasm
// with each kernel module (SIMD128 always, relaxed SIMD where the runtime has it).
import '../src/runtime/node-relaxed-simd.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyGoldenCase } from '../src/golden/verify.ts';
import { readBertConfig } from '../src/bert/load.ts';
import { BertModel } from '../src/bert/model.ts';
import { openCheckpoint } from '../src/tensor/safetensors-fs.ts';
import { setBackend, type Backend } from '../src/runtime/backend.ts';
import { relaxedSimdSupported, wasmSimdSupported, type SimdVariant } from '../src/wasm/kernels.ts';
import { setSimd } from '../src/runtime/simd.ts';

const root = resolve(import.meta.dirname, '..');
const FIXTURES = join(root, 'test', 'fixtures', 'golden');
const SHARED = resolve(root, '..', 'shared', 'golden');

function cases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'golden.safetensors')))
    .map((d) => join(dir, d.name))
    .sort();
}

const fixtureCases = cases(FIXTURES);
// The models shipped in weights/ (trained by tools/train/) carry their own golden case.
const WEIGHTS = join(root, 'weights');
const shippedCases = cases(WEIGHTS);
const sharedCases = cases(SHARED);

// Every case on both backends: the TypeScript kernels (the reference, float64
// sums) and WebAssembly SIMD (float32 sums, as PyTorch's) must meet the same bar.
const BACKENDS: [Backend, SimdVariant?][] = [
  ['js'],
  ...(wasmSimdSupported() ? [['wasm', 'simd128'] as [Backend, SimdVariant]] : []),
  ...(relaxedSimdSupported() ? [['wasm', 'relaxed'] as [Backend, SimdVariant]] : []),
];
if (!wasmSimdSupported()) console.warn('golden.test: no WebAssembly SIMD in this runtime: the wasm backend is not tested');
else if (!relaxedSimdSupported()) console.warn('golden.test: no relaxed SIMD in this runtime: only the SIMD128 kernels are tested');

function expectMatches(dir: string): void {
  const report = verifyGoldenCase(dir);
  for (const t of report.tensors) expect.soft(t, `${t.name}: ${t.problem ?? ''} rel ${t.maxRel}`).toMatchObject({ ok: true });
  expect(report.ok).toBe(true);
  // the issue's bar, on every tensor
  for (const t of report.tensors) expect(t.maxRel).toBeLessThanOrEqual(1e-4);
}

for (const [backend, simd] of BACKENDS) {
  describe(`golden cases on the ${backend}${simd ? ` ${simd}` : ''} backend`, () => {
    beforeAll(() => {
      setBackend(backend);
      if (simd) setSimd(simd);
    });
    afterAll(() => {
      setBackend('auto');
      setSimd('auto');
    });
    it('has fixtures', () => {
      expect(fixtureCases.length).toBeGreaterThan(0);
    });
    for (const dir of fixtureCases) {
      it(`matches PyTorch: ${dir.slice(FIXTURES.length + 1)}`, () => expectMatches(dir));
    }
    for (const dir of shippedCases) {
      it(`matches PyTorch: shipped model ${dir.slice(WEIGHTS.length + 1)}`, () => expectMatches(dir));
    }
    describe.skipIf(sharedCases.length === 0)('public golden cases (../shared/golden)', () => {
      for (const dir of sharedCases) {
        it(`matches PyTorch: ${dir.slice(SHARED.length + 1)}`, () => expectMatches(dir));
      }
    });
  });
}
if (sharedCases.length === 0) console.warn(`golden.test: ${SHARED} not found: public golden cases skipped`);

describe('the default tolerance catches wrong numerics', () => {
  const erfCase = [...fixtureCases, ...sharedCases].find((d) => readBertConfig(d).hiddenAct === 'gelu');
  it.skipIf(!erfCase)('a tanh GELU on an erf model is NOT OK', () => {
    const config = readBertConfig(erfCase!);
    const wrong = BertModel.fromTensors({ ...config.raw, hidden_act: 'gelu_new' }, openCheckpoint(erfCase!));
    expect(verifyGoldenCase(erfCase!, undefined, wrong).ok).toBe(false);
  });
  const epsCase = fixtureCases.find((d) => readBertConfig(d).layerNormEps >= 1e-5);
  it.skipIf(!epsCase)('a wrong LayerNorm eps is NOT OK', () => {
    const config = readBertConfig(epsCase!);
    const wrong = BertModel.fromTensors({ ...config.raw, layer_norm_eps: 1e-12 }, openCheckpoint(epsCase!));
    expect(verifyGoldenCase(epsCase!, undefined, wrong).ok).toBe(false);
  });
});

// The golden fixtures again, with linear on the WebAssembly SIMD backend:
// float32 sums, as PyTorch's, must meet the same bar as the JS kernels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyGoldenCase } from '../src/golden/verify.ts';
import { setBackend } from '../src/layers/matmul.ts';
import { wasmSimdSupported } from '../src/layers/wasm-matmul.ts';

const FIXTURES = join(resolve(import.meta.dirname, '..'), 'test', 'fixtures', 'golden');
const cases = existsSync(FIXTURES)
  ? readdirSync(FIXTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'golden.safetensors')))
      .map((d) => d.name)
      .sort()
  : [];

(wasmSimdSupported() ? describe : describe.skip)('golden fixtures on the wasm backend', () => {
  beforeAll(() => {
    setBackend('wasm');
  });
  afterAll(() => {
    setBackend('js');
  });
  for (const name of cases) {
    it(`matches PyTorch: ${name}`, () => {
      const report = verifyGoldenCase(join(FIXTURES, name));
      for (const t of report.tensors) expect.soft(t, `${t.name}: ${t.problem ?? ''} rel ${t.maxRel}`).toMatchObject({ ok: true });
      expect(report.ok).toBe(true);
      for (const t of report.tensors) expect(t.maxRel).toBeLessThanOrEqual(1e-4);
    });
  }
});

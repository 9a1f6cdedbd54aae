// Weights in wasm memory: wasm-dot.ts's in-place kernel against the reference,
// and checkpoints loaded under the 'wasm' backend straight into wasm memory.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { linearNaive, setBackend, weightMemory } from '../src/layers/matmul.ts';
import { linearWasm, wasmCopiedBytes, wasmOffset, wasmSimdSupported, wasmTensorMemory } from '../src/layers/wasm-matmul.ts';
import { setThreads, threadStats } from '../src/layers/threads.ts';
import { allocFloat32 } from '../src/tensor/alloc.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { readSafetensors } from '../src/tensor/safetensors-fs.ts';
import type { BertModel } from '../src/bert/model.ts';
import { fillRandom, maxError } from './helpers/random.ts';

const sim = wasmSimdSupported() && typeof SharedArrayBuffer !== 'undefined' ? describe : describe.skip;

/** W [N, K] allocated in wasm memory, random. */
function wasmWeights(n: number, seed: number): Float32Array {
  return fillRandom(allocFloat32(n, wasmTensorMemory()), seed);
}

sim('dot kernel (W read in place in wasm memory) vs linearNaive', () => {
  const sizes = [1, 2, 3, 5, 7, 13];
  const shapes: [number, number, number][] = [];
  for (const M of sizes) for (const K of sizes) for (const N of sizes) shapes.push([M, K, N]);
  shapes.push([33, 768, 21], [64, 129, 67], [128, 64, 130], [2, 4, 4], [4, 8, 8]);

  afterAll(async () => {
    await setThreads(1);
  });

  for (const threads of [1, 2]) {
    for (const withBias of [true, false]) {
      it(`matches on ${shapes.length} shapes, ${withBias ? 'with' : 'without'} bias, ${threads} thread(s)`, async () => {
        await setThreads(threads, { minMacs: 1 });
        const calls = threadStats().parallelCalls;
        const copied = wasmCopiedBytes();
        let seed = 7;
        for (const [M, K, N] of shapes) {
          const x = fillRandom(allocFloat32(M * K), seed++);
          const W = wasmWeights(N * K, seed++);
          const bias = withBias ? fillRandom(allocFloat32(N), seed++) : null;
          expect(wasmOffset(W)).toBeGreaterThanOrEqual(0);
          const want = new Float32Array(M * N), got = allocFloat32(M * N).fill(NaN);
          linearNaive(want, x, W, bias, M, K, N);
          linearWasm(got, x, W, bias, M, K, N);
          expect(maxError(got, want), `M=${M} K=${K} N=${N}`).toBeLessThan(1e-5);
        }
        expect(wasmCopiedBytes()).toBe(copied); // nothing packed
        if (threads > 1) expect(threadStats().parallelCalls).toBeGreaterThan(calls);
      });
    }
  }

  it('does not read past K: NaN after each W row does not leak into the sums', () => {
    const M = 3, K = 5, N = 6;
    const big = wasmWeights(N * K + 8, 1);
    big.fill(NaN, N * K); // what lies after W
    const W = big.subarray(0, N * K);
    const x = fillRandom(allocFloat32(M * K), 2);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    linearWasm(got, x, W, null, M, K, N);
    expect(maxError(got, want)).toBeLessThan(1e-5);
  });

  it('keeps weights valid and recognised after the memory grows', () => {
    const M = 5, K = 9, N = 7;
    const W = wasmWeights(N * K, 3);
    const before = Float32Array.from(W);
    wasmTensorMemory()!.bytes(64 << 20); // grows the memory: a new buffer object
    expect(W.buffer).not.toBe(allocFloat32(1, wasmTensorMemory()).buffer);
    expect(Array.from(W)).toEqual(Array.from(before));
    expect(wasmOffset(W)).toBeGreaterThanOrEqual(0);
    const x = fillRandom(allocFloat32(M * K), 4);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    const copied = wasmCopiedBytes();
    linearWasm(got, x, W, null, M, K, N);
    expect(wasmCopiedBytes()).toBe(copied);
    expect(maxError(got, want)).toBeLessThan(1e-5);
  });

  it('gives -1 for views outside wasm memory', () => {
    expect(wasmOffset(new Float32Array(4))).toBe(-1);
    expect(wasmOffset(allocFloat32(4))).toBe(-1);
  });
});

// A fixture checkpoint loaded under each backend: same outputs, and under
// 'wasm' every linear weight in wasm memory with nothing packed.
const root = resolve(import.meta.dirname, '..');
const FIXTURES = join(root, 'test', 'fixtures', 'golden');
const CASES = ['padding-batch', 'f16-weights', 'bf16-weights', 'combo-bf16-legacy-untied-sharded', 'unaligned-header'].filter((c) => existsSync(join(FIXTURES, c)));

sim('readSafetensors with { memory }', () => {
  it('reads an all-F32 file into the memory: tensors are views there, not copies', () => {
    const file = readSafetensors(join(FIXTURES, 'padding-batch', 'model.safetensors'), { memory: wasmTensorMemory() });
    expect(wasmOffset(file.bytes)).toBeGreaterThanOrEqual(0);
    const name = file.names().find((n) => file.info(n)!.dtype === 'F32')!;
    const t = file.float32(name);
    expect(t.buffer).toBe(file.bytes.buffer);
    expect(t.byteOffset).toBe(file.bytes.byteOffset + file.info(name)!.begin);
  });
  it('copies the tensors of an unaligned F32 file into the memory (a view would be misaligned)', () => {
    const file = readSafetensors(join(FIXTURES, 'unaligned-header', 'model.safetensors'), { memory: wasmTensorMemory() });
    expect(file.dataStart % 4).not.toBe(0);
    expect(wasmOffset(file.bytes)).toBe(-1);
    const name = file.names().find((n) => file.info(n)!.dtype === 'F32')!;
    expect(wasmOffset(file.float32(name))).toBeGreaterThanOrEqual(0);
  });
  it('refuses a corrupt file with the same message as without a memory (the header is parsed before the data is read)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bert-ts-wasm-'));
    try {
      const bytes = readFileSync(join(FIXTURES, 'padding-batch', 'model.safetensors'));
      const cases = { truncated: bytes.subarray(0, bytes.length - 4), 'huge header': Uint8Array.of(255, 255, 255, 255, 0, 0, 0, 0), tiny: Uint8Array.of(1, 2) };
      for (const [name, data] of Object.entries(cases)) {
        const path = join(dir, `${name}.safetensors`);
        writeFileSync(path, data);
        const message = (f: () => unknown) => {
          try {
            f();
          } catch (e) {
            return (e as Error).message;
          }
          return 'no error';
        };
        const plain = message(() => readSafetensors(path));
        expect(plain, name).toContain(path);
        expect(message(() => readSafetensors(path, { memory: wasmTensorMemory() })), name).toBe(plain);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('converts F16 tensors into the memory; the file itself stays outside', () => {
    const file = readSafetensors(join(FIXTURES, 'f16-weights', 'model.safetensors'), { memory: wasmTensorMemory() });
    expect(wasmOffset(file.bytes)).toBe(-1);
    const name = file.names().find((n) => file.info(n)!.dtype === 'F16')!;
    const t = file.float32(name);
    expect(wasmOffset(t)).toBeGreaterThanOrEqual(0);
    expect(Array.from(t)).toEqual(Array.from(readSafetensors(join(FIXTURES, 'f16-weights', 'model.safetensors')).float32(name)));
  });
});

sim('checkpoints loaded into wasm memory', () => {
  afterEach(() => {
    setBackend('auto');
  });

  for (const name of CASES) {
    it(`${name}: weights in wasm memory, outputs as on the js backend`, () => {
      const dir = join(FIXTURES, name);
      const ids = [[101, 7592, 2088, 102, 0], [101, 2023, 102, 0, 0]];
      const input = { inputIds: ids, attentionMask: ids.map((r) => r.map((t) => (t === 0 ? 0 : 1))) };
      const clip = (m: BertModel) => input.inputIds.map((r) => r.map((t) => t % m.config.vocabSize));

      setBackend('js');
      expect(weightMemory()).toBeUndefined();
      const jsModel = loadBertModel(dir);
      const want = jsModel.forward({ ...input, inputIds: clip(jsModel) }).lastHiddenState.data;

      setBackend('wasm');
      expect(weightMemory()?.name).toBe('wasm');
      const copied = wasmCopiedBytes();
      const model = loadBertModel(dir);
      for (const layer of model.weights.encoder.layer) {
        const { self, output } = layer.attention;
        for (const lin of [self.query, self.key, self.value, output.dense, layer.intermediate.dense, layer.output.dense]) {
          expect(wasmOffset(lin.weight)).toBeGreaterThanOrEqual(0);
        }
      }
      const got = model.forward({ ...input, inputIds: clip(model) }).lastHiddenState.data;
      expect(wasmCopiedBytes()).toBe(copied);
      expect(maxError(got, want)).toBeLessThan(1e-4);
    });
  }
});

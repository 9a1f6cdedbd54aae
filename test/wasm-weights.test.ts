// Weights in the heap (the wasm memory): read in place by the dot kernel, kept
// valid when the memory grows, and checkpoints loaded straight into it.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { linearNaive } from '../src/layers/matmul.ts';
import { setBackend } from '../src/runtime/backend.ts';
import { wasmCopiedBytes, wasmKernelTable } from '../src/runtime/wasm-kernels.ts';
import { Arena, heapOffset as wasmOffset } from '../src/runtime/heap.ts';
import { Scratch } from '../src/runtime/scratch.ts';
import { wasmSimdSupported } from '../src/wasm/kernels.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { readSafetensors } from '../src/tensor/safetensors-fs.ts';
import type { BertModel } from '../src/bert/model.ts';
import { fillRandom, maxError } from './helpers/random.ts';

const sim = wasmSimdSupported() && typeof SharedArrayBuffer !== 'undefined' ? describe : describe.skip;

const arena = new Arena('wasm-weights.test');
const ws = new Scratch('wasm-weights.test');
afterAll(() => {
  arena.dispose();
  ws.dispose();
});
/** the test's heap arena as a place for tensors */
const memory = () => arena.tensorMemory();

/** W [N, K] in the heap, random. */
function wasmWeights(n: number, seed: number): Float32Array {
  return fillRandom(arena.float32(n), seed);
}

sim('weights read in place in the heap', () => {
  it('does not read past K: NaN after each W row does not leak into the sums', () => {
    const M = 3, K = 5, N = 6;
    const big = wasmWeights(N * K + 8, 1);
    big.fill(NaN, N * K); // what lies after W
    const W = big.subarray(0, N * K);
    const x = fillRandom(new Float32Array(M * K), 2);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    wasmKernelTable.linear(ws, got, x, W, null, M, K, N);
    expect(maxError(got, want)).toBeLessThan(1e-5);
  });

  it('keeps weights valid and recognised after the memory grows', () => {
    const M = 5, K = 9, N = 7;
    const W = wasmWeights(N * K, 3);
    const before = Float32Array.from(W);
    memory().bytes(64 << 20); // grows the memory: a new buffer object
    expect(W.buffer).not.toBe(arena.float32(1).buffer);
    expect(Array.from(W)).toEqual(Array.from(before));
    expect(wasmOffset(W)).toBeGreaterThanOrEqual(0);
    const x = fillRandom(new Float32Array(M * K), 4);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    linearNaive(want, x, W, null, M, K, N);
    const copied = wasmCopiedBytes();
    wasmKernelTable.linear(ws, got, x, W, null, M, K, N);
    expect(wasmCopiedBytes()).toBe(copied);
    expect(maxError(got, want)).toBeLessThan(1e-5);
  });

  it('gives -1 for views outside wasm memory', () => {
    expect(wasmOffset(new Float32Array(4))).toBe(-1);
    expect(wasmOffset(new Float32Array(new SharedArrayBuffer(16)))).toBe(-1);
  });
});

// A fixture checkpoint loaded under each backend: same outputs, and under
// 'wasm' every linear weight in wasm memory with nothing packed.
const root = resolve(import.meta.dirname, '..');
const FIXTURES = join(root, 'test', 'fixtures', 'golden');
const CASES = ['padding-batch', 'f16-weights', 'bf16-weights', 'combo-bf16-legacy-untied-sharded', 'unaligned-header'].filter((c) => existsSync(join(FIXTURES, c)));

sim('readSafetensors with { memory }', () => {
  it('reads an all-F32 file into the memory: tensors are views there, not copies', () => {
    const file = readSafetensors(join(FIXTURES, 'padding-batch', 'model.safetensors'), { memory: memory() });
    expect(wasmOffset(file.bytes)).toBeGreaterThanOrEqual(0);
    const name = file.names().find((n) => file.info(n)!.dtype === 'F32')!;
    const t = file.float32(name);
    expect(t.buffer).toBe(file.bytes.buffer);
    expect(t.byteOffset).toBe(file.bytes.byteOffset + file.info(name)!.begin);
  });
  it('copies the tensors of an unaligned F32 file into the memory (a view would be misaligned)', () => {
    const file = readSafetensors(join(FIXTURES, 'unaligned-header', 'model.safetensors'), { memory: memory() });
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
        expect(message(() => readSafetensors(path, { memory: memory() })), name).toBe(plain);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('converts F16 tensors into the memory; the file itself stays outside', () => {
    const file = readSafetensors(join(FIXTURES, 'f16-weights', 'model.safetensors'), { memory: memory() });
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
      const jsModel = loadBertModel(dir);
      const want = jsModel.forward({ ...input, inputIds: clip(jsModel) }).lastHiddenState.data;

      setBackend('wasm');
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

// `bert-ts quantize` (src/bert/quantized-checkpoint.ts, write-quantized.ts,
// quantize-folder.ts): a folder written with its matrices in int8 loads as q8
// and gives the same bits as the float folder quantized at load, for every
// checkpoint layout; the format's names and shapes; the refusals.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBertModel } from '../src/bert/load.ts';
import { quantizeModelFolder } from '../src/bert/quantize-folder.ts';
import { QUANT_METHOD, SCALE_SUFFIX, isQuantizedCheckpoint } from '../src/bert/quantized-checkpoint.ts';
import { int8Linear, quantizeLinear, quantizeTable, unpackInt8 } from '../src/layers/quantize.ts';
import { openCheckpoint, readSafetensors, writeSafetensors } from '../src/tensor/safetensors-fs.ts';
import { parseSafetensors, serializeSafetensors } from '../src/tensor/safetensors.ts';
import { readGoldenInputs } from '../src/golden/golden-case.ts';
import type { BertOutput } from '../src/bert/model.ts';
import { randomArray } from './helpers/random.ts';
import { expectError } from './helpers/expect-error.ts';
import { loadModel, loadPipeline } from '../src/load/node.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIX = join(ROOT, 'test/fixtures/golden');
const tmp = mkdtempSync(join(tmpdir(), 'bert-ts-quantized-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OUTPUTS: (keyof BertOutput)[] = ['lastHiddenState', 'poolerOutput', 'mlmLogits', 'nspLogits', 'logits', 'startLogits', 'endLogits'];

describe('int8Linear: stored int8 laid out as quantizeLinear lays it out', () => {
  it('rebuilds quantizeLinear and quantizeTable exactly from their integers and scales', () => {
    for (const [N, K] of [[6, 37], [13, 64], [1, 16]]) {
      const W = randomArray(N * K, N + K), bias = randomArray(N, 7);
      const w = quantizeLinear(W, bias, N, K);
      const { Wq, sw } = unpackInt8(w);
      expect(Wq.length).toBe(N * K);
      expect(int8Linear(Wq, sw, bias, N, K)).toEqual(w);
      const t = quantizeTable(W, bias, N, K);
      const u = unpackInt8(t);
      expect(Array.from(u.sw)).toEqual(new Array(N).fill(1));
      expect(int8Linear(u.Wq, u.sw, bias, N, K, undefined, t.inputScale)).toEqual(t);
    }
  });
});

describe('safetensors with several dtypes', () => {
  it('writes F32, F16 and I8 tensors in the Rust writer\'s order (dtype descending, then name) and reads them back', () => {
    const i8 = new Int8Array([1, -2, 127, -127, 0, 5]);
    const f16 = new Uint8Array([0, 60, 0, 188]); // 1, -1
    const bytes = serializeSafetensors([
      { name: 'a.q', shape: [2, 3], dtype: 'I8', bytes: new Uint8Array(i8.buffer) },
      { name: 'b.half', shape: [2], dtype: 'F16', bytes: f16 },
      { name: 'z.f', shape: [1], data: new Float32Array([0.5]) },
    ]);
    const f = parseSafetensors(bytes, 'mixed.safetensors');
    expect(f.names()).toEqual(['z.f', 'b.half', 'a.q']);
    expect(Array.from(new Int8Array(f.raw('a.q').slice().buffer))).toEqual(Array.from(i8));
    expect(Array.from(f.float32('b.half'))).toEqual([1, -1]);
    expect(Array.from(f.float32('z.f'))).toEqual([0.5]);
    expectError(() => serializeSafetensors([{ name: 'x', shape: [4], dtype: 'F16', bytes: new Uint8Array(6) }]), "cannot write tensor 'x'", 'needs 8 bytes, the data has 6');
  });
});

/** Quantize `dir` into a new folder under tmp; the folder. */
function quantized(dir: string, name: string): string {
  const out = join(tmp, name);
  const r = quantizeModelFolder(dir, out);
  expect(r.quantized).toBeGreaterThan(0);
  expect(r.bytesOut).toBeLessThan(r.bytesIn);
  return out;
}

describe('bert-ts quantize: the same bits as q8 at load', () => {
  const cases = ['pretraining', 'untied-decoder', 'combo-f16-nopfx-posids', 'combo-bf16-legacy-untied-sharded', 'st-layout', 'seqcls-single', 'tokcls', 'qa', 'sharded'];
  for (const name of cases) {
    it(name, () => {
      const dir = join(FIX, name);
      const out = quantized(dir, name);
      const input = readGoldenInputs(join(dir, 'inputs.json'));
      const atLoad = loadBertModel(dir, { dtype: 'q8' });
      const stored = loadBertModel(out);
      try {
        expect(stored.dtype).toBe('q8');
        expect(stored.architecture).toBe(atLoad.architecture);
        expect(stored.unusedTensors).toEqual(atLoad.unusedTensors);
        const heads = { mlm: atLoad.hasMlmHead, nsp: atLoad.hasNspHead, taskHead: atLoad.taskHead !== null };
        const a = atLoad.forward(input, heads), b = stored.forward(input, heads);
        expect(OUTPUTS.filter((k) => a[k] !== undefined).length).toBeGreaterThan(1); // a head's output too
        for (const k of OUTPUTS) {
          expect(b[k] === undefined, k).toBe(a[k] === undefined);
          if (a[k]) expect(Array.from((b[k] as { data: Float32Array }).data), k).toEqual(Array.from((a[k] as { data: Float32Array }).data));
        }
      } finally {
        atLoad.dispose();
        stored.dispose();
      }
    });
  }

  it('loads as q8 through the streaming loader too (File objects, as a page picks them)', async () => {
    const out = join(tmp, 'untied-decoder');
    const files = readdirSync(out).map((f) => new File([readFileSync(join(out, f))], f));
    const streamed = await loadModel(files);
    const folder = loadBertModel(out);
    try {
      expect(streamed.dtype).toBe('q8');
      const input = readGoldenInputs(join(FIX, 'untied-decoder', 'inputs.json'));
      const a = folder.forward(input, { mlm: true }), b = streamed.forward(input, { mlm: true });
      expect(Array.from(b.mlmLogits!.data)).toEqual(Array.from(a.mlmLogits!.data));
    } finally {
      streamed.dispose();
      folder.dispose();
    }
  });

  it('stores the documented names, dtypes and shapes, and a quantization_config', () => {
    const out = join(tmp, 'pretraining');
    const f = readSafetensors(join(out, 'model.safetensors'));
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.quantization_config.quant_method).toBe(QUANT_METHOD);
    const H = config.hidden_size, I = config.intermediate_size, V = config.vocab_size;
    const q = f.info('bert.encoder.layer.0.intermediate.dense.weight')!;
    expect([q.dtype, q.shape]).toEqual(['I8', [I, H]]);
    const s = f.info(`bert.encoder.layer.0.intermediate.dense${SCALE_SUFFIX}`)!;
    expect([s.dtype, s.shape]).toEqual(['F32', [I, 1]]);
    const e = f.info(`bert.embeddings.word_embeddings${SCALE_SUFFIX}`)!;
    expect([f.info('bert.embeddings.word_embeddings.weight')!.dtype, e.shape]).toEqual(['I8', [1, H]]);
    expect(f.info('bert.encoder.layer.0.intermediate.dense.bias')!.dtype).toBe('F32');
    expect(f.info('bert.pooler.dense.weight')!.dtype).toBe('F32'); // the pooler and heads stay float
    expect(f.info('cls.predictions.bias')!.shape).toEqual([V]);
    expect(isQuantizedCheckpoint(openCheckpoint(out))).toBe(true);
    expect(existsSync(join(out, 'vocab.txt'))).toBe(true);
  });

  it('keeps a sentence-transformers folder\'s modules, so the pipeline pools as before', async () => {
    const dir = join(ROOT, 'weights/en-embed');
    const out = quantized(dir, 'en-embed');
    for (const f of readdirSync(dir)) if (!f.endsWith('.safetensors')) expect(existsSync(join(out, f)), f).toBe(true);
    const a = await loadPipeline(dir, { dtype: 'q8' });
    const b = await loadPipeline(out);
    try {
      const texts = ['A kitten is napping in the sun.', 'Stock markets fell sharply on Monday.'];
      expect(await b.embed(texts)).toEqual(await a.embed(texts));
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });
});

describe('bert-ts quantize: refusals', () => {
  it('refuses f32 for int8 weights, a second quantization, and a folder that is not empty', () => {
    const out = join(tmp, 'pretraining-2');
    quantizeModelFolder(join(FIX, 'pretraining'), out);
    expectError(() => loadBertModel(out, { dtype: 'f32' }), "is int8 (a checkpoint bert-ts quantize wrote) and the model is being loaded with dtype 'f32'");
    expectError(() => quantizeModelFolder(out, join(tmp, 'again')), 'is already quantized');
    expectError(() => quantizeModelFolder(join(FIX, 'pretraining'), out), 'exists and is not an empty folder');
  });

  it('names a damaged scale tensor', () => {
    const out = join(tmp, 'pretraining-3');
    quantizeModelFolder(join(FIX, 'pretraining'), out);
    const file = join(out, 'model.safetensors');
    const src = readSafetensors(file);
    const name = `bert.encoder.layer.0.attention.self.query${SCALE_SUFFIX}`;
    const tensors = src.names().map((n) => {
      const i = src.info(n)!;
      return n === name ? { name: n, shape: [1, i.shape[0]], dtype: i.dtype, bytes: src.raw(n) } : { name: n, shape: i.shape, dtype: i.dtype, bytes: src.raw(n) };
    });
    writeSafetensors(file, tensors);
    expectError(() => loadBertModel(out), `tensor '${name}' is F32 [1, `, 'expected float scales of shape');
    writeSafetensors(file, tensors.filter((t) => t.name !== name));
    expectError(() => loadBertModel(out), "int8 tensor 'bert.encoder.layer.0.attention.self.query.weight' has no scales");
    writeFileSync(join(out, 'config.json'), '{}'); // (the folder is no longer loadable either way)
  });
});

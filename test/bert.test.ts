// The BERT model: config parsing, checkpoint naming and shape checks, input
// checks, head options and run-state reuse. Numbers are checked against
// PyTorch in golden.test.ts.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { parseBertConfig } from '../src/bert/config.ts';
import { BertModel } from '../src/bert/model.ts';
import { loadBertModel, readBertConfig } from '../src/bert/load.ts';
import { openCheckpoint } from '../src/tensor/safetensors-fs.ts';
import type { TensorSource } from '../src/tensor/safetensors.ts';
import { expectError } from './helpers/expect-error.ts';
import { readGoldenInputs } from '../src/golden/golden-case.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const UNTIED = join(FIX, 'untied-decoder');
const LEGACY = join(FIX, 'legacy-gamma-beta');

/** A TensorSource with some names changed, dropped (→ null) or added. */
function edited(src: TensorSource, rename: (n: string) => string | null, extra: Record<string, { shape: number[]; data: Float32Array }> = {}): TensorSource {
  const map = new Map<string, string>();
  for (const n of src.names()) {
    const m = rename(n);
    if (m !== null) map.set(m, n);
  }
  return {
    files: ['edited.safetensors'],
    names: () => [...map.keys(), ...Object.keys(extra)],
    info: (n) => {
      if (extra[n]) return { name: n, dtype: 'F32', shape: extra[n].shape, begin: 0, end: 0, file: 'edited.safetensors' };
      const i = map.has(n) ? src.info(map.get(n)!) : undefined;
      return i ? { ...i, name: n, file: 'edited.safetensors' } : undefined;
    },
    float32: (n) => extra[n]?.data ?? src.float32(map.get(n)!),
    ints: (n) => src.ints(map.get(n)!),
    raw: (n) => src.raw(map.get(n)!),
  };
}

describe('config', () => {
  it('fills Hugging Face defaults', () => {
    const c = parseBertConfig({});
    expect(c).toMatchObject({ vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, headSize: 64, intermediateSize: 3072, hiddenAct: 'gelu', activation: 'gelu', maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, padTokenId: 0 });
  });
  it('maps every hidden_act name', () => {
    expect(parseBertConfig({ hidden_act: 'gelu_new' }).activation).toBe('gelu_tanh');
    expect(parseBertConfig({ hidden_act: 'gelu_pytorch_tanh' }).activation).toBe('gelu_tanh');
    expect(parseBertConfig({ hidden_act: 'swish' }).activation).toBe('silu');
  });
  it('refuses what it does not implement, with a clear message', () => {
    expectError(() => parseBertConfig({ position_embedding_type: 'relative_key' }, 'x/config.json'), /x\/config.json: position_embedding_type 'relative_key' is not supported/);
    expectError(() => parseBertConfig({ hidden_size: 10, num_attention_heads: 3 }), /not a multiple of num_attention_heads/);
    expectError(() => parseBertConfig({ hidden_act: 'prelu' }), /hidden_act 'prelu' is not supported/);
    expectError(() => parseBertConfig({ hidden_size: '768' }), /'hidden_size' must be an integer/);
    expectError(() => parseBertConfig({ model_type: 'roberta' }), /model_type 'roberta' is not BERT/);
    expectError(() => parseBertConfig([]), /must be a JSON object/);
  });
});

describe('checkpoint names', () => {
  const config = readBertConfig(UNTIED);
  const src = openCheckpoint(UNTIED);
  const reference = BertModel.fromTensors(config, src);
  const inputs = readGoldenInputs(join(UNTIED, 'inputs.json'));
  const ref = reference.forward(inputs, { mlm: true, nsp: true });

  it('loads with or without the bert. prefix and with legacy gamma/beta names', () => {
    const variants = [
      edited(src, (n) => n.replace(/^bert\./, '')),
      edited(src, (n) => n.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')),
      edited(src, (n) => n.replace(/^bert\./, '0.auto_model.')),
    ];
    for (const v of variants) {
      const out = BertModel.fromTensors(config, v).forward(inputs, { mlm: true, nsp: true });
      expect(Array.from(out.lastHiddenState.data)).toEqual(Array.from(ref.lastHiddenState.data));
      expect(Array.from(out.mlmLogits!.data)).toEqual(Array.from(ref.mlmLogits!.data));
    }
  });
  it('ties the decoder to the word embeddings when the file has none', () => {
    const tied = BertModel.fromTensors(config, edited(src, (n) => (n === 'cls.predictions.decoder.weight' ? null : n)));
    expect(tied.weights.cls.predictions!.tied).toBe(true);
    expect(tied.weights.cls.predictions!.decoder.weight).toBe(tied.weights.embeddings.word_embeddings);
    expect(reference.weights.cls.predictions!.tied).toBe(false);
  });
  it('reports a missing tensor by name', () => {
    expectError(
      () => BertModel.fromTensors(config, edited(src, (n) => (n.includes('layer.1.attention.self.key.weight') ? null : n))),
      /edited.safetensors: 1 tensor missing .*'bert.encoder.layer.1.attention.self.key.weight'/,
    );
    expectError(() => BertModel.fromTensors({ ...config.raw, num_hidden_layers: 3 }, src), /config.json asks for 3 encoder layers, the checkpoint holds 2 \(bert.encoder.layer.0 … 1\)/);
  });
  it('reports a mis-shaped tensor with expected and found shapes', () => {
    expectError(
      () => BertModel.fromTensors({ ...config.raw, intermediate_size: 50 }, src),
      /tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape \[48, 24\], expected \[50, 24\]/,
    );
  });
  it('lists tensors it does not use (a task head) and ignores position_ids', () => {
    const extra = { 'classifier.weight': { shape: [2, 24], data: new Float32Array(48) }, 'bert.embeddings.position_ids': { shape: [1, 24], data: new Float32Array(24) } };
    const m = BertModel.fromTensors(config, edited(src, (n) => n, extra));
    expect(m.unusedTensors).toEqual(['classifier.weight']);
  });
  it('refuses a file without BERT embeddings', () => {
    expectError(() => BertModel.fromTensors(config, edited(src, (n) => (n.includes('word_embeddings') ? null : n))), /no BERT word embeddings found/);
  });
});

describe('forward', () => {
  const model = loadBertModel(LEGACY);
  const inputs = readGoldenInputs(join(LEGACY, 'inputs.json'));
  const { vocabSize: V, maxPositionEmbeddings: P } = model.config;

  it('checks its input before any kernel runs', () => {
    expectError(() => model.forward({ inputIds: [[1, V]] }), /inputIds\[0\]\[1\] = \d+ is not a token id in \[0, \d+\)/);
    expectError(() => model.forward({ inputIds: [[1, -1]] }), /is not a token id/);
    expectError(() => model.forward({ inputIds: [[1, 2], [3]] }), /inputIds\[1\] has length 1, expected 2/);
    expectError(() => model.forward({ inputIds: [new Array(P + 1).fill(1)] }), new RegExp(`sequence length ${P + 1} is longer than the model's max_position_embeddings ${P}`));
    expectError(() => model.forward({ inputIds: [[1, 2]], tokenTypeIds: [[0, 2]] }), /tokenTypeIds\[0\]\[1\] = 2 is not a token type/);
    expectError(() => model.forward({ inputIds: [[1, 2]], attentionMask: [[1, 0.5]] }), /attentionMask\[0\]\[1\] = 0.5 is not 0 or 1/);
    expectError(() => model.forward({ inputIds: [] }), /non-empty/);
    expectError(() => model.forward({ inputIds: [[1, 2]], attentionMask: [[1, 1], [1, 1]] }), /attentionMask has 2 rows, inputIds has 1/);
  });
  it('computes MLM logits at chosen positions equal to those rows of the full logits', () => {
    const full = model.forward(inputs, { mlm: true }).mlmLogits!;
    const S = inputs.inputIds[0].length;
    const positions: [number, number][] = [[1, 3], [0, 0], [2, S - 1]];
    const some = model.forward(inputs, { mlm: { positions } }).mlmLogits!;
    expect(some.shape).toEqual([3, V]);
    positions.forEach(([b, s], i) => {
      expect(Array.from(some.data.subarray(i * V, (i + 1) * V))).toEqual(Array.from(full.data.subarray((b * S + s) * V, (b * S + s + 1) * V)));
    });
    expectError(() => model.forward(inputs, { mlm: { positions: [[9, 0]] } }), /mlm position \[9, 0\] is outside/);
  });
  it('reuses its buffers across calls without overwriting earlier outputs', () => {
    const a = model.forward(inputs, { outputHiddenStates: true });
    const st = model.runState(inputs.inputIds.length, inputs.inputIds[0].length);
    const copy = a.lastHiddenState.data.slice();
    const b = model.forward(inputs);
    expect(model.runState(inputs.inputIds.length, inputs.inputIds[0].length)).toBe(st);
    expect(Array.from(a.lastHiddenState.data)).toEqual(Array.from(copy));
    expect(Array.from(b.lastHiddenState.data)).toEqual(Array.from(copy));
    // the last hidden state is the last entry of hiddenStates
    const L = model.config.numHiddenLayers;
    expect(Array.from(a.hiddenStates!.at(L).data)).toEqual(Array.from(copy));
    // another shape, then the first again
    model.forward({ inputIds: [[101, 5, 102]] });
    expect(Array.from(model.forward(inputs).lastHiddenState.data)).toEqual(Array.from(copy));
  });
  it('defaults to an all-ones mask and token type 0', () => {
    const ids = [[3, 4, 5, 6]];
    const a = model.forward({ inputIds: ids });
    const b = model.forward({ inputIds: ids, attentionMask: [[1, 1, 1, 1]], tokenTypeIds: [[0, 0, 0, 0]] });
    expect(Array.from(a.lastHiddenState.data)).toEqual(Array.from(b.lastHiddenState.data));
  });
  it('refuses heads the checkpoint does not have', () => {
    const noHeads = loadBertModel(join(FIX, 'st-layout'));
    expectError(() => noHeads.forward({ inputIds: [[1, 2]] }, { mlm: true }), /no masked-LM head/);
    expectError(() => noHeads.forward({ inputIds: [[1, 2]] }, { nsp: true }), /no next-sentence head/);
  });
});

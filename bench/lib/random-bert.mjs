// A random-weight BERT checkpoint written in-process (no PyTorch, no download):
// config.json + model.safetensors (F32) with the tensor names of
// BertForMaskedLM (the decoder tied to the word embeddings). For the memory
// scripts, which need a model of bert-base width but not real weights.
import { mkdirSync, openSync, writeSync, closeSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const BERT_BASE = {
  vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12,
  intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2,
};

/** name → shape of every tensor of a BertForMaskedLM with this config */
function tensorShapes(c) {
  const H = c.hidden_size, I = c.intermediate_size;
  const t = [
    ['bert.embeddings.word_embeddings.weight', [c.vocab_size, H]],
    ['bert.embeddings.position_embeddings.weight', [c.max_position_embeddings, H]],
    ['bert.embeddings.token_type_embeddings.weight', [c.type_vocab_size, H]],
    ['bert.embeddings.LayerNorm.weight', [H]], ['bert.embeddings.LayerNorm.bias', [H]],
  ];
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const n of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      t.push([`${p}${n}.weight`, [H, H]], [`${p}${n}.bias`, [H]]);
    }
    t.push([`${p}attention.output.LayerNorm.weight`, [H]], [`${p}attention.output.LayerNorm.bias`, [H]]);
    t.push([`${p}intermediate.dense.weight`, [I, H]], [`${p}intermediate.dense.bias`, [I]]);
    t.push([`${p}output.dense.weight`, [H, I]], [`${p}output.dense.bias`, [H]]);
    t.push([`${p}output.LayerNorm.weight`, [H]], [`${p}output.LayerNorm.bias`, [H]]);
  }
  t.push(['bert.pooler.dense.weight', [H, H]], ['bert.pooler.dense.bias', [H]]);
  t.push(['cls.predictions.transform.dense.weight', [H, H]], ['cls.predictions.transform.dense.bias', [H]]);
  t.push(['cls.predictions.transform.LayerNorm.weight', [H]], ['cls.predictions.transform.LayerNorm.bias', [H]]);
  t.push(['cls.predictions.bias', [c.vocab_size]]);
  return t;
}

/** Write (once) a random checkpoint with `overrides` of BERT_BASE into dir; returns dir. */
export function randomBert(dir, overrides = {}) {
  const config = { model_type: 'bert', architectures: ['BertForMaskedLM'], ...BERT_BASE, ...overrides };
  if (existsSync(join(dir, 'model.safetensors'))) return dir;
  mkdirSync(dir, { recursive: true });
  const shapes = tensorShapes(config);
  const header = {};
  let offset = 0;
  for (const [name, shape] of shapes) {
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, len);
  writeSync(fd, Buffer.from(json));
  let seed = 12345;
  for (const [name, shape] of shapes) {
    const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
    if (name.endsWith('LayerNorm.weight')) a.fill(1);
    else if (!name.endsWith('bias')) {
      for (let i = 0; i < a.length; i++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        a[i] = (seed / 2 ** 32 - 0.5) * 0.04;
      }
    }
    writeSync(fd, new Uint8Array(a.buffer));
  }
  closeSync(fd);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

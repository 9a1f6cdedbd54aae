/**
 * The writer of a quantized checkpoint (the format: quantized-checkpoint.ts):
 * the q8 loader's own quantization of a float checkpoint, stored.
 */
import { BertTsError } from '../errors.ts';
import { unpackInt8, type QuantizedLinear } from '../layers/quantize.ts';
import type { TensorSource, TensorToWrite } from '../tensor/safetensors.ts';
import type { BertConfig } from './config.ts';
import { loadBertWeights } from './checkpoint.ts';
import { q8Embeddings, q8Linear } from './quantize-weights.ts';
import { SCALE_SUFFIX, isQuantizedCheckpoint } from './quantized-checkpoint.ts';

/**
 * The tensors of the quantized checkpoint of `source` (a float checkpoint that
 * loads as a BertModel with `config`): each quantized matrix as int8 + scales,
 * everything else copied as stored. Reads one tensor at a time from an
 * on-demand source.
 */
export function quantizeCheckpoint(config: BertConfig, source: TensorSource): { tensors: TensorToWrite[]; quantized: number } {
  if (isQuantizedCheckpoint(source)) {
    throw new BertTsError(`${source.files[0]}: is already quantized (int8 weights with ${SCALE_SUFFIX} tensors)`, 'quantize the original float checkpoint');
  }
  // the same quantization the q8 loader does, so a quantized file loads to the same bits
  const loaded = loadBertWeights(config, source, { encoderLinear: q8Linear() });
  const w = q8Embeddings(loaded.weights);
  const p = loaded.prefix;
  const byName = new Map<string, QuantizedLinear>();
  w.encoder.layer.forEach((l, i) => {
    const n = `${p}encoder.layer.${i}`;
    const put = (name: string, q: QuantizedLinear | undefined) => q && byName.set(name, q);
    put(`${n}.attention.self.query`, l.attention.self.query.q8);
    put(`${n}.attention.self.key`, l.attention.self.key.q8);
    put(`${n}.attention.self.value`, l.attention.self.value.q8);
    put(`${n}.attention.output.dense`, l.attention.output.dense.q8);
    put(`${n}.intermediate.dense`, l.intermediate.dense.q8);
    put(`${n}.output.dense`, l.output.dense.q8);
  });
  const table = w.embeddings.word_embeddings_q8!;
  byName.set(`${p}embeddings.word_embeddings`, table);
  const pred = w.cls.predictions;
  if (pred && !pred.tied && pred.decoder.q8) byName.set('cls.predictions.decoder', pred.decoder.q8);

  const tensors: TensorToWrite[] = [];
  for (const name of source.names()) {
    const module = name.endsWith('.weight') ? name.slice(0, -'.weight'.length) : '';
    const q = byName.get(module);
    if (!q) {
      const info = source.info(name)!;
      tensors.push({ name, shape: info.shape, dtype: info.dtype, bytes: source.raw(name) });
      continue;
    }
    const { Wq, sw } = unpackInt8(q);
    tensors.push({ name, shape: [q.N, q.K], dtype: 'I8', bytes: new Uint8Array(Wq.buffer, Wq.byteOffset, Wq.byteLength) });
    // the table's scale is per hidden dimension (its rows' sw are all 1), the matrices' per output channel
    if (q.inputScale) tensors.push({ name: `${module}${SCALE_SUFFIX}`, shape: [1, q.K], data: q.inputScale });
    else tensors.push({ name: `${module}${SCALE_SUFFIX}`, shape: [q.N, 1], data: sw });
  }
  return { tensors, quantized: byName.size };
}

/**
 * A quantized checkpoint: what `bert-ts quantize MODEL OUT` writes, so that a
 * q8 model loads without quantizing at load (and a browser downloads about a
 * quarter of the bytes). model.safetensors keeps the original names:
 *
 *   <matrix>.weight                          I8  [N, K]  Wq ∈ [−127, 127]
 *   <matrix>.weight_scale                    F32 [N, 1]  W[n, k] ≈ scale[n] · Wq[n, k]
 *     for the encoder's six matrices per layer (attention.self.query, .key,
 *     .value, attention.output.dense, intermediate.dense, output.dense) and an
 *     untied masked-LM decoder (cls.predictions.decoder);
 *   embeddings.word_embeddings.weight        I8  [V, H]
 *   embeddings.word_embeddings.weight_scale  F32 [1, H]  E[v, h] ≈ scale[h] · Eq[v, h]
 *     (one scale per hidden dimension: src/layers/quantize.ts, quantizeTable);
 *   every other tensor (biases, LayerNorm, position and token-type embeddings,
 *   pooler, heads) as the original stores it.
 *
 * A scale's shape says how it broadcasts over its weight, as in
 * compressed-tensors' channel-wise int8. The integers and scales are those
 * the q8 loader computes from the float checkpoint (quantizeLinear,
 * quantizeTable; write-quantized.ts), so a model loaded from the quantized file gives the same
 * bits as one quantized at load. config.json gains
 * "quantization_config": { "quant_method": "bert-ts-q8", … } (Hugging Face's
 * place for it); transformers itself does not read this format.
 */
import type { TensorSource } from '../tensor/safetensors.ts';
import type { BertConfig } from './config.ts';

export const SCALE_SUFFIX = '.weight_scale';
export const QUANT_METHOD = 'bert-ts-q8';

/** config.json's quantization_config for a quantized checkpoint. */
export const QUANTIZATION_CONFIG = {
  quant_method: QUANT_METHOD,
  weights: 'int8, symmetric, one scale per output channel (word embeddings: per hidden dimension)',
  activations: 'uint7 with a zero point, one scale per token row, quantized at run time',
  modules: ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'intermediate.dense', 'output.dense', 'embeddings.word_embeddings', 'cls.predictions.decoder'],
} as const;

/** Does the source hold int8 weights with scales (a checkpoint `bert-ts quantize` wrote)? */
export function isQuantizedCheckpoint(source: TensorSource): boolean {
  return source.names().some((n) => n.endsWith(SCALE_SUFFIX) && source.info(n.slice(0, -SCALE_SUFFIX.length) + '.weight')?.dtype === 'I8');
}

/** Does config.json say the checkpoint is quantized (so a loader can read it tensor by tensor)? */
export function isQuantizedConfig(config: BertConfig): boolean {
  const q = config.raw.quantization_config;
  return q !== null && typeof q === 'object' && (q as Record<string, unknown>).quant_method === QUANT_METHOD;
}

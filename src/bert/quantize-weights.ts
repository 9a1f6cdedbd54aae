/**
 * dtype 'q8': the encoder's six matrices per layer (query, key, value,
 * attention.output.dense, intermediate.dense, output.dense) quantized to int8
 * once, at load (src/layers/quantize.ts has the scheme). Their float32 weights
 * are dropped, so a q8 model holds a quarter of those bytes; the word-embedding
 * table is kept as float16, and a tied masked-LM decoder in int8. Everything
 * else (position and token-type embeddings, LayerNorm, pooler, heads,
 * attention's QKᵀ and P·V) stays float32.
 */
import { BertTsError } from '../errors.ts';
import { quantizeLinear, quantizeTable } from '../layers/quantize.ts';
import type { TensorMemory } from '../tensor/alloc.ts';
import type { BertWeights, Linear } from './weights.ts';
import type { DType } from '../load-options.ts';

export type { DType };
export const DTYPES: readonly DType[] = ['f32', 'q8'];

/** options.dtype checked: undefined → 'f32'. */
export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === undefined) return 'f32';
  if (!DTYPES.includes(dtype as DType)) throw new BertTsError(`${where}: dtype ${JSON.stringify(dtype)} is not one of ${DTYPES.join(', ')}`, "'f32' is exact; 'q8' quantizes the encoder's matrices to int8 (faster, approximate)");
  return dtype as DType;
}

/**
 * The dtype a model loads as: the one asked for, else q8 for a quantized
 * checkpoint (`bert-ts quantize`; asking it for 'f32' is refused as it loads),
 * else 'f32'.
 */
export function loadDType(dtype: unknown, quantized: boolean, where: string): DType {
  return dtype === undefined && quantized ? 'q8' : checkDType(dtype, where);
}

const EMPTY = new Float32Array(0);

/** The hook that quantizes each encoder matrix into `memory` as it is read (WeightOptions.encoderLinear). */
export function q8Linear(memory?: TensorMemory): (l: Linear) => Linear {
  return (l) => {
    const N = l.bias.length, K = l.weight.length / N;
    return { weight: EMPTY, bias: l.bias, q8: quantizeLinear(l.weight, l.bias, N, K, memory) };
  };
}

/**
 * The rest of q8, once the weights are read: the word-embedding table in int8
 * with one scale per column (quantizeTable), which serves both the gather (a
 * row widened as it is read) and a tied masked-LM decoder (an int8 product like
 * the encoder's, the scales folded into its input, with the decoder's bias).
 */
export function q8Embeddings(w: BertWeights, memory?: TensorMemory): BertWeights {
  if (w.embeddings.word_embeddings_q8) return w; // read in int8 from a quantized checkpoint (checkpoint.ts)
  const table = w.embeddings.word_embeddings, H = w.embeddings.LayerNorm.weight.length, V = table.length / H;
  const p = w.cls.predictions;
  const tied = p !== null && p.tied;
  const q8 = quantizeTable(table, tied ? p.decoder.bias : null, V, H, memory);
  const decoder = p && (tied ? { weight: EMPTY, bias: p.decoder.bias, q8 } : p.decoder.weight.length > 0 ? q8Linear(memory)(p.decoder) : p.decoder);
  return {
    ...w,
    embeddings: { ...w.embeddings, word_embeddings: EMPTY, word_embeddings_q8: q8 },
    cls: { ...w.cls, predictions: p && decoder ? { ...p, decoder } : p },
  };
}

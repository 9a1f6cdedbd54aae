/**
 * dtype 'q8': the encoder's six matrices per layer (query, key, value,
 * attention.output.dense, intermediate.dense, output.dense) quantized to int8
 * once, at load (src/layers/quantize.ts has the scheme). Their float32 weights
 * are dropped, so a q8 model holds a quarter of those bytes. Everything else
 * (embeddings, LayerNorm, pooler, heads, attention's QKᵀ and P·V) stays float32.
 */
import { BertTsError } from '../errors.ts';
import { quantizeLinear } from '../layers/quantize.ts';
import type { TensorMemory } from '../tensor/alloc.ts';
import type { BertWeights, Linear } from './weights.ts';

/** The weight types a model can be loaded as: float32 (exact, the default) or int8 matrices (opt-in). */
export type DType = 'f32' | 'q8';
export const DTYPES: readonly DType[] = ['f32', 'q8'];

/** options.dtype checked: undefined → 'f32'. */
export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === undefined) return 'f32';
  if (!DTYPES.includes(dtype as DType)) throw new BertTsError(`${where}: dtype ${JSON.stringify(dtype)} is not one of ${DTYPES.join(', ')}`, "'f32' is exact; 'q8' quantizes the encoder's matrices to int8 (faster, approximate)");
  return dtype as DType;
}

const EMPTY = new Float32Array(0);

/** A linear layer with its weight quantized into `memory` (bias kept). */
function quantized(l: Linear, memory?: TensorMemory): Linear {
  const N = l.bias.length, K = l.weight.length / N;
  return { weight: EMPTY, bias: l.bias, q8: quantizeLinear(l.weight, l.bias, N, K, memory) };
}

/** The weights with every encoder matrix quantized (a new tree; the float32 matrices are no longer referenced). */
export function quantizeEncoder(w: BertWeights, memory?: TensorMemory): BertWeights {
  return {
    ...w,
    encoder: {
      layer: w.encoder.layer.map((l) => ({
        attention: {
          self: { query: quantized(l.attention.self.query, memory), key: quantized(l.attention.self.key, memory), value: quantized(l.attention.self.value, memory) },
          output: { dense: quantized(l.attention.output.dense, memory), LayerNorm: l.attention.output.LayerNorm },
        },
        intermediate: { dense: quantized(l.intermediate.dense, memory) },
        output: { dense: quantized(l.output.dense, memory), LayerNorm: l.output.LayerNorm },
      })),
    },
  };
}

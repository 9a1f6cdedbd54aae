/**
 * BERT's weights, one field per checkpoint tensor, named as Hugging Face names
 * them (`encoder.layer[i].attention.self.query.weight` …) so a reader can go
 * from the paper to this file to a tensor in model.safetensors.
 * Linear weights keep nn.Linear's [out, in] layout. All are read-only; where the
 * file's alignment allows they are views into the loaded file.
 */

import type { QuantizedLinear } from '../layers/quantize.ts';

/** nn.Linear: y = x · weightᵀ + bias */
export interface Linear {
  weight: Float32Array; // [out, in]; empty when q8 holds the layer
  bias: Float32Array; // [out]
  /** dtype 'q8': the int8 weights (and bias) that replace `weight` (src/layers/quantize.ts) */
  q8?: QuantizedLinear;
}

export interface LayerNormWeights {
  weight: Float32Array; // [H]  (γ; `gamma` in legacy checkpoints)
  bias: Float32Array; // [H]  (β; `beta`)
}

export interface EmbeddingsWeights {
  word_embeddings: Float32Array; // [V, H]; empty when word_embeddings_q8 holds the table
  /** dtype 'q8': the table in int8 [V, H], one scale per hidden dimension (src/layers/quantize.ts, quantizeTable), widened a row at a time */
  word_embeddings_q8?: QuantizedLinear;
  position_embeddings: Float32Array; // [P, H]
  token_type_embeddings: Float32Array; // [T, H]
  LayerNorm: LayerNormWeights;
}

export interface LayerWeights {
  attention: {
    self: { query: Linear; key: Linear; value: Linear }; // each [H, H]
    output: { dense: Linear; LayerNorm: LayerNormWeights }; // dense [H, H]
  };
  intermediate: { dense: Linear }; // [I, H]
  output: { dense: Linear; LayerNorm: LayerNormWeights }; // dense [H, I]
}

/** cls.predictions: the masked-LM head */
export interface MlmHeadWeights {
  transform: { dense: Linear; LayerNorm: LayerNormWeights }; // dense [H, H]
  decoder: Linear; // [V, H] (tied: the word embeddings) + bias [V] (cls.predictions.bias)
  /** true when decoder.weight is the word-embedding table (no stored decoder) */
  tied: boolean;
}

export interface BertWeights {
  embeddings: EmbeddingsWeights;
  encoder: { layer: LayerWeights[] };
  pooler: { dense: Linear } | null; // [H, H]; absent in BertForMaskedLM checkpoints
  cls: {
    predictions: MlmHeadWeights | null;
    seq_relationship: Linear | null; // NSP head, [2, H]
  };
  /** BertForSequenceClassification [N, H] on the pooler, or BertForTokenClassification [N, H] per token (N = num_labels) */
  classifier: Linear | null;
  /** BertForQuestionAnswering [2, H]: start and end logits per token */
  qa_outputs: Linear | null;
}

/**
 * BERT's config.json, with the defaults of transformers' BertConfig for every
 * key a file may leave out. Everything the forward pass depends on numerically
 * (activation, LayerNorm eps) is read from here; nothing is assumed.
 */
import { BertTsError } from '../errors.ts';
import { activationFor, type Activation } from '../layers/activations.ts';

export interface BertConfig {
  vocabSize: number; // V
  hiddenSize: number; // H
  numHiddenLayers: number; // L
  numAttentionHeads: number; // A
  headSize: number; // D = H / A
  intermediateSize: number; // I
  hiddenAct: string; // as written in the file
  activation: Activation; // the kernel it selects
  maxPositionEmbeddings: number; // P
  typeVocabSize: number; // T
  layerNormEps: number;
  padTokenId: number;
  architectures: string[];
  /** the parsed JSON, for keys we do not interpret (id2label, …) */
  raw: Record<string, unknown>;
}

const DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
};

/** Parse and check a config; `file` names it in every error. */
export function parseBertConfig(json: unknown, file = 'config.json'): BertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BertTsError(`${file}: a BERT config must be a JSON object`);
  }
  const raw = json as Record<string, unknown>;
  const int = (key: keyof typeof DEFAULTS, min: number): number => {
    const v = raw[key] ?? DEFAULTS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new BertTsError(`${file}: '${key}' must be an integer ≥ ${min}, found ${JSON.stringify(v)}`);
    }
    return v;
  };
  const modelType = raw.model_type;
  if (modelType !== undefined && modelType !== 'bert') {
    throw new BertTsError(`${file}: model_type '${String(modelType)}' is not BERT`, 'bert-ts runs model_type "bert" checkpoints only');
  }
  const positionType = raw.position_embedding_type ?? DEFAULTS.position_embedding_type;
  if (positionType !== 'absolute') {
    throw new BertTsError(
      `${file}: position_embedding_type '${String(positionType)}' is not supported`,
      'bert-ts implements absolute position embeddings only (relative_key and relative_key_query are not implemented)',
    );
  }
  if (raw.is_decoder === true || raw.add_cross_attention === true) {
    throw new BertTsError(`${file}: decoder / cross-attention BERT is not supported`, 'bert-ts runs BERT as an encoder');
  }
  const hiddenSize = int('hidden_size', 1);
  const numAttentionHeads = int('num_attention_heads', 1);
  if (hiddenSize % numAttentionHeads !== 0) {
    throw new BertTsError(`${file}: hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numAttentionHeads}`);
  }
  const hiddenAct = raw.hidden_act ?? DEFAULTS.hidden_act;
  if (typeof hiddenAct !== 'string') {
    throw new BertTsError(`${file}: hidden_act must be a string such as "gelu", found ${JSON.stringify(hiddenAct)}`);
  }
  const eps = raw.layer_norm_eps ?? DEFAULTS.layer_norm_eps;
  if (typeof eps !== 'number' || !(eps >= 0)) {
    throw new BertTsError(`${file}: layer_norm_eps must be a non-negative number, found ${JSON.stringify(eps)}`);
  }
  const pad = raw.pad_token_id ?? DEFAULTS.pad_token_id;
  const architectures = Array.isArray(raw.architectures) ? raw.architectures.filter((a): a is string => typeof a === 'string') : [];
  return {
    vocabSize: int('vocab_size', 1),
    hiddenSize,
    numHiddenLayers: int('num_hidden_layers', 0),
    numAttentionHeads,
    headSize: hiddenSize / numAttentionHeads,
    intermediateSize: int('intermediate_size', 1),
    hiddenAct,
    activation: activationFor(hiddenAct, file),
    maxPositionEmbeddings: int('max_position_embeddings', 1),
    typeVocabSize: int('type_vocab_size', 1),
    layerNormEps: eps,
    padTokenId: typeof pad === 'number' ? pad : 0,
    architectures,
    raw,
  };
}

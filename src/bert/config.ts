/**
 * BERT's config.json, with the defaults of transformers' BertConfig for every
 * key a file may leave out. Everything the forward pass depends on numerically
 * (activation, LayerNorm eps) is read from here; nothing is assumed.
 */
import { BertTsError, quote, quoteJson } from '../errors.ts';
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

/**
 * Parse and check a config; `file` names it in every error. Every value must
 * have the type transformers' BertConfig gives it; where Python would take a
 * wrong type anyway (is_decoder: "true" is truthy, layer_norm_eps: 1e400 is
 * inf) we refuse it rather than guess:
 *   sizes              integers ≥ 1 (num_hidden_layers ≥ 0), exact (safe) integers;
 *                      how large is bounded later by what the checkpoint holds
 *   is_decoder, add_cross_attention   true / false
 *   layer_norm_eps     a finite number ≥ 0
 *   hidden_act         one of the names in HIDDEN_ACT (own keys only)
 *   pad_token_id       an integer or null (not used by inference)
 */
export function parseBertConfig(json: unknown, file = 'config.json'): BertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BertTsError(`${file}: a BERT config must be a JSON object`);
  }
  const raw = json as Record<string, unknown>;
  /** the file's value for `key`, or the default (own properties only: no prototype lookups) */
  const value = (key: string, fallback: unknown): unknown => (Object.hasOwn(raw, key) && raw[key] !== undefined ? raw[key] : fallback);
  const int = (key: keyof typeof DEFAULTS, min: number): number => {
    const v = value(key, DEFAULTS[key]);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new BertTsError(`${file}: '${key}' must be an integer ≥ ${min}, found ${quoteJson(v)}`);
    }
    return v;
  };
  const bool = (key: string): boolean => {
    const v = value(key, false);
    if (typeof v !== 'boolean') {
      throw new BertTsError(`${file}: '${key}' must be true or false, found ${quoteJson(v)}`, 'write a JSON boolean, not a string or a number');
    }
    return v;
  };
  const modelType = value('model_type', undefined);
  if (modelType !== undefined && modelType !== 'bert') {
    throw new BertTsError(`${file}: model_type ${quote(modelType)} is not BERT`, 'bert-ts runs model_type "bert" checkpoints only');
  }
  const positionType = value('position_embedding_type', DEFAULTS.position_embedding_type);
  if (positionType !== 'absolute') {
    throw new BertTsError(
      `${file}: position_embedding_type ${quote(positionType)} is not supported`,
      'bert-ts implements absolute position embeddings only (relative_key and relative_key_query are not implemented)',
    );
  }
  if (bool('is_decoder') || bool('add_cross_attention')) {
    throw new BertTsError(`${file}: decoder / cross-attention BERT is not supported`, 'bert-ts runs BERT as an encoder');
  }
  const hiddenSize = int('hidden_size', 1);
  const numAttentionHeads = int('num_attention_heads', 1);
  if (hiddenSize % numAttentionHeads !== 0) {
    throw new BertTsError(`${file}: hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numAttentionHeads}`);
  }
  const hiddenAct = value('hidden_act', DEFAULTS.hidden_act);
  if (typeof hiddenAct !== 'string') {
    throw new BertTsError(`${file}: hidden_act must be a string such as "gelu", found ${quoteJson(hiddenAct)}`);
  }
  const eps = value('layer_norm_eps', DEFAULTS.layer_norm_eps);
  if (typeof eps !== 'number' || !Number.isFinite(eps) || !(eps >= 0)) {
    throw new BertTsError(
      `${file}: layer_norm_eps must be a finite number ≥ 0, found ${quoteJson(eps)}`,
      Number.isFinite(eps as number) ? undefined : 'a value beyond float64 (such as 1e400) reads as infinity; BERT uses 1e-12',
    );
  }
  const pad = value('pad_token_id', DEFAULTS.pad_token_id);
  if (pad !== null && !(typeof pad === 'number' && Number.isSafeInteger(pad))) {
    throw new BertTsError(`${file}: pad_token_id must be an integer or null, found ${quoteJson(pad)}`);
  }
  const arch = value('architectures', []);
  const architectures = Array.isArray(arch) ? arch.filter((a): a is string => typeof a === 'string') : [];
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
    padTokenId: pad ?? 0,
    architectures,
    raw,
  };
}

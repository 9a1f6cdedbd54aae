/**
 * Where each step of BERT is computed in this repository: a file and a
 * function, for a reader to open. test/explain.test.ts checks that every
 * file exists and defines its function, so the map cannot drift from the code.
 */
export interface CodeRef {
  /** path from the repository root */
  file: string;
  /** the function (or Class.method) that computes the step */
  fn: string;
}

const ref = (file: string, fn: string): CodeRef => ({ file, fn });

export const CODE = {
  encode: ref('src/tokenizer/bert-tokenizer.ts', 'BertTokenizer.encode'),
  normalize: ref('src/tokenizer/normalizer.ts', 'BertNormalizer.normalize'),
  preTokenize: ref('src/tokenizer/pre-tokenizer.ts', 'preTokenize'),
  wordPiece: ref('src/tokenizer/wordpiece.ts', 'WordPiece.tokenizeWord'),
  embeddings: ref('src/bert/embeddings.ts', 'embeddingsForward'),
  embeddingSum: ref('src/layers/embedding.ts', 'bertEmbeddingSum'),
  layerNorm: ref('src/layers/layernorm.ts', 'layerNorm'),
  layer: ref('src/bert/encoder.ts', 'encoderLayerForward'),
  kernels: ref('src/runtime/backend.ts', 'kernels'),
  linear: ref('src/layers/matmul.ts', 'linearBlock'),
  attention: ref('src/layers/attention.ts', 'attentionPairs'),
  softmax: ref('src/layers/softmax.ts', 'softmaxRow'),
  addLayerNorm: ref('src/layers/layernorm.ts', 'addLayerNorm'),
  activation: ref('src/layers/activations.ts', 'applyActivationRange'),
  mask: ref('src/bert/model.ts', 'fillInputs'),
  pooler: ref('src/bert/heads.ts', 'poolerForward'),
  mlm: ref('src/bert/heads.ts', 'mlmForward'),
  nsp: ref('src/bert/heads.ts', 'nspForward'),
  classifier: ref('src/bert/heads.ts', 'sequenceClassifierForward'),
  forward: ref('src/bert/model.ts', 'BertModel.forward'),
} as const;

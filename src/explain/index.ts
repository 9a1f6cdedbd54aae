// explain: BERT's steps on one input, as data (browser-safe).
export { explain, topK, type ExplainOptions, type ExplainResult, type ExplainStep, type TokensStep, type EmbeddingsStep, type LayerStep, type PoolerStep, type MlmStep, type NspStep, type ClassifierStep, type HeadAttention } from './explain.ts';
export { tokenReasons, type TokenInfo, type TokenKind } from './token-reasons.ts';
export { statistics, type Statistics } from './statistics.ts';
export { CODE, type CodeRef } from './code-refs.ts';

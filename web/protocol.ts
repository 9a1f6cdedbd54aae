// What the page and the model's Web Worker say to each other. The page never
// runs the model: every request goes to the worker, which answers with plain
// data (attention probabilities as a transferred Float32Array).
import type { ExplainResult } from '../src/explain/explain.ts';
import type { TokenInfo } from '../src/explain/token-reasons.ts';
import type { AmbiguityResult, ContextSentence } from '../src/word-vectors/ambiguity.ts';

/** where the model's files are: a URL (a folder served over HTTP; or a Hugging Face Hub id), or files the user picked */
export type ModelSource = { url: string; name?: string } | { files: File[]; name?: string };

export interface ModelSummary {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  vocab: number;
  maxLength: number;
  hasMlm: boolean;
  hasPooler: boolean;
  maskToken: string;
  backend: string;
  loadMs: number;
}

export interface Analysis {
  text: string;
  pair?: string;
  tokens: TokenInfo[];
  /** [L, A, S, S]: every layer's attention probabilities */
  attentions: Float32Array;
  L: number;
  A: number;
  S: number;
  /** the masked-LM head's top predictions at each [MASK] */
  fillMask: { position: number; top: { token: string; id: number; p: number }[] }[];
  explain: ExplainResult;
  /** present when the text had more tokens than the model takes (it was cut to limit) */
  truncated?: { tokens: number; limit: number };
  ms: number;
}

export interface Similarity {
  a: string;
  b: string;
  tokensA: string[];
  tokensB: string[];
  /** cosine of the mean-pooled last hidden states (padding and special tokens left out) */
  meanCosine: number;
  /** cosine of the two [CLS] vectors */
  clsCosine: number;
  /** [SA, SB] cosine between each token of A and each token of B */
  tokenCosines: Float32Array;
  /** the texts that had more tokens than the model takes (cut to limit) */
  truncated?: { a?: number; b?: number; limit: number };
  /** the sentence-embedding model's cosine (pooling and normalisation from its modules.json), when one is offered */
  sentence?: { name: string; pooling: string; cosine: number };
}

/** a sentence-transformers model offered by the server (its folder has modules.json), for the similarity view */
export interface SentenceModelRef {
  url: string;
  name: string;
}

export type Request =
  | { id: number; kind: 'load'; source: ModelSource }
  | { id: number; kind: 'analyze'; text: string; pair?: string }
  | { id: number; kind: 'similarity'; a: string; b: string; sentenceModel?: SentenceModelRef }
  | { id: number; kind: 'ambiguity'; word: string; sentences: string[]; contexts: ContextSentence[] };

export type Reply =
  | { id: number; ok: true; kind: 'load'; result: ModelSummary }
  | { id: number; ok: true; kind: 'analyze'; result: Analysis }
  | { id: number; ok: true; kind: 'similarity'; result: Similarity }
  | { id: number; ok: true; kind: 'ambiguity'; result: AmbiguityResult }
  | { id: number; ok: false; error: string; hint?: string }
  | { id: number; progress: string };

/**
 * What every pipeline needs: a model, its tokenizer, and (for embeddings) the
 * pooling a sentence-transformers folder asks for. The pipelines themselves are
 * plain functions of this context (fill-mask.ts, embed.ts, …).
 */
import { BertTsError } from '../errors.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/index.ts';
import type { EmbedDefaults } from './sentence-transformers.ts';

export interface PipelineContext {
  model: BertModel;
  tokenizer: BertTokenizer;
  /** embedding defaults from a sentence-transformers folder (modules.json …); absent: mean pooling, no normalisation */
  embedDefaults?: EmbedDefaults;
}

/** The longest input the model and the tokenizer both take. */
export function maxTokens(p: PipelineContext): number {
  return Math.min(p.model.config.maxPositionEmbeddings, p.tokenizer.modelMaxLength);
}

/** A string, or a non-empty array of strings, checked. */
export function textList(name: string, input: unknown): string[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0 || !list.every((t) => typeof t === 'string')) {
    throw new BertTsError(`${name}: expected a string or an array of strings`);
  }
  return list as string[];
}

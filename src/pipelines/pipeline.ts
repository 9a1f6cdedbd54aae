/**
 * What every pipeline needs: a model, its tokenizer, and (for embeddings) the
 * pooling a sentence-transformers folder asks for. The pipelines themselves are
 * plain functions of this context (fill-mask.ts, embed.ts, …).
 */
import { BertTsError } from '../errors.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer, Encoding } from '../tokenizer/index.ts';
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

/**
 * An input cut to the model's limit. Results of such inputs carry `truncated: true`
 * (a property of the result array or object: JSON.stringify of an array leaves it out,
 * so --json output keeps transformers' shape), and `onTruncate` hears of each one.
 */
export interface Truncation {
  /** the input's index in the call (0 for a single input) */
  index: number;
  /** the input's tokens, special tokens included */
  tokens: number;
  /** the tokens the model got */
  limit: number;
}

/** Options every pipeline takes. */
export interface TruncationOptions {
  /** called for each input longer than the model's limit (it is cut to the limit, as transformers does with truncation=True) */
  onTruncate?: (t: Truncation) => void;
}

/** A result that says whether its input was cut. */
export type MaybeTruncated<T> = T & { readonly truncated?: true };

/** Marks a result (an array or an object) as coming from a truncated input. */
export function markTruncated<T extends object>(result: T): MaybeTruncated<T> {
  Object.defineProperty(result, 'truncated', { value: true, enumerable: true });
  return result as MaybeTruncated<T>;
}

/**
 * text (and pair) encoded for the model, cut to maxLength tokens; `tokens` is the
 * count before the cut. Only an encoding that fills maxLength can have been cut,
 * so only then is the text encoded again, whole, to count.
 */
export function encodeLimited(p: PipelineContext, text: string, pair: string | undefined, maxLength: number): { encoding: Encoding; tokens: number } {
  const encoding = p.tokenizer.encode(text, pair, { truncation: true, maxLength });
  const n = encoding.inputIds.length;
  return { encoding, tokens: n < maxLength ? n : p.tokenizer.encode(text, pair).inputIds.length };
}

/** Encodes every input with encodeLimited, reports the cut ones to onTruncate, and says which were cut. */
export function encodeAll(p: PipelineContext, inputs: readonly (readonly [string, string | undefined])[], maxLength: number, onTruncate?: (t: Truncation) => void): { encodings: Encoding[]; cut: boolean[] } {
  if (onTruncate !== undefined && typeof onTruncate !== 'function') throw new BertTsError('onTruncate must be a function');
  const encodings: Encoding[] = [];
  const cut: boolean[] = [];
  inputs.forEach(([text, pair], index) => {
    const { encoding, tokens } = encodeLimited(p, text, pair, maxLength);
    encodings.push(encoding);
    cut.push(tokens > encoding.inputIds.length);
    if (tokens > encoding.inputIds.length) onTruncate?.({ index, tokens, limit: maxLength });
  });
  return { encodings, cut };
}

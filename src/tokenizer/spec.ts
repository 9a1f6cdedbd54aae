/**
 * What a BertTokenizer is made of, however it was loaded: the spec type, the
 * options of a vocab.txt tokenizer, and the spec they make (transformers'
 * BertTokenizer defaults). tokenizer-json.ts makes the same spec from
 * tokenizer.json.
 */
import { BertTsError, quote } from '../errors.ts';
import type { AddedToken } from './added-vocabulary.ts';
import type { BertNormalizerOptions } from './normalizer.ts';
import { Template } from './template.ts';
import { Vocab } from './vocab.ts';

export interface BertTokenizerOptions {
  /** Lowercase (and, unless stripAccents is false, strip accents). Default true. */
  doLowerCase?: boolean;
  /** null (default): follow doLowerCase. */
  stripAccents?: boolean | null;
  /** Put spaces around CJK ideographs. Default true. */
  tokenizeChineseChars?: boolean;
  /** Drop control characters and map whitespace to spaces. Default true. */
  cleanText?: boolean;
  unkToken?: string;
  sepToken?: string;
  padToken?: string;
  clsToken?: string;
  maskToken?: string;
  /**
   * Strings kept whole, like added tokens (slow BertTokenizer's never_split; the fast
   * one ignores it). Default none.
   */
  neverSplit?: string[];
  /**
   * More added tokens (tokenizer_config.json's added_tokens_decoder): kept whole when
   * written in the text; ids may lie beyond the vocabulary.
   */
  addedTokens?: AddedToken[];
  /** Default 512. */
  modelMaxLength?: number;
  /** Default 100. */
  maxInputCharsPerWord?: number;
}

/** Everything a tokenizer is made of, however it was loaded. */
export interface BertTokenizerSpec {
  vocab: Vocab;
  normalizer: BertNormalizerOptions | null;
  wordPiece: { unkToken: string; continuingSubwordPrefix: string; maxInputCharsPerWord: number };
  addedTokens: AddedToken[];
  /** null: no special tokens are ever added. */
  template: Template | null;
  decoder: { prefix: string; cleanup: boolean };
  specialTokens: { cls: string; sep: string; pad: string; unk: string; mask: string };
  modelMaxLength: number;
}

/**
 * The spec of a tokenizer from vocab.txt contents (split on '\n' only) or the
 * list of tokens, with the defaults of transformers' BertTokenizer
 * (lowercasing, Chinese characters isolated).
 */
export function specFromVocab(vocab: string | string[], options: BertTokenizerOptions = {}, file = 'vocab.txt'): BertTokenizerSpec {
  const v = typeof vocab === 'string' ? Vocab.fromVocabTxt(vocab, file) : new Vocab(vocab);
  const special = {
    unk: options.unkToken ?? '[UNK]',
    sep: options.sepToken ?? '[SEP]',
    pad: options.padToken ?? '[PAD]',
    cls: options.clsToken ?? '[CLS]',
    mask: options.maskToken ?? '[MASK]',
  };
  for (const [name, token] of [['unk', special.unk], ['cls', special.cls], ['sep', special.sep]] as const) {
    if (!v.ids.has(token)) {
      throw new BertTsError(`${file}: vocabulary has no ${name} token ${quote(token)}`, `pass ${name}Token to name the vocabulary's own`);
    }
  }
  const added: AddedToken[] = [];
  const seen = new Set<string>();
  const add = (content: string, specialToken: boolean) => {
    const id = v.ids.get(content);
    if (id === undefined || seen.has(content)) return;
    seen.add(content);
    added.push({ content, id, special: specialToken, normalized: false, lstrip: false, rstrip: false, singleWord: false });
  };
  // The order transformers' fast tokenizer registers them in; it does not change matching.
  for (const t of [special.pad, special.unk, special.cls, special.sep, special.mask]) add(t, true);
  for (const t of options.neverSplit ?? []) add(t, false);
  for (const t of options.addedTokens ?? []) {
    if (seen.has(t.content)) continue;
    seen.add(t.content);
    added.push(t);
  }
  const lower = options.doLowerCase ?? true;
  return {
    vocab: v,
    normalizer: {
      cleanText: options.cleanText ?? true,
      handleChineseChars: options.tokenizeChineseChars ?? true,
      stripAccents: options.stripAccents ?? null,
      lowercase: lower,
    },
    wordPiece: { unkToken: special.unk, continuingSubwordPrefix: '##', maxInputCharsPerWord: options.maxInputCharsPerWord ?? 100 },
    addedTokens: added,
    template: Template.bert([special.cls, v.ids.get(special.cls)!], [special.sep, v.ids.get(special.sep)!]),
    decoder: { prefix: '##', cleanup: true },
    specialTokens: special,
    modelMaxLength: options.modelMaxLength ?? 512,
  };
}

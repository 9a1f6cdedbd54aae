// The BERT tokenizer: text → Encoding, the way Hugging Face's fast BertTokenizer
// (the `tokenizers` Rust library) does it, token for token:
//
//   split out added tokens ([CLS], [MASK], … written in the text)
//   → normalize (normalizer.ts) → pre-tokenize (pre-tokenizer.ts) → WordPiece (wordpiece.ts)
//   → truncate into windows (encoding.ts) → add special tokens (template.ts) → pad
//
// Offsets are UTF-16 indices into the text the token came from.
import { checkOptions } from '../options.ts';
import { BertTsError, quote, quoteJson } from '../errors.ts';
import { TokenMatcher, type AddedToken } from './added-vocabulary.ts';
import { cleanUpTokenization, decodeWordPieces } from './decoder.ts';
import {
  emptySequence,
  padEncoding,
  truncatePair,
  windowPairs,
  type Encoding,
  type TokenSequence,
  type TruncationStrategy,
} from './encoding.ts';
import { BertNormalizer, type BertNormalizerOptions } from './normalizer.ts';
import { NormalizedText } from './normalized-text.ts';
import { PreTokenizedWords, preTokenize } from './pre-tokenizer.ts';
import { Template } from './template.ts';
import { specFromTokenizerJson, type TokenizerJsonOverrides } from './tokenizer-json.ts';
import { specFromVocab, type BertTokenizerOptions, type BertTokenizerSpec } from './spec.ts';
import { Vocab } from './vocab.ts';
import { WordPiece, type PieceSink } from './wordpiece.ts';

export type { Encoding } from './encoding.ts';
export type { TokenizerJsonOverrides } from './tokenizer-json.ts';
export type { AddedToken } from './added-vocabulary.ts';
export type { BertTokenizerOptions, BertTokenizerSpec } from './spec.ts';

/** The longest padding beyond the batch's own longest encoding. */
export const MAX_PAD_LENGTH = 1 << 20;

/** Scratch (units of normalized text, words) kept between calls; more is released after the call that needed it. */
export const KEEP_SCRATCH_UNITS = 1 << 20;

export const ENCODE_OPTIONS = ['addSpecialTokens', 'truncation', 'maxLength', 'stride', 'returnOverflowingTokens', 'padding', 'padToMultipleOf'] as const;

export interface EncodeOptions {
  /** Add [CLS] / [SEP] (default true). */
  addSpecialTokens?: boolean;
  /** true = 'longest_first'. Default false. */
  truncation?: boolean | 'longest_first' | 'only_first' | 'only_second';
  /** Length limit for truncation and for padding 'max_length'; default modelMaxLength. */
  maxLength?: number;
  /** Tokens shared by consecutive overflow windows (default 0). */
  stride?: number;
  /** Keep the windows beyond the first in `overflowing` (default false). */
  returnOverflowingTokens?: boolean;
  /** true = 'longest' (the longest encoding of the batch). Default false. */
  padding?: boolean | 'longest' | 'max_length';
  padToMultipleOf?: number;
}

export class BertTokenizer {
  readonly vocabSize: number;
  readonly modelMaxLength: number;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly unkToken: string;
  readonly maskToken: string;
  /** Ids of the special tokens; -1 when the vocabulary lacks one. */
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly padTokenId: number;
  readonly unkTokenId: number;
  readonly maskTokenId: number;
  /** The normalizer settings in use (null: none). */
  readonly normalizerOptions: Readonly<BertNormalizerOptions> | null;

  private readonly vocab: Vocab;
  private readonly normalizer: BertNormalizer | null;
  private readonly wordPiece: WordPiece;
  private readonly template: Template | null;
  private readonly decoderOptions: { prefix: string; cleanup: boolean };
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly rawMatcher: TokenMatcher;
  private readonly normalizedMatcher: TokenMatcher;
  // Scratch buffers reused by every encode (the tokenizer is not re-entrant, and JS is single-threaded).
  private text = new NormalizedText();
  private words = new PreTokenizedWords();
  private readonly pieces: PieceSink = { ids: [], starts: [], ends: [] };

  constructor(spec: BertTokenizerSpec) {
    this.vocab = spec.vocab;
    this.normalizerOptions = spec.normalizer;
    this.normalizer = spec.normalizer ? new BertNormalizer(spec.normalizer) : null;
    this.wordPiece = new WordPiece(spec.vocab, spec.wordPiece);
    this.template = spec.template;
    this.decoderOptions = spec.decoder;
    this.modelMaxLength = spec.modelMaxLength;
    for (const t of spec.addedTokens) {
      this.addedById.set(t.id, t);
      this.addedByContent.set(t.content, t);
    }
    const raw = spec.addedTokens.filter((t) => !t.normalized || !this.normalizer);
    this.rawMatcher = new TokenMatcher(raw.map((t) => ({ text: t.content, token: t })));
    const normalized = spec.addedTokens.filter((t) => t.normalized && this.normalizer);
    this.normalizedMatcher = new TokenMatcher(normalized.map((t) => ({ text: this.normalizer!.normalizeString(t.content), token: t })));
    let size = spec.vocab.size;
    for (const t of spec.addedTokens) size = Math.max(size, t.id + 1);
    this.vocabSize = size;
    const s = spec.specialTokens;
    this.clsToken = s.cls;
    this.sepToken = s.sep;
    this.padToken = s.pad;
    this.unkToken = s.unk;
    this.maskToken = s.mask;
    this.clsTokenId = this.tokenToId(s.cls) ?? -1;
    this.sepTokenId = this.tokenToId(s.sep) ?? -1;
    this.padTokenId = this.tokenToId(s.pad) ?? -1;
    this.unkTokenId = this.tokenToId(s.unk) ?? -1;
    this.maskTokenId = this.tokenToId(s.mask) ?? -1;
  }

  /**
   * From vocab.txt contents (split on '\n' only) or the list of tokens, with the
   * defaults of transformers' BertTokenizer (lowercasing, Chinese characters isolated).
   */
  static fromVocab(vocab: string | string[], options: BertTokenizerOptions = {}, file = 'vocab.txt'): BertTokenizer {
    return new BertTokenizer(specFromVocab(vocab, options, file));
  }

  /** From Hugging Face's tokenizer.json (text or parsed). See tokenizer-json.ts. */
  static fromTokenizerJson(json: string | object, overrides: TokenizerJsonOverrides = {}): BertTokenizer {
    return new BertTokenizer(specFromTokenizerJson(json, overrides));
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.vocab.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    // integers only: tokens['constructor'] or tokens[1.5] must find nothing
    if (!Number.isInteger(id) || id < 0) return undefined;
    return this.addedById.get(id)?.content ?? this.vocab.tokens[id];
  }

  /** The tokens of a text, without special tokens. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new BertTsError(`tokenize: text must be a string, found ${quoteJson(text)}`);
    const s = this.sequence(text);
    return s.ids.map((id, k) => s.texts[k] ?? this.idToToken(id)!);
  }

  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoding {
    const e = this.encodeOne(text, pair, options);
    const pad = this.paddingLength(options, [e]);
    if (pad !== undefined) padEncoding(e, pad, this.padFor());
    return e;
  }

  /** Encodes each input; padding 'longest' pads to the longest encoding of the batch. */
  encodeBatch(inputs: (string | [string, string])[], options: EncodeOptions = {}): Encoding[] {
    if (!Array.isArray(inputs)) throw new BertTsError(`encodeBatch: inputs must be an array of texts or [text, pair] pairs, found ${quoteJson(inputs)}`);
    const out = inputs.map((x, i) => {
      if (typeof x === 'string') return this.encodeOne(x, undefined, options);
      if (!Array.isArray(x) || x.length !== 2) throw new BertTsError(`encodeBatch: inputs[${i}] must be a text or a [text, pair] pair, found ${quoteJson(x)}`);
      return this.encodeOne(x[0], x[1], options);
    });
    const pad = this.paddingLength(options, out);
    if (pad !== undefined) {
      const p = this.padFor();
      for (const e of out) padEncoding(e, pad, p);
    }
    return out;
  }

  decode(ids: number[], options: { skipSpecialTokens?: boolean; cleanUpTokenizationSpaces?: boolean } = {}): string {
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new BertTsError(`decode: ids must be an array of token ids, found ${quoteJson(ids)}`);
    const tokens: string[] = [];
    for (const id of ids) {
      const t = this.idToToken(id);
      if (t === undefined) continue; // as HF: unknown ids are dropped
      if (options.skipSpecialTokens && this.addedById.get(id)?.special) continue;
      tokens.push(t);
    }
    const text = decodeWordPieces(tokens, this.decoderOptions.prefix, this.decoderOptions.cleanup);
    return options.cleanUpTokenizationSpaces ?? true ? cleanUpTokenization(text) : text;
  }

  /** Tokens back to text with the decoder alone (transformers' fast convert_tokens_to_string). */
  convertTokensToString(tokens: string[]): string {
    return decodeWordPieces(tokens, this.decoderOptions.prefix, this.decoderOptions.cleanup);
  }

  private encodeOne(text: string, pair: string | undefined, options: EncodeOptions): Encoding {
    if (typeof text !== 'string' || (pair !== undefined && typeof pair !== 'string')) {
      throw new BertTsError('encode: text and pair must be strings');
    }
    if (typeof options !== 'object' || options === null) throw new BertTsError(`encode: options must be an object, found ${quoteJson(options)}`);
    checkOptions('encode', options, ENCODE_OPTIONS);
    const addSpecial = (options.addSpecialTokens ?? true) && this.template !== null;
    const a = this.sequence(text);
    const b = pair === undefined ? undefined : this.sequence(pair);
    let as: TokenSequence[] = [a];
    let bs: TokenSequence[] | undefined = b && [b];
    const strategy = truncationStrategy(options.truncation);
    if (strategy) {
      const maxLength = this.checkedLength('maxLength', options.maxLength ?? this.modelMaxLength);
      const stride = this.checkedLength('stride', options.stride ?? 0);
      // HF refuses a stride above what a single text has room for (it checks when
      // truncation is set; Encoding::truncate later also needs stride < the cut length).
      const singleRoom = maxLength - (this.template ? this.template.addedTokens(false) : 0);
      if (singleRoom >= 0 && stride > singleRoom) {
        throw new BertTsError(
          `truncation: stride ${stride} is larger than the ${singleRoom} tokens maxLength ${maxLength} leaves for a text`,
          'lower stride, or raise maxLength (special tokens take their share of it)',
        );
      }
      // Room left for the texts. HF computes this in unsigned arithmetic, so a maxLength
      // below the special-token count wraps around and truncates nothing; we do the same.
      const room = maxLength - (addSpecial ? this.template!.addedTokens(b !== undefined) : 0);
      if (room >= 0) [as, bs] = truncatePair(a, b, room, strategy, stride);
    }
    const windows = windowPairs(as, bs);
    const idToToken = (id: number) => this.idToToken(id)!;
    const apply = ([x, y]: [TokenSequence, TokenSequence | undefined]) =>
      this.template ? this.template.apply(x, y, addSpecial, idToToken) : plain(x, y, idToToken);
    const e = apply(windows[0]);
    if (options.returnOverflowingTokens) e.overflowing = windows.slice(1).map(apply);
    return e;
  }

  private paddingLength(options: EncodeOptions, batch: Encoding[]): number | undefined {
    const p = options.padding;
    if (!p) return undefined;
    let length: number;
    if (p === 'max_length') length = this.checkedLength('maxLength', options.maxLength ?? this.modelMaxLength);
    else if (p === true || p === 'longest') length = Math.max(0, ...batch.map((e) => e.inputIds.length));
    else throw new BertTsError(`padding must be true, false, 'longest' or 'max_length', got ${quoteJson(p)}`);
    const m = options.padToMultipleOf;
    if (m !== undefined && m !== null && (!Number.isSafeInteger(m) || m < 0)) throw new BertTsError(`padToMultipleOf must be a whole number, got ${quoteJson(m)}`);
    if (m !== undefined && m !== null && m > 0 && length % m !== 0) length += m - (length % m);
    // a padded length no text asked for (maxLength 1e9) must not allocate a billion pads
    const longest = Math.max(0, ...batch.map((e) => e.inputIds.length));
    if (length > Math.max(longest, MAX_PAD_LENGTH)) {
      throw new BertTsError(`padding to ${length} tokens is above the ${MAX_PAD_LENGTH}-token limit`, 'pad to the model\'s length (maxLength) or raise MAX_PAD_LENGTH');
    }
    return length;
  }

  private padFor() {
    if (this.padTokenId < 0) throw new BertTsError(`padding: the vocabulary has no pad token ${quote(this.padToken)}`);
    return { id: this.padTokenId, token: this.padToken, typeId: 0 };
  }

  private checkedLength(name: string, v: number): number {
    if (!Number.isSafeInteger(v) || v < 0) throw new BertTsError(`${name} must be a non-negative integer, got ${quoteJson(v)}`);
    return v;
  }

  /** A text's tokens with offsets and word indices: added tokens, then the pipeline on the rest. */
  private sequence(text: string): TokenSequence {
    const seq = emptySequence();
    const word = { n: 0 };
    let pos = 0;
    for (const m of this.rawMatcher.find(text, 0, text.length)) {
      this.segment(text, pos, m.start, seq, word);
      // HF names an added token by the text it covers (with any lstrip / rstrip spaces).
      const covered = m.end - m.start === m.token.content.length ? null : text.slice(m.start, m.end);
      pushToken(seq, m.token.id, m.start, m.end, word.n++, covered);
      pos = m.end;
    }
    this.segment(text, pos, text.length, seq, word);
    this.trimScratch();
    return seq;
  }

  /**
   * Scratch grown past KEEP_SCRATCH_UNITS by one huge text is dropped after it:
   * a 10 MB text needs ~200 MB of alignment buffers, which must not stay
   * pinned for the life of the tokenizer. Ordinary texts keep reusing theirs.
   */
  private trimScratch(): void {
    if (this.text.units.length > KEEP_SCRATCH_UNITS) this.text = new NormalizedText();
    if (this.words.starts.length > KEEP_SCRATCH_UNITS) this.words = new PreTokenizedWords();
  }

  /** text[from, to), free of raw added tokens: normalize, pre-tokenize, WordPiece. */
  private segment(text: string, from: number, to: number, seq: TokenSequence, word: { n: number }): void {
    if (from >= to) return;
    const norm = this.text;
    norm.reset();
    if (this.normalizer) this.normalizer.normalize(text, from, to, norm);
    else copyUnnormalized(text, from, to, norm);
    if (this.normalizedMatcher.empty) {
      this.words.reset();
      preTokenize(norm, 0, norm.length, this.words);
      this.wordPieces(seq, word);
      return;
    }
    // Added tokens that match the normalized text (rare in BERT models).
    const normalized = norm.toString();
    let pos = 0;
    for (const m of this.normalizedMatcher.find(normalized, 0, normalized.length)) {
      this.words.reset();
      preTokenize(norm, pos, m.start, this.words);
      this.wordPieces(seq, word);
      // HF names the token by the normalized text it matched.
      pushToken(seq, m.token.id, norm.start[m.start], norm.end[m.end - 1], word.n++, normalized.slice(m.start, m.end));
      pos = m.end;
    }
    this.words.reset();
    preTokenize(norm, pos, norm.length, this.words);
    this.wordPieces(seq, word);
  }

  private wordPieces(seq: TokenSequence, word: { n: number }): void {
    const norm = this.text;
    const words = this.words;
    const pieces = this.pieces;
    const wp = this.wordPiece;
    for (let w = 0; w < words.count; w++) {
      const ws = words.starts[w];
      const we = words.ends[w];
      const n = word.n++;
      pieces.ids.length = 0;
      pieces.starts.length = 0;
      pieces.ends.length = 0;
      if (wp.tokenizeWord(norm.units, ws, we, pieces)) {
        for (let k = 0; k < pieces.ids.length; k++) {
          pushToken(seq, pieces.ids[k], norm.start[ws + pieces.starts[k]], norm.end[ws + pieces.ends[k] - 1], n);
        }
      } else {
        if (wp.unkId < 0) throw new BertTsError(`the vocabulary has no unknown token ${quote(wp.unkToken)}`);
        pushToken(seq, wp.unkId, norm.start[ws], norm.end[we - 1], n);
      }
    }
  }
}

function pushToken(seq: TokenSequence, id: number, start: number, end: number, word: number, text: string | null = null): void {
  seq.ids.push(id);
  seq.texts.push(text);
  seq.starts.push(start);
  seq.ends.push(end);
  seq.words.push(word);
}

function truncationStrategy(t: EncodeOptions['truncation']): TruncationStrategy | undefined {
  if (t === undefined || t === false) return undefined;
  if (t === true) return 'longest_first';
  if (t === 'longest_first' || t === 'only_first' || t === 'only_second') return t;
  throw new BertTsError(`truncation must be true, false, 'longest_first', 'only_first' or 'only_second', got ${quoteJson(t)}`);
}

/** Without a post-processor: the sequences as they are, the pair with type id 1. */
function plain(a: TokenSequence, b: TokenSequence | undefined, idToToken: (id: number) => string): Encoding {
  return new Template([{ kind: 'sequence', sequence: 0, typeId: 0 }], [{ kind: 'sequence', sequence: 0, typeId: 0 }, { kind: 'sequence', sequence: 1, typeId: 1 }], new Map()).apply(a, b, false, idToToken);
}

/** Without a normalizer, the text goes to the pre-tokenizer as is (lone surrogates as U+FFFD). */
function copyUnnormalized(text: string, from: number, to: number, out: NormalizedText): void {
  out.reserve(out.length + (to - from));
  for (let i = from; i < to; i++) {
    let u = text.charCodeAt(i);
    const hi = u >= 0xd800 && u <= 0xdbff;
    const pairOk = hi && i + 1 < to && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pairOk) {
      out.units[out.length] = u;
      out.start[out.length] = i;
      out.end[out.length++] = i + 2;
      out.units[out.length] = text.charCodeAt(i + 1);
      out.start[out.length] = i;
      out.end[out.length++] = i + 2;
      i++;
      continue;
    }
    if (u >= 0xd800 && u <= 0xdfff) u = 0xfffd;
    out.units[out.length] = u;
    out.start[out.length] = i;
    out.end[out.length++] = i + 1;
  }
}

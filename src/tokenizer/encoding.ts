// The encoding of one input (a text or a pair), and the steps that shape it after
// tokenization: truncation into windows, and padding. Both follow HF tokenizers'
// Encoding::truncate / truncate_encodings / pad (tokenizer/encoding.rs, utils/).
import { BertTsError } from '../errors.ts';

export interface Encoding {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  tokens: string[];
  /** UTF-16 [start, end) into the token's own text (the first or the pair); [0, 0] for special and padding tokens. */
  offsets: [number, number][];
  /** 1 for special and padding tokens. */
  specialTokensMask: number[];
  /** 0 or 1 for tokens of the first or the pair text; null for special and padding tokens. */
  sequenceIds: (number | null)[];
  /** Index of the pre-tokenized word each token comes from, per sequence; null for special and padding tokens. */
  wordIds: (number | null)[];
  /** Windows beyond the first when returnOverflowingTokens (each with an empty `overflowing`). */
  overflowing: Encoding[];
}

/** The tokens of one text before special tokens are added. */
export interface TokenSequence {
  ids: number[];
  /** UTF-16 offsets into the text. */
  starts: number[];
  ends: number[];
  words: number[];
  /** The token's text when it is not the vocabulary's (an added token matched after normalization); else null. */
  texts: (string | null)[];
}

export function emptySequence(): TokenSequence {
  return { ids: [], starts: [], ends: [], words: [], texts: [] };
}

function slice(s: TokenSequence, from: number, to: number): TokenSequence {
  return {
    ids: s.ids.slice(from, to),
    starts: s.starts.slice(from, to),
    ends: s.ends.slice(from, to),
    words: s.words.slice(from, to),
    texts: s.texts.slice(from, to),
  };
}

/**
 * Cuts a sequence to `maxLen` tokens: the first window is the kept part, the others
 * overflow. Windows overlap by `stride` tokens. As in HF, maxLen 0 keeps nothing and
 * puts the whole sequence in one overflowing window.
 */
export function truncateSequence(s: TokenSequence, maxLen: number, stride: number): TokenSequence[] {
  const len = s.ids.length;
  if (maxLen >= len) return [s];
  if (maxLen === 0) return [emptySequence(), s];
  if (stride >= maxLen) {
    throw new BertTsError(
      `truncation: stride ${stride} must be smaller than the ${maxLen} tokens left for this text`,
      'lower stride, or raise maxLength (special tokens take their share of it)',
    );
  }
  const windows: TokenSequence[] = [];
  for (let start = 0; ; start += maxLen - stride) {
    const stop = Math.min(start + maxLen, len);
    windows.push(slice(s, start, stop));
    if (stop === len) break;
  }
  return windows;
}

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * HF's truncate_encodings: windows of the first and (optional) pair sequence such
 * that the kept parts fit `maxLen` tokens together.
 */
export function truncatePair(
  a: TokenSequence,
  b: TokenSequence | undefined,
  maxLen: number,
  strategy: TruncationStrategy,
  stride: number,
): [TokenSequence[], TokenSequence[] | undefined] {
  if (maxLen === 0) return [truncateSequence(a, 0, stride), b && truncateSequence(b, 0, stride)];
  const total = a.ids.length + (b ? b.ids.length : 0);
  if (total <= maxLen) return [[a], b && [b]];
  const toRemove = total - maxLen;
  if (strategy === 'longest_first') {
    if (!b) return [truncateSequence(a, maxLen, stride), undefined];
    // The shorter text keeps what it can up to half; the longer one gets the rest.
    let n1 = a.ids.length;
    let n2 = b.ids.length;
    const swap = n1 > n2;
    if (swap) [n1, n2] = [n2, n1];
    n2 = n1 > maxLen ? n1 : Math.max(n1, maxLen - n1);
    if (n1 + n2 > maxLen) {
      n1 = Math.floor(maxLen / 2);
      n2 = n1 + (maxLen % 2);
    }
    if (swap) [n1, n2] = [n2, n1];
    return [truncateSequence(a, n1, stride), truncateSequence(b, n2, stride)];
  }
  if (strategy === 'only_second' && !b) {
    throw new BertTsError("truncation 'only_second' needs a pair of texts", "use 'longest_first' or 'only_first' for single texts");
  }
  const target = strategy === 'only_first' ? a : b!;
  if (target.ids.length <= toRemove) {
    throw new BertTsError(
      `truncation '${strategy}': the ${strategy === 'only_first' ? 'first' : 'second'} text has ${target.ids.length} tokens, too few to bring the total of ${total} down to ${maxLen}`,
      "use truncation 'longest_first', or a larger maxLength",
    );
  }
  const windows = truncateSequence(target, target.ids.length - toRemove, stride);
  return strategy === 'only_first' ? [windows, b && [b]] : [[a], windows];
}

/**
 * The window combinations, first the kept one: HF merges the two sequences' overflows
 * as (each overflow of the first with the kept pair and with each overflow of the
 * pair), then (the kept first with each overflow of the pair).
 */
export function windowPairs(
  as: TokenSequence[],
  bs: TokenSequence[] | undefined,
): [TokenSequence, TokenSequence | undefined][] {
  if (!bs) return as.map((a) => [a, undefined]);
  const out: [TokenSequence, TokenSequence | undefined][] = [[as[0], bs[0]]];
  for (const a of as.slice(1)) {
    out.push([a, bs[0]]);
    for (const b of bs.slice(1)) out.push([a, b]);
  }
  for (const b of bs.slice(1)) out.push([as[0], b]);
  return out;
}

export interface PadToken {
  id: number;
  token: string;
  typeId: number;
}

/** Pads at the right to `length` (no-op when already as long), windows included. */
export function padEncoding(e: Encoding, length: number, pad: PadToken): void {
  for (const o of e.overflowing) padEncoding(o, length, pad);
  for (let n = e.inputIds.length; n < length; n++) {
    e.inputIds.push(pad.id);
    e.tokenTypeIds.push(pad.typeId);
    e.attentionMask.push(0);
    e.tokens.push(pad.token);
    e.offsets.push([0, 0]);
    e.specialTokensMask.push(1);
    e.sequenceIds.push(null);
    e.wordIds.push(null);
  }
}

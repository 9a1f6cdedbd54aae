// Added tokens (tokenizers, tokenizer/added_vocabulary.rs): special tokens such as
// [CLS], [SEP], [MASK] and user-added tokens. Written in the text, they are found
// before normalization (or after it, for tokens marked `normalized`) and become one
// token each instead of being split: "a [MASK] b" must give the [MASK] id, which
// fill-mask relies on. Matching is leftmost-longest, as HF's Aho–Corasick is.
import { WHITESPACE, charClasses } from './char-classes.ts';

export interface AddedToken {
  content: string;
  id: number;
  special: boolean;
  /** Matched in the normalized text rather than the raw one. */
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
  singleWord: boolean;
}

/** A match: token `token` covers [start, end). */
export interface AddedTokenMatch {
  start: number;
  end: number;
  token: AddedToken;
}

const classes = charClasses();
const WORD_CHAR = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_]$/u;

/** Leftmost-longest matcher over a fixed set of strings. */
export class TokenMatcher {
  /** First UTF-16 unit → candidates, longest first. */
  private readonly byFirst = new Map<number, { text: string; token: AddedToken }[]>();
  readonly empty: boolean;

  constructor(entries: { text: string; token: AddedToken }[]) {
    for (const e of entries) {
      if (e.text.length === 0) continue;
      const k = e.text.charCodeAt(0);
      let list = this.byFirst.get(k);
      if (!list) this.byFirst.set(k, (list = []));
      list.push(e);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.text.length - a.text.length);
    this.empty = this.byFirst.size === 0;
  }

  /**
   * Matches in `text` (any object with charCodeAt / length), in order. lstrip / rstrip
   * extend a match over neighbouring whitespace; single_word requires non-word
   * neighbours.
   */
  find(text: string, from: number, to: number): AddedTokenMatch[] {
    const out: AddedTokenMatch[] = [];
    if (this.empty) return out;
    let i = from;
    while (i < to) {
      const list = this.byFirst.get(text.charCodeAt(i));
      let hit: { text: string; token: AddedToken } | undefined;
      if (list) {
        for (const e of list) {
          if (i + e.text.length <= to && text.startsWith(e.text, i) && (!e.token.singleWord || isSingleWord(text, i, i + e.text.length, from, to))) {
            hit = e;
            break;
          }
        }
      }
      if (!hit) {
        i++;
        continue;
      }
      let start = i;
      let end = i + hit.text.length;
      const floor = out.length > 0 ? out[out.length - 1].end : from;
      if (hit.token.lstrip) while (start > floor && isSpace(text, start - 1)) start--;
      if (hit.token.rstrip) while (end < to && isSpace(text, end)) end++;
      out.push({ start, end, token: hit.token });
      i = end;
    }
    return out;
  }
}

function isSpace(text: string, i: number): boolean {
  return (classes[text.charCodeAt(i)] & WHITESPACE) !== 0;
}

function isSingleWord(text: string, start: number, end: number, from: number, to: number): boolean {
  const before = start > from ? String.fromCodePoint(text.codePointAt(start - 1)!) : '';
  const after = end < to ? String.fromCodePoint(text.codePointAt(end)!) : '';
  return !(before && WORD_CHAR.test(before.slice(-1))) && !(after && WORD_CHAR.test(after));
}

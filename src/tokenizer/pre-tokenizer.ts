// HF's BertPreTokenizer (tokenizers, pre_tokenizers/bert.rs): split the normalized
// text on whitespace (dropped) and on punctuation (each punctuation character is a
// word of its own). Punctuation is ASCII punctuation plus Unicode P*, as HF's tables
// know it; see char-classes.ts.
import { PUNCTUATION, WHITESPACE, charClasses } from './char-classes.ts';
import type { NormalizedText } from './normalized-text.ts';

/** Word spans [starts[i], ends[i]) in normalized units, reused across calls. */
export class PreTokenizedWords {
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2);
      const ends = new Int32Array(this.count * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
}

const classes = charClasses();

/** Appends the words of text.units[from, to) to `out`. */
export function preTokenize(text: NormalizedText, from: number, to: number, out: PreTokenizedWords): void {
  const units = text.units;
  let wordStart = -1;
  let i = from;
  while (i < to) {
    let cp = units[i];
    let j = i + 1;
    if (cp >= 0xd800 && cp <= 0xdbff && j < to) {
      const lo = units[j];
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        j++;
      }
    }
    const c = classes[cp] & (WHITESPACE | PUNCTUATION);
    if (c !== 0) {
      if (wordStart >= 0) {
        out.push(wordStart, i);
        wordStart = -1;
      }
      if (c & PUNCTUATION) out.push(i, j);
    } else if (wordStart < 0) {
      wordStart = i;
    }
    i = j;
  }
  if (wordStart >= 0) out.push(wordStart, to);
}

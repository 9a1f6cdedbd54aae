// One byte of flags per code point, for the BERT normalizer and pre-tokenizer.
// Built once from the generated tables (see unicode-tables.ts for why they are tables
// and not `\p{...}` regexes): 1.1 MB, and a lookup is one array read in the hot loop.
import {
  CONTROL_RANGES,
  NONSPACING_MARK_RANGES,
  NO_DECOMPOSITION_RANGES,
  PUNCTUATION_RANGES,
  WHITESPACE_RANGES,
} from './unicode-tables.ts';

/** Removed by clean_text (control, format, private use, NUL, U+FFFD). */
export const CONTROL = 1;
/** White_Space: a space after clean_text; a word boundary for the pre-tokenizer. */
export const WHITESPACE = 2;
/** Isolated as its own word by the pre-tokenizer. */
export const PUNCTUATION = 4;
/** Surrounded by spaces when handle_chinese_chars is on. */
export const CHINESE = 8;
/** Dropped after NFD when stripping accents. */
export const NONSPACING_MARK = 16;
/** Left as is by NFD, although the JavaScript engine would decompose it. */
export const NO_DECOMPOSITION = 32;

/**
 * The "Chinese character" blocks of HF's BertNormalizer (`is_chinese_char` in
 * tokenizers' normalizers/bert.rs): CJK Unified Ideographs, Extensions A–E and
 * compatibility ideographs. The Rust code starts one range at U+2B920, not U+2B820
 * as Google's original Python does; we follow the Rust code.
 */
const CHINESE_RANGES: readonly number[] = [
  0x3400, 0x4dbf, 0x4e00, 0x9fff, 0xf900, 0xfaff, 0x20000, 0x2a6df, 0x2a700, 0x2b81f, 0x2b920, 0x2ceaf, 0x2f800, 0x2fa1f,
];

let table: Uint8Array | undefined;

/** Flags for every code point 0..0x10FFFF (surrogate code points read as U+FFFD's). */
export function charClasses(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x110000);
  const mark = (ranges: readonly number[], flag: number) => {
    for (let i = 0; i < ranges.length; i += 2) for (let cp = ranges[i]; cp <= ranges[i + 1]; cp++) t[cp] |= flag;
  };
  mark(CONTROL_RANGES, CONTROL);
  mark(WHITESPACE_RANGES, WHITESPACE);
  mark(PUNCTUATION_RANGES, PUNCTUATION);
  mark(CHINESE_RANGES, CHINESE);
  mark(NONSPACING_MARK_RANGES, NONSPACING_MARK);
  mark(NO_DECOMPOSITION_RANGES, NO_DECOMPOSITION);
  table = t;
  return t;
}

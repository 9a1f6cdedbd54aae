// HF's BertNormalizer (tokenizers, normalizers/bert.rs), in its order:
//   1. clean_text: drop NUL, U+FFFD, control and format characters; whitespace → ' '
//   2. handle_chinese_chars: put spaces around every CJK ideograph
//   3. strip_accents: NFD, then drop nonspacing marks (on when lowercase is, unless
//      strip_accents is explicitly false)
//   4. lowercase: per code point, full Unicode mapping (İ → i + U+0307)
// Accents are stripped before lowercasing, as the Rust code does (Google's Python
// lowercases first; the results differ only for a few characters such as İ).
// Input is read by code point; a lone surrogate is read as U+FFFD, which is what
// the Rust library receives for it.
import { CHINESE, CONTROL, NONSPACING_MARK, NO_DECOMPOSITION, WHITESPACE, charClasses } from './char-classes.ts';
import { NormalizedText } from './normalized-text.ts';

export interface BertNormalizerOptions {
  cleanText?: boolean;
  handleChineseChars?: boolean;
  /** null (the default) means: strip accents when lowercasing. */
  stripAccents?: boolean | null;
  lowercase?: boolean;
}

export class BertNormalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
  private readonly classes = charClasses();
  /** Code point → its normalized form, for code points ≥ 0x80 that steps 3–4 change. */
  private readonly mapped = new Map<number, string>();

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
  }

  /** Normalizes text[from, to) and appends it, with its alignment, to `out`. */
  normalize(text: string, from: number, to: number, out: NormalizedText): void {
    // ASCII and CJK produce at most 3 units per input unit; longer expansions reserve again.
    out.reserve(out.length + 3 * (to - from) + 8);
    const classes = this.classes;
    const clean = this.cleanText;
    const chinese = this.handleChineseChars;
    const lower = this.lowercase;
    const transform = this.stripAccents || this.lowercase;
    let units = out.units;
    let starts = out.start;
    let ends = out.end;
    let n = out.length;
    let i = from;
    while (i < to) {
      let cp = text.charCodeAt(i);
      let j = i + 1;
      if (cp < 0x80) {
        // ASCII fast path: only controls, whitespace and case matter here.
        const c = classes[cp];
        if (c !== 0 && clean) {
          if (c & CONTROL) {
            i = j;
            continue;
          }
          if (c & WHITESPACE) cp = 0x20;
        }
        if (lower && cp >= 0x41 && cp <= 0x5a) cp += 0x20;
        units[n] = cp;
        starts[n] = i;
        ends[n] = j;
        n++;
        i = j;
        continue;
      }
      if (cp >= 0xd800 && cp <= 0xdfff) {
        const lo = j < to ? text.charCodeAt(j) : 0;
        if (cp <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          j++;
        } else {
          cp = 0xfffd;
        }
      }
      const c = classes[cp];
      if (clean && c & CONTROL) {
        i = j;
        continue;
      }
      if (clean && c & WHITESPACE) {
        units[n] = 0x20;
        starts[n] = i;
        ends[n] = j;
        n++;
        i = j;
        continue;
      }
      const isChinese = chinese && (c & CHINESE) !== 0;
      if (isChinese) {
        units[n] = 0x20;
        starts[n] = i;
        ends[n] = j;
        n++;
      }
      const m = transform ? this.transformed(cp) : undefined;
      if (m === undefined) {
        if (cp > 0xffff) {
          units[n] = 0xd800 + ((cp - 0x10000) >> 10);
          starts[n] = i;
          ends[n] = j;
          n++;
          units[n] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        } else {
          units[n] = cp;
        }
        starts[n] = i;
        ends[n] = j;
        n++;
      } else {
        if (n + m.length + 2 > units.length) {
          out.length = n;
          out.reserve(n + m.length + 3 * (to - i) + 8);
          units = out.units;
          starts = out.start;
          ends = out.end;
        }
        for (let k = 0; k < m.length; k++) {
          units[n] = m.charCodeAt(k);
          starts[n] = i;
          ends[n] = j;
          n++;
        }
      }
      if (isChinese) {
        units[n] = 0x20;
        starts[n] = i;
        ends[n] = j;
        n++;
      }
      i = j;
    }
    out.length = n;
  }

  /** Convenience for tests and tools: the normalized string alone. */
  normalizeString(text: string): string {
    const out = new NormalizedText(text.length * 3 + 8);
    this.normalize(text, 0, text.length, out);
    return out.toString();
  }

  /** Steps 3–4 for one code point ≥ 0x80; undefined when it is unchanged. */
  private transformed(cp: number): string | undefined {
    let m = this.mapped.get(cp);
    if (m === undefined) {
      const s = String.fromCodePoint(cp);
      m = s;
      if (this.stripAccents) {
        const d = this.classes[cp] & NO_DECOMPOSITION ? s : s.normalize('NFD');
        m = '';
        for (const ch of d) if (!(this.classes[ch.codePointAt(0)!] & NONSPACING_MARK)) m += ch;
      }
      if (this.lowercase) {
        let low = '';
        // Per code point: Rust's char::to_lowercase has no final-sigma context rule.
        for (const ch of m) low += ch.toLowerCase();
        m = low;
      }
      this.mapped.set(cp, m);
    }
    return m.length === (cp > 0xffff ? 2 : 1) && m.codePointAt(0) === cp ? undefined : m;
  }
}

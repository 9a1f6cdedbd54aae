// The Unicode tables in src/tokenizer/unicode-tables.ts, generated from and checked
// against Hugging Face's `tokenizers` package over every code point.
//
// Why tables at all: HF's Rust BertNormalizer and BertPreTokenizer take their
// categories (control/format, punctuation, nonspacing marks) from the
// `unicode_categories` crate, whose data predates Unicode 9, and their NFD from an old
// `unicode-normalization-alignments`. Node's `\p{...}` follows whatever Unicode its ICU
// ships (17 in Node 20.20), so regexes would disagree on ~300 newer characters.
//
// Regenerate with: BERT_TS_WRITE_TABLES=1 npx vitest run test/tokenizer-unicode
//
// `npm test` checks a sample (every code point below U+0800, every table
// boundary and its neighbours, every 13th code point beyond); `npm run
// test:all` (BERT_TS_FULL=1) checks all 1,112,064 of them.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tables from '../src/tokenizer/unicode-tables.ts';
import { BertNormalizer } from '../src/tokenizer/normalizer.ts';
import { preTokenize, PreTokenizedWords } from '../src/tokenizer/pre-tokenizer.ts';
import { NormalizedText } from '../src/tokenizer/normalized-text.ts';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hf: any = require('tokenizers');

/** Every Unicode scalar value (surrogates cannot cross into Rust). */
const EVERY: number[] = [];
for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) EVERY.push(cp);
const write = process.env.BERT_TS_WRITE_TABLES === '1';
const FULL = write || process.env.BERT_TS_FULL === '1';

/** The sample: below U+0800, each table boundary ±1, every 13th code point. */
function sample(): number[] {
  const edges = new Set<number>();
  for (const r of [tables.CONTROL_RANGES, tables.WHITESPACE_RANGES, tables.PUNCTUATION_RANGES, tables.NONSPACING_MARK_RANGES, tables.NO_DECOMPOSITION_RANGES]) {
    for (const b of r) for (const d of [-1, 0, 1]) edges.add(b + d);
  }
  return EVERY.filter((cp) => cp < 0x800 || cp % 13 === 0 || edges.has(cp));
}
/** The code points checked: every one, or the sample. */
const ALL: number[] = FULL ? EVERY : sample();

/** Whether cp lies in one of the inclusive ranges [first0, last0, first1, last1, …]. */
function inRanges(r: readonly number[], cp: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (cp >= r[i] && cp <= r[i + 1]) return true;
  return false;
}

// Each code point is wrapped in markers that no BERT normalizer option changes, so
// one call normalizes 4096 code points and the result splits back per code point.
const L = '⟦<';
const R = '>⟧';
function perCodePoint(normalize: (s: string) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < ALL.length; i += 4096) {
    const chunk = ALL.slice(i, i + 4096);
    const joined = normalize(chunk.map((cp) => L + String.fromCodePoint(cp) + R).join(''));
    const parts = joined.slice(L.length, joined.length - R.length).split(R + L);
    if (parts.length !== chunk.length) throw new Error(`marker split failed near U+${chunk[0].toString(16)}`);
    out.push(...parts);
  }
  return out;
}

function toRanges(cps: number[]): number[] {
  const r: number[] = [];
  for (const cp of cps) {
    if (r.length > 0 && r[r.length - 1] === cp - 1) r[r.length - 1] = cp;
    else r.push(cp, cp);
  }
  return r;
}

function hfNormalizer(o: { cleanText: boolean; handleChineseChars: boolean; stripAccents: boolean; lowercase: boolean }) {
  const n = hf.bertNormalizer(o);
  return (s: string) => n.normalizeString(s) as string;
}

/** What HF's BertPreTokenizer does to one code point between two letters. */
function hfPreTokenizerClasses(): { whitespace: number[]; punctuation: number[] } {
  const pre = hf.bertPreTokenizer();
  const whitespace: number[] = [];
  const punctuation: number[] = [];
  for (let i = 0; i < ALL.length; i += 4096) {
    const chunk = ALL.slice(i, i + 4096);
    // "a<c>a" per code point, chunks separated by plain spaces.
    const words: [string, [number, number]][] = pre.preTokenizeString(chunk.map((cp) => 'a' + String.fromCodePoint(cp) + 'a').join(' '));
    let w = 0;
    for (const cp of chunk) {
      const c = String.fromCodePoint(cp);
      if (cp === 0x20) { w += 2; whitespace.push(cp); continue; }
      if (words[w][0] === 'a' + c + 'a') { w += 1; continue; }
      if (words[w][0] === 'a' && words[w + 1][0] === c && words[w + 2][0] === 'a') { punctuation.push(cp); w += 3; continue; }
      if (words[w][0] === 'a' && words[w + 1][0] === 'a') { whitespace.push(cp); w += 2; continue; }
      throw new Error(`unexpected pre-tokenization of U+${cp.toString(16)}: ${JSON.stringify(words.slice(w, w + 3))}`);
    }
  }
  return { whitespace, punctuation };
}

/** The members of each table among ALL, by the reference. */
function referenceSets(): Record<string, number[]> {
  const clean = perCodePoint(hfNormalizer({ cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false }));
  const strip = perCodePoint(hfNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false }));
  const control = ALL.filter((_, i) => clean[i] === '');
  const mark = ALL.filter((_, i) => strip[i] === '');
  const markSet = new Set(mark);
  // Code points Node's NFD decomposes but HF's older NFD data does not.
  const noDecomposition: number[] = [];
  ALL.forEach((cp, i) => {
    const c = String.fromCodePoint(cp);
    const nfd = c.normalize('NFD');
    if (nfd === c) return;
    const expected = [...nfd].filter((d) => !markSet.has(d.codePointAt(0)!)).join('');
    if (strip[i] !== expected && strip[i] === c) noDecomposition.push(cp);
  });
  const { whitespace, punctuation } = hfPreTokenizerClasses();
  return { CONTROL: control, WHITESPACE: whitespace, PUNCTUATION: punctuation, NONSPACING_MARK: mark, NO_DECOMPOSITION: noDecomposition };
}

/** The tables as ranges (from every code point: FULL only). */
function generateTables(): Record<string, number[]> {
  return Object.fromEntries(Object.entries(referenceSets()).map(([k, v]) => [k, toRanges(v)]));
}

const DOCS: Record<string, string> = {
  CONTROL: 'Removed by clean_text: NUL, U+FFFD, Cc except \\t \\n \\r, and Cf / Co as HF\'s (pre-Unicode 9) tables know them.',
  WHITESPACE: 'Rust `char::is_whitespace` (the White_Space property). clean_text maps these to a space; the pre-tokenizer splits on them.',
  PUNCTUATION: 'Split off by the pre-tokenizer: ASCII punctuation plus Unicode P* as HF\'s (pre-Unicode 9) tables know them.',
  NONSPACING_MARK: 'Dropped after NFD when accents are stripped: Mn as HF\'s (pre-Unicode 9) tables know them.',
  NO_DECOMPOSITION: 'Code points the JavaScript engine decomposes under NFD but HF\'s older NFD data leaves alone.',
};

function renderTables(t: Record<string, number[]>): string {
  const hex = (n: number) => '0x' + n.toString(16);
  let s = '// Generated by test/tokenizer-unicode.test.ts from the `tokenizers` package (Hugging Face,\n' +
    `// ${require('tokenizers/package.json').version}); do not edit. Regenerate: BERT_TS_WRITE_TABLES=1 npx vitest run test/tokenizer-unicode\n` +
    '// Each table is a flat list of inclusive ranges: first0, last0, first1, last1, ...\n';
  for (const [name, r] of Object.entries(t)) {
    s += `\n/** ${DOCS[name]} */\nexport const ${name}_RANGES: readonly number[] = [\n`;
    for (let i = 0; i < r.length; i += 16) s += '  ' + r.slice(i, i + 16).map(hex).join(', ') + ',\n';
    s += '];\n';
  }
  return s;
}

describe('Unicode tables agree with the tokenizers package for every code point', () => {
  it('tables are what the reference implies', () => {
    const ours: Record<string, readonly number[]> = {
      CONTROL: tables.CONTROL_RANGES, WHITESPACE: tables.WHITESPACE_RANGES, PUNCTUATION: tables.PUNCTUATION_RANGES,
      NONSPACING_MARK: tables.NONSPACING_MARK_RANGES, NO_DECOMPOSITION: tables.NO_DECOMPOSITION_RANGES,
    };
    if (FULL) {
      const t = generateTables();
      if (write) {
        writeFileSync(fileURLToPath(new URL('../src/tokenizer/unicode-tables.ts', import.meta.url)), renderTables(t));
        return;
      }
      for (const [name, r] of Object.entries(ours)) expect(r, name).toEqual(t[name]);
      return;
    }
    for (const [name, members] of Object.entries(referenceSets())) {
      const set = new Set(members);
      const bad = ALL.filter((cp) => inRanges(ours[name], cp) !== set.has(cp)).slice(0, 20).map((cp) => `U+${cp.toString(16)}`);
      expect(bad, name).toEqual([]);
    }
  }, 120_000);

  const configs = [
    { cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false },
    { cleanText: false, handleChineseChars: true, stripAccents: false, lowercase: false },
    { cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false },
    { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: true },
    { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true },
  ];
  for (const c of configs) {
    it.skipIf(write)(`BertNormalizer ${JSON.stringify(c)}`, () => {
      const ours = new BertNormalizer({ cleanText: c.cleanText, handleChineseChars: c.handleChineseChars, stripAccents: c.stripAccents, lowercase: c.lowercase });
      const buf = new NormalizedText();
      const mine = perCodePoint((s) => {
        buf.reset();
        ours.normalize(s, 0, s.length, buf);
        return buf.toString();
      });
      const ref = perCodePoint(hfNormalizer(c));
      const bad: string[] = [];
      ALL.forEach((cp, i) => {
        if (mine[i] !== ref[i] && bad.length < 20) bad.push(`U+${cp.toString(16)}: ours ${JSON.stringify(mine[i])} hf ${JSON.stringify(ref[i])}`);
      });
      expect(bad).toEqual([]);
    }, 120_000);
  }

  it.skipIf(write)('BertPreTokenizer splits where the reference does', () => {
    const { whitespace, punctuation } = hfPreTokenizerClasses();
    const ws = new Set(whitespace);
    const pu = new Set(punctuation);
    const buf = new NormalizedText();
    const words = new PreTokenizedWords();
    const plain = new BertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false });
    const bad: string[] = [];
    for (const cp of ALL) {
      const s = 'a' + String.fromCodePoint(cp) + 'a';
      buf.reset();
      plain.normalize(s, 0, s.length, buf);
      words.reset();
      preTokenize(buf, 0, buf.length, words);
      const n = words.count;
      const expected = pu.has(cp) ? 3 : ws.has(cp) ? 2 : 1;
      if (n !== expected && bad.length < 20) bad.push(`U+${cp.toString(16)}: ${n} words, hf ${expected}`);
    }
    expect(bad).toEqual([]);
  }, 120_000);
});

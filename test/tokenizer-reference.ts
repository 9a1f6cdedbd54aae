// Shared by the tokenizer tests: the Hugging Face reference (`tokenizers`, the Rust
// library's Node binding), encodings in one comparable shape, and the seeded
// generator of hard strings.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Encoding, EncodeOptions } from '../src/tokenizer/index.ts';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const hf: any = require('tokenizers');

/** ../shared/hf from the repository root: real vocabularies, never copied into the repo. */
export const HF_DIR = fileURLToPath(new URL('../../shared/hf', import.meta.url));
export const HAVE_HF = existsSync(HF_DIR);

export const MODELS = ['bert-base-uncased', 'bert-base-cased', 'bert-base-chinese', 'bert-base-multilingual-cased', 'all-MiniLM-L6-v2'];

/**
 * tokenizer.json for a vocab.txt-only model, as transformers' BertConverter writes it:
 * BertNormalizer, BertPreTokenizer, WordPiece, BERT's template, the five special tokens
 * as unnormalized added tokens.
 */
export function referenceJson(vocab: string[], o: { lowercase: boolean; stripAccents?: boolean | null; chinese?: boolean }): string {
  const ids: Record<string, number> = {};
  vocab.forEach((t, i) => (ids[t] = i));
  const added = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    .filter((t) => t in ids)
    .map((t) => ({ id: ids[t], special: true, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false }));
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: o.chinese ?? true, strip_accents: o.stripAccents ?? null, lowercase: o.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [ids['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [ids['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  });
}

/** The reference tokenizer for a model folder: its tokenizer.json, or one built from vocab.txt. */
export function referenceFor(dir: string): { ref: any; json: string } {
  const tj = join(dir, 'tokenizer.json');
  if (existsSync(tj)) {
    const json = readFileSync(tj, 'utf8');
    return { ref: hf.Tokenizer.fromString(json), json };
  }
  const lines = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const cfgPath = join(dir, 'tokenizer_config.json');
  const cfg = existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, 'utf8')) : {};
  // bert-base-multilingual-cased ships no tokenizer_config.json; it is cased (SOURCES.md).
  const json = referenceJson(lines, { lowercase: cfg.do_lower_case ?? !/-cased$/.test(dir), stripAccents: cfg.strip_accents ?? null, chinese: cfg.tokenize_chinese_chars ?? true });
  return { ref: hf.Tokenizer.fromString(json), json };
}

/** One encoding in a plain shape; offsets in UTF-16 (the reference's are in code points). */
export interface Flat {
  ids: number[];
  typeIds: number[];
  tokens: string[];
  offsets: [number, number][];
  attention: number[];
  special: number[];
  sequenceIds: (number | null)[];
  wordIds: (number | null)[];
  overflowing?: Flat[];
}

function cpToUnit(text: string): number[] {
  const map = [0];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    map.push(u);
  }
  return map;
}

export function flatRef(e: any, a: string, b: string | undefined, withOverflow = true): Flat {
  const ma = cpToUnit(a);
  const mb = b === undefined ? ma : cpToUnit(b);
  const seq = e.getSequenceIds().map((s: number | null | undefined) => (s === undefined ? null : s));
  const offsets = e.getOffsets().map(([s, t]: number[], i: number) => {
    const m = seq[i] === 1 ? mb : ma;
    return [m[s], m[t]] as [number, number];
  });
  const f: Flat = {
    ids: e.getIds(),
    typeIds: e.getTypeIds(),
    tokens: e.getTokens(),
    offsets,
    attention: e.getAttentionMask(),
    special: e.getSpecialTokensMask(),
    sequenceIds: seq,
    wordIds: e.getWordIds().map((w: number | null | undefined) => (w === undefined ? null : w)),
  };
  if (withOverflow) f.overflowing = e.getOverflowing().map((o: any) => flatRef(o, a, b, false));
  return f;
}

export function flatOurs(e: Encoding, withOverflow = true): Flat {
  const f: Flat = {
    ids: e.inputIds,
    typeIds: e.tokenTypeIds,
    tokens: e.tokens,
    offsets: e.offsets,
    attention: e.attentionMask,
    special: e.specialTokensMask,
    sequenceIds: e.sequenceIds,
    wordIds: e.wordIds,
  };
  if (withOverflow) f.overflowing = e.overflowing.map((o) => flatOurs(o, false));
  return f;
}

/** Sets the reference's truncation and padding to what `o` asks of bert-ts. */
export function configureReference(ref: any, o: EncodeOptions, modelMaxLength: number, padId: number, padToken: string): void {
  const t = o.truncation;
  if (t) {
    const strategy = t === true || t === 'longest_first' ? 'LongestFirst' : t === 'only_first' ? 'OnlyFirst' : 'OnlySecond';
    ref.setTruncation(o.maxLength ?? modelMaxLength, { strategy, stride: o.stride ?? 0 });
  } else {
    ref.disableTruncation();
  }
  if (o.padding) {
    const p: Record<string, unknown> = { padId, padToken };
    if (o.padding === 'max_length') p.maxLength = o.maxLength ?? modelMaxLength;
    if (o.padToMultipleOf) p.padToMultipleOf = o.padToMultipleOf;
    ref.setPadding(p);
  } else {
    ref.disablePadding();
  }
}

/** mulberry32 (tools/rng.mjs), seeded, picks the fragments of random strings. */
export { rng } from './helpers/random.ts';

/** Hand-picked hard strings; also the fragments random strings are made of. */
export const HARD_STRINGS: string[] = [
  '',
  ' ',
  '   \t\n  ',
  '\u3000\u00a0\u2028\u2029',
  'Hello, world!',
  "Don't stop: it's 5 o'clock... (really?) [sic] {x} <y> @me #tag $5 %d ^_^ `code` ~tilde | a\\b",
  'The quick brown fox jumps over the lazy dog.',
  'UNBELIEVABLE unbelievably Re-Reading',
  'café naïve résumé Ångström Łódź Dvořák Ærøskøbing',
  'İstanbul ISTANBUL ıi straße STRASSE ẞ ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ',
  'Tiếng Việt có dấu: Người Việt',
  'e\u0301 a\u0308\u0304 o\u0328\u0301 n\u0303 \u0301\u0301 x\u20dd q\u0345',
  'Привет, мир! Ёжик в тумане. Українська мова: ґ є ї',
  'Բարեւ Ձեզ · გამარჯობა · Γειά σου Κόσμε',
  'שָׁלוֹם עוֹלָם',
  'مَرْحَبًا بِالْعَالَمِ ، اللغة العربية؟ ١٢٣',
  'नमस्ते दुनिया। हिन्दी भाषा',
  'বাংলা ভাষা · தமிழ் மொழி · ગુજરાતી',
  'สวัสดีครับ ภาษาไทยไม่มีช่องว่างระหว่างคำ',
  'ລາວ ພາສາ · မြန်မာဘာသာ · ភាសាខ្មែរ',
  '한국어 텍스트를 토큰화합니다. 안녕하세요!',
  '日本語のテキスト、カタカナとひらがな。ｶﾀｶﾅ',
  '今天天气真好',
  '中华人民共和国成立于1949年。',
  '𠀀𠮷𪚥𫝀 𠀀abc 𩸽 the 𠮷野家',
  '\u{2b81f}\u{2b820}\u{2b91f}\u{2b920}\u{2ceaf}\u{2ceb0}\u{30000}\u{2f800}\u{2fa1f}',
  '豈更車賈 \uf900\ufa6d\ufad9',
  '👍 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 🏴󠁧󠁢󠁳󠁣󠁴󠁿 1️⃣ ❤️ 🫠 🥰 ☺︎',
  'zero\u200bwidth\u200cjoin\u200dnon\u2060word\ufeffjoiner',
  'ctl\u0000nul\u0001soh\u0007bel\u0085nel\u000bvt\u000cff\u007fdel\u00adshy\ufffdrepl',
  'bidi \u202aembed\u202c \u2066isolate\u2069 \u200emark\u200f',
  'lone \ud800 high and \udc00 low surrogates \ud83d!',
  'ＡＢＣ ｆｕｌｌｗｉｄｔｈ １２３ ！？ （括弧）',
  'ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ Æ æ Œ œ Ĳ ĳ ǅ ǈ',
  '½ ² ³ ℃ ™ № Ⅻ ⅻ ① ㈱ ㍿',
  'a'.repeat(100),
  'b'.repeat(101),
  'supercalifragilisticexpialidocious'.repeat(4),
  '한'.repeat(40) + ' ' + 'é'.repeat(120),
  '[MASK]',
  'Paris is the capital of [MASK].',
  '[CLS] a [SEP] b [SEP] [PAD] [UNK]',
  'x[MASK]y [mask] [MASK [[MASK]] [MASK][MASK] [unused1] [UNUSED1]',
  'greek ; question \u037e ano teleia \u0387 varia \u1fef oxia \u1ffd ohm \u2126 kelvin \u212a angstrom \u212b',
  'tab\tsep\nnewline\r\ncrlf\u000b\u000c',
  '\u0890\u0891\u08e2 \u{110cd} \u{13430}\u{1343f} \u2e43 \u2e52 \u{11944} \u1734 \u07fd \u166d',
  'math 𝐀𝐁𝐂 𝔸𝔹 𝒜 and music 𝄞 \u{1d15e} \u{1d165}',
];

/** transformers' clean_up_tokenization, written out independently for the tests. */
export function cleanUp(s: string): string {
  for (const [a, b] of [[' .', '.'], [' ?', '?'], [' !', '!'], [' ,', ','], [" ' ", "'"], [" n't", "n't"], [" 'm", "'m"], [" 's", "'s"], [" 've", "'ve"], [" 're", "'re"]]) {
    s = s.split(a).join(b);
  }
  return s;
}

// Differential tests: bert-ts against Hugging Face's `tokenizers` (the Rust library)
// on the five real vocabularies in ../shared/hf — ids, type ids, tokens, offsets,
// masks, word ids and overflow windows must all be identical. Skipped when the
// folder is absent.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { appendFileSync } from 'node:fs';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import type { BertTokenizer, EncodeOptions } from '../src/tokenizer/index.ts';
import { BertTsError } from '../src/errors.ts';
import { HARD_STRINGS, HAVE_HF, HF_DIR, MODELS, cleanUp, configureReference, flatOurs, flatRef, referenceFor, rng, type Flat } from './tokenizer-reference.ts';

// 10,000 per model in the full lane (npm run test:all), 2,000 in the fast one (npm test)
const RANDOM_PER_MODEL = Number(process.env.BERT_TS_TOKENIZER_CASES ?? (process.env.BERT_TS_FULL ? 10_000 : 2_000));

/** A random string from the hard classes: fragments of the hand-picked strings, words, code points. */
function randomText(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const parts: string[] = [];
  const n = r() < 0.05 ? 0 : 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.35) {
      // a slice of a hand-picked string, cut at code points
      const cps = [...pick(HARD_STRINGS)];
      const s = Math.floor(r() * cps.length);
      parts.push(cps.slice(s, s + 1 + Math.floor(r() * 12)).join(''));
    } else if (k < 0.55) {
      parts.push(pick(WORDS));
    } else if (k < 0.7) {
      parts.push(pick(SPECIALS));
    } else if (k < 0.9) {
      // code points from the interesting blocks
      const [lo, hi] = pick(BLOCKS);
      let s = '';
      const len = 1 + Math.floor(r() * 6);
      for (let j = 0; j < len; j++) s += String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
      parts.push(s);
    } else if (k < 0.93) {
      // a long word, around max_input_chars_per_word
      const ch = pick(['a', 'é', 'ß', '한', 'x\u0301', 'İ', 'ab']);
      parts.push(ch.repeat(45 + Math.floor(r() * 70)));
    } else {
      // any code point at all (including unassigned and surrogate halves)
      const cp = Math.floor(r() * (r() < 0.7 ? 0x10000 : 0x110000));
      parts.push(String.fromCharCode(...(cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp])));
    }
    parts.push(pick(SEPARATORS));
  }
  return parts.join('');
}

const WORDS = ['the', 'The', 'HELLO', 'running', 'unaffable', "isn't", 'co-operate', 'e-mail', 'U.S.A.', '3.14', '1,000', 'naïve', 'Zürich', 'São', 'Москва', '東京', '서울', 'ไทย', 'القاهرة', 'मुंबई', 'x', 'I', '##ing', '#', '##'];
const SPECIALS = ['[MASK]', '[SEP]', '[CLS]', '[PAD]', '[UNK]', '[mask]', '[MASK', 'MASK]', '[[MASK]]', '[unused1]', '[unused0]'];
const SEPARATORS = ['', '', ' ', ' ', ' ', '  ', '\n', '\t', '\u3000', '\u00a0', '\u200b', '.', ','];
const BLOCKS: [number, number][] = [
  [0x20, 0x7e], [0xa0, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x530, 0x58f], [0x590, 0x5ff],
  [0x600, 0x6ff], [0x700, 0x8ff], [0x900, 0x97f], [0x980, 0xdff], [0xe00, 0xeff], [0x1000, 0x109f], [0x10a0, 0x10ff],
  [0x1100, 0x11ff], [0x1780, 0x17ff], [0x1ab0, 0x1aff], [0x1dc0, 0x1dff], [0x1e00, 0x1fff], [0x2000, 0x206f], [0x2070, 0x22ff],
  [0x2e00, 0x2e7f], [0x3000, 0x30ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xac00, 0xd7af], [0xe000, 0xe0ff],
  [0xf900, 0xfaff], [0xfb00, 0xfb4f], [0xfe00, 0xfe6f], [0xff00, 0xffef], [0xfff0, 0xffff], [0x10000, 0x1017f], [0x11000, 0x11fff],
  [0x13430, 0x1345f], [0x1d100, 0x1d1ff], [0x1d400, 0x1d7ff], [0x1f300, 0x1faff], [0x20000, 0x2a6df], [0x2b700, 0x2ceaf],
  [0x2f800, 0x2fa1f], [0x30000, 0x3134f], [0xe0000, 0xe007f], [0xf0000, 0xf00ff],
];

/**
 * Known limit: when NFD has to reorder combining marks (marks of different classes out
 * of canonical order, as in generated gibberish but not in normal text), HF's
 * alignment of the surviving marks follows rules of its NFD crate that bert-ts does not
 * reproduce, so offsets (and, rarely, pieces) may differ. Such strings are drawn again.
 */
function reordersMarks(s: string): boolean {
  s = s.replace(/[\p{Cc}\p{Cf}]/gu, ''); // clean_text runs first, and brings marks together
  let perChar = '';
  for (const ch of s) perChar += ch.normalize('NFD');
  return perChar !== s.normalize('NFD');
}

/** Truncation / padding settings a random batch is encoded with. */
function randomOptions(r: () => number, pairs: boolean): EncodeOptions {
  const k = r();
  if (k < 0.35) return {};
  if (k < 0.75) {
    const strategies = pairs ? (['longest_first', 'only_first', 'only_second'] as const) : (['longest_first', 'only_first'] as const);
    return {
      truncation: r() < 0.2 ? true : strategies[Math.floor(r() * strategies.length)],
      maxLength: 1 + Math.floor(r() * 40),
      stride: r() < 0.5 ? 0 : Math.floor(r() * 6),
      returnOverflowingTokens: true,
      padding: r() < 0.3 ? 'longest' : false,
    };
  }
  if (k < 0.9) return { padding: r() < 0.5 ? true : 'longest', padToMultipleOf: r() < 0.5 ? 8 : undefined };
  return { padding: 'max_length', truncation: true, maxLength: 8 + Math.floor(r() * 48) };
}

/**
 * The Rust library aborts the whole process (a panic) on a stride that is not below
 * the length a text is cut to. bert-ts throws a BertTsError there instead; such
 * batches are not sent to the reference.
 */
function oursRefusesStride(t: BertTokenizer, inputs: [string, string | undefined][], o: EncodeOptions): boolean {
  try {
    for (const [a, b] of inputs) t.encode(a, b, o);
    return false;
  } catch (e) {
    return e instanceof BertTsError && /stride/.test(e.message);
  }
}

type Outcome = { ok: Flat[] } | { error: string };

/**
 * The reference's encodings.
 *
 * With truncation, `tokenizers` 0.23.1–0.23.2 stop tokenizing once max_length tokens
 * exist, so their overflow windows come out empty or short (huggingface/tokenizers
 * issue #2091, fix in PR #2098). The reference is therefore run in two steps that
 * avoid that early exit: encode each text whole, then `postProcess`, which applies
 * the library's own truncate_encodings, template and padding.
 *
 * Its Node binding's encodeBatch takes single texts only, so pairs go one by one;
 * batch-wide 'longest' padding is then the longest encoding, as a fixed length.
 */
async function reference(ref: any, inputs: [string, string | undefined][], o: EncodeOptions, t: BertTokenizer): Promise<Outcome> {
  const configure = (x: EncodeOptions) => configureReference(ref, x, t.modelMaxLength, t.padTokenId, t.padToken);
  // Overflow windows are only returned when asked for, as in transformers.
  const flatten = (encs: any[]) => encs.map((e: any, i: number) => flatRef(e, inputs[i][0], inputs[i][1], o.returnOverflowingTokens === true));
  // postProcess on separately encoded texts loses the texts' sequence ranges, and with
  // them the first text's sequence ids and, in overflow windows of pairs, the pair's
  // type ids (the plain encode path gets both right, see the hand-picked test). With
  // BERT's template they follow from the layout [CLS] A [SEP] B [SEP] [PAD]…
  const withSequenceIds = (f: Flat, pair: boolean): Flat => {
    const fix = (x: Flat): Flat => {
      let specials = 0;
      const typeIds = x.special.map((sp, k) => {
        if (!pair || x.attention[k] === 0) return 0;
        if (sp) specials++;
        return specials >= 3 || (specials === 2 && !sp) ? 1 : 0;
      });
      return { ...x, typeIds, sequenceIds: x.special.map((sp, k) => (sp ? null : typeIds[k])) };
    };
    return f.overflowing ? { ...fix(f), overflowing: f.overflowing.map(fix) } : fix(f);
  };
  try {
    if (!o.truncation) {
      if (inputs.every(([, b]) => b === undefined)) {
        configure(o);
        return { ok: flatten(await ref.encodeBatch(inputs.map(([a]) => a))) };
      }
      if (!o.padding) {
        configure(o);
        const encs = [];
        for (const [a, b] of inputs) encs.push(await ref.encode(a, b));
        return { ok: flatten(encs) };
      }
    }
    const run = async (x: EncodeOptions, padLength?: number) => {
      configure({});
      const parts: [any, any][] = [];
      for (const [a, b] of inputs) {
        parts.push([await ref.encode(a, null, { addSpecialTokens: false }), b === undefined ? null : await ref.encode(b, null, { addSpecialTokens: false })]);
      }
      configure(x);
      if (padLength !== undefined) ref.setPadding({ padId: t.padTokenId, padToken: t.padToken, maxLength: padLength, padToMultipleOf: o.padToMultipleOf });
      return parts.map(([ea, eb]) => ref.postProcess(ea, eb, o.addSpecialTokens ?? true));
    };
    const longest = o.padding === true || o.padding === 'longest';
    if (!longest) return { ok: flatten(await run(o)).map((f, i) => withSequenceIds(f, inputs[i][1] !== undefined)) };
    const unpadded = await run({ ...o, padding: false });
    const length = Math.max(...unpadded.map((e: any) => e.getLength()));
    return { ok: flatten(await run({ ...o, padding: false }, length)).map((f, i) => withSequenceIds(f, inputs[i][1] !== undefined)) };
  } catch (e) {
    return { error: String((e as Error).message) };
  }
}

function ours(t: BertTokenizer, inputs: [string, string | undefined][], o: EncodeOptions): Outcome {
  try {
    const encs = t.encodeBatch(inputs.map(([a, b]) => (b === undefined ? a : ([a, b] as [string, string]))), o);
    return { ok: encs.map((e) => flatOurs(e, o.returnOverflowingTokens === true)) };
  } catch (e) {
    if (!(e instanceof BertTsError)) throw e;
    return { error: e.message };
  }
}

/** '' when both agree, else the first differing input and field, briefly. */
function firstDifference(expected: Outcome, got: Outcome, inputs: [string, string | undefined][], o: EncodeOptions): string {
  const opts = JSON.stringify(o);
  if ('error' in expected || 'error' in got) {
    if ('error' in expected && 'error' in got) return '';
    return `options ${opts}: hf ${'error' in expected ? 'error ' + expected.error : 'ok'}, ours ${'error' in got ? 'error ' + got.error : 'ok'}`;
  }
  for (let i = 0; i < inputs.length; i++) {
    const e = expected.ok[i] as unknown as Record<string, unknown>;
    const g = got.ok[i] as unknown as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (JSON.stringify(e[k]) !== JSON.stringify(g[k])) {
        return `input ${JSON.stringify(inputs[i])} options ${opts}: ${k} differ\n  hf:   ${String(JSON.stringify(e[k])).slice(0, 600)}\n  ours: ${String(JSON.stringify(g[k])).slice(0, 600)}\n  hf tokens:   ${JSON.stringify(e.tokens).slice(0, 600)}\n  ours tokens: ${JSON.stringify(g.tokens).slice(0, 600)}`;
      }
    }
  }
  return '';
}

describe.skipIf(!HAVE_HF)('bert-ts agrees with Hugging Face tokenizers on the real vocabularies', () => {
  // describe bodies run even when skipped: load nothing without the folder
  if (!HAVE_HF) it.skip(`../shared/hf not found at ${HF_DIR}`, () => {});
  for (const model of HAVE_HF ? MODELS : []) {
    const dir = join(HF_DIR, model);
    describe(model, () => {
      const t = loadTokenizer(dir);
      const { ref } = referenceFor(dir);

      it('hand-picked hard strings, singles and pairs', async () => {
        const singles: [string, string | undefined][] = HARD_STRINGS.map((s) => [s, undefined]);
        expect(firstDifference(await reference(ref, singles, {}, t), ours(t, singles, {}), singles, {})).toBe('');
        const pairs: [string, string | undefined][] = HARD_STRINGS.map((s, i) => [s, HARD_STRINGS[(i * 7 + 3) % HARD_STRINGS.length]]);
        expect(firstDifference(await reference(ref, pairs, {}, t), ours(t, pairs, {}), pairs, {})).toBe('');
      });

      it(`${RANDOM_PER_MODEL} seeded random strings, with truncation, overflow and padding`, async () => {
        const r = rng(0x5eed + model.length * 7919);
        let failures = 0;
        let reordered = 0;
        const report: string[] = [];
        let done = 0;
        while (done < RANDOM_PER_MODEL) {
          const pairs = r() < 0.4;
          const o = randomOptions(r, pairs);
          const size = Math.min(RANDOM_PER_MODEL - done, 1 + Math.floor(r() * 16));
          const inputs: [string, string | undefined][] = [];
          const text = () => {
            for (;;) {
              const x = randomText(r);
              if (!reordersMarks(x)) return x;
              reordered++;
            }
          };
          for (let i = 0; i < size; i++) inputs.push([text(), pairs ? text() : undefined]);
          done += size;
          if (oursRefusesStride(t, inputs, o)) continue;
          const expected = await reference(ref, inputs, o, t);
          const got = ours(t, inputs, o);
          const diff = firstDifference(expected, got, inputs, o);
          if (diff) {
            failures++;
            if (report.length < 3) report.push(diff);
            if (process.env.BERT_TS_DUMP_FAILURES) appendFileSync(process.env.BERT_TS_DUMP_FAILURES, JSON.stringify({ model, inputs, o }) + '\n');
          }
        }
        expect(report, `${failures} differing batches`).toEqual([]);
        // The known limit (docs/tokenizer.md): keep it rare, so the test still covers the rest.
        expect(reordered).toBeLessThan(RANDOM_PER_MODEL / 10);
      }, 120_000);

      it('decodes as transformers does (tokenizers decode, then clean_up_tokenization)', async () => {
        configureReference(ref, {}, t.modelMaxLength, t.padTokenId, t.padToken);
        const r = rng(42);
        for (let i = 0; i < 300; i++) {
          const text = i < HARD_STRINGS.length ? HARD_STRINGS[i] : randomText(r);
          const ids = t.encode(text).inputIds;
          if (i % 5 === 0) ids.push(999_999); // unknown ids are dropped
          for (const skip of [false, true]) {
            const expected = cleanUp(await ref.decode(ids, skip));
            expect(t.decode(ids, { skipSpecialTokens: skip }), JSON.stringify(text)).toBe(expected);
          }
          expect(t.decode(ids, { cleanUpTokenizationSpaces: false })).toBe(await ref.decode(ids, false));
        }
      });
    });
  }
});

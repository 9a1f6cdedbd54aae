// Fuzz the tokenizer files: tokenizer.json (a value anywhere in the tree
// replaced, deleted or wrapped; raw-text edits), vocab.txt (random lines), and
// tokenizer_config.json / special_tokens_map.json / config.json beside them
// (through loadTokenizer on a folder). Each tokenizer that loads must then
// encode, pair-encode, pad, truncate and decode without anything but a BertTsError.
import { afterAll, describe, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BertTokenizer } from '../src/tokenizer/bert-tokenizer.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { NASTY, Rng, SEED, count, report, show, stats, trial } from './fuzz/harness.ts';

const VOCAB = readFileSync(resolve(import.meta.dirname, 'fixtures', 'golden', 'masked-lm', 'vocab.txt'), 'utf8').split('\n').filter((l) => l !== '');
const id = (t: string) => VOCAB.indexOf(t);

/** A BERT tokenizer.json over the fixture vocabulary, as HF writes one. */
function baseJson(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  };
}
const BASE = JSON.stringify(baseJson());

/** Every path to a value in the tree (objects and arrays), the vocabulary sampled. */
function paths(x: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...at, i], out));
  else if (x && typeof x === 'object') {
    const entries = Object.entries(x);
    const keep = at[at.length - 1] === 'vocab' ? entries.filter((_, i) => i % 37 === 0) : entries;
    for (const [k, v] of keep) paths(v, [...at, k], out);
  }
  return out;
}
const PATHS = paths(baseJson());

function exercise(t: BertTokenizer, rng: Rng): void {
  const a = rng.text(30);
  const b = rng.chance(0.5) ? rng.text(20) : undefined;
  const e = t.encode(a, b, { truncation: rng.chance(0.5), maxLength: rng.pick([0, 1, 2, 3, 5, 8, 512]), padding: rng.pick([false, true, 'max_length'] as const), stride: rng.pick([0, 1]), returnOverflowingTokens: rng.chance(0.3) });
  t.decode(e.inputIds);
  t.decode(e.inputIds, { skipSpecialTokens: true });
  t.encodeBatch([a, [rng.text(5), rng.text(3)]], { padding: true, truncation: rng.chance(0.5), maxLength: rng.pick([1, 4, 16]) });
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('fuzz: tokenizer files', () => {
  it(`tokenizer.json: values replaced anywhere in the tree (seed ${SEED})`, () => {
    const s = stats('tokenizer.json');
    const rng = new Rng(SEED + 2);
    for (let i = 0; i < count(2000); i++) {
      const j = JSON.parse(BASE);
      const edits: string[] = [];
      for (let e = rng.range(1, 3); e > 0; e--) {
        const path = rng.pick(PATHS);
        if (path.length === 0) continue;
        let parent = j;
        for (const k of path.slice(0, -1)) parent = parent?.[k];
        if (parent === null || typeof parent !== 'object') continue;
        const last = path[path.length - 1];
        const k = rng.int(10);
        if (k < 2) delete parent[last];
        else if (k < 3) parent[last] = [parent[last]];
        else if (k < 4) parent[last] = rng.text(6);
        else parent[last] = rng.pick(NASTY);
        edits.push(`${path.join('.')} ${k < 2 ? 'deleted' : `= ${show(parent[last])}`}`);
      }
      trial(s, () => edits.join('; '), () => exercise(BertTokenizer.fromTokenizerJson(JSON.stringify(j), { file: 'fuzz/tokenizer.json' }), rng));
    }
    for (let i = 0; i < count(300); i++) {
      const chars = [...BASE];
      for (let e = rng.range(1, 4); e > 0; e--) chars[rng.int(chars.length)] = rng.pick(['0', '-', '1', '"', ':', ',', '[', ']', '{', '}', 'x', ' ', '9999999999']);
      const text = chars.join('');
      trial(s, () => `text edits of tokenizer.json`, () => exercise(BertTokenizer.fromTokenizerJson(text, { file: 'fuzz/tokenizer.json' }), rng));
    }
    report(s);
  });

  it(`encode / encodeBatch / decode: hostile arguments and options (seed ${SEED})`, () => {
    const s = stats('encode options');
    const rng = new Rng(SEED + 8);
    const t = BertTokenizer.fromTokenizerJson(BASE);
    const KEYS = ['addSpecialTokens', 'truncation', 'maxLength', 'stride', 'returnOverflowingTokens', 'padding', 'padToMultipleOf'];
    const VALUES = [...NASTY, 'max_length', 'longest', 'only_first', 'only_second', 'longest_first', 2 ** 40, 1 << 21];
    for (let i = 0; i < count(1500); i++) {
      const options: Record<string, unknown> = {};
      for (const k of KEYS) if (rng.chance(0.4)) options[k] = rng.chance(0.5) ? rng.pick(VALUES) : rng.pick([true, false, 0, 1, 2, 4, 8]);
      const opts = rng.chance(0.03) ? rng.pick(NASTY) : options;
      const k = rng.int(4);
      const a = rng.chance(0.03) ? rng.pick(NASTY) : rng.text(20);
      const b = rng.chance(0.5) ? undefined : rng.chance(0.03) ? rng.pick(NASTY) : rng.text(10);
      trial(s, () => `${['encode', 'encodeBatch', 'decode', 'tokenize'][k]}(${show(a)}, ${show(b)}, ${show(opts)})`, () => {
        if (k === 0) t.encode(a as string, b as string, opts as never);
        else if (k === 1) t.encodeBatch(rng.chance(0.05) ? (rng.pick(NASTY) as never) : [a as string, [a, b] as [string, string]], opts as never);
        else if (k === 2) t.decode(rng.chance(0.5) ? (rng.pick(NASTY) as never) : [1, 2, rng.pick(NASTY) as number, -1, 1e9], opts as never);
        else t.tokenize(a as string);
      });
    }
    report(s);
  });

  it(`vocab.txt: random vocabularies (seed ${SEED})`, () => {
    const s = stats('vocab.txt');
    const rng = new Rng(SEED + 3);
    for (let i = 0; i < count(1000); i++) {
      const lines = VOCAB.filter(() => rng.chance(0.9));
      for (let e = rng.range(0, 8); e > 0; e--) lines.splice(rng.int(lines.length + 1), 0, rng.pick(['', '\r', '##', '###', rng.text(6), '[UNK]', '[CLS]', '##a', 'x'.repeat(rng.range(100, 5000))]));
      const text = lines.join(rng.pick(['\n', '\n', '\r\n'])) + (rng.chance(0.5) ? '\n' : '');
      trial(s, () => `vocab of ${lines.length} lines: ${show(lines.slice(0, 6))}`, () => exercise(BertTokenizer.fromVocab(text, { doLowerCase: rng.chance(0.5), maxInputCharsPerWord: rng.pick([0, 1, 5, 100]) }), rng));
    }
    report(s);
  });

  it(`tokenizer_config.json, special_tokens_map.json, config.json beside vocab.txt or tokenizer.json (seed ${SEED})`, () => {
    const s = stats('tokenizer folder');
    const rng = new Rng(SEED + 4);
    const d = mkdtempSync(join(tmpdir(), 'bert-ts-fuzz-tok-'));
    dirs.push(d);
    writeFileSync(join(d, 'vocab.txt'), VOCAB.join('\n') + '\n');
    const CONFIG_KEYS = ['do_lower_case', 'strip_accents', 'tokenize_chinese_chars', 'never_split', 'model_max_length', 'cls_token', 'sep_token', 'pad_token', 'unk_token', 'mask_token', 'added_tokens_decoder', '__proto__'];
    const VALUES = [...NASTY, 'false', { content: '[CLS]' }, { content: 5 }, { '5': { content: 'zz', special: true } }, { x: { content: 'y' } }, { '4294967296': { content: 'q' } }, ['[MASK]', 5], 1e30, 512];
    for (let i = 0; i < count(400); i++) {
      const withJson = rng.chance(0.3);
      const tokJson = join(d, 'tokenizer.json');
      if (withJson) writeFileSync(tokJson, BASE);
      else if (existsSync(tokJson)) rmSync(tokJson);
      const files: Record<string, string> = {};
      for (const name of ['tokenizer_config.json', 'special_tokens_map.json', 'config.json']) {
        const path = join(d, name);
        if (rng.chance(0.4)) {
          if (existsSync(path)) rmSync(path);
          continue;
        }
        const obj: Record<string, unknown> = {};
        for (let e = rng.range(0, 3); e > 0; e--) {
          const key = name === 'config.json' ? 'max_position_embeddings' : rng.pick(CONFIG_KEYS);
          Object.defineProperty(obj, key, { value: rng.pick(VALUES), enumerable: true, writable: true, configurable: true });
        }
        files[name] = rng.chance(0.05) ? rng.pick(['[]', 'null', '"x"', '{', '']) : JSON.stringify(obj);
        writeFileSync(path, files[name]);
      }
      trial(s, () => `${withJson ? 'tokenizer.json' : 'vocab.txt'} + ${show(files)}`, () => exercise(loadTokenizer(d), rng));
    }
    report(s);
  });
});

// Tokenizer tests that run anywhere: a small vocabulary built here, checked by hand
// and against Hugging Face's `tokenizers` built from the same vocabulary.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BertTokenizer, Vocab } from '../src/tokenizer/index.ts';
import { WordPiece } from '../src/tokenizer/wordpiece.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { BertTsError } from '../src/errors.ts';
import { HAVE_HF, HF_DIR, flatOurs, flatRef, hf, referenceJson, rng } from './tokenizer-reference.ts';

const VOCAB = [
  '[PAD]', '[unused1]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'the', 'cat', 'sat', 'on', 'mat', 'un', '##aff', '##able', 'run', '##ning', 'é', 'e', '##s', '.', ',', '!', "'", 't', 'isn',
  'a', 'b', 'c', '##a', '##b', '##c', 'ab', '##ab', 'abc', '今', '天', '𠀀', '\u2028', '##\u2028', 'paris', 'capital', 'of', 'is',
];
const tok = BertTokenizer.fromVocab(VOCAB.join('\n') + '\n');

describe('BertTokenizer on a small vocabulary', () => {
  it('reads vocab.txt split on \\n only and never trimmed', () => {
    const v = Vocab.fromVocabTxt('a\n\u2028\n b\nc\r\n');
    expect(v.tokens).toEqual(['a', '\u2028', ' b', 'c\r']);
    expect(tok.vocabSize).toBe(VOCAB.length);
    expect(tok.tokenToId('\u2028')).toBe(VOCAB.indexOf('\u2028'));
    expect(tok.idToToken(VOCAB.indexOf('##\u2028'))).toBe('##\u2028');
  });

  it('encodes a single text: special tokens, WordPiece, offsets', () => {
    const text = 'The cat sat on the MAT, unaffable!';
    const e = tok.encode(text);
    expect(e.tokens).toEqual(['[CLS]', 'the', 'cat', 'sat', 'on', 'the', 'mat', ',', 'un', '##aff', '##able', '!', '[SEP]']);
    expect(e.inputIds[0]).toBe(tok.clsTokenId);
    expect(e.tokenTypeIds.every((x) => x === 0)).toBe(true);
    expect(e.attentionMask.every((x) => x === 1)).toBe(true);
    expect(e.offsets.map(([s, t]) => text.slice(s, t))).toEqual(['', 'The', 'cat', 'sat', 'on', 'the', 'MAT', ',', 'un', 'aff', 'able', '!', '']);
    expect(e.specialTokensMask).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(e.sequenceIds[0]).toBeNull();
  });

  it('keeps [MASK] written in the text, and isolates CJK (Extension B too)', () => {
    expect(tok.tokenize('Paris is the capital of [MASK].')).toEqual(['paris', 'is', 'the', 'capital', 'of', '[MASK]', '.']);
    expect(tok.tokenize('x[MASK]y [mask]')).toEqual(['[UNK]', '[MASK]', '[UNK]', '[UNK]', '[UNK]', '[UNK]']);
    const text = '今天𠀀abc';
    const e = tok.encode(text, undefined, { addSpecialTokens: false });
    expect(e.tokens).toEqual(['今', '天', '𠀀', 'abc']);
    expect(e.offsets).toEqual([[0, 1], [1, 2], [2, 4], [4, 7]]);
  });

  it('strips accents when lowercasing, and keeps them when told', () => {
    expect(tok.tokenize('É É')).toEqual(['e', 'e']);
    const keep = BertTokenizer.fromVocab(VOCAB, { stripAccents: false });
    expect(keep.tokenize('É')).toEqual(['é']);
  });

  it('makes [UNK] of unknown words and of words over 100 characters', () => {
    expect(tok.tokenize('xyz')).toEqual(['[UNK]']);
    expect(tok.tokenize('a'.repeat(100))).toEqual(['a', ...Array(99).fill('##a')]);
    expect(tok.tokenize('a'.repeat(101))).toEqual(['[UNK]']);
  });

  it('encodes pairs with token type ids and per-text offsets', () => {
    const e = tok.encode('the cat', 'on a mat');
    expect(e.tokens).toEqual(['[CLS]', 'the', 'cat', '[SEP]', 'on', 'a', 'mat', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(e.sequenceIds).toEqual([null, 0, 0, null, 1, 1, 1, null]);
    expect(e.offsets[5]).toEqual([3, 4]);
  });

  it('truncates into overlapping windows (question answering)', () => {
    const e = tok.encode('is', 'a b c a b c a', { truncation: 'only_second', maxLength: 7, stride: 1, returnOverflowingTokens: true });
    const windows = [e, ...e.overflowing].map((w) => w.tokens.join(' '));
    expect(windows).toEqual([
      '[CLS] is [SEP] a b c [SEP]',
      '[CLS] is [SEP] c a b [SEP]',
      '[CLS] is [SEP] b c a [SEP]',
    ]);
    expect(tok.encode('a b c a b c', undefined, { truncation: true, maxLength: 4 }).tokens).toEqual(['[CLS]', 'a', 'b', '[SEP]']);
  });

  it('pads to the longest of a batch, to max_length, to a multiple', () => {
    const [x, y] = tok.encodeBatch(['the cat sat', ['a', 'b']], { padding: 'longest' });
    expect(x.inputIds.length).toBe(5);
    expect(y.tokens).toEqual(['[CLS]', 'a', '[SEP]', 'b', '[SEP]']);
    const z = tok.encode('the', undefined, { padding: 'max_length', maxLength: 6 });
    expect(z.tokens).toEqual(['[CLS]', 'the', '[SEP]', '[PAD]', '[PAD]', '[PAD]']);
    expect(z.attentionMask).toEqual([1, 1, 1, 0, 0, 0]);
    expect(tok.encode('the cat', undefined, { padding: true, padToMultipleOf: 8 }).inputIds.length).toBe(8);
  });

  it('decodes with and without special tokens and clean-up', () => {
    const ids = tok.encode("the cat isn't running.").inputIds;
    expect(tok.decode(ids)).toBe("[CLS] the cat isn't running. [SEP]");
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe("the cat isn't running.");
    expect(tok.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })).toBe("the cat isn ' t running.");
  });

  it('refuses what HF refuses, with a BertTsError', () => {
    expect(() => tok.encode('a b c', undefined, { truncation: 'only_second', maxLength: 3 })).toThrow(BertTsError);
    expect(() => tok.encode('a b c', 'a', { truncation: 'only_second', maxLength: 4 })).toThrow(/too few/);
    expect(() => tok.encode('a b c a b c', undefined, { truncation: true, maxLength: 4, stride: 3 })).toThrow(/stride/);
    expect(() => BertTokenizer.fromVocab(['a', 'b'])).toThrow(/no unk token/);
    expect(() => BertTokenizer.fromTokenizerJson('{"model": {"type": "BPE"}}')).toThrow(/not supported/);
  });

  it('loads a folder, and says what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bert-ts-tok-'));
    expect(() => loadTokenizer(dir)).toThrow(/no tokenizer.json or vocab.txt/);
    writeFileSync(join(dir, 'vocab.txt'), VOCAB.join('\n') + '\n');
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false, model_max_length: 64 }));
    const t = loadTokenizer(dir);
    expect(t.modelMaxLength).toBe(64);
    expect(t.tokenize('The cat')).toEqual(['[UNK]', 'cat']);
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ do_lower_case: true, added_tokens_decoder: { [VOCAB.length]: { content: '<ent>', special: false, normalized: false } } }),
    );
    const withAdded = loadTokenizer(dir);
    expect(withAdded.tokenize('the<ent>cat')).toEqual(['the', '<ent>', 'cat']);
    expect(withAdded.vocabSize).toBe(VOCAB.length + 1);
    expect(withAdded.decode([VOCAB.length])).toBe('<ent>');
    writeFileSync(join(dir, 'tokenizer.json'), referenceJson(VOCAB, { lowercase: true }));
    expect(loadTokenizer(dir).tokenize('The cat')).toEqual(['the', 'cat']); // tokenizer.json wins
  });

  it('WordPiece trie agrees with the plain substring algorithm', () => {
    const r = rng(7);
    const wp = new WordPiece(new Vocab(VOCAB));
    const letters = ['a', 'b', 'c', 'é', 'x', '𠀀'];
    for (let i = 0; i < 3000; i++) {
      let w = '';
      const n = 1 + Math.floor(r() * 12);
      for (let k = 0; k < n; k++) w += letters[Math.floor(r() * letters.length)];
      const u = new Uint16Array(w.length);
      for (let k = 0; k < w.length; k++) u[k] = w.charCodeAt(k);
      const out = { ids: [] as number[], starts: [] as number[], ends: [] as number[] };
      const fast = wp.tokenizeWord(u, 0, u.length, out) ? out.ids.map((id) => VOCAB[id]) : ['[UNK]'];
      expect(fast, w).toEqual(wp.referenceTokenizeWord(w));
    }
  });

  it('agrees with HF tokenizers built from the same vocabulary', async () => {
    const ref = hf.Tokenizer.fromString(referenceJson(VOCAB, { lowercase: true }));
    const r = rng(11);
    const pieces = ['the', 'CAT', 'Sat', 'unaffable', 'running', 'É', 'é', 'e\u0301', "isn't", '[MASK]', '[SEP]', 'abc', 'ab', '今天', '𠀀', 'x', ' ', '  ', '\t', '\u200b', '\u0000', '.', ',', '!', 'aaa', '\u2028', 'ﬁ'];
    for (let i = 0; i < 500; i++) {
      let a = '';
      let b = '';
      for (let k = Math.floor(r() * 10); k > 0; k--) a += pieces[Math.floor(r() * pieces.length)];
      for (let k = Math.floor(r() * 6); k > 0; k--) b += pieces[Math.floor(r() * pieces.length)];
      const pair = r() < 0.5 ? b : undefined;
      const e = await ref.encode(a, pair ?? null);
      const ours = flatOurs(tok.encode(a, pair), false);
      expect(ours, JSON.stringify([a, pair])).toEqual(flatRef(e, a, pair, false));
    }
  });
});

describe.skipIf(!HAVE_HF)('the vocabulary decides: 今天天气真好', () => {
  it('bert-base-uncased knows few of these characters; bert-base-chinese knows them all', () => {
    const text = '今天天气真好';
    expect(loadTokenizer(join(HF_DIR, 'bert-base-uncased')).tokenize(text)).toEqual(['[UNK]', '天', '天', '[UNK]', '真', '[UNK]']);
    const zh = loadTokenizer(join(HF_DIR, 'bert-base-chinese'));
    expect(zh.tokenize(text)).toEqual(['今', '天', '天', '气', '真', '好']);
    expect(zh.encode(text).inputIds).toEqual([101, 791, 1921, 1921, 3698, 4696, 1962, 102]);
  });

  it('tokenizer.json and vocab.txt + tokenizer_config.json give the same tokenizer (bert-base-uncased)', () => {
    const dir = join(HF_DIR, 'bert-base-uncased');
    const fromJson = BertTokenizer.fromTokenizerJson(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    const fromVocab = BertTokenizer.fromVocab(readFileSync(join(dir, 'vocab.txt'), 'utf8'));
    const text = 'Héllo, WORLD! [MASK] 今天 naïve 𠀀';
    expect(flatOurs(fromJson.encode(text, 'x y'))).toEqual(flatOurs(fromVocab.encode(text, 'x y')));
    expect(fromJson.vocabSize).toBe(30522);
  });
});

describe('added tokens beyond BERT\'s five, as tokenizer.json can hold them', () => {
  const base = JSON.parse(referenceJson(VOCAB, { lowercase: true }));
  const extra = [
    { content: 'Hé Llo', normalized: true, special: false },
    { content: '<X>', lstrip: true, special: true },
    { content: '<Y>', rstrip: true, special: false },
    { content: 'zz', single_word: true, special: false },
    { content: '[MASK]x', special: true },
  ].map((t, k) => ({ id: VOCAB.length + k, single_word: false, lstrip: false, rstrip: false, normalized: false, ...t }));
  base.added_tokens.push(...extra);
  const json = JSON.stringify(base);
  const ours = BertTokenizer.fromTokenizerJson(json);
  const ref = hf.Tokenizer.fromString(json);

  it('match, strip and decode as HF does', async () => {
    const r = rng(5);
    const pieces = ['hé llo', 'HE LLO', 'Hé Llo', '<X>', '<Y>', 'zz', 'zzs', 'a zz', 'zz_', '[MASK]', '[MASK]x', ' ', '  ', 'the', '_', 'é', '.', '\t'];
    for (let i = 0; i < 400; i++) {
      let a = '';
      for (let k = 1 + Math.floor(r() * 8); k > 0; k--) a += pieces[Math.floor(r() * pieces.length)];
      const e = await ref.encode(a, null);
      expect(flatOurs(ours.encode(a), false), JSON.stringify(a)).toEqual(flatRef(e, a, undefined, false));
      const ids = e.getIds();
      // (HF decodes a normalized added token to its normalized form; bert-ts to its content.)
      if (ids.includes(VOCAB.length)) continue;
      expect(ours.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }), JSON.stringify(a)).toBe(await ref.decode(ids, true));
    }
  });
});

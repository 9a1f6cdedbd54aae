// Static word vectors (GloVe / word2vec text, a BERT's input embedding table),
// neighbours and analogies, contextual vectors and the ambiguity demo.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseWordVectors } from '../src/word-vectors/read-text.ts';
import { readWordVectors } from '../src/word-vectors/read-file.ts';
import { analogy, cosine, nearestTo, neighbours } from '../src/word-vectors/nearest.ts';
import { inputEmbeddingVectors } from '../src/word-vectors/model-vectors.ts';
import { contextualWordVector } from '../src/word-vectors/contextual.ts';
import { ambiguityDemo, BANK_DEMO } from '../src/word-vectors/ambiguity.ts';
import { WordVectors } from '../src/word-vectors/word-vectors.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { Readable } from 'node:stream';
import { runCli } from '../src/cli/run.ts';
import { BertTsError } from '../src/errors.ts';
import { randomArray } from './helpers/random.ts';

const DEMO = resolve(import.meta.dirname, '..', 'weights', 'demo');
const tmp = mkdtempSync(join(tmpdir(), 'bert-ts-vectors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A small GloVe-like file: royalty on axis 0, gender on axis 1, noise on 2 and 3.
const GLOVE = `king 0.9 0.8 0.1 0.0
queen 0.9 -0.8 0.1 0.05
man 0.1 0.8 0.0 0.1
woman 0.1 -0.8 0.0 0.12
apple -0.5 0.0 0.9 0.0
prince 0.7 0.7 0.2 -0.1
`;

async function cli(args: string[]): Promise<string> {
  let out = '';
  const code = await runCli(args, { stdin: Readable.from(['']), stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } });
  expect(code).toBe(0);
  return out;
}

describe('reading GloVe / word2vec text', () => {
  it('reads a file without a header (GloVe)', () => {
    const v = parseWordVectors(GLOVE);
    expect(v.size).toBe(6);
    expect(v.dim).toBe(4);
    expect(Array.from(v.vector('queen'))).toEqual(Array.from(Float32Array.of(0.9, -0.8, 0.1, 0.05)));
    expect(v.norms[0]).toBeCloseTo(Math.hypot(0.9, 0.8, 0.1), 6);
  });

  it('reads a header line "count dim" (word2vec), CRLF and tabs', () => {
    const v = parseWordVectors('3 2\r\na 1 0\r\nb\t0 1\r\nc 1 1 \r\n');
    expect(v.words).toEqual(['a', 'b', 'c']);
    expect(v.dim).toBe(2);
    expect(Array.from(v.vector('c'))).toEqual([1, 1]);
  });

  it('a row of two numbers is data when there is no header', () => {
    // "7 0.5" is not two integers: word 7, one value
    expect(parseWordVectors('7 0.5\n8 0.25\n').words).toEqual(['7', '8']);
  });

  it('errors are one line naming the file and the line', () => {
    const bad = (text: string) => {
      try {
        parseWordVectors(text, 'v.txt');
      } catch (e) {
        expect(e).toBeInstanceOf(BertTsError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(bad('a 1 2\nb 1\n')).toBe("v.txt:2: 'b' has 1 numbers, expected 2");
    expect(bad('2 3\na 1 2 3\nb 1 2\n')).toBe("v.txt:3: 'b' has 2 numbers, expected 3");
    expect(bad('a 1 2\nb 1 x\n')).toBe("v.txt:2: value 2 of 'b' is not a number: 'x'");
    expect(bad('3 2\na 1 2\nb 1 2\n')).toBe('v.txt: the header says 3 words, the file has 2');
    expect(bad('\n\n')).toBe('v.txt: no vectors (the file is empty)');
    expect(bad('a\n')).toBe('v.txt:1: a word with no numbers');
    expect(bad('2 0\n')).toMatch(/^v.txt:1: the header says the vectors have 0 dimensions/);
  });

  it('reads from disk, and refuses a gzip file with a hint', () => {
    const f = join(tmp, 'g.txt');
    writeFileSync(f, GLOVE);
    expect(readWordVectors(f).size).toBe(6);
    const gz = join(tmp, 'g.txt.gz');
    writeFileSync(gz, Buffer.from([0x1f, 0x8b, 8, 0]));
    expect(() => readWordVectors(gz)).toThrow(/gzip/);
    expect(() => readWordVectors(join(tmp, 'none.txt'))).toThrow(/no such file/);
  });
});

describe('neighbours and analogies', () => {
  it('nearestTo ranks every row by cosine, as a brute-force sort does', () => {
    const N = 200;
    const D = 9;
    const words = Array.from({ length: N }, (_, i) => `w${i}`);
    const v = new WordVectors(words, randomArray(N * D, 7), D);
    const q = Array.from(randomArray(D, 8));
    const brute = words.map((w, i) => ({ word: w, cosine: cosine(q, v.row(i)) })).sort((a, b) => b.cosine - a.cosine);
    const got = nearestTo(v, q, 15);
    expect(got.map((n) => n.word)).toEqual(brute.slice(0, 15).map((n) => n.word));
    got.forEach((n, i) => expect(n.cosine).toBeCloseTo(brute[i].cosine, 6));
    // exclusion and skip
    const ex = nearestTo(v, q, 3, new Set([brute[0].word]), (w) => w === brute[1].word);
    expect(ex.map((n) => n.word)).toEqual([brute[2].word, brute[3].word, brute[4].word]);
  });

  it('neighbours leave the word out; analogy king − man + woman ≈ queen leaves the inputs out', () => {
    const v = parseWordVectors(GLOVE);
    expect(neighbours(v, 'king', 2).map((n) => n.word)).toEqual(['prince', 'man']);
    const a = analogy(v, 'king', 'man', 'woman', 3);
    expect(a[0].word).toBe('queen');
    expect(a.map((n) => n.word)).not.toContain('king');
    expect(a.map((n) => n.word)).not.toContain('woman');
    // the query is the mean of unit vectors (gensim): check the top cosine by hand
    const unit = (w: string) => Array.from(v.vector(w), (x) => x / v.norms[v.indexOf(w)!]);
    const [k, m, wo] = [unit('king'), unit('man'), unit('woman')];
    const q = k.map((x, i) => (x - m[i] + wo[i]) / 3);
    expect(a[0].cosine).toBeCloseTo(cosine(q, v.vector('queen')), 6);
    expect(() => analogy(v, 'king', 'man', 'girl')).toThrow(/'girl' is not in the vocabulary/);
  });
});

describe("a BERT's input embedding table as static vectors", () => {
  const model = loadBertModel(DEMO);
  const tokenizer = loadTokenizer(DEMO);

  it('row i is word_embeddings[i], word i is vocabulary token i', () => {
    const v = inputEmbeddingVectors(model, tokenizer);
    const H = model.config.hiddenSize;
    expect(v.size).toBe(model.config.vocabSize);
    expect(v.dim).toBe(H);
    const id = tokenizer.tokenToId('bank')!;
    expect(v.words[id]).toBe('bank');
    expect(Array.from(v.vector('bank'))).toEqual(Array.from(model.weights.embeddings.word_embeddings.subarray(id * H, (id + 1) * H)));
  });

  it("a contextual vector is the mean of the last hidden state at the word's pieces", () => {
    const s = 'the bank of the river';
    const c = contextualWordVector(model, tokenizer, s, 'Bank');
    const enc = tokenizer.encode(s);
    expect(c.tokens).toEqual(['bank']);
    expect(c.positions).toEqual([enc.tokens.indexOf('bank')]);
    const out = model.forward({ inputIds: [enc.inputIds] });
    const H = model.config.hiddenSize;
    const p = c.positions[0];
    expect(Array.from(c.vector)).toEqual(Array.from(out.lastHiddenState.data.subarray(p * H, (p + 1) * H)));
    // layer 0 = the embeddings
    const c0 = contextualWordVector(model, tokenizer, s, 'bank', 0);
    const hs = model.forward({ inputIds: [enc.inputIds] }, { outputHiddenStates: true }).hiddenStates!;
    expect(Array.from(c0.vector)).toEqual(Array.from(hs.data.subarray(p * H, (p + 1) * H)));
    expect(() => contextualWordVector(model, tokenizer, 'the banks', 'bank')).toThrow(/'bank' is not a word of "the banks"/);
    expect(() => contextualWordVector(model, tokenizer, s, 'bank', 9)).toThrow(/layer 9 is outside 0…2/);
  });

  it('a word of several pieces averages them', () => {
    const pieces = tokenizer.tokenize('riverbanks');
    expect(pieces.length).toBeGreaterThan(1);
    const c = contextualWordVector(model, tokenizer, 'the riverbanks flooded', 'riverbanks');
    expect(c.tokens).toEqual(pieces);
  });

  it('the ambiguity demo compares every use with every context sentence', () => {
    const r = ambiguityDemo(model, tokenizer, { ...BANK_DEMO, k: 4 });
    expect(r.static.tokens).toEqual(['bank']);
    expect(r.static.neighbours).toHaveLength(4);
    expect(r.static.neighbours.map((n) => n.word)).not.toContain('bank');
    expect(r.uses).toHaveLength(2);
    for (const u of r.uses) {
      expect(u.nearest).toHaveLength(BANK_DEMO.contexts.length);
      for (let i = 1; i < u.nearest.length; i++) expect(u.nearest[i - 1].cosine).toBeGreaterThanOrEqual(u.nearest[i].cosine);
      // the sense means are the means of the labelled cosines
      for (const s of u.senses) {
        const own = u.nearest.filter((n) => n.label === s.label).map((n) => n.cosine);
        expect(s.meanCosine).toBeCloseTo(own.reduce((a, b) => a + b, 0) / own.length, 12);
      }
      expect(u.senses.map((s) => s.label).sort()).toEqual(['money', 'river']);
      expect(u.senses[0].meanCosine).toBeGreaterThanOrEqual(u.senses[1].meanCosine);
    }
    // raw cosines are of the vectors; the default (centred) ones of the vectors minus the mean over all sentences
    const all = [...BANK_DEMO.sentences, ...BANK_DEMO.contexts.map((c) => c.text)].map((t) => contextualWordVector(model, tokenizer, t, 'bank').vector);
    const [a, b] = all;
    expect(r.rawCosines[0][1]).toBeCloseTo(cosine(a, b), 6);
    const H = a.length;
    const mean = Array.from({ length: H }, (_, i) => all.reduce((acc, v) => acc + v[i], 0) / all.length);
    const c = (v: Float32Array) => Array.from(v, (x, i) => x - mean[i]);
    expect(r.centered).toBe(true);
    expect(r.cosines[0][1]).toBeCloseTo(cosine(c(a), c(b)), 5);
    const first = r.uses[0].nearest.find((n) => n.text === BANK_DEMO.contexts[0].text)!;
    expect(first.cosine).toBeCloseTo(cosine(c(a), c(all[2])), 5);
    expect(first.rawCosine).toBeCloseTo(cosine(a, all[2]), 6);
    expect(ambiguityDemo(model, tokenizer, { ...BANK_DEMO, centered: false }).cosines[0][1]).toBeCloseTo(cosine(a, b), 6);
    expect(r.cosines[0][0]).toBeCloseTo(1, 6);
    expect(r.static.cosines[0][1]).toBe(1);
  });
});

describe('CLI: neighbours, analogy, ambiguity', () => {
  const f = join(tmp, 'cli.txt');
  writeFileSync(f, `6 4\n${GLOVE}`);

  it('neighbours --vectors prints a table; --json the same data', async () => {
    const text = await cli(['neighbours', '--vectors', f, '-k', '2', 'king']);
    expect(text).toMatch(/^nearest to 'king'/);
    expect(text).toMatch(/1 {2}prince +0\.\d{4} /);
    const json = JSON.parse(await cli(['neighbours', '--vectors', f, '-k', '2', '--json', 'king']));
    expect(json.neighbours.map((n: { word: string }) => n.word)).toEqual(['prince', 'man']);
  });

  it('analogy --vectors finds queen', async () => {
    const json = JSON.parse(await cli(['analogy', '--vectors', f, '--json', 'king', 'man', 'woman']));
    expect(json.answers[0].word).toBe('queen');
    expect(await cli(['analogy', '--vectors', f, 'king', 'man', 'woman'])).toMatch(/^king − man \+ woman ≈ \?/);
  });

  it('--model uses the embedding table, skips [bracket] tokens, explains words of several pieces', async () => {
    const json = JSON.parse(await cli(['neighbours', '--model', DEMO, '-k', '50', '--json', 'bank']));
    expect(json.neighbours).toHaveLength(50);
    expect(json.neighbours.some((n: { word: string }) => /^\[.*\]$/.test(n.word))).toBe(false);
    await expect(cli(['neighbours', '--model', DEMO, 'riverbanks'])).rejects.toThrow(/'riverbanks' is not one token of the vocabulary: it becomes river/);
  });

  it('bad usage is one clear error', async () => {
    await expect(cli(['neighbours', 'king'])).rejects.toThrow(/--vectors FILE or --model DIR is required/);
    await expect(cli(['neighbours', '--vectors', f, '--nope', 'king'])).rejects.toThrow(/^neighbours: unknown option '--nope'$/);
    await expect(cli(['analogy', '--vectors', f, 'king'])).rejects.toThrow(/expected three words/);
    await expect(cli(['neighbours', '--vectors', f, '-k', '0', 'king'])).rejects.toThrow(/-k must be a whole number ≥ 1/);
    await expect(cli(['ambiguity', '--model', DEMO, '--word', 'bank', '--sentence', 'a bank'])).rejects.toThrow(/two or more --sentence/);
  });

  it('ambiguity prints static and contextual sections within 80 columns', async () => {
    const text = await cli(['ambiguity', '--model', DEMO, '--word', 'bank', '--sentence', 'the river bank', '--sentence', 'the bank lent money', '--context', 'a bank of the stream', '--context', 'the bank paid him']);
    expect(text).toMatch(/^STATIC: 'bank' has one vector/);
    expect(text).toMatch(/CONTEXTUAL/);
    expect(text).toMatch(/\[1\] vs \[2\] +1\.000 +-?[01]\.\d{3}/);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    const json = JSON.parse(await cli(['ambiguity', '--model', DEMO, '--json']));
    expect(json.word).toBe('bank');
    expect(json.uses[0].nearest).toHaveLength(6);
  });
});

describe('command help', () => {
  it('is made from the command entries', async () => {
    const help = await cli(['ambiguity', '--help']);
    expect(help).toMatch(/^usage: bert-ts ambiguity -m MODEL \[options\]/);
    expect(help).toMatch(/--sentence S +a sentence using W/);
    expect(help).toMatch(/--json +print exactly the library's result as JSON/);
    expect(help).toMatch(/examples:\n {2}bert-ts ambiguity -m weights\/en/);
  });
});

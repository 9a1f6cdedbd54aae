// The models bert-ts ships in weights/ (trained by tools/train/): each one's tokenizer
// agrees with Hugging Face's `tokenizers` on its own learned vocabulary, and with the
// tokenization used to build its golden inputs; each golden case is verified on both
// backends by test/golden.test.ts.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { HARD_STRINGS, flatOurs, flatRef, referenceFor } from './tokenizer-reference.ts';

const WEIGHTS = resolve(import.meta.dirname, '..', 'weights');
const shipped = readdirSync(WEIGHTS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(WEIGHTS, d.name, 'vocab.txt')))
  .map((d) => d.name)
  .sort();

// Text in the style of each corpus, and text far from it (the vocabulary must still agree).
const SENTENCES = [
  'Paris is the capital and largest city of France.',
  'To coagulate is to change from a liquid into a thick mass; "the blood coagulated".',
  "The interpreter's list.sort() method sorts in place — unlike sorted(), it returns None!",
  'Q: Why did the chicken cross the road?  A: To get to the other side.',
  'Ünïcödé façade, naïve café; résumé — ¿qué? ¡Sí! 1,234.56 € (approx.)',
  '今天天气真好，我们去公园散步吧。',
  '使用 apt-get install 命令安装软件包：例如 apt-get install vim。',
  '床前明月光，疑是地上霜。举头望明月，低头思故乡。',
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic',
  'ｆｕｌｌｗｉｄｔｈ ＡＢＣ，emoji 😀👍🏽 and tabs\tand\nnewlines',
];

describe('shipped models: tokenizers agree with Hugging Face on the learned vocabularies', () => {
  it('ships at least one model', () => expect(shipped.length).toBeGreaterThan(0));
  for (const name of shipped) {
    const dir = join(WEIGHTS, name);
    it(`${name}: ids, tokens and offsets equal HF tokenizers'`, async () => {
      const ours = loadTokenizer(dir);
      const { ref } = referenceFor(dir);
      const texts = [...SENTENCES, ...HARD_STRINGS];
      for (let i = 0; i < texts.length; i++) {
        const a = texts[i];
        const b = i % 3 === 0 ? texts[(i * 7 + 1) % texts.length] : undefined;
        const expected = flatRef(await ref.encode(a, b ?? null), a, b, false);
        const got = flatOurs(ours.encode(a, b), false);
        expect({ ids: got.ids, tokens: got.tokens, offsets: got.offsets, typeIds: got.typeIds }, `${name}: ${JSON.stringify([a, b])}`)
          .toEqual({ ids: expected.ids, tokens: expected.tokens, offsets: expected.offsets, typeIds: expected.typeIds });
      }
    });
    const inputsPath = join(dir, 'inputs.json');
    it.runIf(existsSync(inputsPath))(`${name}: the training tools tokenized the golden inputs as bert-ts does`, () => {
      const inputs = JSON.parse(readFileSync(inputsPath, 'utf8'));
      const t = loadTokenizer(dir);
      inputs.texts.forEach((text: string | [string, string], row: number) => {
        const e = typeof text === 'string' ? t.encode(text) : t.encode(text[0], text[1]);
        const n = e.inputIds.length;
        expect(e.inputIds, JSON.stringify(text)).toEqual(inputs.input_ids[row].slice(0, n));
        expect(e.tokenTypeIds).toEqual(inputs.token_type_ids[row].slice(0, n));
        expect(inputs.attention_mask[row].slice(0, n).every((m: number) => m === 1)).toBe(true);
      });
    });
  }
});

describe('shipped models: each trained model card publishes what q8 costs', () => {
  // tools/q8-accuracy.mjs --card writes the block; tools/train/card.py keeps it when a card is regenerated
  const trained = readdirSync(WEIGHTS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(WEIGHTS, d.name, 'README.md')))
    .map((d) => d.name);
  it('finds the cards', () => expect(trained.length).toBeGreaterThan(3));
  for (const name of trained) {
    it(`${name}: a q8 accuracy block with the hidden states' cosine to f32`, () => {
      const card = readFileSync(join(WEIGHTS, name, 'README.md'), 'utf8');
      const block = /<!-- q8 accuracy:[^\n]*-->\n([\s\S]*?)<!-- \/q8 accuracy -->/.exec(card);
      expect(block, `${name}/README.md has no q8 block: run node tools/q8-accuracy.mjs … --card`).not.toBeNull();
      expect(block![1]).toMatch(/cosine to f32 per token: mean 0\.99\d+, worst 0\.9\d+/);
    });
  }
});

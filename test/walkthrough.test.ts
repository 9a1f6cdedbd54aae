// The walkthrough's tokenization claims, checked with our tokenizer on the
// real vocabularies (../shared/hf, skipped when absent) and on weights/demo.
// Each claim is also looked up in the page, so page and test cannot drift.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTokenizer } from '../src/tokenizer/load.ts';

const ROOT = resolve(import.meta.dirname, '..');
// ../shared beside the checkout (CI), or two levels up (a git worktree in a subfolder)
const HF = [resolve(ROOT, '..', 'shared', 'hf'), resolve(ROOT, '..', '..', 'shared', 'hf')].find((d) => existsSync(d)) ?? resolve(ROOT, '..', 'shared', 'hf');
const PAGE = readFileSync(join(ROOT, 'docs', 'walkthrough', '1-tokenization.md'), 'utf8');
const haveHf = ['bert-base-uncased', 'bert-base-chinese'].every((m) => existsSync(join(HF, m, 'vocab.txt')));
if (!haveHf) console.warn(`walkthrough.test: ${HF} not found: the bert-base vocabulary claims are skipped`);

describe('walkthrough, page 1: tokenization', () => {
  it('the demo example: tokens and ids', () => {
    const e = loadTokenizer(join(ROOT, 'weights', 'demo')).encode('The unbelievably playful cat');
    expect(e.tokens.join(' ')).toBe('[CLS] the un ##believ ##ably play ##ful cat [SEP]');
    expect(PAGE).toContain('→ [CLS] the un ##believ ##ably play ##ful cat [SEP]');
    expect(PAGE).toContain(`→ ${e.inputIds.join(' ')}`);
  });

  describe.skipIf(!haveHf)('bert-base-uncased vs bert-base-chinese', () => {
    const row = (model: string, text: string) => loadTokenizer(join(HF, model)).encode(text).tokens.join(' ');

    it('今天天气真好 is mostly [UNK] for bert-base-uncased, not for bert-base-chinese', () => {
      const uncased = row('bert-base-uncased', '今天天气真好');
      const chinese = row('bert-base-chinese', '今天天气真好');
      expect(uncased).toBe('[CLS] [UNK] 天 天 [UNK] 真 [UNK] [SEP]');
      expect(chinese).toBe('[CLS] 今 天 天 气 真 好 [SEP]');
      expect(PAGE).toContain(`| bert-base-uncased | \`${uncased}\` |`);
      expect(PAGE).toContain(`| bert-base-chinese | \`${chinese}\` |`);
      expect(loadTokenizer(join(HF, 'bert-base-chinese')).encode('x').inputIds.length).toBe(3);
    });

    it('and the reverse: English for bert-base-chinese', () => {
      const chinese = loadTokenizer(join(HF, 'bert-base-chinese'));
      expect(chinese.tokenize('unbelievably').join(' ')).toBe('u ##n ##bel ##ie ##va ##b ##ly');
      expect(PAGE).toContain('`u ##n ##bel ##ie ##va ##b ##ly`');
      expect(chinese.tokenize('Hello, World!').join(' ')).toBe('[UNK] , [UNK] !');
      expect(PAGE).toContain('`[UNK] , [UNK] !`');
      const vocab = readFileSync(join(HF, 'bert-base-chinese', 'vocab.txt'), 'utf8').split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
      expect(vocab).toHaveLength(21128);
      expect(PAGE).toContain('21,128 entries');
    });
  });
});

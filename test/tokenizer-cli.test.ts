// bert-ts tokenize, through runTokenize with captured stdin / stdout.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../src/cli/run.ts';
import { HAVE_HF, HF_DIR, flatRef, referenceFor } from './tokenizer-reference.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', '.', 'a', '##b', '今', '天'];
const dir = mkdtempSync(join(tmpdir(), 'bert-ts-cli-'));
writeFileSync(join(dir, 'vocab.txt'), VOCAB.join('\n') + '\n');

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string }> {
  let out = '';
  // --json: the encoding as JSON (the default print is for people)
  const json = args.includes('--jsonl') ? [] : ['--json'];
  const code = await runCli(['tokenize', ...args, ...json], { stdin: Readable.from([stdin]), stdout: { write: (s: string) => (out += s) }, stderr: process.stderr });
  return { code, out };
}

describe('bert-ts tokenize', () => {
  it('prints one encoding as JSON', async () => {
    const { code, out } = await run(['--model', dir, 'The cat sat.']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      input_ids: [2, 5, 6, 7, 8, 3],
      token_type_ids: [0, 0, 0, 0, 0, 0],
      attention_mask: [1, 1, 1, 1, 1, 1],
      tokens: ['[CLS]', 'the', 'cat', 'sat', '.', '[SEP]'],
      offsets: [[0, 0], [0, 3], [4, 7], [8, 11], [11, 12], [0, 0]],
    });
  });

  it('takes a pair, truncation and padding', async () => {
    const { out } = await run(['--model', dir, '--pair', 'ab', '--max-length', '9', '--padding', 'max_length', 'the [MASK]']);
    const j = JSON.parse(out);
    expect(j.tokens).toEqual(['[CLS]', 'the', '[MASK]', '[SEP]', 'a', '##b', '[SEP]', '[PAD]', '[PAD]']);
    expect(j.token_type_ids).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0]);
    const t = JSON.parse((await run(['--model', dir, '--truncation', 'longest_first', '--max-length', '3', '--overflow', 'the cat'])).out);
    expect(t.tokens).toEqual(['[CLS]', 'the', '[SEP]']);
    expect(t.overflowing.map((w: { tokens: string[] }) => w.tokens)).toEqual([['[CLS]', 'cat', '[SEP]']]);
  });

  it('reads and writes JSON lines', async () => {
    const { out } = await run(['--model', dir, '--jsonl'], '{"text": "今天"}\n\n{"text": "the", "pair": "cat"}\n');
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.tokens)).toEqual([['[CLS]', '今', '天', '[SEP]'], ['[CLS]', 'the', '[SEP]', 'cat', '[SEP]']]);
    expect(Object.keys(lines[0])).toEqual(['input_ids', 'token_type_ids', 'attention_mask', 'tokens', 'offsets']);
  });

  it('explains bad input in one line', async () => {
    await expect(run(['--model', dir, '--jsonl'], 'not json\n')).rejects.toThrow(/line 1 is not JSON/);
    await expect(run(['--model', dir, '--jsonl'], '{"txt": 1}\n')).rejects.toThrow(/no string "text"/);
    await expect(run(['a'])).rejects.toThrow(/--model MODEL is required/);
    await expect(run(['--model', dir, '--padding', 'sideways', 'a'])).rejects.toThrow(/--padding/);
    await expect(run(['--model', join(dir, 'nope'), 'a'])).rejects.toThrow(/nope is not a folder and not a model id/);
    expect((await run(['--help'])).out).toMatch(/usage:/);
  });

  it.skipIf(!HAVE_HF)('agrees with HF tokenizers line by line (bert-base-multilingual-cased)', async () => {
    const model = join(HF_DIR, 'bert-base-multilingual-cased');
    const texts = ['Grüße aus Zürich!', 'Он сказал: «Привет».', '東京は日本の首都です。', 'नमस्ते दुनिया', 'سلام دنیا', '', '👍🏽 ok', 'İstanbul'];
    const { out } = await run(['--model', model, '--jsonl'], texts.map((t, i) => JSON.stringify(i % 2 ? { text: t, pair: texts[0] } : { text: t })).join('\n'));
    const { ref } = referenceFor(model);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    for (let i = 0; i < texts.length; i++) {
      const pair = i % 2 ? texts[0] : undefined;
      const f = flatRef(await ref.encode(texts[i], pair ?? null), texts[i], pair, false);
      expect(lines[i]).toEqual({ input_ids: f.ids, token_type_ids: f.typeIds, attention_mask: f.attention, tokens: f.tokens, offsets: f.offsets });
    }
  });
});

// Issue 14's reproductions, one test each: every bad input ends in one
// BertTsError (one line, bounded length), never a TypeError, a hang or a
// silent wrong answer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { safetensorsBytes } from './helpers/safetensors-bytes.ts';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BertTsError, quote } from '../src/errors.ts';
import { parseBertConfig } from '../src/bert/config.ts';
import { BertModel } from '../src/bert/model.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { FORWARD_LIMITS } from '../src/bert/validate-input.ts';
import { parseSafetensors, serializeSafetensors } from '../src/tensor/safetensors.ts';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors-fs.ts';
import { BertTokenizer } from '../src/tokenizer/bert-tokenizer.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { verifyGoldenCase } from '../src/golden/verify.ts';
import { Readable } from 'node:stream';
import { runToExit } from '../src/cli/run.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const MLM = join(FIX, 'masked-lm');

/** fn must throw one BertTsError: one line, at most `max` characters. */
function refuses(fn: () => unknown, pattern?: RegExp, max = 600): BertTsError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a BertTsError').toBeInstanceOf(BertTsError);
  const m = (err as Error).message;
  expect(m).not.toContain('\n');
  expect(m.length).toBeLessThanOrEqual(max);
  if (pattern) expect(m).toMatch(pattern);
  return err as BertTsError;
}

const tmp: string[] = [];
afterEach(() => tmp.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'bert-ts-robust-'));
  tmp.push(d);
  return d;
}
function copyCase(name = 'masked-lm'): string {
  const d = tmpDir();
  cpSync(join(FIX, name), d, { recursive: true });
  return d;
}


describe('quote()', () => {
  it('caps what an error quotes and keeps it on one line', () => {
    expect(quote('abc')).toBe("'abc'");
    expect(quote('a\nb')).toBe('"a\\nb"');
    const long = quote('x'.repeat(3_000_000));
    expect(long.length).toBeLessThan(120);
    expect(long).toMatch(/…\(3000000 chars\)$/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(quote(deep).length).toBeLessThan(100);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => quote(cyclic)).not.toThrow();
  });
});

describe('config.json bounded by the checkpoint', () => {
  const src = readSafetensors(join(MLM, 'model.safetensors'));
  const raw = JSON.parse(readFileSync(join(MLM, 'config.json'), 'utf8'));
  it('num_hidden_layers 1e9 and 1e6 are refused at once, naming what the file holds', () => {
    for (const n of [1e9, 1e6, 3]) {
      const t = performance.now();
      refuses(() => BertModel.fromTensors({ ...raw, num_hidden_layers: n }, src), new RegExp(`asks for ${n} encoder layers, the checkpoint holds 2`));
      expect(performance.now() - t).toBeLessThan(500);
    }
  });
  it('stops at the first incomplete layer and lists a few names, then a count', () => {
    const keep = src.names().filter((n) => !n.startsWith('bert.encoder.layer.0.'));
    const edited = serializeSafetensors(keep.map((name) => ({ name, shape: src.info(name)!.shape, data: src.float32(name) })));
    const e = refuses(() => BertModel.fromTensors(raw, parseSafetensors(edited, 'edited.safetensors')), /16 tensors missing \(layer 0\)/);
    expect(e.message).toMatch(/and 12 more$/);
  });
  it('hidden_act names of Object.prototype are refused, not looked up', () => {
    for (const act of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      refuses(() => parseBertConfig({ ...raw, hidden_act: act }), /hidden_act .* is not supported/);
    }
  });
  it('is_decoder "true" and layer_norm_eps 1e400 are refused; real types pass', () => {
    refuses(() => parseBertConfig({ ...raw, is_decoder: 'true' }), /'is_decoder' must be true or false, found "true"/);
    refuses(() => parseBertConfig(JSON.parse('{"layer_norm_eps": 1e400}')), /layer_norm_eps must be a finite number/);
    refuses(() => parseBertConfig({ ...raw, hidden_size: 24.5 }), /'hidden_size' must be an integer/);
    refuses(() => parseBertConfig({ ...raw, pad_token_id: 'x' }), /pad_token_id/);
    expect(parseBertConfig({ ...raw, is_decoder: false, pad_token_id: null }).padTokenId).toBe(0);
  });
});

describe('safetensors: strict header, bounded messages', () => {
  it('deep nesting (depth 5000, ~10 KB) is a BertTsError, also through the CLI', () => {
    const deep = '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    refuses(() => parseSafetensors(safetensorsBytes(deep), 'deep.safetensors'), /nesting deeper than 128/);
    const nested = '{"w":{"dtype":"F32","shape":' + '['.repeat(5000) + ']'.repeat(5000) + ',"data_offsets":[0,0]}}';
    refuses(() => parseSafetensors(safetensorsBytes(nested), 'deep.safetensors'));
  });
  it('integers written 2.0 or 8e0 are refused, as the Rust reader refuses them', () => {
    const f = (shape: string, offsets = '[0,8]') => safetensorsBytes(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}}`, new Uint8Array(8));
    expect(parseSafetensors(f('[2]'), 'ok').names()).toEqual(['w']);
    refuses(() => parseSafetensors(f('[2.0]'), 'x'), /shape \[2\]/);
    refuses(() => parseSafetensors(f('[2]', '[0,8e0]'), 'x'), /data_offsets/);
    refuses(() => parseSafetensors(f('[2]', '[0.0,8]'), 'x'), /data_offsets/);
  });
  it('duplicate keys are refused', () => {
    const h = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    refuses(() => parseSafetensors(safetensorsBytes(h, new Uint8Array(4)), 'dup.safetensors'), /duplicate key 'w'|duplicate key "w"/);
    refuses(() => parseSafetensors(safetensorsBytes('{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)), 'x'), /duplicate key/);
  });
  it('names and shapes of megabytes are quoted in a few dozen characters', () => {
    const name = 'n'.repeat(3_000_000);
    const e1 = refuses(() => parseSafetensors(safetensorsBytes(`{"${name}":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, new Uint8Array(8)), 'big'));
    expect(e1.message).toMatch(/…\(3000000 chars\)/);
    const shape = '[' + Array(500_000).fill('1').join(',') + ']';
    refuses(() => parseSafetensors(safetensorsBytes(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,8]}}`, new Uint8Array(8)), 'big'), /dims/);
    const dtype = 'F'.repeat(1_000_000);
    refuses(() => parseSafetensors(safetensorsBytes(`{"w":{"dtype":"${dtype}","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)), 'big'), /unknown dtype/);
  });
  it('a FIFO is refused without blocking; a symlink loop is reported as one', () => {
    const d = tmpDir();
    const fifo = join(d, 'model.safetensors');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this system
    }
    refuses(() => readSafetensors(fifo), /is a FIFO \(named pipe\), not a regular file/);
    refuses(() => loadBertModel(d), /config.json|FIFO/);
    symlinkSync(join(d, 'b'), join(d, 'a'));
    symlinkSync(join(d, 'a'), join(d, 'b'));
    refuses(() => readSafetensors(join(d, 'a')), /symlink loop/);
    refuses(() => readSafetensors(join(d, 'b')), /symlink loop/);
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling'));
    refuses(() => readSafetensors(join(d, 'dangling')), /dangling symlink/);
  });
});

describe('tokenizer files: typed errors', () => {
  const vocab = readFileSync(join(MLM, 'vocab.txt'), 'utf8').split('\n').filter((l) => l !== '');
  const base = () => ({
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [vocab.indexOf('[CLS]')], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [vocab.indexOf('[SEP]')], tokens: ['[SEP]'] } },
    },
    added_tokens: [{ id: 0, content: '[PAD]', special: true }],
  });
  const load = (edit: (j: ReturnType<typeof base> & Record<string, unknown>) => void) => {
    const j = base() as ReturnType<typeof base> & Record<string, unknown>;
    edit(j);
    return BertTokenizer.fromTokenizerJson(JSON.stringify(j), { file: 'tok.json' });
  };
  it('the base file loads', () => {
    expect(load(() => {}).encode('hello').inputIds[0]).toBe(vocab.indexOf('[CLS]'));
  });
  it('the six TypeErrors of the issue are BertTsErrors', () => {
    refuses(() => load((j) => void (j.added_tokens = { a: 1 } as never)), /added_tokens must be an array/);
    refuses(() => load((j) => void (j.added_tokens = [null] as never)), /added_tokens\[0\] must be an object/);
    refuses(() => load((j) => void delete (j.post_processor.special_tokens['[CLS]'] as Record<string, unknown>).ids), /ids must be an array/);
    refuses(() => load((j) => void (j.post_processor.single = 'x' as never)), /post_processor.single must be an array/);
    refuses(() => load((j) => void (j.post_processor.single = [null] as never)), /post_processor.single\[0\] must be an object/);
    refuses(() => load((j) => void (j.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 3] } as never)), /post_processor.cls must be a \[token, id\] pair/);
  });
  it('lax values are refused: max_input_chars_per_word "abc" / -1, added-token id "x", vocab id 2^32', () => {
    refuses(() => load((j) => void (j.model.max_input_chars_per_word = 'abc' as never)), /max_input_chars_per_word must be an integer/);
    refuses(() => load((j) => void (j.model.max_input_chars_per_word = -1)), /max_input_chars_per_word/);
    refuses(() => load((j) => void (j.added_tokens[0].id = 'x' as never)), /added_tokens\[0\].id/);
    refuses(() => load((j) => void (j.model.vocab['[PAD]'] = 2 ** 32)), /beyond the/);
    refuses(() => load((j) => void (j.model.vocab['[PAD]'] = 1)), /share id 1/);
    refuses(() => load((j) => void (j.normalizer.lowercase = 'false' as never)), /normalizer.lowercase must be true or false/);
  });
  it('tokenizer_config.json do_lower_case "false" is refused; a vocab.txt folder is one line', () => {
    const d = tmpDir();
    writeFileSync(join(d, 'vocab.txt'), vocab.join('\n') + '\n');
    writeFileSync(join(d, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: 'false' }));
    refuses(() => loadTokenizer(d), /do_lower_case must be true or false, found "false"/);
    writeFileSync(join(d, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false }));
    expect(loadTokenizer(d).encode('Hello').tokens).toBeDefined();
    writeFileSync(join(d, 'tokenizer_config.json'), JSON.stringify({ added_tokens_decoder: { x: { content: 'y' } } }));
    refuses(() => loadTokenizer(d), /added_tokens_decoder/);
    writeFileSync(join(d, 'tokenizer_config.json'), '[1]');
    refuses(() => loadTokenizer(d), /must be a JSON object/);
    rmSync(join(d, 'tokenizer_config.json'));
    rmSync(join(d, 'vocab.txt'));
    mkdirSync(join(d, 'vocab.txt'));
    refuses(() => loadTokenizer(d), /vocab.txt: is a folder/);
  });
});

describe('forward: every option checked before the first kernel', () => {
  const model = loadBertModel(MLM);
  const input = { inputIds: [[2, 5, 3]] };
  it('undefined input, mlm {}, positions [null] and "abc" are BertTsErrors, and no RunState was made', () => {
    const fresh = loadBertModel(MLM);
    refuses(() => fresh.forward(undefined as never), /the input must be an object/);
    refuses(() => fresh.forward(input, { mlm: {} as never }), /mlm.positions must be an array/);
    refuses(() => fresh.forward(input, { mlm: { positions: [null] } as never }), /mlm.positions\[0\] must be a \[b, s\] pair/);
    refuses(() => fresh.forward(input, { mlm: { positions: 'abc' } as never }), /mlm.positions must be an array/);
    refuses(() => fresh.forward(input, { mlm: { positions: [[0, 9]] } }), /outside the input's \[1, 3\]/);
    refuses(() => fresh.forward(input, { outputAttentions: 'yes' as never }), /outputAttentions must be true or false/);
    refuses(() => fresh.forward(input, null as never), /options must be an object/);
    refuses(() => fresh.forward(input, { nsp: true }), /no next-sentence head/);
    refuses(() => fresh.forward({ inputIds: 'abc' as never }), /inputIds must be/);
    expect((fresh as unknown as { state: unknown }).state).toBeNull(); // nothing ran
  });
  it('work whose buffers exceed FORWARD_LIMITS is refused with the size it needs; the limit can be changed', () => {
    const saved = FORWARD_LIMITS.maxBytes;
    try {
      FORWARD_LIMITS.maxBytes = 1024;
      refuses(() => model.forward(input), /needs .* of buffers, above the .* limit/);
    } finally {
      FORWARD_LIMITS.maxBytes = saved;
    }
    const sparse: number[][] = [];
    sparse[0] = sparse[1e8 - 1] = [2, 5, 3]; // B = 10⁸ rows: refused by size before the rows are walked
    refuses(() => model.forward({ inputIds: sparse }), /\[100000000, 3\] needs .* GiB of buffers/);
    expect(model.forward(input, { mlm: { positions: [[0, 1]] } }).mlmLogits!.shape).toEqual([1, 200]);
  });
  it('an all-zero attention-mask row gives uniform attention, as in HF', () => {
    const out = model.forward({ inputIds: [[2, 5, 3, 7]], attentionMask: [[0, 0, 0, 0]] }, { outputAttentions: true });
    for (const p of out.attentions!.data) expect(p).toBeCloseTo(0.25, 6);
  });
});

describe('golden verify cannot pass with nothing compared', () => {
  it('an all-zero mask with wrong per-token values is NOT OK, each tensor reporting 0 compared', () => {
    const d = copyCase();
    const inputs = JSON.parse(readFileSync(join(d, 'inputs.json'), 'utf8'));
    inputs.attention_mask = inputs.attention_mask.map((r: number[]) => r.map(() => 0));
    writeFileSync(join(d, 'inputs.json'), JSON.stringify(inputs));
    const g = readSafetensors(join(d, 'golden.safetensors'));
    const tensors = g.names().map((name) => ({ name, shape: g.info(name)!.shape, data: g.float32(name).map((v) => v + 1) }));
    writeSafetensors(join(d, 'golden.safetensors'), tensors.filter((t) => t.name !== 'embeddings'));
    const r = verifyGoldenCase(d);
    expect(r.ok).toBe(false);
    const lhs = r.tensors.find((t) => t.name === 'last_hidden_state')!;
    expect(lhs.compared).toBe(0);
    expect(lhs.ok).toBe(false);
    expect(r.tensors.find((t) => t.name === 'embeddings')!.problem).toMatch(/missing from golden.safetensors/);
  });
  it('a case missing a tensor the model produces is NOT OK unless allowMissing', () => {
    const d = copyCase();
    const g = readSafetensors(join(d, 'golden.safetensors'));
    writeSafetensors(join(d, 'golden.safetensors'), g.names().filter((n) => n !== 'mlm_logits').map((name) => ({ name, shape: g.info(name)!.shape, data: g.float32(name) })));
    expect(verifyGoldenCase(d).ok).toBe(false);
    expect(verifyGoldenCase(d, undefined, undefined, { allowMissing: true }).ok).toBe(true);
    expect(verifyGoldenCase(MLM).tensors.every((t) => t.compared > 0)).toBe(true);
  });
});

describe('CLI: one line, exit 2, never 70 with a stack', () => {
  async function cli(args: string[]): Promise<{ code: number; err: string }> {
    const lines: string[] = [];
    const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
    const o = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const io = { stdin: Readable.from([]), stdout: { write: () => true }, stderr: { write: (x: string) => void lines.push(...x.split('\n').filter((l) => l !== '')) } };
      return { code: await runToExit(args, io), err: lines.join('\n') };
    } finally {
      e.mockRestore();
      o.mockRestore();
    }
  }
  it('golden record --out /dev/full is one line (ENOSPC)', async () => {
    if (!existsSync('/dev/full')) return;
    const r = await cli(['golden', 'record', '--model', MLM, '--inputs', join(MLM, 'inputs.json'), '--out', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bert-ts: error: \/dev\/full: cannot write \(no space left on the device\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it('forward --batch 1e9 is refused at once with the size it needs', async () => {
    const t = performance.now();
    const r = await cli(['forward', '--model', MLM, '--batch', '1e9', '--seq', '4']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs .* GiB of buffers/);
    expect(performance.now() - t).toBeLessThan(5000);
  });
  it('a deep-nesting safetensors header through the CLI', async () => {
    const d = copyCase();
    writeFileSync(join(d, 'model.safetensors'), safetensorsBytes('{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}'));
    const r = await cli(['golden', 'verify', d]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nesting deeper than 128 levels/);
  });
  it('a command named like an Object.prototype key is unknown', async () => {
    for (const c of ['constructor', 'toString', '__proto__']) expect((await cli([c])).code).toBe(2);
  });
});

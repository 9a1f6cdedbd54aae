// What a new user trips on, in the library: options that are wrong are refused
// by name (not silently replaced by defaults), inputs longer than the model's
// limit are reported (not silently cut), a [MASK] past the limit gets its own
// message, and fill-mask targets that are not one token warn as Python does.
import { describe, expect, it, vi } from 'vitest';
import { join, resolve } from 'node:path';
import { loadPipelineFolder as loadPipeline } from '../src/pipelines/load.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { loadModel, loadPipeline as loadPipelineAsync, loadTokenizer } from '../src/load/node.ts';
import { checkOptions, nearest } from '../src/options.ts';
import { BertTsError } from '../src/errors.ts';
import { expectError } from './helpers/expect-error.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIX = join(ROOT, 'test', 'fixtures', 'golden');
const EN = join(ROOT, 'weights', 'en');
const en = loadPipeline(EN);
const long = (n: number) => Array.from({ length: n }, (_, i) => ['the', 'cat', 'sat', 'on', 'a', 'mat'][i % 6]).join(' ');

async function rejects(p: Promise<unknown>, ...patterns: (RegExp | string)[]): Promise<void> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expectError(() => { throw e; }, ...patterns);
}

describe('unknown option keys are one BertTsError naming the valid keys and the nearest', () => {
  it('fillMask: top_k and topk → topK', () => {
    for (const key of ['top_k', 'topk', 'TopK']) {
      const e = expectError(() => en.fillMask('Paris is the [MASK] of France.', { [key]: 1 } as never), `fillMask: unknown option '${key}'; did you mean topK?`);
      expect(e.hint).toMatch(/^valid options: topK, targets, batchSize/);
    }
  });
  it('embed: normalise → normalize; a key far from any gives no guess', () => {
    expectError(() => en.embed('hello', { normalise: true } as never), "embed: unknown option 'normalise'; did you mean normalize?");
    const e = expectError(() => en.embed('hello', { frobnicate: 1 } as never), "embed: unknown option 'frobnicate'");
    expect(e.message).not.toContain('did you mean');
    expect(e.hint).toContain('pooling, normalize, batchSize');
  });
  it('classify, ner, answer, nextSentence', () => {
    const cls = loadPipeline(join(FIX, 'seqcls-single'));
    expectError(() => cls.classify('w1 w2', { top_k: 2 } as never), "classify: unknown option 'top_k'; did you mean topK?");
    expectError(() => cls.classify('w1 w2', { function_to_apply: 'sigmoid' } as never), 'did you mean functionToApply?');
    const tok = loadPipeline(join(FIX, 'tokcls'));
    expectError(() => tok.ner('w1 w2', { aggregation_strategy: 'simple' } as never), "ner: unknown option 'aggregation_strategy'");
    expectError(() => tok.ner('w1 w2', { ignore_labels: [] } as never), 'did you mean ignoreLabels?');
    const qa = loadPipeline(join(FIX, 'qa'));
    expectError(() => qa.answer({ question: 'w1', context: 'w2 w3' }, { top_k: 2 } as never), "answer: unknown option 'top_k'; did you mean topK?");
    expectError(() => qa.answer({ question: 'w1', context: 'w2 w3' }, { handle_impossible_answer: true } as never), 'did you mean handleImpossibleAnswer?');
    expectError(() => en.nextSentence('a', 'b', { ontruncate: () => {} } as never), 'nextSentence: unknown option', 'did you mean onTruncate?');
  });
  it('options that are not an object', () => {
    expectError(() => en.fillMask('a [MASK].', 3 as never), 'fillMask: options must be an object, got 3');
    expectError(() => en.embed('a', [] as never), 'embed: options must be an object');
  });
  it('the loaders: loadPipeline, loadBertModel, loadModel, loadTokenizer, encode', async () => {
    expectError(() => loadPipeline(EN, { architectures: 'BertModel' } as never), "loadPipelineFolder: unknown option 'architectures'; did you mean architecture?");
    await rejects(loadPipelineAsync(EN, { dtypes: 'q8' } as never), "loadPipeline: unknown option 'dtypes'; did you mean dtype?");
    expectError(() => loadBertModel(EN, { onUnusedTensor: () => {} } as never), 'loadBertModel', 'did you mean onUnusedTensors?');
    await rejects(loadModel(EN, { local_files_only: true } as never), "loadModel: unknown option 'local_files_only'; did you mean localFilesOnly?");
    await rejects(loadTokenizer(EN, { cache_dir: '/tmp' } as never), "loadTokenizer: unknown option 'cache_dir'; did you mean cacheDir?");
    expectError(() => en.tokenizer.encode('a', undefined, { max_length: 3 } as never), "encode: unknown option 'max_length'; did you mean maxLength?");
    // the right keys still work
    expect((await loadModel(EN, { localFilesOnly: true, architecture: 'BertModel' })).architecture).toBe('BertModel');
  });
  it('nearest: case, _ and - ignored, then at most a third of the letters wrong', () => {
    expect(nearest('TOP-K', ['topK', 'targets'])).toBe('topK');
    expect(nearest('normalise', ['pooling', 'normalize'])).toBe('normalize');
    expect(nearest('x', ['topK'])).toBeUndefined();
    expect(() => checkOptions('f', { a: 1 }, ['a'])).not.toThrow();
    expect(() => checkOptions('f', undefined, ['a'])).not.toThrow();
    expect(() => checkOptions('f', { ['x'.repeat(10_000)]: 1 }, ['a'])).toThrow(BertTsError); // a huge key: quoted and cut
  });
});

describe('truncation is reported, never silent', () => {
  // weights/en: 64 positions, while its tokenizer_config says model_max_length 128
  it('the limit is min(max_position_embeddings, model_max_length)', () => {
    expect(en.model.config.maxPositionEmbeddings).toBe(64);
    expect(en.tokenizer.modelMaxLength).toBe(128);
  });
  it('classify, embed, ner and fillMask results of a cut input say truncated: true; onTruncate hears each', () => {
    const seen: unknown[] = [];
    const onTruncate = (t: unknown) => void seen.push(t);
    const [shortV, longV] = en.embed(['a short text', long(100)], { onTruncate });
    expect(shortV.truncated).toBeUndefined();
    expect(longV.truncated).toBe(true);
    expect(JSON.stringify(longV)).toMatch(/^\[[-\d.e,]+\]$/); // JSON keeps transformers' shape
    expect(seen).toEqual([{ index: 1, tokens: 102, limit: 64 }]);

    const fill = en.fillMask(`The [MASK] ${long(100)}`);
    expect(fill.truncated).toBe(true);
    expect(fill[0].score).toBeGreaterThan(0);
    expect(en.fillMask('The [MASK] sat.').truncated).toBeUndefined();

    const cls = loadPipeline(join(FIX, 'seqcls-single')); // 16 positions
    const r = cls.classify(['w1 w2', Array(30).fill('w3').join(' ')]);
    expect(r.map((x) => x.truncated)).toEqual([undefined, true]);
    const tok = loadPipeline(join(FIX, 'tokcls'));
    expect(tok.ner(Array(40).fill('w7').join(' ')).truncated).toBe(true);

    const pairs: unknown[] = [];
    en.nextSentence(long(50), long(50), { onTruncate: (t) => void pairs.push(t) });
    expect(pairs).toEqual([{ index: 0, tokens: 103, limit: 64 }]);
  });
  it('exactly at the limit is not truncated', () => {
    const text = long(62); // + [CLS] [SEP] = 64
    expect(en.tokenizer.encode(text).inputIds).toHaveLength(64);
    expect(en.embed(text).truncated).toBeUndefined();
  });
  it('a [MASK] past the limit: the message says where it is and what the limit is', () => {
    expectError(() => en.fillMask(`${long(80)} [MASK].`), /^fillMask: the \[MASK\] at token 82 of input '.*'(…\(\d+ chars\))? is past the model's limit of 64 tokens \(the text has 84\)$/);
    // one of two masks cut: also refused (its result would be missing)
    expectError(() => en.fillMask(`The [MASK] ${long(80)} [MASK].`), "past the model's limit of 64 tokens");
    // no mask at all is still its own message
    expectError(() => en.fillMask(long(80)), 'fillMask: no mask token ([MASK])');
  });
});

describe('question answering: the context is cut into windows, the question never', () => {
  it('a question too long for maxSeqLength is one error saying so', () => {
    const qa = loadPipeline(join(FIX, 'qa')); // 24 positions
    expectError(() => qa.answer({ question: Array(40).fill('w3').join(' '), context: 'w1 w2' }), 'answer: the question has 40 tokens; with [CLS], two [SEP] and the context it does not fit in maxSeqLength 24');
    const r = qa.answer({ question: 'w3 w4', context: Array(60).fill('w1').join(' ') }); // a long context is windowed, not cut
    expect(Array.isArray(r) ? r : [r]).toHaveLength(1);
  });
});

describe('fill-mask targets that are not one token warn, as Python does', () => {
  it('zzzqqq and "new york" are replaced by their first token, with a warning each', () => {
    const warnings: string[] = [];
    const r = en.fillMask('I live in [MASK].', { targets: ['paris', 'zzzqqq', 'new york'], onWarning: (m) => void warnings.push(m) });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^fillMask: target 'zzzqqq' is not a single token; using '\S+'$/);
    expect(warnings[1]).toBe("fillMask: target 'new york' is not a single token; using 'new'");
    expect(r.map((c) => c.token_str).sort()).toContain('new');
  });
  it('without onWarning the warning goes to console.warn; vocabulary words give none', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      en.fillMask('I live in [MASK].', { targets: ['paris', 'london'] });
      expect(warn).not.toHaveBeenCalled();
      en.fillMask('I live in [MASK].', { targets: 'new york' });
      expect(warn).toHaveBeenCalledWith("fillMask: target 'new york' is not a single token; using 'new'");
    } finally {
      warn.mockRestore();
    }
  });
});

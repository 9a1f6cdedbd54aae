// Pipelines: numbers against the PyTorch golden outputs of the fixtures,
// post-processing rules on hand-built logits (each names its transformers
// source), and batches equal to one call per input.
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSafetensors } from '../src/tensor/safetensors-fs.ts';
import { loadPipelineFolder as loadPipeline, readEmbedDefaults } from '../src/pipelines/load.ts';
import { softmax, sigmoid, topK, argmax } from '../src/pipelines/scores.ts';
import { labelScores, scoreFunctionFor } from '../src/pipelines/classify.ts';
import { postprocessEntities, getTag, type PreEntity } from '../src/pipelines/ner.ts';
import { selectStartsEnds } from '../src/pipelines/question-answering.ts';
import { cosineSimilarity } from '../src/pipelines/embed.ts';
import { inBatches } from '../src/pipelines/batching.ts';
import { toModelInput } from '../src/pipelines/model-input.ts';
import { sentenceTransformersDefaults } from '../src/pipelines/sentence-transformers.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const MINILM = resolve(import.meta.dirname, '..', '..', 'shared', 'hf', 'all-MiniLM-L6-v2');

/** A fixture row's ids as text: the placeholder vocabulary's words (w0 = id 5), [MASK] kept. */
function rowText(dir: string, row: number, from = 1, to?: number): string {
  const ids: number[] = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')).input_ids[row];
  const end = to ?? ids.indexOf(3, from);
  return ids.slice(from, end).map((id) => (id === 4 ? '[MASK]' : `w${id - 5}`)).join(' ');
}
const golden = (dir: string, name: string) => readSafetensors(join(dir, 'golden.safetensors')).float32(name);
const close = (a: number, b: number, tol = 2e-6) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('scores (text_classification.py softmax / sigmoid)', () => {
  it('softmax subtracts the max; sigmoid; topK and argmax keep the lower index on ties', () => {
    const s = softmax([1000, 1000, 999]);
    close(s[0], 1 / (2 + Math.exp(-1)));
    expect(sigmoid(0)).toBe(0.5);
    expect(topK([1, 3, 3, 2], 3)).toEqual([1, 2, 3]);
    expect(topK([5, 1, 4], 10)).toEqual([0, 2, 1]);
    expect(argmax([1, 7, 7])).toBe(1);
  });
});

describe('batching', () => {
  it('sorts by length inside a call and returns results in the caller order', () => {
    const seen: number[][] = [];
    const out = inBatches(['ccc', 'a', 'bb', 'dddd', 'e'], (s) => s.length, 2, (batch) => {
      seen.push(batch.map((s) => s.length));
      return batch.map((s) => s.toUpperCase());
    });
    expect(out).toEqual(['CCC', 'A', 'BB', 'DDDD', 'E']);
    expect(seen).toEqual([[1, 1], [2, 3], [4]]);
  });
  it('toModelInput pads the tokenizer output to the longest row', () => {
    const input = toModelInput([{ inputIds: [2, 9, 3], attentionMask: [1, 1, 1], tokenTypeIds: [0, 0, 0] }, { inputIds: [2, 3], attentionMask: [1, 1], tokenTypeIds: [0, 0] }], 0);
    expect(input).toEqual({ inputIds: [[2, 9, 3], [2, 3, 0]], attentionMask: [[1, 1, 1], [1, 1, 0]], tokenTypeIds: [[0, 0, 0], [0, 0, 0]] });
  });
});

describe('fill-mask (fill_mask.py)', () => {
  const dir = join(FIX, 'masked-lm');
  const nlp = loadPipeline(dir);
  it('scores are the softmax of PyTorch mlm_logits at the mask, over the whole vocabulary', () => {
    // row 1 of the case: [CLS] w185 w140 w110 [MASK] w85 w23 [SEP], mask at position 4
    const text = rowText(dir, 1);
    const V = 200, S = 12;
    const ref = softmax(golden(dir, 'mlm_logits').subarray((1 * S + 4) * V, (1 * S + 5) * V));
    const out = nlp.fillMask(text, { topK: 3 }) as { score: number; token: number; token_str: string; sequence: string }[];
    expect(out).toHaveLength(3);
    expect(out.map((c) => c.token)).toEqual(topK(ref, 3));
    out.forEach((c) => close(c.score, ref[c.token], 1e-5));
    // sequence: the mask replaced, special tokens skipped (single mask); token_str = decode([token])
    expect(out[0].sequence).toBe(text.replace('[MASK]', out[0].token_str));
    expect(Object.keys(out[0])).toEqual(['score', 'token', 'token_str', 'sequence']);
  });
  it('targets restrict the candidates without renormalising; topK is capped at their number', () => {
    const text = rowText(dir, 1);
    const all = nlp.fillMask(text, { topK: 200 }) as { score: number; token: number }[];
    const byToken = new Map(all.map((c) => [c.token, c.score]));
    const out = nlp.fillMask(text, { targets: ['w7', 'w30', 'w7', 'zzz-not-a-word'], topK: 5 }) as { score: number; token: number }[];
    // zzz-not-a-word → its first token ([UNK] id 1) is used, as get_target_ids does
    expect(out.map((c) => c.token).sort()).toEqual([1, 12, 35]);
    for (const c of out) expect(c.score).toBe(byToken.get(c.token));
    expect(out.reduce((a, c) => a + c.score, 0)).toBeLessThan(1);
  });
  it('several masks give a list per mask, the other [MASK] kept in the sequence', () => {
    const out = nlp.fillMask('w1 [MASK] w2 [MASK]', { topK: 2 }) as { sequence: string; token_str: string }[][];
    expect(out).toHaveLength(2);
    expect(out[0]).toHaveLength(2);
    expect(out[0][0].sequence).toBe(`[CLS] w1 ${out[0][0].token_str} w2 [MASK] [SEP]`);
    expect(out[1][0].sequence).toBe(`[CLS] w1 [MASK] w2 ${out[1][0].token_str} [SEP]`);
  });
  it('no mask is an error; a batch equals one call per text', () => {
    expect(() => nlp.fillMask('w1 w2')).toThrow(/no mask token/);
    const texts = ['w1 [MASK]', 'w3 w4 w5 w6 w7 [MASK] w8 w9', 'w10 [MASK] w11 [MASK] w12', '[MASK]'];
    const batch = nlp.fillMask(texts, { batchSize: 3 });
    texts.forEach((t, i) => {
      const one = nlp.fillMask(t);
      expect(JSON.stringify(batch[i], (k, v) => (k === 'score' ? undefined : v))).toBe(JSON.stringify(one, (k, v) => (k === 'score' ? undefined : v)));
      const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [(x as { score: number }).score]);
      flat(batch[i]).forEach((s, j) => close(s, flat(one)[j], 1e-5));
    });
  });
});

describe('embed (sentence-transformers Pooling / Normalize)', () => {
  const dir = join(FIX, 'st-layout');
  const nlp = loadPipeline(dir);
  const H = 32, S = 20;
  it('mean pooling is the masked mean of PyTorch last_hidden_state; padding never enters', () => {
    // row 1 has 13 real tokens and 7 of padding
    const h = golden(dir, 'last_hidden_state');
    const v = nlp.embed(rowText(dir, 1), { pooling: 'mean' });
    for (let i = 0; i < H; i++) {
      let sum = 0;
      for (let s = 0; s < 13; s++) sum += h[(1 * S + s) * H + i];
      close(v[i], sum / 13, 1e-5);
    }
    const cls = nlp.embed(rowText(dir, 1), { pooling: 'cls' });
    for (let i = 0; i < H; i++) close(cls[i], h[(1 * S) * H + i], 1e-5);
    const max = nlp.embed(rowText(dir, 1), { pooling: 'max' });
    for (let i = 0; i < H; i++) close(max[i], Math.max(...Array.from({ length: 13 }, (_, s) => h[(1 * S + s) * H + i])), 1e-5);
    const unit = nlp.embed(rowText(dir, 1), { normalize: true });
    close(Math.hypot(...unit), 1, 1e-6);
    close(cosineSimilarity(unit, v), 1, 1e-6);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
  });
  it('a batch (padded, sorted by length) equals one call per text', () => {
    const texts = [rowText(dir, 1), 'w3', rowText(dir, 0, 1, 5), 'w9 w10 w11'];
    for (const pooling of ['mean', 'cls', 'max'] as const) {
      const batch = nlp.embed(texts, { pooling, batchSize: 3 });
      texts.forEach((t, i) => nlp.embed(t, { pooling }).forEach((x, j) => close(batch[i][j], x, 1e-5)));
    }
  });
  it('reads the defaults of a sentence-transformers folder', () => {
    const files: Record<string, unknown> = {
      'modules.json': [{ path: '', type: 'sentence_transformers.models.Transformer' }, { path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }, { path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }],
      '1_Pooling/config.json': { pooling_mode_cls_token: true, pooling_mode_mean_tokens: false },
      'sentence_bert_config.json': { max_seq_length: 128, do_lower_case: false },
    };
    expect(sentenceTransformersDefaults((p) => files[p])).toEqual({ pooling: 'cls', normalize: true, maxSeqLength: 128 });
    expect(sentenceTransformersDefaults(() => undefined)).toBeUndefined();
    const dense = [...(files['modules.json'] as object[]), { path: '3_Dense', type: 'sentence_transformers.models.Dense' }];
    expect(() => sentenceTransformersDefaults((p) => (p === 'modules.json' ? dense : files[p]))).toThrow(/module 'sentence_transformers.models.Dense' is not supported/);
    files['1_Pooling/config.json'] = { pooling_mode_mean_sqrt_len_tokens: true };
    expect(() => sentenceTransformersDefaults((p) => files[p])).toThrow(/not supported/);
  });
  it('loads the old sentence-transformers layout (the BERT in 0_BERT/, cls pooling)', () => {
    const root = mkdtempSync(join(tmpdir(), 'bert-ts-st-'));
    mkdirSync(join(root, '0_BERT'));
    mkdirSync(join(root, '1_Pooling'));
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) copyFileSync(join(dir, f), join(root, '0_BERT', f));
    writeFileSync(join(root, 'modules.json'), JSON.stringify([{ path: '0_BERT', type: 'sentence_transformers.models.BERT' }, { path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]));
    writeFileSync(join(root, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true }));
    writeFileSync(join(root, '0_BERT', 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 3 }));
    const st = loadPipeline(root);
    expect(st.embedDefaults).toEqual({ pooling: 'cls', normalize: false, maxSeqLength: 3 });
    // cls pooling, and truncation to 3 tokens: [CLS] w1 [SEP]
    const cut = st.embed('w1 w2 w3 w4');
    expect([...cut]).toEqual(nlp.embed('w1', { pooling: 'cls' }));
    expect(cut.truncated).toBe(true); // and it says so
  });
  it.skipIf(!existsSync(MINILM))('all-MiniLM-L6-v2: mean pooling, normalized, 256 tokens', () => {
    expect(readEmbedDefaults(MINILM)).toEqual({ pooling: 'mean', normalize: true, maxSeqLength: 256 });
  });
});

describe('classify (text_classification.py)', () => {
  it('function_to_apply from problem_type / num_labels; labels sorted, cut to topK', () => {
    expect(scoreFunctionFor('multi_label_classification', 4)).toBe('sigmoid');
    expect(scoreFunctionFor(undefined, 1)).toBe('sigmoid');
    expect(scoreFunctionFor('single_label_classification', 3)).toBe('softmax');
    expect(scoreFunctionFor(undefined, 2)).toBe('softmax');
    expect(scoreFunctionFor('regression', 1)).toBe('none');
    const labels = ['neg', 'pos', 'mid'];
    const soft = labelScores([0, 2, 1], labels, 'softmax', 2);
    expect(soft.map((x) => x.label)).toEqual(['pos', 'mid']);
    close(soft[0].score, Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)));
    expect(labelScores([0, 2, 1], labels, 'sigmoid', 1)[0].score).toBeCloseTo(sigmoid(2), 12);
    expect(labelScores([-3.5], ['LABEL_0'], 'none', 1)).toEqual([{ label: 'LABEL_0', score: -3.5 }]);
  });
  it('on the fixtures: softmax / sigmoid / raw of PyTorch logits; batch = one by one', () => {
    for (const [name, fn, N] of [['seqcls-single', softmax, 3], ['seqcls-multi', (l: number[]) => l.map(sigmoid), 4], ['seqcls-regression', (l: number[]) => l, 1]] as const) {
      const dir = join(FIX, name);
      const nlp = loadPipeline(dir);
      const ref = fn(Array.from(golden(dir, 'logits').subarray(N, 2 * N)));
      const out = nlp.classify(rowText(dir, 1), { topK: N });
      expect(out).toHaveLength(N);
      for (const { label, score } of out) close(score, ref[nlp.model.labels.id2label.indexOf(label)], 1e-5);
      const texts = ['w1 w2 w3', rowText(dir, 1), 'w4'];
      const batch = nlp.classify(texts, { topK: 2 });
      texts.forEach((t, i) => nlp.classify(t, { topK: 2 }).forEach((x, j) => {
        expect(batch[i][j].label).toBe(x.label);
        close(batch[i][j].score, x.score, 1e-5);
      }));
    }
    expect(() => loadPipeline(join(FIX, 'st-layout')).classify('w1')).toThrow(/no sequence-classification head/);
  });
});

describe('ner (token_classification.py)', () => {
  const id2label = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG'];
  const one = (i: number, p = 0.9) => id2label.map((_, k) => (k === i ? p : (1 - p) / 4));
  // "Enzo works at Hugging Face": En ##zo works at Hu ##gging Face
  const text = 'Enzo works at Hugging Face';
  const pre: PreEntity[] = [
    { word: 'En', scores: one(1), start: 0, end: 2, index: 1, isSubword: false },
    { word: '##zo', scores: one(3, 0.6), start: 2, end: 4, index: 2, isSubword: true },
    { word: 'works', scores: one(0), start: 5, end: 10, index: 3, isSubword: false },
    { word: 'at', scores: one(0), start: 11, end: 13, index: 4, isSubword: false },
    { word: 'Hu', scores: one(3, 0.7), start: 14, end: 16, index: 5, isSubword: false },
    { word: '##gging', scores: one(4, 0.8), start: 16, end: 21, index: 6, isSubword: true },
    { word: 'Face', scores: one(3, 0.5), start: 22, end: 26, index: 7, isSubword: false },
  ];
  const join2 = (t: string[]) => t.join(' ').replaceAll(' ##', '');
  it('none: one entity per token, O ignored (aggregate, ignore_labels default)', () => {
    const out = postprocessEntities(pre, id2label, 'none', ['O'], join2);
    expect(out.map((e) => ('entity' in e ? [e.entity, e.word, e.index] : []))).toEqual([['B-PER', 'En', 1], ['B-ORG', '##zo', 2], ['B-ORG', 'Hu', 5], ['I-ORG', '##gging', 6], ['B-ORG', 'Face', 7]]);
  });
  it('simple: B-/I- grouping (group_entities, get_tag): a B- starts a new group', () => {
    const out = postprocessEntities(pre, id2label, 'simple', ['O'], join2);
    expect(out.map((e) => ('entity_group' in e ? [e.entity_group, e.word, text.slice(e.start, e.end)] : []))).toEqual([
      ['PER', 'En', 'En'],
      ['ORG', '##zo', 'zo'], // convert_tokens_to_string keeps a leading ##
      ['ORG', 'Hugging', 'Hugging'],
      ['ORG', 'Face', 'Face'],
    ]);
    const g = out[2] as { score: number };
    close(g.score, (0.7 + 0.8) / 2);
  });
  it('first / max / average fuse subwords into words (aggregate_words, aggregate_word)', () => {
    const words = (a: 'first' | 'max' | 'average') => postprocessEntities(pre, id2label, a, [], join2).map((e) => ('entity_group' in e ? `${e.entity_group}:${e.word}` : ''));
    expect(words('first')).toEqual(['PER:Enzo', 'O:works at', 'ORG:Hugging', 'ORG:Face']);
    // max: the token with the highest score decides (Enzo: En .9 → B-PER; Hugging: ##gging .8 → I-ORG)
    expect(words('max')).toEqual(['PER:Enzo', 'O:works at', 'ORG:Hugging', 'ORG:Face']);
    // average over Hu (B-ORG .7, others .075) and ##gging (I-ORG .8, others .05):
    // I-ORG (.075 + .8) / 2 beats B-ORG (.7 + .05) / 2; Face is B-ORG, so it starts a new group
    const avg = postprocessEntities(pre, id2label, 'average', ['O'], join2);
    expect(avg.map((e) => ('entity_group' in e ? `${e.entity_group}:${e.word}:${e.start}-${e.end}` : ''))).toEqual(['PER:Enzo:0-4', 'ORG:Hugging:14-21', 'ORG:Face:22-26']);
    close((avg[1] as { score: number }).score, (0.075 + 0.8) / 2, 1e-9);
    expect(getTag('B-LOC')).toEqual(['B', 'LOC']);
    expect(getTag('MISC')).toEqual(['I', 'MISC']);
  });
  it('on the fixture: token scores are the softmax of PyTorch logits; a batch equals one by one', () => {
    const dir = join(FIX, 'tokcls');
    const nlp = loadPipeline(dir);
    const text = rowText(dir, 1);
    const out = nlp.ner(text, { ignoreLabels: [] }) as { entity: string; score: number; index: number }[];
    const N = 5, S = 13;
    const logits = golden(dir, 'logits');
    expect(out).toHaveLength(text.split(' ').length);
    for (const e of out) {
      const p = softmax(logits.subarray((1 * S + e.index) * N, (1 * S + e.index + 1) * N));
      expect(e.entity).toBe(nlp.model.labels.id2label[argmax(p)]);
      close(e.score, Math.max(...p), 1e-5);
    }
    const texts = [text, 'w1', 'w2 w3 w4 w5'];
    const batch = nlp.ner(texts, { aggregation: 'simple', ignoreLabels: [] });
    texts.forEach((t, i) => expect(JSON.stringify(batch[i], (k, v) => (k === 'score' ? Math.round(v * 1e4) : v))).toBe(JSON.stringify(nlp.ner(t, { aggregation: 'simple', ignoreLabels: [] }), (k, v) => (k === 'score' ? Math.round(v * 1e4) : v))));
  });
});

describe('question answering (question_answering.py)', () => {
  // tokens: [CLS] q q [SEP] c c c c [SEP] [PAD]
  const desired = [true, false, false, false, true, true, true, true, false, false];
  it('only context tokens count; end ≥ start; the best span is argmax p_start·p_end (select_starts_ends, decode_spans)', () => {
    // the question token 1 has the largest logits: masked to −10000, never chosen
    const start = [0, 9, 0, 0, 1, 3, 0, 0, 0, 5];
    const end = [0, 9, 0, 0, 0, 0, 4, 2, 0, 5];
    const { spans } = selectStartsEnds(start, end, desired, 1, 15, false);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ start: 5, end: 6 });
    const ps = softmax([0, 1, 3, 0, 0]), pe = softmax([0, 0, 0, 4, 2]); // over [CLS] + context
    close(spans[0].score, ps[2] * pe[3], 1e-12);
    // end before start is never an answer: end logits favour token 4, start 6
    const back = selectStartsEnds([0, 0, 0, 0, 0, 0, 5, 0, 0, 0], [0, 0, 0, 0, 5, 0, 0, 0, 0, 0], desired, 3, 15, false).spans;
    for (const s of back) expect(s.end).toBeGreaterThanOrEqual(s.start);
  });
  it('maxAnswerLength bounds the span; topK gives spans best first', () => {
    const start = [0, 0, 0, 0, 6, 0, 0, 0, 0, 0];
    const end = [0, 0, 0, 0, 0, 0, 0, 6, 0, 0];
    expect(selectStartsEnds(start, end, desired, 1, 15, false).spans[0]).toMatchObject({ start: 4, end: 7 });
    const short = selectStartsEnds(start, end, desired, 1, 2, false).spans[0];
    expect(short.end - short.start).toBeLessThanOrEqual(1);
    const three = selectStartsEnds(start, end, desired, 3, 15, false).spans;
    expect(three.map((s) => s.score)).toEqual([...three.map((s) => s.score)].sort((a, b) => b - a));
  });
  it('handle_impossible_answer: the null score is p_start[CLS]·p_end[CLS], and CLS is then masked', () => {
    const start = [8, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    const end = [8, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    const r = selectStartsEnds(start, end, desired, 1, 15, true);
    const p0 = softmax([8, 1, 0, 0, 0])[0];
    close(r.nullScore, p0 * p0, 1e-12);
    expect(r.spans[0].start).not.toBe(0);
    expect(selectStartsEnds(start, end, desired, 1, 15, false).nullScore).toBe(1000000);
  });
  it('on the fixture: windows with doc_stride; answers inside the context; character offsets', () => {
    const nlp = loadPipeline(join(FIX, 'qa'));
    const context = Array.from({ length: 40 }, (_, i) => `w${(i * 7) % 100}`).join(' ');
    const question = 'w1 w2 w3';
    const answers = nlp.answer({ question, context }, { topK: 5, maxSeqLength: 16, docStride: 4 }) as { answer: string; start: number; end: number; score: number }[];
    expect(answers.length).toBeGreaterThan(0);
    for (const a of answers) {
      expect(a.answer).toBe(context.slice(a.start, a.end));
      expect(a.answer.length).toBeGreaterThan(0);
      expect(a.start).toBeGreaterThanOrEqual(0);
    }
    expect(answers.map((a) => a.score)).toEqual([...answers.map((a) => a.score)].sort((a, b) => b - a));
    const impossible = nlp.answer({ question, context: 'w5 w6' }, { topK: 10, handleImpossibleAnswer: true }) as { answer: string }[];
    expect(impossible.some((a) => a.answer === '')).toBe(true);
    const single = nlp.answer({ question, context });
    expect(Array.isArray(single)).toBe(false);
    const both = nlp.answer([{ question, context }, { question: 'w9', context: 'w1 w2 w3 w4' }]);
    expect(both[0]).toEqual(single);
  });
});

describe('next sentence', () => {
  it('P(b follows a) = softmax(PyTorch nsp_logits)[0]; pairs batch like single calls', () => {
    const dir = join(FIX, 'nsp-only');
    const nlp = loadPipeline(dir);
    // row 0: [CLS] w18 [MASK] w91 w30 [SEP] w41 w111 w15 [SEP]
    const p = nlp.nextSentence(rowText(dir, 0, 1, 5), rowText(dir, 0, 6, 9));
    close(p, softmax(Array.from(golden(dir, 'nsp_logits').subarray(0, 2)))[0], 1e-5);
    const pairs: [string, string][] = [['w1', 'w2 w3'], [rowText(dir, 0, 1, 5), rowText(dir, 0, 6, 9)], ['w4 w5 w6', 'w7']];
    nlp.nextSentence(pairs).forEach((x, i) => close(x, nlp.nextSentence(...pairs[i]), 1e-5));
  });
});

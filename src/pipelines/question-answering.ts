/**
 * Extractive question answering, as transformers' QuestionAnsweringPipeline
 * (pipelines/question_answering.py). Rules mirrored, by function there:
 * - preprocess: question first, context second; the context is cut into
 *   windows of max_seq_len tokens (default min(384, model max)) overlapping by
 *   doc_stride (default min(max_seq_len / 2, 128)), truncation only_second;
 *   p_mask marks every token that is not context (question, [SEP], padding),
 *   except [CLS], which stays selectable for the "no answer" score.
 * - select_starts_ends: logits of undesired tokens are set to −10000, then a
 *   softmax per window for start and end; with handle_impossible_answer,
 *   min_null_score = min over windows of p_start[CLS]·p_end[CLS]; then
 *   p_start[CLS] = p_end[CLS] = 0.
 * - decode_spans: score(s, e) = p_start[s]·p_end[e] for s ≤ e ≤ s + max_answer_len − 1
 *   (0 elsewhere); the top_k of that matrix, then only spans whose start and
 *   end are both context tokens are kept.
 * - get_indices (align_to_words): a span's characters run from the start of
 *   the word holding the start token to the end of the word holding the end token.
 * - postprocess: answers of all windows, plus {score: min_null_score, start 0,
 *   end 0, answer ''} when handle_impossible_answer, sorted by score, cut to
 *   top_k; a single answer is returned alone.
 * Offsets are UTF-16 indices into the context (JavaScript string indices).
 */
import { BertTsError } from '../errors.ts';
import { checkOptions } from '../options.ts';
import { toModelInput } from './model-input.ts';
import { maxTokens, type PipelineContext } from './pipeline.ts';
import type { Encoding } from '../tokenizer/index.ts';

export interface Answer {
  score: number;
  start: number;
  end: number;
  answer: string;
}

export interface AnswerOptions {
  topK?: number;
  /** longest answer in tokens (default 15) */
  maxAnswerLength?: number;
  /** overlap of context windows in tokens (default min(maxSeqLength / 2, 128)) */
  docStride?: number;
  /** tokens per window, question included (default min(384, the model's maximum)) */
  maxSeqLength?: number;
  /** also score "no answer" ([CLS]) and return it when it wins */
  handleImpossibleAnswer?: boolean;
  /** windows per forward pass (default 8) */
  batchSize?: number;
}

export interface QaInput {
  question: string;
  context: string;
}

export const ANSWER_OPTIONS = ['topK', 'maxAnswerLength', 'docStride', 'maxSeqLength', 'handleImpossibleAnswer', 'batchSize'] as const;

export function answer(p: PipelineContext, input: QaInput, options?: AnswerOptions): Answer | Answer[];
export function answer(p: PipelineContext, inputs: QaInput[], options?: AnswerOptions): (Answer | Answer[])[];
export function answer(p: PipelineContext, input: QaInput | QaInput[], options: AnswerOptions = {}): Answer | Answer[] | (Answer | Answer[])[] {
  checkOptions('answer', options, ANSWER_OPTIONS);
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0 || !list.every((x) => x && typeof x.question === 'string' && typeof x.context === 'string')) {
    throw new BertTsError('answer: expected { question, context } strings (or an array of them)');
  }
  const { model, tokenizer } = p;
  if (model.taskHead !== 'question-answering') {
    throw new BertTsError(`answer: the model (${model.architecture}) has no question-answering head (qa_outputs)`, 'use a BertForQuestionAnswering checkpoint');
  }
  const topK = options.topK ?? 1;
  const maxAnswerLength = options.maxAnswerLength ?? 15;
  const maxSeqLength = options.maxSeqLength ?? Math.min(384, maxTokens(p));
  const docStride = options.docStride ?? Math.min(Math.floor(maxSeqLength / 2), 128);
  for (const [name, v] of [['topK', topK], ['maxAnswerLength', maxAnswerLength], ['maxSeqLength', maxSeqLength], ['batchSize', options.batchSize ?? 8]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new BertTsError(`answer: ${name} must be a whole number ≥ 1, got ${v}`);
  }
  if (maxSeqLength > maxTokens(p)) throw new BertTsError(`answer: maxSeqLength ${maxSeqLength} is above the model's ${maxTokens(p)} tokens`);
  if (docStride > maxSeqLength) throw new BertTsError(`answer: docStride ${docStride} is larger than maxSeqLength ${maxSeqLength}`);

  const results = list.map(({ question, context }) => {
    // the context is cut into windows, never the question: it must leave room for at least one context token
    const q = tokenizer.encode(question, undefined, { addSpecialTokens: false }).inputIds.length;
    if (q + 4 > maxSeqLength) {
      throw new BertTsError(
        `answer: the question has ${q} tokens; with [CLS], two [SEP] and the context it does not fit in maxSeqLength ${maxSeqLength}`,
        `shorten the question${maxSeqLength < maxTokens(p) ? `, or raise maxSeqLength (up to the model's ${maxTokens(p)})` : ''}`,
      );
    }
    const first = tokenizer.encode(question, context, { truncation: 'only_second', maxLength: maxSeqLength, stride: docStride, returnOverflowingTokens: true });
    const windows = [first, ...first.overflowing];
    const answers: Answer[] = [];
    let minNull = 1000000;
    const batchSize = options.batchSize ?? 8;
    for (let w0 = 0; w0 < windows.length; w0 += batchSize) {
      const batch = windows.slice(w0, w0 + batchSize);
      const modelInput = toModelInput(batch, Math.max(tokenizer.padTokenId, 0));
      const S = modelInput.inputIds[0].length;
      const out = model.forward(modelInput, { taskHead: true });
      batch.forEach((e, b) => {
        const n = e.inputIds.length;
        const desired = e.inputIds.map((id, i) => (e.sequenceIds[i] === 1 || id === tokenizer.clsTokenId) && e.attentionMask[i] === 1);
        const sel = selectStartsEnds(out.startLogits!.data.subarray(b * S, b * S + n), out.endLogits!.data.subarray(b * S, b * S + n), desired, topK, maxAnswerLength, options.handleImpossibleAnswer ?? false);
        minNull = Math.min(minNull, sel.nullScore);
        for (const { start, end, score } of sel.spans) {
          const [a, z] = charSpan(e, start, end);
          answers.push({ score, start: a, end: z, answer: context.slice(a, z) });
        }
      });
    }
    if (options.handleImpossibleAnswer) answers.push({ score: minNull, start: 0, end: 0, answer: '' });
    const best = answers.map((a, i) => ({ a, i })).sort((x, y) => y.a.score - x.a.score || x.i - y.i).slice(0, topK).map((x) => x.a);
    return best.length === 1 ? best[0] : best;
  });
  return Array.isArray(input) ? results : results[0];
}

/**
 * select_starts_ends + decode_spans for one window. start / end: [S] logits;
 * desired[i]: token i may be part of an answer (context tokens and [CLS]).
 * nullScore: p_start[0]·p_end[0] when handleImpossible, else 1e6.
 */
export function selectStartsEnds(
  startLogits: ArrayLike<number>,
  endLogits: ArrayLike<number>,
  desired: readonly boolean[],
  topK: number,
  maxAnswerLength: number,
  handleImpossible: boolean,
): { spans: { start: number; end: number; score: number }[]; nullScore: number } {
  const S = startLogits.length;
  const probs = (logits: ArrayLike<number>) => {
    const masked = Array.from(logits, (x, i) => (desired[i] ? x : -10000));
    const max = Math.max(...masked);
    const e = masked.map((x) => Math.exp(x - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  };
  const ps = probs(startLogits);
  const pe = probs(endLogits);
  const nullScore = handleImpossible ? ps[0] * pe[0] : 1000000;
  ps[0] = pe[0] = 0;
  // candidates in the band s ≤ e ≤ s + maxAnswerLength − 1; elsewhere the score is 0
  const band: { start: number; end: number; score: number; flat: number }[] = [];
  for (let s = 0; s < S; s++) {
    for (let e = s; e < Math.min(S, s + maxAnswerLength); e++) band.push({ start: s, end: e, score: ps[s] * pe[e], flat: s * S + e });
  }
  band.sort((a, b) => b.score - a.score || a.flat - b.flat);
  const top = band.filter((x) => x.score > 0).slice(0, topK);
  // decode_spans takes the top_k of the whole S×S matrix: when too few scores
  // are positive, zero entries (outside the band too) fill up, in index order
  for (let f = 0; f < S * S && top.length < topK; f++) {
    const s = Math.floor(f / S), e = f % S;
    if (e < s || e >= s + maxAnswerLength || ps[s] * pe[e] === 0) top.push({ start: s, end: e, score: 0, flat: f });
  }
  const spans = top.filter((x) => desired[x.start] && desired[x.end]).map(({ start, end, score }) => ({ start, end, score }));
  return { spans, nullScore };
}

/** get_indices with align_to_words: from the start token's word start to the end token's word end. */
function charSpan(e: Encoding, s: number, t: number): [number, number] {
  const wordEdge = (i: number, edge: 0 | 1): number => {
    const w = e.wordIds[i];
    if (w === null || e.sequenceIds[i] !== 1) return e.offsets[i][edge];
    let v = e.offsets[i][edge];
    for (let j = 0; j < e.inputIds.length; j++) {
      if (e.sequenceIds[j] === 1 && e.wordIds[j] === w) v = edge === 0 ? Math.min(v, e.offsets[j][0]) : Math.max(v, e.offsets[j][1]);
    }
    return v;
  };
  return [wordEdge(s, 0), wordEdge(t, 1)];
}

/**
 * Token classification / NER, as transformers' TokenClassificationPipeline
 * (pipelines/token_classification.py). Rules mirrored, by function there:
 * - postprocess: scores = softmax of each token's logits.
 * - gather_pre_entities: special tokens are skipped; `word` is the vocabulary
 *   token (convert_ids_to_tokens), or the text under its offsets for [UNK];
 *   a token is a subword when its length differs from the text under its
 *   offsets (WordPiece has a continuing_subword_prefix: "##ing" vs "ing"),
 *   never for [UNK]. Lengths count code points, as Python's len.
 * - aggregate, strategy none / simple: each token's label is its argmax.
 * - aggregate_words + aggregate_word (first / average / max): tokens fuse into
 *   words (a subword joins the previous token's word); first → the first
 *   token's scores; max → the scores of the token with the highest score;
 *   average → the mean of the scores, then argmax. The word is
 *   convert_tokens_to_string of its tokens; start / end span the word.
 * - group_entities + get_tag: neighbouring entities merge when their tags
 *   (label without B-/I-) agree and the later one is not a B- (a label without
 *   B-/I- counts as I-); group_sub_entities: entity_group is the tag of the
 *   first, score the mean of the scores, word the tokens' string.
 * - postprocess: entities whose entity / entity_group is in ignore_labels
 *   (default ['O']) are dropped; with strategy none, groups are not made.
 * Offsets are UTF-16 indices into the text (JavaScript string indices).
 */
import { BertTsError } from '../errors.ts';
import { checkOptions } from '../options.ts';
import { inBatches, DEFAULT_BATCH_SIZE } from './batching.ts';
import { toModelInput } from './model-input.ts';
import { encodeAll, markTruncated, maxTokens, textList, type MaybeTruncated, type PipelineContext, type TruncationOptions } from './pipeline.ts';
import { argmax, softmax } from './scores.ts';
import type { BertTokenizer, Encoding } from '../tokenizer/index.ts';

export type Aggregation = 'none' | 'simple' | 'first' | 'average' | 'max';

/** Strategy none: one per token. */
export interface TokenEntity {
  entity: string;
  score: number;
  index: number;
  word: string;
  start: number;
  end: number;
}

/** Other strategies: one per group of tokens (transformers' field names: entity_group, score, word, start, end). */
export interface GroupedEntity {
  entity_group: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

export interface NerOptions extends TruncationOptions {
  aggregation?: Aggregation;
  ignoreLabels?: string[];
  batchSize?: number;
}

export const NER_OPTIONS = ['aggregation', 'ignoreLabels', 'batchSize', 'onTruncate'] as const;

/** One text's entities. */
export type NerResult = MaybeTruncated<(TokenEntity | GroupedEntity)[]>;

/** gather_pre_entities' record of one token. */
export interface PreEntity {
  word: string;
  scores: number[];
  start: number;
  end: number;
  index: number;
  isSubword: boolean;
}

interface WordEntity {
  entity: string;
  score: number;
  word: string;
  start: number;
  end: number;
  index?: number;
}

export function ner(p: PipelineContext, text: string, options?: NerOptions): NerResult;
export function ner(p: PipelineContext, texts: string[], options?: NerOptions): NerResult[];
export function ner(p: PipelineContext, input: string | string[], options: NerOptions = {}): NerResult | NerResult[] {
  checkOptions('ner', options, NER_OPTIONS);
  const texts = textList('ner', input);
  const { model, tokenizer } = p;
  if (model.taskHead !== 'token-classification') {
    throw new BertTsError(`ner: the model (${model.architecture}) has no token-classification head`, 'use a BertForTokenClassification checkpoint');
  }
  const aggregation = options.aggregation ?? 'none';
  if (!['none', 'simple', 'first', 'average', 'max'].includes(aggregation)) {
    throw new BertTsError(`ner: aggregation must be none, simple, first, average or max, got '${aggregation}'`);
  }
  const N = model.labels.numLabels;
  const { encodings, cut } = encodeAll(p, texts.map((t) => [t, undefined] as const), maxTokens(p), options.onTruncate);
  const items = texts.map((text, i) => ({ text, e: encodings[i], cut: cut[i] }));
  const out = inBatches(items, (x) => x.e.inputIds.length, options.batchSize ?? DEFAULT_BATCH_SIZE, (batch) => {
    const input = toModelInput(batch.map((x) => x.e), Math.max(tokenizer.padTokenId, 0));
    const S = input.inputIds[0].length;
    const logits = model.forward(input, { taskHead: true }).logits!.data; // [B, S, N]
    return batch.map(({ text, e, cut: truncated }, b) => {
      const scores = e.inputIds.map((_, s) => softmax(logits.subarray((b * S + s) * N, (b * S + s + 1) * N)));
      const pre = gatherPreEntities(text, e, scores, tokenizer);
      const entities = postprocessEntities(pre, model.labels.id2label, aggregation, options.ignoreLabels ?? ['O'], (t) => tokenizer.convertTokensToString(t));
      return truncated ? markTruncated(entities) : entities;
    });
  });
  return Array.isArray(input) ? out : out[0];
}

/** token_classification.py gather_pre_entities. */
export function gatherPreEntities(text: string, e: Encoding, scores: number[][], tokenizer: BertTokenizer): PreEntity[] {
  const out: PreEntity[] = [];
  for (let i = 0; i < e.inputIds.length; i++) {
    if (e.specialTokensMask[i] || e.attentionMask[i] === 0) continue;
    const [start, end] = e.offsets[i];
    const ref = text.slice(start, end);
    let word = tokenizer.idToToken(e.inputIds[i]) ?? ref;
    let isSubword = [...word].length !== [...ref].length;
    if (e.inputIds[i] === tokenizer.unkTokenId) {
      word = ref;
      isSubword = false;
    }
    out.push({ word, scores: scores[i], start, end, index: i, isSubword });
  }
  return out;
}

/** token_classification.py aggregate + group_entities + the ignore_labels filter. */
export function postprocessEntities(
  pre: PreEntity[],
  id2label: readonly string[],
  aggregation: Aggregation,
  ignoreLabels: readonly string[],
  tokensToString: (tokens: string[]) => string,
): (TokenEntity | GroupedEntity)[] {
  const label = (i: number) => id2label[i] ?? `LABEL_${i}`;
  let entities: WordEntity[];
  if (aggregation === 'none' || aggregation === 'simple') {
    entities = pre.map((x) => {
      const i = argmax(x.scores);
      return { entity: label(i), score: x.scores[i], index: x.index, word: x.word, start: x.start, end: x.end };
    });
  } else {
    entities = aggregateWords(pre, aggregation, label, tokensToString);
  }
  if (aggregation === 'none') {
    return entities
      .filter((x) => !ignoreLabels.includes(x.entity))
      .map((x) => ({ entity: x.entity, score: x.score, index: x.index!, word: x.word, start: x.start, end: x.end }));
  }
  return groupEntities(entities, tokensToString).filter((g) => !ignoreLabels.includes(g.entity_group));
}

/** aggregate_words: a subword joins the current word; aggregate_word scores it. */
function aggregateWords(pre: PreEntity[], strategy: 'first' | 'average' | 'max', label: (i: number) => string, tokensToString: (t: string[]) => string): WordEntity[] {
  const words: PreEntity[][] = [];
  for (const x of pre) {
    if (words.length > 0 && x.isSubword) words[words.length - 1].push(x);
    else words.push([x]);
  }
  return words.map((group) => {
    let scores: number[];
    if (strategy === 'first') scores = group[0].scores;
    else if (strategy === 'max') {
      // the token whose best score is highest (the first such token on ties)
      let best = group[0];
      for (const x of group) if (Math.max(...x.scores) > Math.max(...best.scores)) best = x;
      scores = best.scores;
    } else {
      scores = group[0].scores.map((_, k) => group.reduce((a, x) => a + x.scores[k], 0) / group.length);
    }
    const i = argmax(scores);
    return { entity: label(i), score: scores[i], word: tokensToString(group.map((x) => x.word)), start: group[0].start, end: group[group.length - 1].end };
  });
}

/** get_tag: B-X → (B, X), I-X → (I, X), anything else → (I, label). */
export function getTag(entity: string): [string, string] {
  if (entity.startsWith('B-')) return ['B', entity.slice(2)];
  if (entity.startsWith('I-')) return ['I', entity.slice(2)];
  return ['I', entity];
}

/** group_entities + group_sub_entities. */
function groupEntities(entities: WordEntity[], tokensToString: (t: string[]) => string): GroupedEntity[] {
  const groups: GroupedEntity[] = [];
  let current: WordEntity[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const tag = current[0].entity.split('-').length > 1 ? current[0].entity.slice(current[0].entity.indexOf('-') + 1) : current[0].entity;
    groups.push({
      entity_group: tag,
      score: current.reduce((a, x) => a + x.score, 0) / current.length,
      word: tokensToString(current.map((x) => x.word)),
      start: current[0].start,
      end: current[current.length - 1].end,
    });
  };
  for (const x of entities) {
    if (current.length === 0) {
      current = [x];
      continue;
    }
    const [bi, tag] = getTag(x.entity);
    const [, lastTag] = getTag(current[current.length - 1].entity);
    if (tag === lastTag && bi !== 'B') current.push(x);
    else {
      flush();
      current = [x];
    }
  }
  flush();
  return groups;
}

// The pipelines, browser-safe (no node: imports). Loading from a folder is in load.ts.
export { BertPipeline } from './bert-pipeline.ts';
export type { PipelineContext, Truncation, TruncationOptions, MaybeTruncated } from './pipeline.ts';
export { fillMask, type FillMaskCandidate, type FillMaskResult, type FillMaskOptions, type MaskText, type MultiMaskText } from './fill-mask.ts';
export { embed, cosineSimilarity, pool, type EmbedOptions, type Embedding } from './embed.ts';
export { sentenceTransformersDefaults, type EmbedDefaults, type Pooling } from './sentence-transformers.ts';
export { classify, labelScores, scoreFunctionFor, type LabelScore, type ClassifyOptions, type ScoreFunction, type ClassifyResult } from './classify.ts';
export { ner, gatherPreEntities, postprocessEntities, type Aggregation, type TokenEntity, type GroupedEntity, type NerOptions, type PreEntity, type NerResult } from './ner.ts';
export { answer, selectStartsEnds, type Answer, type AnswerOptions, type QaInput } from './question-answering.ts';
export { nextSentence, type NextSentenceOptions } from './next-sentence.ts';
export { toModelInput, type EncodedIds } from './model-input.ts';
export { inBatches } from './batching.ts';
export { softmax, sigmoid } from './scores.ts';
export { checkOptions } from '../options.ts';

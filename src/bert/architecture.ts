/**
 * Which head sits on top of the encoder, and what its labels are.
 *
 * The head is chosen from config.json's `architectures` (as transformers'
 * AutoModel classes are), or by an explicit override. The labels come from
 * `id2label` (transformers' PretrainedConfig: num_labels = len(id2label)),
 * `problem_type` says how scores are made from logits.
 */
import { BertTsError, quote, quoteJson } from '../errors.ts';
import type { BertConfig } from './config.ts';

export const ARCHITECTURES = [
  'BertModel',
  'BertForMaskedLM',
  'BertForPreTraining',
  'BertForNextSentencePrediction',
  'BertForSequenceClassification',
  'BertForTokenClassification',
  'BertForQuestionAnswering',
] as const;

export type Architecture = (typeof ARCHITECTURES)[number];

/** What a head produces: nothing beyond hidden states, MLM/NSP logits, or a task head's logits. */
export type TaskHead = 'sequence-classification' | 'token-classification' | 'question-answering' | null;

export function taskHeadOf(a: Architecture): TaskHead {
  switch (a) {
    case 'BertForSequenceClassification':
      return 'sequence-classification';
    case 'BertForTokenClassification':
      return 'token-classification';
    case 'BertForQuestionAnswering':
      return 'question-answering';
    default:
      return null;
  }
}

export function isArchitecture(name: string): name is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(name);
}

/**
 * The override when given, else the first known name in config.architectures,
 * else 'BertModel' (MLM / NSP heads are still loaded when the file has them).
 */
export function chooseArchitecture(config: BertConfig, override?: string): Architecture {
  if (override !== undefined) {
    if (!isArchitecture(override)) {
      throw new BertTsError(`unknown architecture ${quote(override)}`, `choose one of ${ARCHITECTURES.join(', ')}`);
    }
    return override;
  }
  return config.architectures.find(isArchitecture) ?? 'BertModel';
}

/** num_labels above this is refused unless the file's classifier has that many rows. */
export const MAX_LABELS = 1 << 20;

export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface LabelConfig {
  /** the number of classifier outputs (num_labels) */
  numLabels: number;
  /** label names by output index (LABEL_i when the config has none) */
  id2label: string[];
  /** as config.json says; undefined when it says nothing */
  problemType?: ProblemType;
}

/**
 * id2label (keys "0", "1", …) → names; else `num_labels`; else the classifier's
 * row count found in the file (`rowsInFile`); else transformers' default of 2.
 */
export function parseLabels(config: BertConfig, rowsInFile?: number): LabelConfig {
  const raw = config.raw;
  let id2label: string[] | undefined;
  if (raw.id2label && typeof raw.id2label === 'object' && !Array.isArray(raw.id2label)) {
    const entries = Object.entries(raw.id2label as Record<string, unknown>);
    const names: string[] = new Array(entries.length);
    for (const [k, v] of entries) {
      // decimal keys only ("01" or " 1" would collide with "1" and leave a hole)
      const i = /^(0|[1-9][0-9]*)$/.test(k) ? Number(k) : -1;
      if (i < 0 || i >= entries.length || names[i] !== undefined || typeof v !== 'string') {
        throw new BertTsError(`config.json: id2label must map 0 … ${entries.length - 1} to names, found ${quoteJson(k)}: ${quoteJson(v)}`);
      }
      names[i] = v;
    }
    if (names.length > 0) id2label = names;
  }
  let numLabels = id2label?.length;
  if (numLabels === undefined && typeof raw.num_labels === 'number' && Number.isInteger(raw.num_labels) && raw.num_labels > 0) numLabels = raw.num_labels;
  numLabels ??= rowsInFile ?? 2;
  if (numLabels > MAX_LABELS && numLabels !== rowsInFile) {
    throw new BertTsError(`config.json: num_labels ${numLabels} is more than the ${MAX_LABELS} a classifier head may have here`, 'check num_labels / id2label');
  }
  id2label ??= Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`);
  const p = raw.problem_type;
  let problemType: ProblemType | undefined;
  if (p === 'single_label_classification' || p === 'multi_label_classification' || p === 'regression') problemType = p;
  else if (p !== undefined && p !== null) {
    throw new BertTsError(`config.json: problem_type ${quote(p)} is unknown`, 'use single_label_classification, multi_label_classification or regression');
  }
  return { numLabels, id2label, problemType };
}

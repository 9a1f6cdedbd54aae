/**
 * The golden-case format, without file access (browser-safe; golden-case.ts
 * reads it from a folder): see test/fixtures/golden/README.md.
 *   inputs.json        { input_ids, attention_mask?, token_type_ids?, texts? }  as [B][S] integers
 *   golden.safetensors F32 reference outputs, by name:
 */
import { BertTsError } from '../errors.ts';
import type { BertInput } from '../bert/model.ts';

/** The tensors a golden file may hold, with their shapes in terms of the model. */
export const GOLDEN_TENSORS = {
  embeddings: '[B, S, H] output of the embedding LayerNorm',
  hidden_states: '[L+1, B, S, H] embeddings, then each encoder layer',
  attentions: '[L, B, A, S, S] softmax probabilities of each layer',
  last_hidden_state: '[B, S, H] output of the last layer',
  pooler_output: '[B, H] tanh(W · h[:, 0] + b)',
  mlm_logits: '[B, S, V] masked-LM head',
  nsp_logits: '[B, 2] next-sentence head',
  logits: '[B, N] BertForSequenceClassification (pooler, then classifier) or [B, S, N] BertForTokenClassification (classifier per token)',
  start_logits: '[B, S] BertForQuestionAnswering (qa_outputs, first column)',
  end_logits: '[B, S] BertForQuestionAnswering (qa_outputs, second column)',
} as const;

export type GoldenName = keyof typeof GOLDEN_TENSORS;

export interface GoldenInputs extends BertInput {
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
  /** optional texts the ids came from (the demo model's case stores them) */
  texts?: unknown;
}

/** inputs.json's parsed JSON (`file` names it in errors); attention_mask defaults to all 1, token_type_ids to all 0. */
export function parseGoldenInputs(parsed: unknown, file: string): GoldenInputs {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BertTsError(`${file}: not a JSON object`, 'a golden case needs inputs.json with input_ids [B][S]');
  const json = parsed as Record<string, unknown>;
  const grid = (key: string, required: boolean): number[][] | undefined => {
    const v = Object.hasOwn(json, key) ? json[key] : undefined;
    if (v === undefined && !required) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((row) => Array.isArray(row) && row.every((x) => Number.isInteger(x)))) {
      throw new BertTsError(`${file}: '${key}' must be a non-empty [batch][seq] array of integers`);
    }
    return v as number[][];
  };
  const inputIds = grid('input_ids', true)!;
  if (inputIds[0].length === 0) throw new BertTsError(`${file}: 'input_ids' rows must not be empty`);
  const B = inputIds.length;
  const S = inputIds[0].length;
  const fill = (value: number) => Array.from({ length: B }, () => new Array<number>(S).fill(value));
  return {
    inputIds,
    attentionMask: grid('attention_mask', false) ?? fill(1),
    tokenTypeIds: grid('token_type_ids', false) ?? fill(0),
    texts: Object.hasOwn(json, 'texts') ? json.texts : undefined,
  };
}


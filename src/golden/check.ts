/**
 * Compare a model's outputs with a golden case's reference tensors, tensor by
 * tensor (llm.c's test_gpt2 style). Browser-safe: the caller has the model, the
 * inputs and golden.safetensors already (verify.ts reads them from a folder,
 * src/browser/golden.ts fetches them).
 */
import { BertTsError } from '../errors.ts';
import { sameShape } from '../tensor/tensor.ts';
import type { TensorSource } from '../tensor/safetensors.ts';
import type { BertModel, BertOutput } from '../bert/model.ts';
import { GOLDEN_TENSORS, type GoldenInputs, type GoldenName } from './golden-format.ts';
import { compareTensors, shapeMismatch, DEFAULT_TOLERANCE, type TensorComparison, type Tolerance } from './compare.ts';

export interface VerifyReport {
  case: string;
  ok: boolean;
  tolerance: Tolerance;
  tensors: TensorComparison[];
  /** tensors in golden.safetensors that are not part of the format */
  ignored: string[];
}

/**
 * Run `model` on `inputs` and compare every reference tensor `golden` holds.
 * caseName names the case in the report (a folder or a URL).
 */
export interface VerifyOptions {
  /** accept a case that lacks tensors the model produces (default: each is NOT OK) */
  allowMissing?: boolean;
  /** accept a tensor with no element compared, e.g. every mask value 0 (default: NOT OK) */
  allowEmpty?: boolean;
}

/** The golden tensors this model produces: the ones a complete case holds. */
export function producibleTensors(m: BertModel): GoldenName[] {
  const names: GoldenName[] = ['embeddings', 'hidden_states', 'attentions', 'last_hidden_state'];
  if (m.hasPooler) names.push('pooler_output');
  if (m.hasMlmHead) names.push('mlm_logits');
  if (m.hasNspHead) names.push('nsp_logits');
  if (m.taskHead === 'question-answering') names.push('start_logits', 'end_logits');
  else if (m.taskHead !== null) names.push('logits');
  return names;
}

/**
 * A check that compares nothing must not pass: a tensor with 0 elements
 * compared (an all-zero mask) is NOT OK, and so is a tensor the model produces
 * but the case lacks, unless options allow them.
 */
export function checkGolden(
  model: BertModel, inputs: GoldenInputs, golden: TensorSource, caseName: string, tolerance: Tolerance = DEFAULT_TOLERANCE, options: VerifyOptions = {},
): VerifyReport {
  const m = model;
  const names = golden.names();
  const wanted = new Set(names);
  const out = m.forward(inputs, {
    outputHiddenStates: wanted.has('hidden_states') || wanted.has('embeddings'),
    outputAttentions: wanted.has('attentions'),
    mlm: wanted.has('mlm_logits') && m.hasMlmHead,
    nsp: wanted.has('nsp_logits') && m.hasNspHead,
    taskHead: (wanted.has('logits') || wanted.has('start_logits') || wanted.has('end_logits')) && m.taskHead !== null,
  });
  const ours = outputTensors(out);
  const tensors: TensorComparison[] = [];
  const ignored: string[] = [];
  for (const name of names) {
    if (!Object.hasOwn(GOLDEN_TENSORS, name)) {
      ignored.push(name);
      continue;
    }
    const refShape = golden.info(name)!.shape;
    const mine = ours[name as GoldenName];
    if (!mine) {
      tensors.push({ name, shape: refShape, compared: 0, maxAbs: NaN, maxRel: NaN, ok: false, problem: `the checkpoint has no part that produces ${name}` });
      continue;
    }
    if (!sameShape(mine.shape, refShape)) {
      tensors.push(shapeMismatch(name, refShape, mine.shape));
      continue;
    }
    const { rowSize, rowMask } = maskedRows(name as GoldenName, refShape, inputs);
    const result = compareTensors(name, refShape, mine.data, golden.float32(name), rowSize, rowMask, tolerance);
    if (result.compared === 0 && !options.allowEmpty) {
      result.ok = false;
      result.problem = 'no element compared (every attention-mask value is 0?); NOT OK unless allowEmpty / --allow-empty';
    }
    tensors.push(result);
  }
  if (tensors.length === 0) throw new BertTsError(`${golden.files[0]}: holds none of the golden tensors (${Object.keys(GOLDEN_TENSORS).join(', ')})`);
  for (const name of producibleTensors(m)) {
    if (wanted.has(name) || options.allowMissing) continue;
    tensors.push({ name, shape: [], compared: 0, maxAbs: NaN, maxRel: NaN, ok: false, problem: 'missing from golden.safetensors, though the model produces it (allowMissing / --allow-missing to accept)' });
  }
  return { case: caseName, ok: tensors.every((t) => t.ok), tolerance, tensors, ignored };
}

/** Our outputs under the golden file's names. */
export function outputTensors(out: BertOutput): Partial<Record<GoldenName, { data: Float32Array; shape: number[] }>> {
  const t = (x: { data: Float32Array; shape: readonly number[] } | undefined) => (x ? { data: x.data, shape: [...x.shape] } : undefined);
  const hs = out.hiddenStates;
  return {
    embeddings: hs ? t(hs.at(0)) : undefined,
    hidden_states: t(hs),
    attentions: t(out.attentions),
    last_hidden_state: t(out.lastHiddenState),
    pooler_output: t(out.poolerOutput),
    mlm_logits: t(out.mlmLogits),
    nsp_logits: t(out.nspLogits),
    logits: t(out.logits),
    start_logits: t(out.startLogits),
    end_logits: t(out.endLogits),
  };
}

/**
 * Which rows of a golden tensor carry meaning. Tensors whose axes end in
 * [B, S, X] are compared where mask[b][s] = 1; attentions [L, B, A, S, S] where
 * the query's mask is 1; per-sequence tensors ([B, H], [B, 2]) entirely.
 */
function maskedRows(name: GoldenName, shape: number[], inputs: GoldenInputs): { rowSize: number; rowMask: (r: number) => boolean } {
  const mask = inputs.attentionMask;
  const B = mask.length;
  const S = mask[0].length;
  const last = shape[shape.length - 1];
  switch (name) {
    case 'pooler_output':
    case 'nsp_logits':
      return { rowSize: last, rowMask: () => true };
    case 'start_logits':
    case 'end_logits':
      // [B, S]: one element per token
      return { rowSize: 1, rowMask: (r) => mask[Math.floor(r / S) % B][r % S] === 1 };
    case 'logits':
      // [B, N] (sequence classification) is per sequence: compared whole; [B, S, N] per token
      if (shape.length === 2) return { rowSize: last, rowMask: () => true };
      return { rowSize: last, rowMask: (r) => mask[Math.floor(r / S) % B][r % S] === 1 };
    case 'attentions': {
      const A = shape[2];
      // row r = ((l·B + b)·A + h)·S + i
      return { rowSize: S, rowMask: (r) => mask[Math.floor(r / (A * S)) % B][r % S] === 1 };
    }
    default:
      // row r = (… · B + b)·S + s
      return { rowSize: last, rowMask: (r) => mask[Math.floor(r / S) % B][r % S] === 1 };
  }
}

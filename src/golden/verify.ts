/**
 * `golden verify`: run the model of a golden case on its inputs and compare
 * every reference tensor present, tensor by tensor (llm.c's test_gpt2 style).
 */
import { BertTsError } from '../errors.ts';
import { pathKind } from '../read-file.ts';
import { readSafetensors } from '../tensor/safetensors-fs.ts';
import { loadBertModel } from '../bert/load.ts';
import type { BertModel } from '../bert/model.ts';
import { caseFiles, readGoldenInputs } from './golden-case.ts';
import { DEFAULT_TOLERANCE, type Tolerance } from './compare.ts';
import { checkGolden, type VerifyOptions, type VerifyReport } from './check.ts';

export { outputTensors, producibleTensors, type VerifyOptions, type VerifyReport } from './check.ts';

export function verifyGoldenCase(dir: string, tolerance: Tolerance = DEFAULT_TOLERANCE, model?: BertModel, options: VerifyOptions = {}): VerifyReport {
  const files = caseFiles(dir);
  if (pathKind(dir) !== 'folder') throw new BertTsError(`${dir}: no such folder`, 'a golden case is a folder: config.json, model.safetensors, vocab.txt, inputs.json, golden.safetensors');
  if (pathKind(files.golden) === 'missing') throw new BertTsError(`${dir}: no golden.safetensors`, 'record one with: bert-ts golden record --model DIR --inputs inputs.json --out golden.safetensors');
  const inputs = readGoldenInputs(files.inputs);
  const golden = readSafetensors(files.golden);
  const m = model ?? loadForGolden(dir, new Set(golden.names()), (n) => golden.info(n)!.shape.length);
  try {
    return checkGolden(m, inputs, golden, dir, tolerance, options);
  } finally {
    if (!model) m.dispose(); // the model this call loaded: give its heap back
  }
}

/**
 * The case's model, head from config.json's architectures. When the config
 * names no task head but the golden file holds a head's outputs and the
 * checkpoint has its tensors, the head follows the golden names: start_logits →
 * BertForQuestionAnswering; logits [B, S, N] → token, [B, N] → sequence classification.
 */
function loadForGolden(dir: string, wanted: Set<string>, rank: (name: string) => number): BertModel {
  const m = loadBertModel(dir);
  if (m.taskHead !== null) return m;
  const has = (n: string) => m.unusedTensors.includes(n);
  let architecture: string | undefined;
  if ((wanted.has('start_logits') || wanted.has('end_logits')) && has('qa_outputs.weight')) architecture = 'BertForQuestionAnswering';
  else if (wanted.has('logits') && has('classifier.weight')) architecture = rank('logits') === 3 ? 'BertForTokenClassification' : 'BertForSequenceClassification';
  if (architecture === undefined) return m;
  m.dispose(); // loaded again with its head
  return loadBertModel(dir, { architecture });
}

/**
 * `golden verify`: run the model of a golden case on its inputs and compare
 * every reference tensor present, tensor by tensor (llm.c's test_gpt2 style).
 */
import { existsSync } from 'node:fs';
import { BertTsError } from '../errors.ts';
import { readSafetensors } from '../tensor/safetensors-fs.ts';
import { loadBertModel } from '../bert/load.ts';
import type { BertModel } from '../bert/model.ts';
import { caseFiles, readGoldenInputs } from './golden-case.ts';
import { DEFAULT_TOLERANCE, type Tolerance } from './compare.ts';
import { checkGolden, type VerifyReport } from './check.ts';

export { outputTensors, type VerifyReport } from './check.ts';

export function verifyGoldenCase(dir: string, tolerance: Tolerance = DEFAULT_TOLERANCE, model?: BertModel): VerifyReport {
  const files = caseFiles(dir);
  if (!existsSync(files.golden)) throw new BertTsError(`${dir}: no golden.safetensors`, 'record one with: bert-ts golden record --model DIR --inputs inputs.json --out golden.safetensors');
  const inputs = readGoldenInputs(files.inputs);
  const golden = readSafetensors(files.golden);
  const m = model ?? loadBertModel(dir);
  return checkGolden(m, inputs, golden, dir, tolerance);
}

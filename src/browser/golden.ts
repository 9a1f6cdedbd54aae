/**
 * The golden check of a model in the browser: the model folder's inputs.json
 * and golden.safetensors (the format of src/golden/golden-format.ts), fetched
 * from where the model came from. When inputs.json has its texts, they are
 * tokenized first and the ids compared with its input_ids.
 */
import { BertTsError } from '../errors.ts';
import { parseSafetensors } from '../tensor/safetensors.ts';
import { checkGolden, type VerifyReport } from '../golden/check.ts';
import { parseGoldenInputs } from '../golden/golden-format.ts';
import { DEFAULT_TOLERANCE, type Tolerance } from '../golden/compare.ts';
import { readBytes, readJson, type ModelFiles } from '../load/model-files.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';

export interface GoldenCheckReport extends VerifyReport {
  /** whether tokenizing inputs.json's texts gave its input_ids (null: it has no texts) */
  idsMatch: boolean | null;
}

/**
 * `nlp`: the model loaded from `files` (a BertPipeline, or { model, tokenizer });
 * `files`: where it came from (modelFiles(source)), which holds the golden case.
 */
export async function checkGoldenCase(nlp: { model: BertModel; tokenizer: BertTokenizer }, files: ModelFiles, tolerance: Tolerance = DEFAULT_TOLERANCE): Promise<GoldenCheckReport> {
  const { model, tokenizer } = nlp;
  const [inputsJson, goldenBytes] = await Promise.all([readJson(files, 'inputs.json'), readBytes(files, 'golden.safetensors')]);
  const hint = 'a golden case is a model folder with inputs.json and golden.safetensors (bert-ts golden record makes them)';
  if (inputsJson === undefined) throw new BertTsError(`${files.where}: no inputs.json`, hint);
  if (goldenBytes === undefined) throw new BertTsError(`${files.where}: no golden.safetensors`, hint);
  const inputs = parseGoldenInputs(inputsJson, `${files.where} inputs.json`);
  let idsMatch: boolean | null = null;
  if (Array.isArray(inputs.texts) && inputs.texts.length > 0) {
    const batch = inputs.texts.map((t: unknown) => {
      if (typeof t === 'string') return t;
      if (Array.isArray(t) && t.length === 2 && t.every((s) => typeof s === 'string')) return [t[0], t[1]] as [string, string];
      throw new BertTsError(`${files.where} inputs.json: "texts" entries must be strings or [text, pair] pairs`);
    });
    const encodings = tokenizer.encodeBatch(batch, { padding: 'longest' });
    idsMatch = encodings.length === inputs.inputIds.length && encodings.every((e, b) => {
      const stored = inputs.inputIds[b];
      return stored.length === e.inputIds.length && stored.every((id, i) => id === e.inputIds[i]);
    });
  }
  const golden = parseSafetensors(goldenBytes, `${files.where} golden.safetensors`);
  return { ...checkGolden(model, inputs, golden, files.where, tolerance), idsMatch };
}

/**
 * The golden-case format (one folder; see test/fixtures/golden/README.md):
 *   config.json, model.safetensors (or shards), vocab.txt,
 *   inputs.json, golden.safetensors (golden-format.ts says what they hold).
 */
import { join } from 'node:path';
import { BertTsError } from '../errors.ts';
import { pathKind, readJsonFile } from '../read-file.ts';
import { parseGoldenInputs, type GoldenInputs } from './golden-format.ts';

export { GOLDEN_TENSORS, parseGoldenInputs, type GoldenInputs, type GoldenName } from './golden-format.ts';

/** Read inputs.json; attention_mask defaults to all 1, token_type_ids to all 0. */
export function readGoldenInputs(file: string): GoldenInputs {
  if (pathKind(file) === 'missing') throw new BertTsError(`${file}: no such file`, 'a golden case needs inputs.json with input_ids [B][S]');
  return parseGoldenInputs(readJsonFile(file, 'golden inputs file'), file);
}

export function caseFiles(dir: string): { inputs: string; golden: string } {
  return { inputs: join(dir, 'inputs.json'), golden: join(dir, 'golden.safetensors') };
}

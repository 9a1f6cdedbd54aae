/**
 * A pipeline from a local model folder (Node): the model (head chosen by
 * config.architectures or options.architecture), its tokenizer, and the
 * sentence-transformers embedding defaults when the folder has them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTsError } from '../errors.ts';
import { LOAD_OPTIONS, loadBertModel, type LoadOptions } from '../bert/load.ts';
import { checkOptions } from '../options.ts';
import { loadTokenizer } from '../tokenizer/load.ts';
import { BertPipeline } from './bert-pipeline.ts';
import { sentenceTransformersDefaults, transformerFolder, type EmbedDefaults } from './sentence-transformers.ts';

export function loadPipeline(dir: string, options: LoadOptions = {}): BertPipeline {
  checkOptions('loadPipeline', options, LOAD_OPTIONS);
  // a sentence-transformers folder of the old layout keeps the BERT in a subfolder (0_BERT/)
  const sub = transformerFolder((path) => readJsonIn(dir, path));
  const modelDir = !existsSync(join(dir, 'config.json')) && sub !== '' && existsSync(join(dir, sub, 'config.json')) ? join(dir, sub) : dir;
  const model = loadBertModel(modelDir, options);
  const tokenizer = loadTokenizer(modelDir);
  return new BertPipeline({ model, tokenizer, embedDefaults: readEmbedDefaults(dir) });
}

/** modules.json & co. in dir, or undefined when it is not a sentence-transformers folder. */
export function readEmbedDefaults(dir: string): EmbedDefaults | undefined {
  return sentenceTransformersDefaults((path) => readJsonIn(dir, path));
}

function readJsonIn(dir: string, path: string): unknown {
  const file = join(dir, path);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BertTsError(`${file}: invalid JSON (${(e as Error).message})`);
  }
}

/**
 * A pipeline from a local model folder (Node, synchronous: the fast path the
 * async loadPipeline takes for files on disk): the model (head chosen by
 * config.architectures or options.architecture), its tokenizer, and the
 * sentence-transformers embedding defaults when the folder has them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTsError } from '../errors.ts';
import { loadBertModel } from '../bert/load.ts';
import { MODEL_OPTION_KEYS, modelPart, type ModelOptions } from '../load-options.ts';
import { checkOptions } from '../options.ts';
import { loadTokenizer } from '../tokenizer/load.ts';
import { BertPipeline } from './bert-pipeline.ts';
import { sentenceTransformersDefaults, transformerFolder, type EmbedDefaults } from './sentence-transformers.ts';

/** `name`: the model's name when the folder is not named for it (a cache snapshot): the tokenizer's "-cased" rule reads it. */
export function loadPipelineFolder(dir: string, options: ModelOptions & { name?: string } = {}): BertPipeline {
  checkOptions('loadPipelineFolder', options, [...MODEL_OPTION_KEYS, 'name']);
  // a sentence-transformers folder of the old layout keeps the BERT in a subfolder (0_BERT/)
  const sub = transformerFolder((path) => readJsonIn(dir, path));
  const modelDir = !existsSync(join(dir, 'config.json')) && sub !== '' && existsSync(join(dir, sub, 'config.json')) ? join(dir, sub) : dir;
  const model = loadBertModel(modelDir, modelPart(options));
  const tokenizer = loadTokenizer(modelDir, modelDir === dir ? { name: options.name } : {});
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

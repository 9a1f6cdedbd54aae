/**
 * The loaders of the browser entry: a source → its files → a model, a
 * tokenizer or a pipeline. Node's entry has the same four functions with the
 * same options (load/node.ts), adding folders and the Hugging Face cache.
 *
 *   const nlp = await loadPipeline('org/name');                  // the Hub
 *   const model = await loadModel('https://example.org/models/demo/', { onProgress });
 *   const tokenizer = await loadTokenizer(input.files);           // picked files
 *
 * A source is a URL (with a scheme, or starting with `/`, `./`, `../`), a Hub
 * model id (`org/name`, `name`), File objects, or a ModelFiles.
 */
import { BertTsError } from '../errors.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import { hubFiles, isUrl, pickedFiles, urlFiles, type ModelFiles } from './model-files.ts';
import { readModel, readPipeline, readTokenizer } from './from-files.ts';
import { HUB_OPTION_KEYS, LOAD_MODEL_OPTION_KEYS, type HubOptions, type LoadModelOptions } from '../load-options.ts';
import { checkOptions } from '../options.ts';

export type ModelSource = string | URL | ArrayLike<File> | ModelFiles;

/** A model's files, from a URL, a Hub id, picked File objects (or a ModelFiles, as it is). */
export async function modelFiles(source: ModelSource, options: HubOptions = {}): Promise<ModelFiles> {
  if (isModelFiles(source)) return source;
  if (typeof source === 'string' || source instanceof URL) {
    const s = String(source);
    return isUrl(s) ? urlFiles(s, options) : hubFiles(s, options);
  }
  if (source && typeof (source as ArrayLike<File>).length === 'number') return pickedFiles(Array.from(source as ArrayLike<File>));
  throw new BertTsError(`a model source must be a URL, a Hub model id or File objects, got ${typeof source}`);
}

export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<BertModel> {
  checkOptions('loadModel', options, LOAD_MODEL_OPTION_KEYS);
  return readModel(await modelFiles(source, options), options);
}

export async function loadTokenizer(source: ModelSource, options: HubOptions = {}): Promise<BertTokenizer> {
  checkOptions('loadTokenizer', options, HUB_OPTION_KEYS);
  return readTokenizer(await modelFiles(source, options), options);
}

export async function loadPipeline(source: ModelSource, options: LoadModelOptions = {}): Promise<BertPipeline> {
  checkOptions('loadPipeline', options, LOAD_MODEL_OPTION_KEYS);
  return readPipeline(await modelFiles(source, options), options);
}

export function isModelFiles(x: unknown): x is ModelFiles {
  return typeof x === 'object' && x !== null && typeof (x as ModelFiles).open === 'function' && typeof (x as ModelFiles).where === 'string';
}

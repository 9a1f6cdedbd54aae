/**
 * The loaders of the Node entry: a source → its files → a model, a tokenizer
 * or a pipeline. The same four functions, with the same options, as the
 * browser entry's (load/browser.ts); Node adds folders and the Hugging Face cache.
 *
 *   const nlp = await loadPipeline('google-bert/bert-base-uncased');   // cache, else the Hub
 *   const model = await loadModel('weights/en');                       // a folder
 *
 * A source is:
 *   - a folder that exists: a model folder as save_pretrained writes it, or a cache
 *     entry `models--org--name` (its snapshot for the revision);
 *   - a Hub model id (`name`, `org/name`): its files from the cache, or fetched from
 *     the Hub into it (hub/resolve.ts; offline, a complete cached snapshot is used);
 *   - an http(s) URL (read with fetch), File objects, or a ModelFiles;
 *   - anything else is "X is not a folder and not a model id", with no request.
 * Files on disk are read in place by the synchronous folder loaders
 * (loadBertModel, loadTokenizerFolder, loadPipelineFolder); the rest stream
 * through the seam (load/from-files.ts).
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { BertTsError } from '../errors.ts';
import { loadBertModel } from '../bert/load.ts';
import type { BertModel } from '../bert/model.ts';
import { loadTokenizer as loadTokenizerFolder } from '../tokenizer/load.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { loadPipelineFolder } from '../pipelines/load.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import { resolveModelFolder, type ModelParts } from '../hub/resolve.ts';
import { pickedFiles, urlFiles, type ModelFiles } from './model-files.ts';
import { folderFiles } from './folder-files.ts';
import { readModel, readPipeline, readTokenizer } from './from-files.ts';
import { isModelFiles } from './browser.ts';
import { HUB_OPTION_KEYS, LOAD_MODEL_OPTION_KEYS, modelPart, type HubOptions, type LoadModelOptions } from '../load-options.ts';
import { checkOptions } from '../options.ts';

export type ModelSource = string | URL | ArrayLike<File> | ModelFiles;

/** A model's files: from a folder, the cache and the Hub, a URL, File objects (a ModelFiles as it is). */
export async function modelFiles(source: ModelSource, options: HubOptions = {}): Promise<ModelFiles> {
  checkOptions('modelFiles', options, HUB_OPTION_KEYS);
  return filesFor(source, options, 'all');
}

export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<BertModel> {
  checkOptions('loadModel', options, LOAD_MODEL_OPTION_KEYS);
  const files = await filesFor(source, options, 'model');
  return files.dir !== undefined ? loadBertModel(files.dir, modelPart(options)) : readModel(files, options);
}

export async function loadTokenizer(source: ModelSource, options: HubOptions = {}): Promise<BertTokenizer> {
  checkOptions('loadTokenizer', options, HUB_OPTION_KEYS);
  const files = await filesFor(source, options, 'tokenizer');
  return files.dir !== undefined ? loadTokenizerFolder(files.dir, { name: files.folder }) : readTokenizer(files, options);
}

export async function loadPipeline(source: ModelSource, options: LoadModelOptions = {}): Promise<BertPipeline> {
  checkOptions('loadPipeline', options, LOAD_MODEL_OPTION_KEYS);
  const files = await filesFor(source, options, 'all');
  return files.dir !== undefined ? loadPipelineFolder(files.dir, { ...modelPart(options), name: files.folder }) : readPipeline(files, options);
}

/** The files of `source`; from the Hub, only those `parts` needs are fetched. */
async function filesFor(source: ModelSource, options: HubOptions, parts: ModelParts): Promise<ModelFiles> {
  if (isModelFiles(source)) return source;
  if (source instanceof URL || (typeof source === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(source))) {
    const url = new URL(String(source));
    if (url.protocol === 'file:') return filesFor(fileURLToPath(url), options, parts);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BertTsError(`${url.href}: bert-ts reads models over http(s) only`, 'give a folder, a model id, or an http(s) URL');
    return urlFiles(url.href, options);
  }
  if (typeof source !== 'string') {
    if (source && typeof (source as ArrayLike<File>).length === 'number') return pickedFiles(Array.from(source as ArrayLike<File>));
    throw new BertTsError(`a model source must be a folder, a model id, a URL or File objects, got ${typeof source}`);
  }
  // neither a folder nor a well-formed id: resolveModelFolder says so before any request
  const dir = await resolveModelFolder(source, { ...options, parts });
  if (!existsSync(source)) return folderFiles(dir, { where: source, folder: source.split('/').at(-1)! });
  // a cache entry models--org--name resolves to a snapshot named by its commit: the model's name is in the entry's
  const entry = basename(resolve(source));
  return entry.startsWith('models--') ? folderFiles(dir, { folder: entry.split('--').at(-1)! }) : folderFiles(dir);
}

/**
 * The async loaders: a model id or a folder → a BertModel / BertTokenizer.
 * They resolve the files (cache, then Hub) and hand the folder to the
 * synchronous folder loaders, loadBertModel and loadTokenizerFolder.
 */
import { LOAD_OPTIONS, loadBertModel, type LoadOptions } from '../bert/load.ts';
import { checkOptions } from '../options.ts';
import type { BertModel } from '../bert/model.ts';
import { loadTokenizer as loadTokenizerFolder } from '../tokenizer/load.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { resolveModelFolder } from './resolve.ts';
import type { HubOptions } from './settings.ts';

export type LoadModelOptions = HubOptions & LoadOptions;

/** HubOptions' keys (strict options: a misspelt key is an error, not a default). */
export const HUB_OPTIONS = ['revision', 'cacheDir', 'localFilesOnly', 'token', 'endpoint', 'onProgress'] as const;

function hubPart(options: HubOptions): HubOptions {
  return Object.fromEntries(HUB_OPTIONS.filter((k) => Object.hasOwn(options, k)).map((k) => [k, options[k]]));
}

/**
 * `await loadModel('google-bert/bert-base-uncased')`, or a folder. Options:
 * revision, cacheDir, localFilesOnly, token, onProgress, and the folder
 * loader's own (onUnusedTensors, …).
 */
export async function loadModel(nameOrPath: string, options: LoadModelOptions = {}): Promise<BertModel> {
  checkOptions('loadModel', options, [...HUB_OPTIONS, ...LOAD_OPTIONS]);
  const dir = await resolveModelFolder(nameOrPath, { ...hubPart(options), parts: 'model' });
  return loadBertModel(dir, { architecture: options.architecture, onUnusedTensors: options.onUnusedTensors });
}

/** `await loadTokenizer('google-bert/bert-base-uncased')`, or a folder; the same Hub options. */
export async function loadTokenizer(nameOrPath: string, options: HubOptions = {}): Promise<BertTokenizer> {
  checkOptions('loadTokenizer', options, HUB_OPTIONS);
  const dir = await resolveModelFolder(nameOrPath, { ...options, parts: 'tokenizer' });
  return loadTokenizerFolder(dir, { name: nameOrPath });
}

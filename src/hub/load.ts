/**
 * The async loaders: a model id or a folder → a BertModel / BertTokenizer.
 * They resolve the files (cache, then Hub) and hand the folder to the
 * synchronous folder loaders, loadBertModel and loadTokenizerFolder.
 */
import { loadBertModel, type LoadOptions } from '../bert/load.ts';
import type { BertModel } from '../bert/model.ts';
import { loadTokenizer as loadTokenizerFolder } from '../tokenizer/load.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { resolveModelFolder } from './resolve.ts';
import type { HubOptions } from './settings.ts';

export type LoadModelOptions = HubOptions & LoadOptions;

/**
 * `await loadModel('google-bert/bert-base-uncased')`, or a folder. Options:
 * revision, cacheDir, localFilesOnly, token, onProgress, and the folder
 * loader's own (onUnusedTensors, …).
 */
export async function loadModel(nameOrPath: string, options: LoadModelOptions = {}): Promise<BertModel> {
  const dir = await resolveModelFolder(nameOrPath, { ...options, parts: 'model' });
  return loadBertModel(dir, options);
}

/** `await loadTokenizer('google-bert/bert-base-uncased')`, or a folder; the same Hub options. */
export async function loadTokenizer(nameOrPath: string, options: HubOptions = {}): Promise<BertTokenizer> {
  const dir = await resolveModelFolder(nameOrPath, { ...options, parts: 'tokenizer' });
  return loadTokenizerFolder(dir, { name: nameOrPath });
}

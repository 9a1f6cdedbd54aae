/**
 * A model name or a folder → a local folder the synchronous loaders read.
 *
 *   - a path that exists is a folder: a model folder as save_pretrained writes it, or a
 *     cache entry `models--org--name` (its snapshot for the revision, via refs/);
 *   - anything else is a model id (`bert-base-uncased`, `org/name`): its files are found
 *     in the cache or fetched from the Hub into it, and the snapshot folder is returned.
 *
 * Which files: config.json; the weights (model.safetensors, else model.safetensors.index.json
 * and its shards); the tokenizer (tokenizer.json, vocab.txt, tokenizer_config.json,
 * special_tokens_map.json); and for sentence-transformers models modules.json,
 * sentence_bert_config.json and each module's config.json (1_Pooling/config.json).
 * After the first file every request names the commit it answered with, so one
 * snapshot never mixes two commits.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BertTsError, quote } from '../errors.ts';
import { RepoCache } from './cache-layout.ts';
import { isRepoId } from './repo-id.ts';
import { HubError } from './hub-errors.ts';
import { hubFile, hubFileExists, type FileRequest } from './hub-file.ts';
import { hubSettings, type HubOptions } from './settings.ts';
import { warn } from '../load-options.ts';

/** What the caller will load: the model, the tokenizer, or both (the CLI, `download`). */
export type ModelParts = 'model' | 'tokenizer' | 'all';

export interface ResolveOptions extends HubOptions {
  parts?: ModelParts;
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
const CONVERT_HINT =
  'bert-ts reads safetensors only: convert with transformers (AutoModel.from_pretrained(name).save_pretrained(dir, safe_serialization=True)) and load that folder';

/** The folder holding the model's files; downloads into the Hub cache when needed. */
export async function resolveModelFolder(nameOrPath: string, options: ResolveOptions = {}): Promise<string> {
  const parts = options.parts ?? 'all';
  if (existsSync(nameOrPath)) {
    const dir = localFolder(nameOrPath, options.revision);
    if (parts !== 'tokenizer') checkBertConfig(dir);
    return dir;
  }
  if (!isRepoId(nameOrPath)) {
    // shown as typed, unless it would break the one-line message (control characters, a very long string)
    const shown = /^[^\x00-\x1f\x7f]{1,200}$/.test(nameOrPath) ? nameOrPath : quote(nameOrPath);
    throw new BertTsError(`${shown} is not a folder and not a model id`, 'give a model folder (config.json, model.safetensors, vocab.txt), or a Hub model id such as google-bert/bert-base-uncased');
  }
  try {
    return await fetchSnapshot(nameOrPath, parts, options);
  } catch (e) {
    // `weights/nope` is a well-formed id too: say that no such folder exists either
    if (e instanceof HubError && e.code === 'RepoNotFound' && nameOrPath.includes('/')) {
      throw new HubError(e.code, e.message, `${e.hint ?? ''}; and there is no folder ${nameOrPath} here`.replace(/^; /, ''), e.status, e.commit);
    }
    if (e instanceof HubError && e.code === 'Network') {
      throw new HubError(e.code, `${nameOrPath}: no such folder, and as a model id: ${e.message}`, e.hint, e.status, e.commit);
    }
    throw e;
  }
}

/** A folder that exists: itself, or for a cache entry `models--org--name` its snapshot. */
function localFolder(path: string, revision = 'main'): string {
  if (!statSync(path).isDirectory()) {
    throw new BertTsError(`${path}: is a file, not a model folder`, 'give the folder that holds config.json and model.safetensors');
  }
  if (existsSync(join(path, 'config.json')) || !existsSync(join(path, 'snapshots'))) return path;
  // models--org--name: refs/{revision} names the snapshot; a lone snapshot needs no ref
  const repo = basename(path).replace(/^models--/, '').split('--').join('/');
  const cache = new RepoCache(dirname(path), repo);
  const commit = cache.commitFor(revision);
  if (commit !== undefined && existsSync(cache.snapshotFolder(commit))) return cache.snapshotFolder(commit);
  const snapshots = readdirSync(join(path, 'snapshots'));
  if (commit === undefined && snapshots.length === 1) return join(path, 'snapshots', snapshots[0]);
  throw new BertTsError(
    `${path}: a cache folder with no snapshot for revision '${revision}' (snapshots: ${snapshots.join(', ') || 'none'})`,
    'pass a snapshot folder (snapshots/<commit>), or the model id with the cache as HF_HUB_CACHE',
  );
}

/** Answers that mean "the Hub could not be asked" (as opposed to "the Hub says no"). */
const UNCHECKABLE = new Set(['Network', 'HttpError', 'NotCached', 'RepoNotFound', 'GatedRepo']);

/**
 * The snapshot of `repo` in the cache, completed from the Hub. When the Hub
 * cannot be reached (or HF_HUB_OFFLINE=1 forbids asking), a complete cached
 * snapshot is used, as transformers does: required files must be cached, and
 * optional ones that are neither cached nor known absent count as absent, with
 * one warning naming them.
 */
async function fetchSnapshot(repo: string, parts: ModelParts, options: HubOptions): Promise<string> {
  const settings = hubSettings(options);
  let revision = settings.revision;
  const unchecked: string[] = [];
  let why = settings.offline ? 'offline mode (HF_HUB_OFFLINE=1 or localFilesOnly)' : '';
  // once the Hub has failed to answer, the rest comes from the cache without asking again
  const unreachable = (e: HubError) => {
    if (why) return;
    why = `the Hub cannot be reached (${e.message})`;
    settings.offline = true;
    settings.offlineReason = why;
  };
  const request = (file: string): FileRequest => ({ repo, file, revision, settings, onProgress: options.onProgress, onFallback: unreachable });
  const required = async (file: string): Promise<string> => {
    const path = await hubFile(request(file));
    if (path === null) {
      throw new HubError('EntryNotFound', `${repo}@${settings.revision}: the repository has no ${file}`, 'is it a Hugging Face transformers model? bert-ts needs config.json and model.safetensors');
    }
    return path;
  };
  const optional = async (file: string): Promise<string | null> => {
    try {
      return await hubFile(request(file));
    } catch (e) {
      if (!(e instanceof HubError) || !UNCHECKABLE.has(e.code) || e.duringDownload) throw e;
      // the Hub could not be asked and the cache does not know: taken as absent
      unreachable(e);
      unchecked.push(file);
      return null;
    }
  };

  const configPath = await required('config.json');
  const snapshot = dirname(configPath);
  revision = basename(snapshot); // the commit: every later request names it

  if (parts !== 'tokenizer') {
    checkBertConfig(snapshot);
    if ((await optional('model.safetensors')) === null) {
      const index = await optional('model.safetensors.index.json');
      if (index === null) {
        if (unchecked.includes('model.safetensors')) {
          throw new HubError('NotCached', `${repo}@${settings.revision}: model.safetensors is not in the cache ${settings.cacheDir}, and ${why}`, `download it first with network access: bert-ts download ${repo}`);
        }
        for (const torch of ['pytorch_model.bin', 'pytorch_model.bin.index.json']) {
          if (await hubFileExists(request(torch))) throw new BertTsError(`${repo}: has ${torch} but no model.safetensors`, CONVERT_HINT);
        }
        throw new BertTsError(`${repo}@${settings.revision}: the repository has no model.safetensors`, 'bert-ts loads safetensors checkpoints (model.safetensors or a sharded index)');
      }
      for (const shard of shardsOf(index)) await required(shard);
    }
    const modules = await optional('modules.json');
    if (modules !== null) {
      await optional('sentence_bert_config.json');
      for (const path of modulePaths(modules)) await optional(`${path}/config.json`);
    }
  }
  if (parts !== 'model') {
    for (const file of TOKENIZER_FILES) await optional(file);
  }
  if (unchecked.length > 0) {
    warn(options, `${repo}: using the cached snapshot ${basename(snapshot)}: ${why}; not in the cache and so taken as absent: ${unchecked.join(', ')}`);
  }
  return snapshot;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BertTsError(`${path}: not valid JSON (${(e as Error).message})`, 'the download may be corrupt: delete it from the cache and download again');
  }
}

/** The shard files an index lists, in order. */
function shardsOf(indexPath: string): string[] {
  const json = readJson(indexPath) as { weight_map?: Record<string, unknown> };
  if (!json || typeof json.weight_map !== 'object' || json.weight_map === null) {
    throw new BertTsError(`${indexPath}: no weight_map`, 'a sharded checkpoint index maps each tensor name to its shard file');
  }
  return [...new Set(Object.values(json.weight_map).map(String))];
}

/** sentence-transformers modules.json: the folders of modules beyond the transformer itself. */
function modulePaths(modulesPath: string): string[] {
  const json = readJson(modulesPath);
  if (!Array.isArray(json)) return [];
  return json
    .map((m) => (m && typeof m === 'object' ? (m as { path?: unknown }).path : undefined))
    .filter((p): p is string => typeof p === 'string' && p !== '' && !p.includes('..'));
}

/**
 * Refuse a config that is not BERT before any weight is downloaded:
 * model_type must be "bert" and the architectures (if named) Bert*.
 */
export function checkBertConfig(dir: string): void {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return; // the folder loader says what is missing
  const config = readJson(file) as { model_type?: unknown; architectures?: unknown };
  const hint = 'bert-ts runs BERT checkpoints (model_type "bert", architectures Bert*): choose a BERT model';
  if (config.model_type !== undefined && config.model_type !== 'bert') {
    throw new BertTsError(`${file}: model_type '${String(config.model_type)}' is not BERT`, hint);
  }
  const archs = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  if (archs.length > 0 && !archs.some((a) => /^(TF|Flax)?Bert/.test(a))) {
    throw new BertTsError(`${file}: architecture ${archs.join(', ')} is not BERT`, hint);
  }
}

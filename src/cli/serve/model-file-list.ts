/**
 * Which files of a model folder `bert-ts serve` hands out, and where they are
 * on disk. Only what a model needs leaves the folder:
 *
 *   config.json, vocab.txt, tokenizer.json, tokenizer_config.json,
 *   special_tokens_map.json, added_tokens.json, model.safetensors,
 *   model.safetensors.index.json and the shards its weight_map names,
 *   sentence-transformers' modules.json, sentence_bert_config.json,
 *   config_sentence_transformers.json, each module folder's config.json
 *   and sentence_bert_config.json (1_Pooling/config.json), and for the old
 *   layout the model files in the Transformer module's folder (0_BERT/…).
 *
 * Anything else (notes_private.txt, id_rsa, .git/…) is not found. A symlink
 * is followed only when its target stays inside the folder, or, for a
 * snapshot of the Hugging Face cache (models--org--name/snapshots/<commit>),
 * inside that repository's blobs/ folder, where huggingface_hub points them.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { readSmallText } from './read-small.ts';

export const MODEL_FILES: readonly string[] = [
  'config.json',
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'model.safetensors',
  'model.safetensors.index.json',
  'modules.json',
  'sentence_bert_config.json',
  'config_sentence_transformers.json',
];
/** files a sentence-transformers module folder may give (Pooling's config, an old Transformer's settings) */
const MODULE_FILES = ['config.json', 'sentence_bert_config.json'];
/** one plain path part: no `..`, no hidden file, no separator */
const PLAIN = /^\w[\w.-]*$/;
/** the most bytes of an index or modules.json read to learn the names it lists */
const LIST_LIMIT = 50 * 1024 * 1024;

/**
 * The real path of `name` (`file` or `module/file`) in the model folder `dir`
 * if the server may send it; undefined otherwise.
 */
export async function servableModelFile(dir: string, name: string): Promise<string | undefined> {
  if (!(await listedFiles(dir)).has(name)) return undefined;
  return realPathWithin(dir, name);
}

/** The names a client may ask for in `dir`. */
export async function listedFiles(dir: string): Promise<Set<string>> {
  const names = new Set(MODEL_FILES);
  for (const shard of await shardsIn(dir, '')) names.add(shard);
  const modules = await readListFile(dir, 'modules.json');
  if (Array.isArray(modules)) {
    for (const m of modules) {
      const { path, type } = (m ?? {}) as { path?: unknown; type?: unknown };
      if (typeof path !== 'string' || !PLAIN.test(path)) continue;
      for (const f of MODULE_FILES) names.add(`${path}/${f}`);
      // the old layout keeps the whole BERT in the Transformer module's folder (0_BERT/)
      if (typeof type === 'string' && /\.(Transformer|BERT)$/.test(type)) {
        for (const f of MODEL_FILES) names.add(`${path}/${f}`);
        for (const shard of await shardsIn(dir, `${path}/`)) names.add(shard);
      }
    }
  }
  return names;
}

/** The shard files `${prefix}model.safetensors.index.json` names (plain names, beside it). */
async function shardsIn(dir: string, prefix: string): Promise<string[]> {
  const index = await readListFile(dir, `${prefix}model.safetensors.index.json`);
  const weightMap = (index as { weight_map?: unknown } | undefined)?.weight_map;
  if (!weightMap || typeof weightMap !== 'object') return [];
  return Object.values(weightMap).filter((s): s is string => typeof s === 'string' && PLAIN.test(s) && s.endsWith('.safetensors')).map((s) => prefix + s);
}

async function readListFile(dir: string, name: string): Promise<unknown> {
  const path = await realPathWithin(dir, name);
  if (path === undefined) return undefined;
  try {
    return JSON.parse(await readSmallText(path, LIST_LIMIT));
  } catch {
    return undefined; // unreadable or not JSON: it lists nothing
  }
}

/**
 * realpath(dir/name) when it stays inside dir (or the snapshot's blobs/);
 * undefined when it does not exist or leaves.
 */
export async function realPathWithin(dir: string, name: string): Promise<string | undefined> {
  let root: string;
  let real: string;
  try {
    root = await realpath(dir);
    real = await realpath(join(root, ...name.split('/')));
  } catch {
    return undefined;
  }
  if (inside(real, root)) return real;
  const blobs = snapshotBlobs(root);
  if (blobs !== undefined) {
    try {
      if (inside(real, await realpath(blobs))) return real;
    } catch {
      // no blobs/ folder: nothing can be inside it
    }
  }
  return undefined;
}

/** For models--org--name/snapshots/<commit>: models--org--name/blobs. */
function snapshotBlobs(root: string): string | undefined {
  const snapshots = dirname(root);
  const repo = dirname(snapshots);
  if (basename(snapshots) !== 'snapshots' || !basename(repo).startsWith('models--')) return undefined;
  return join(repo, 'blobs');
}

function inside(path: string, folder: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

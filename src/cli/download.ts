// bert-ts download NAME [--revision R]: fill the Hugging Face cache with what
// bert-ts needs of a model (config, weights, tokenizer, sentence-transformers
// files) and print the snapshot folder. --json prints what was fetched.
import { parseArgs } from 'node:util';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BertTsError } from '../errors.ts';
import { resolveModelFolder } from '../hub/resolve.ts';
import type { ProgressCallback } from '../hub/progress.ts';
import { formatBytes, progressReporter } from './progress-bar.ts';

export const DOWNLOAD_USAGE = `usage: bert-ts download NAME [--revision R] [--cache-dir DIR] [--token T] [--json]
  NAME         a Hub model id: bert-base-uncased, google-bert/bert-base-chinese, org/name
  --revision   branch, tag or commit (default main)
  --cache-dir  the cache (default HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub)
  --token      access token for private or gated models (default HF_TOKEN)
  --json       print {repo, revision, commit, path, files} instead of the path
Downloads config.json, model.safetensors (or its shards), the tokenizer files and, for
sentence-transformers models, modules.json and 1_Pooling/config.json, into the cache in
huggingface_hub's layout (Python finds them there too). Prints the snapshot folder.`;

export interface DownloadOptions {
  name: string;
  revision?: string;
  cacheDir?: string;
  token?: string;
}

export interface DownloadResult {
  repo: string;
  revision: string;
  /** the snapshot folder's name: the commit, for a Hub model */
  commit: string;
  path: string;
  files: { file: string; bytes: number }[];
}

/** Resolve NAME into the cache; the result lists the snapshot's files. */
export async function download(o: DownloadOptions, onProgress?: ProgressCallback): Promise<DownloadResult> {
  const path = await resolveModelFolder(o.name, { revision: o.revision, cacheDir: o.cacheDir, token: o.token, onProgress, parts: 'all' });
  return { repo: o.name, revision: o.revision ?? 'main', commit: path.split(/[\\/]/).pop() ?? '', path, files: listFiles(path) };
}

export function formatDownload(r: DownloadResult): string {
  return r.path;
}

function listFiles(dir: string, root = dir): { file: string; bytes: number }[] {
  const out: { file: string; bytes: number }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p); // follows the snapshot's symlinks to the blobs
    if (st.isDirectory()) out.push(...listFiles(p, root));
    else out.push({ file: relative(root, p).split('\\').join('/'), bytes: st.size });
  }
  return out;
}

export async function runDownload(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('download', args, { revision: { type: 'string' }, 'cache-dir': { type: 'string' }, token: { type: 'string' } });
  if (values.help) return console.log(DOWNLOAD_USAGE), 0;
  const name = positionals[0] ?? (values.model as string | undefined);
  if (!name || positionals.length > 1) throw new BertTsError('download: give one model NAME', DOWNLOAD_USAGE.split('\n')[0]);
  const bar = await progressReporter();
  let result: DownloadResult;
  try {
    result = await download({ name, revision: values.revision as string | undefined, cacheDir: values['cache-dir'] as string | undefined, token: values.token as string | undefined }, bar.onProgress);
  } finally {
    bar.stop();
  }
  if (values.json) console.log(JSON.stringify(result));
  else {
    if (process.stderr.isTTY) console.error(`${result.files.length} files, ${formatBytes(result.files.reduce((n, f) => n + f.bytes, 0))}`);
    console.log(formatDownload(result));
  }
  return 0;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** util.parseArgs with the flags every command shares (--model/-m, --json, --help), one clear line on a bad option. */
export function parseCommand(command: string, args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...options, model: { type: 'string', short: 'm' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new BertTsError(`${command}: ${(e as Error).message.split('\n')[0]}`, `run 'bert-ts ${command} --help'`);
  }
}

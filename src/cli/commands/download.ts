// bert-ts download MODEL [--revision R]: fill the Hugging Face cache with what
// bert-ts needs of a model (config, weights, tokenizer, sentence-transformers
// files) and print the snapshot folder; --json lists what it holds.
import { BertTsError } from '../../errors.ts';
import { listFolderFiles } from '../../read-file.ts';
import { resolveModelFolder } from '../../hub/resolve.ts';
import type { ProgressCallback } from '../../load-options.ts';
import { str, type Command, type OptionSpec, type Parsed } from '../command.ts';
import { JSON_OUT, MODEL, printJson } from '../common.ts';
import { formatBytes, progressReporter } from '../progress-bar.ts';

/** --revision, --cache-dir, --token: the Hub options of download and inspect. */
export const HUB: Record<string, OptionSpec> = {
  revision: { type: 'string', value: 'R', help: 'branch, tag or commit (default main)' },
  'cache-dir': { type: 'string', value: 'DIR', help: 'the cache (default HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub)' },
  token: { type: 'string', value: 'T', help: 'access token for private or gated models (default HF_TOKEN)' },
};

export interface HubCommandOptions {
  name: string;
  revision?: string;
  cacheDir?: string;
  token?: string;
}

/** The model argument (positional, or --model / -m) and the Hub options. */
export function hubCommandOptions(command: string, p: Parsed): HubCommandOptions {
  const model = str(p, 'model');
  const names = model !== undefined ? [model, ...p.positionals] : p.positionals;
  if (names.length !== 1) throw new BertTsError(`${command}: give one MODEL (a Hub model id or a folder), got ${names.length}`, `run 'bert-ts ${command} --help'`);
  return { name: names[0], revision: str(p, 'revision'), cacheDir: str(p, 'cache-dir'), token: str(p, 'token') };
}

export interface DownloadResult {
  repo: string;
  revision: string;
  /** the snapshot folder's name: the commit, for a Hub model */
  commit: string;
  path: string;
  files: { file: string; bytes: number }[];
}

/** Resolve the model into the cache; the result lists the snapshot's files. */
export async function download(o: HubCommandOptions, onProgress?: ProgressCallback): Promise<DownloadResult> {
  const path = await resolveModelFolder(o.name, { revision: o.revision, cacheDir: o.cacheDir, token: o.token, onProgress, parts: 'all' });
  return { repo: o.name, revision: o.revision ?? 'main', commit: path.split(/[\\/]/).pop() ?? '', path, files: listFolderFiles(path) };
}

export const downloadCommand: Command = {
  name: 'download',
  summary: 'fill the Hugging Face cache with a model and print its snapshot folder',
  args: 'MODEL',
  argsHelp:
    'MODEL is a Hub model id: bert-base-uncased, google-bert/bert-base-chinese, org/name.\n' +
    'Fetches config.json, model.safetensors (or its shards), the tokenizer files and, for sentence-transformers\n' +
    "models, modules.json and 1_Pooling/config.json, into the cache in huggingface_hub's layout (Python finds them\n" +
    'there too). Uses HF_ENDPOINT, HF_HUB_CACHE / HF_HOME, HF_TOKEN; a progress bar on stderr when it is a terminal.',
  options: { ...MODEL, ...HUB, ...JSON_OUT },
  examples: ['bert-ts download google-bert/bert-base-uncased', 'bert-ts download sentence-transformers/all-MiniLM-L6-v2 --revision main --json'],
  async run(p, io) {
    const o = hubCommandOptions('download', p);
    const bar = await progressReporter();
    let result: DownloadResult;
    try {
      result = await download(o, bar.onProgress);
    } finally {
      bar.stop();
    }
    if (p.values.json) printJson(io, result);
    else {
      if (process.stderr.isTTY) io.stderr.write(`${result.files.length} files, ${formatBytes(result.files.reduce((n, f) => n + f.bytes, 0))}\n`);
      io.stdout.write(result.path + '\n');
    }
    return 0;
  },
};

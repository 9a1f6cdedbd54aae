/**
 * The one place the CLI loads a model: --model is a folder or a Hub model id,
 * loaded with the library's loadPipeline / loadModel / loadTokenizer (through
 * the Hugging Face cache, downloading what is missing, with a progress bar on
 * stderr when it is a terminal). Warnings go to stderr as `bert-ts: warning:`.
 */
import { loadModel, loadPipeline, loadTokenizer } from '../load/node.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import type { DType, HubOptions, LoadModelOptions } from '../load-options.ts';
import type { Io } from './command.ts';
import { progressReporter } from './progress-bar.ts';
import { resolveModelFolder } from '../hub/resolve.ts';

export interface CliLoadOptions {
  architecture?: string;
  /** --dtype (default f32) */
  dtype?: DType;
  /** where warnings go (default: the process's stderr) */
  io?: Pick<Io, 'stderr'>;
}

/** --model → its local folder (the cache snapshot of a Hub id, downloading what is missing), for commands that fingerprint its files. */
export async function modelFolderForCli(modelArg: string, options: CliLoadOptions = {}): Promise<string> {
  return withProgress(options, (o) => resolveModelFolder(modelArg, { onProgress: o.onProgress, parts: 'all' }));
}

/** --model → a pipeline (model, tokenizer, sentence-transformers settings). */
export async function loadForCli(modelArg: string, options: CliLoadOptions = {}): Promise<BertPipeline> {
  const nlp = await withProgress(options, (o) => loadPipeline(modelArg, o));
  warnUnused(nlp.model, options);
  return nlp;
}

/** --model → the model alone (golden record). */
export async function loadModelForCli(modelArg: string, options: CliLoadOptions = {}): Promise<BertModel> {
  const model = await withProgress(options, (o) => loadModel(modelArg, o));
  warnUnused(model, options);
  return model;
}

/** --model → the tokenizer alone (tokenize): only the tokenizer files are fetched. */
export async function loadTokenizerForCli(modelArg: string, options: CliLoadOptions = {}): Promise<BertTokenizer> {
  return withProgress(options, (o: HubOptions) => loadTokenizer(modelArg, { onProgress: o.onProgress, onWarning: o.onWarning }));
}

async function withProgress<T>(options: CliLoadOptions, load: (o: LoadModelOptions) => Promise<T>): Promise<T> {
  const bar = await progressReporter();
  try {
    return await load({ architecture: options.architecture, dtype: options.dtype, onProgress: bar.onProgress, onWarning: (m) => warn(options, m) });
  } finally {
    bar.stop();
  }
}

function warn(options: CliLoadOptions, message: string): void {
  (options.io?.stderr ?? process.stderr).write(`bert-ts: warning: ${message}\n`);
}

/** As transformers warns: checkpoint tensors the loaded head does not use. */
function warnUnused(model: BertModel, options: CliLoadOptions): void {
  const unused = model.unusedTensors;
  if (unused.length === 0) return;
  warn(options, `${unused.length} checkpoint tensor${unused.length > 1 ? 's' : ''} not used by ${model.architecture}: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''} (a head this command does not load? see --architecture)`);
}

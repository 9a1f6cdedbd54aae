// bert-ts inspect NAME_OR_PATH: what a model is, without running it: the config
// summary, the heads and the tensors the model does not use, every tensor with
// its dtype and shape, the parameter count, the weights' size, the tokenizer.
import { basename } from 'node:path';
import { BertTsError } from '../errors.ts';
import { resolveModelFolder } from '../hub/resolve.ts';
import { inspectModelFolder, type ModelInfo } from '../hub/model-info.ts';
import { shapeString } from '../tensor/tensor.ts';
import type { ProgressCallback } from '../hub/progress.ts';
import { parseCommand } from './download.ts';
import { formatBytes, progressReporter } from './progress-bar.ts';

export const INSPECT_USAGE = `usage: bert-ts inspect NAME_OR_PATH [--revision R] [--cache-dir DIR] [--token T] [--json]
  NAME_OR_PATH  a model folder, or a Hub model id (found in the cache, else downloaded)
  --json        the same as one JSON object`;

export interface InspectOptions {
  name: string;
  revision?: string;
  cacheDir?: string;
  token?: string;
}

export async function inspect(o: InspectOptions, onProgress?: ProgressCallback): Promise<ModelInfo> {
  const dir = await resolveModelFolder(o.name, { revision: o.revision, cacheDir: o.cacheDir, token: o.token, onProgress, parts: 'all' });
  return inspectModelFolder(dir);
}

export function formatInspect(info: ModelInfo): string {
  const c = info.config;
  const dtypes = [...new Set(info.tensors.map((t) => t.dtype))].join('/');
  const tok = info.tokenizer;
  const lines = [
    `model      ${info.folder}`,
    `config     ${c.modelType}: ${c.numHiddenLayers} layers, hidden ${c.hiddenSize}, ${c.numAttentionHeads} heads, intermediate ${c.intermediateSize}, vocab ${c.vocabSize}, max positions ${c.maxPositionEmbeddings}, type vocab ${c.typeVocabSize}, ${c.hiddenAct}, eps ${c.layerNormEps}`,
    `head       ${info.architecture}: encoder${info.heads.map((h) => ` + ${h}`).join('')}`,
    `unused     ${info.unusedTensors.length === 0 ? 'none' : info.unusedTensors.join(', ')}`,
    `parameters ${info.parameters.toLocaleString('en-US')} (${dtypes})`,
    `weights    ${formatBytes(info.fileBytes)} in ${info.weightFiles.map((f) => basename(f)).join(', ')}`,
    `tokenizer  ${tok.kind === 'none' ? 'none (no tokenizer.json or vocab.txt)' : `WordPiece from ${tok.kind}: ${tok.vocabSize} tokens, ${tok.lowercase ? 'lowercased' : 'cased'}, max length ${tok.modelMaxLength}`}`,
  ];
  if (info.sentenceTransformers) {
    const p = info.sentenceTransformers.pooling;
    const mode = p ? Object.entries(p).filter(([k, v]) => k.startsWith('pooling_mode') && v === true).map(([k]) => k.replace('pooling_mode_', '')).join(', ') : '?';
    lines.push(`sentence-transformers  ${info.sentenceTransformers.modules.join(' → ')}; pooling ${mode}`);
  }
  lines.push(`tensors    ${info.tensors.length}`);
  const width = Math.max(...info.tensors.map((t) => t.name.length));
  for (const t of info.tensors) lines.push(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(4)}  ${shapeString(t.shape)}`);
  return lines.join('\n');
}

export async function runInspect(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('inspect', args, { revision: { type: 'string' }, 'cache-dir': { type: 'string' }, token: { type: 'string' } });
  if (values.help) return console.log(INSPECT_USAGE), 0;
  const name = positionals[0] ?? (values.model as string | undefined);
  if (!name || positionals.length > 1) throw new BertTsError('inspect: give one model NAME_OR_PATH', INSPECT_USAGE.split('\n')[0]);
  const bar = await progressReporter();
  let info: ModelInfo;
  try {
    info = await inspect({ name, revision: values.revision as string | undefined, cacheDir: values['cache-dir'] as string | undefined, token: values.token as string | undefined }, bar.onProgress);
  } finally {
    bar.stop();
  }
  console.log(values.json ? JSON.stringify(info) : formatInspect(info));
  return 0;
}

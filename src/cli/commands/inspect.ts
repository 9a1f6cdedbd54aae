// bert-ts inspect MODEL: what a model is, without running it: the config
// summary, the head and the tensors the model does not use, every tensor with
// its dtype and shape, the parameter count, the weights' size, the tokenizer.
import { basename } from 'node:path';
import { resolveModelFolder } from '../../hub/resolve.ts';
import { inspectModelFolder, type ModelInfo } from '../../hub/model-info.ts';
import type { ProgressCallback } from '../../load-options.ts';
import { shapeString } from '../../tensor/tensor.ts';
import type { Command } from '../command.ts';
import { JSON_OUT, MODEL, kernelsLabel, printJson } from '../common.ts';
import { getBackend } from '../../runtime/backend.ts';
import { getSimd } from '../../runtime/simd.ts';
import { formatBytes, progressReporter } from '../progress-bar.ts';
import { HUB, hubCommandOptions, type HubCommandOptions } from './download.ts';

/** ModelInfo, and the longest input the pipelines give the model: min(max_position_embeddings, model_max_length). */
export type InspectResult = ModelInfo & { maxInputTokens: number };

export async function inspect(o: HubCommandOptions, onProgress?: ProgressCallback): Promise<InspectResult> {
  const dir = await resolveModelFolder(o.name, { revision: o.revision, cacheDir: o.cacheDir, token: o.token, onProgress, parts: 'all' });
  const info = inspectModelFolder(dir);
  return { ...info, maxInputTokens: effectiveLimit(info) };
}

/** The pipelines cut inputs to this many tokens (special tokens included). */
export function effectiveLimit(info: ModelInfo): number {
  return Math.min(info.config.maxPositionEmbeddings, info.tokenizer.modelMaxLength ?? Infinity);
}

/** The kernels a model would run on here, by default: backend and wasm variant. */
function runtimeKernels(): { backend: string; simd: string | null; label: string } {
  const backend = getBackend();
  return { backend, simd: backend === 'wasm' ? getSimd() : null, label: kernelsLabel(backend) };
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
    `tokenizer  ${tok.kind === 'none' ? 'none (no tokenizer.json or vocab.txt)' : `WordPiece from ${tok.kind}: ${tok.vocabSize} tokens, ${tok.lowercase ? 'lowercased' : 'cased'}, model_max_length ${tok.modelMaxLength}`}`,
    `max input  ${effectiveLimit(info)} tokens (${limitReason(info)}); longer inputs are cut, with a warning`,
  ];
  if (info.sentenceTransformers) {
    const p = info.sentenceTransformers.pooling;
    const mode = p ? Object.entries(p).filter(([k, v]) => k.startsWith('pooling_mode') && v === true).map(([k]) => k.replace('pooling_mode_', '')).join(', ') : '?';
    lines.push(`sentence-transformers  ${info.sentenceTransformers.modules.join(' → ')}; pooling ${mode}`);
  }
  lines.push(`kernels    ${runtimeKernels().label} here (--backend, --simd or BERT_TS_SIMD choose; --dtype q8 for int8 matrices)`);
  lines.push(`tensors    ${info.tensors.length}`);
  const width = Math.max(...info.tensors.map((t) => t.name.length));
  for (const t of info.tensors) lines.push(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(4)}  ${shapeString(t.shape)}`);
  return lines.join('\n');
}

function limitReason(info: ModelInfo): string {
  const p = info.config.maxPositionEmbeddings;
  const t = info.tokenizer.modelMaxLength;
  if (t === undefined) return `max_position_embeddings ${p}`;
  if (t === p) return `max_position_embeddings and model_max_length`;
  return t < p ? `the tokenizer's model_max_length ${t}, below max_position_embeddings ${p}` : `max_position_embeddings ${p}, below the tokenizer's model_max_length ${t}`;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'config, head, unused tensors, every tensor (dtype, shape), parameters, file size, tokenizer',
  args: 'MODEL',
  argsHelp: 'MODEL is a model folder, or a Hub model id (found in the cache, else downloaded). Nothing is run.',
  options: { ...MODEL, ...HUB, ...JSON_OUT },
  examples: ['bert-ts inspect weights/en', 'bert-ts inspect google-bert/bert-base-uncased --json'],
  async run(p, io) {
    const o = hubCommandOptions('inspect', p);
    const bar = await progressReporter();
    let info: InspectResult;
    try {
      info = await inspect(o, bar.onProgress);
    } finally {
      bar.stop();
    }
    if (p.values.json) printJson(io, { ...info, kernels: runtimeKernels() });
    else io.stdout.write(formatInspect(info) + '\n');
    return 0;
  },
};

/**
 * What a model folder holds, for `bert-ts inspect`: the config summary, the
 * heads the checkpoint carries and the tensors the model does not use, every
 * tensor with its dtype and shape, the parameter count, the weight files' size
 * and the tokenizer kind. The weights are opened in plain memory (no wasm arena).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readBertConfig } from '../bert/load.ts';
import { BertModel } from '../bert/model.ts';
import { openCheckpoint } from '../tensor/safetensors-fs.ts';
import { numel } from '../tensor/tensor.ts';
import { loadTokenizer as loadTokenizerFolder } from '../tokenizer/load.ts';

export interface ModelInfo {
  folder: string;
  config: {
    modelType: string;
    architectures: string[];
    hiddenSize: number;
    numHiddenLayers: number;
    numAttentionHeads: number;
    intermediateSize: number;
    vocabSize: number;
    maxPositionEmbeddings: number;
    typeVocabSize: number;
    hiddenAct: string;
    layerNormEps: number;
  };
  /** the head bert-ts loads: config.json's architectures (BertModel when it names none it knows) */
  architecture: string;
  /** what the checkpoint carries on top of the encoder: pooler, mlm, nsp, and the task head */
  heads: string[];
  unusedTensors: string[];
  tensors: { name: string; dtype: string; shape: number[]; file: string }[];
  parameters: number;
  /** the weight files and their total size in bytes */
  weightFiles: string[];
  fileBytes: number;
  tokenizer: { kind: 'tokenizer.json' | 'vocab.txt' | 'none'; vocabSize?: number; lowercase?: boolean; modelMaxLength?: number };
  /** sentence-transformers: modules.json's modules and the pooling config */
  sentenceTransformers?: { modules: string[]; pooling?: Record<string, unknown> };
}

export function inspectModelFolder(dir: string): ModelInfo {
  const config = readBertConfig(dir);
  const source = openCheckpoint(dir, {});
  const model = BertModel.fromTensors(config, source);
  const tensors = source.names().map((name) => {
    const t = source.info(name)!;
    return { name, dtype: t.dtype, shape: t.shape, file: t.file };
  });
  const weightFiles = [...source.files];
  if (existsSync(join(dir, 'model.safetensors.index.json')) && !existsSync(join(dir, 'model.safetensors'))) weightFiles.unshift(join(dir, 'model.safetensors.index.json'));
  const heads = [model.hasPooler && 'pooler', model.hasMlmHead && 'mlm', model.weights.cls.seq_relationship !== null && 'nsp', model.taskHead].filter((h): h is string => typeof h === 'string');
  const architecture = model.architecture;
  const unusedTensors = model.unusedTensors;
  model.dispose(); // only its description is wanted
  return {
    folder: dir,
    config: {
      modelType: String(config.raw.model_type ?? 'bert'),
      architectures: config.architectures,
      hiddenSize: config.hiddenSize,
      numHiddenLayers: config.numHiddenLayers,
      numAttentionHeads: config.numAttentionHeads,
      intermediateSize: config.intermediateSize,
      vocabSize: config.vocabSize,
      maxPositionEmbeddings: config.maxPositionEmbeddings,
      typeVocabSize: config.typeVocabSize,
      hiddenAct: config.hiddenAct,
      layerNormEps: config.layerNormEps,
    },
    architecture,
    heads,
    unusedTensors,
    tensors,
    parameters: tensors.reduce((n, t) => n + numel(t.shape), 0),
    weightFiles,
    fileBytes: weightFiles.reduce((n, f) => n + statSync(f).size, 0),
    tokenizer: tokenizerInfo(dir),
    sentenceTransformers: sentenceTransformersInfo(dir),
  };
}

function tokenizerInfo(dir: string): ModelInfo['tokenizer'] {
  const kind = existsSync(join(dir, 'tokenizer.json')) ? 'tokenizer.json' : existsSync(join(dir, 'vocab.txt')) ? 'vocab.txt' : 'none';
  if (kind === 'none') return { kind };
  const t = loadTokenizerFolder(dir);
  return { kind, vocabSize: t.vocabSize, lowercase: t.normalizerOptions?.lowercase, modelMaxLength: t.modelMaxLength };
}

function sentenceTransformersInfo(dir: string): ModelInfo['sentenceTransformers'] {
  const modulesPath = join(dir, 'modules.json');
  if (!existsSync(modulesPath)) return undefined;
  const modules = JSON.parse(readFileSync(modulesPath, 'utf8')) as { type?: string; path?: string }[];
  const pooling = modules.find((m) => typeof m.type === 'string' && m.type.endsWith('Pooling'));
  const poolingPath = pooling?.path ? join(dir, pooling.path, 'config.json') : undefined;
  return {
    modules: modules.map((m) => String(m.type ?? '?')),
    pooling: poolingPath && existsSync(poolingPath) ? (JSON.parse(readFileSync(poolingPath, 'utf8')) as Record<string, unknown>) : undefined,
  };
}

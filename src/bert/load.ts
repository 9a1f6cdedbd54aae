/**
 * Load a BERT from a local Hugging Face model folder (Node): `config.json` plus
 * `model.safetensors` (or a sharded `model.safetensors.index.json`).
 */
import { checkOptions } from '../options.ts';
import { join } from 'node:path';
import { BertTsError } from '../errors.ts';
import { pathKind, readJsonFile } from '../read-file.ts';
import { openCheckpoint } from '../tensor/safetensors-fs.ts';
import { Arena, heapShared } from '../runtime/heap.ts';
import { parseBertConfig, type BertConfig } from './config.ts';
import { BertModel } from './model.ts';

export function readBertConfig(dir: string): BertConfig {
  const file = join(dir, 'config.json');
  if (pathKind(file) === 'missing') {
    throw new BertTsError(`${dir}: no config.json`, 'a model folder needs config.json and model.safetensors, as Hugging Face saves them');
  }
  return parseBertConfig(readJsonFile(file, 'model config'), file);
}

export const LOAD_OPTIONS = ['architecture', 'onUnusedTensors'] as const;

export interface LoadOptions {
  /** the head to load instead of config.architectures' ('BertModel': the encoder alone; see ARCHITECTURES) */
  architecture?: string;
  /** called once per checkpoint tensor the model does not use (as transformers warns) */
  onUnusedTensors?: (names: string[]) => void;
}

/**
 * Where the heap is shared (Node; cross-origin isolated pages) the weights are
 * read straight into a heap arena of the model's, where every thread and the
 * wasm kernels read them in place, on either backend; model.dispose() frees it.
 * Elsewhere they stay in JS memory (the wasm backend then packs a copy of each
 * linear weight into the heap).
 */
export function loadBertModel(dir: string, options: LoadOptions = {}): BertModel {
  checkOptions('loadBertModel', options, LOAD_OPTIONS);
  const config = readBertConfig(dir);
  const arena = heapShared() ? new Arena(`the BertModel of ${dir}`) : null;
  let model: BertModel;
  try {
    model = BertModel.fromTensors(config, openCheckpoint(dir, { memory: arena?.tensorMemory() }), { arena: arena ?? undefined, architecture: options.architecture });
  } catch (e) {
    arena?.dispose();
    throw e;
  }
  if (model.unusedTensors.length > 0) options.onUnusedTensors?.(model.unusedTensors);
  return model;
}

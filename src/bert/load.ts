/**
 * Load a BERT from a local Hugging Face model folder (Node): `config.json` plus
 * `model.safetensors` (or a sharded `model.safetensors.index.json`).
 */
import { join } from 'node:path';
import { BertTsError } from '../errors.ts';
import { pathKind, readJsonFile } from '../read-file.ts';
import { openCheckpoint } from '../tensor/safetensors-fs.ts';
import { weightMemory } from '../layers/matmul.ts';
import { parseBertConfig, type BertConfig } from './config.ts';
import { BertModel } from './model.ts';

export function readBertConfig(dir: string): BertConfig {
  const file = join(dir, 'config.json');
  if (pathKind(file) === 'missing') {
    throw new BertTsError(`${dir}: no config.json`, 'a model folder needs config.json and model.safetensors, as Hugging Face saves them');
  }
  return parseBertConfig(readJsonFile(file, 'model config'), file);
}

export interface LoadOptions {
  /** called once per checkpoint tensor the model does not use (as transformers warns) */
  onUnusedTensors?: (names: string[]) => void;
}

/**
 * Under the 'wasm' backend (the default where WebAssembly SIMD exists) the
 * weights are loaded into wasm memory, where the wasm kernels read them with
 * no second copy; under 'js', into ordinary shared memory. So call setBackend
 * BEFORE loading: a model loaded under 'js' and run under 'wasm' still works,
 * but the wasm backend then packs a copy of every linear weight (2× memory).
 */
export function loadBertModel(dir: string, options: LoadOptions = {}): BertModel {
  const config = readBertConfig(dir);
  const model = BertModel.fromTensors(config, openCheckpoint(dir, { memory: weightMemory() }));
  if (model.unusedTensors.length > 0) options.onUnusedTensors?.(model.unusedTensors);
  return model;
}

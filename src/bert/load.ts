/**
 * Load a BERT from a local Hugging Face model folder (Node): `config.json` plus
 * `model.safetensors` (or a sharded `model.safetensors.index.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTsError } from '../tensor/errors.ts';
import { openCheckpoint } from '../tensor/safetensors-fs.ts';
import { parseBertConfig, type BertConfig } from './config.ts';
import { BertModel } from './model.ts';

export function readBertConfig(dir: string): BertConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) {
    throw new BertTsError(`${dir}: no config.json`, 'a model folder needs config.json and model.safetensors, as Hugging Face saves them');
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BertTsError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  return parseBertConfig(json, file);
}

export interface LoadOptions {
  /** called once per checkpoint tensor the model does not use (as transformers warns) */
  onUnusedTensors?: (names: string[]) => void;
}

export function loadBertModel(dir: string, options: LoadOptions = {}): BertModel {
  const config = readBertConfig(dir);
  const model = BertModel.fromTensors(config, openCheckpoint(dir));
  if (model.unusedTensors.length > 0) options.onUnusedTensors?.(model.unusedTensors);
  return model;
}

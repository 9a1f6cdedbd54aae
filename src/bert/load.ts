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
import { MODEL_OPTION_KEYS, type ModelOptions } from '../load-options.ts';
import { loadDType } from './quantize-weights.ts';
import { isQuantizedConfig } from './quantized-checkpoint.ts';
import { collectGarbage } from '../runtime/node-gc.ts';

export function readBertConfig(dir: string): BertConfig {
  const file = join(dir, 'config.json');
  if (pathKind(file) === 'missing') {
    throw new BertTsError(`${dir}: no config.json`, 'a model folder needs config.json and model.safetensors, as Hugging Face saves them');
  }
  return parseBertConfig(readJsonFile(file, 'model config'), file);
}

/**
 * Where the heap is shared (Node; cross-origin isolated pages) the weights are
 * read straight into a heap arena of the model's, where every thread and the
 * wasm kernels read them in place, on either backend; model.dispose() frees it.
 * Elsewhere they stay in JS memory (the wasm backend then packs a copy of each
 * linear weight into the heap). dtype 'q8' quantizes the encoder's matrices
 * to int8 at load (src/bert/quantize-weights.ts); a folder `bert-ts quantize`
 * wrote holds them in int8 already (src/bert/quantized-checkpoint.ts) and
 * loads as q8.
 */
export function loadBertModel(dir: string, options: ModelOptions = {}): BertModel {
  checkOptions('loadBertModel', options, MODEL_OPTION_KEYS);
  const config = readBertConfig(dir);
  const dtype = loadDType(options.dtype, isQuantizedConfig(config), `loadBertModel(${dir})`);
  const arena = heapShared() ? new Arena(`the BertModel of ${dir}`) : null;
  let model: BertModel;
  try {
    // q8 reads one tensor at a time and quantizes it into the arena: neither
    // the heap (which never shrinks) nor JS memory ever holds the float32 file
    const source = dtype === 'q8' ? openCheckpoint(dir, { onDemand: true }) : openCheckpoint(dir, { memory: arena?.tensorMemory() });
    model = BertModel.fromTensors(config, source, { arena: arena ?? undefined, architecture: options.architecture, dtype });
  } catch (e) {
    arena?.dispose();
    throw e;
  }
  if (dtype === 'q8') collectGarbage(); // the float32 tensors read and dropped: see node-gc.ts
  if (model.unusedTensors.length > 0) options.onUnusedTensors?.(model.unusedTensors);
  return model;
}

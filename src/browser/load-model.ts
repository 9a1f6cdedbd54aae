/**
 * Load a BERT and its tokenizer in a browser (or any runtime with fetch and
 * streams): from a URL, a Hugging Face Hub id, or File objects (model-files.ts).
 *
 *   const { model, tokenizer } = await loadModel('https://example.org/models/demo/', {
 *     onProgress: (p) => console.log(p.file, p.loaded, p.total),
 *   });
 *
 * Reads config.json, the tokenizer files (tokenizer.json, or vocab.txt with
 * tokenizer_config.json and special_tokens_map.json) and model.safetensors (or
 * model.safetensors.index.json and its shards). As with Node's loadBertModel:
 * where the heap is shared (a cross-origin isolated page) the weights stream
 * straight into a heap arena of the model's, where every thread and the wasm
 * kernels read them in place (model.dispose() frees it); elsewhere they stream
 * into one JS buffer of the file's size.
 */
import { checkOptions } from '../options.ts';
import { BertTsError } from '../errors.ts';
import { parseBertConfig, type BertConfig } from '../bert/config.ts';
import { BertModel } from '../bert/model.ts';
import { Arena, heapShared } from '../runtime/heap.ts';
import type { TensorMemory } from '../tensor/alloc.ts';
import { ShardedSafetensors, parseSafetensorsIndex, type SafetensorsFile, type TensorSource } from '../tensor/safetensors.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { tokenizerFromFiles } from '../tokenizer/from-files.ts';
import { modelFiles, readJson, readText, type LoadProgress, type ModelFiles, type SourceOptions } from './model-files.ts';
import { streamSafetensors } from './stream-safetensors.ts';

export interface LoadModelOptions extends SourceOptions {
  /** the head to load instead of config.architectures' ('BertModel': the encoder alone), as loadBertModel's */
  architecture?: string;
  /** called as each file's bytes arrive, and once more with done: true */
  onProgress?: (p: LoadProgress) => void;
  /** called once with the checkpoint tensors the model does not use */
  onUnusedTensors?: (names: string[]) => void;
}

export interface LoadedModel {
  config: BertConfig;
  model: BertModel;
  tokenizer: BertTokenizer;
  /** where the files came from (loadGoldenCase reads more from it) */
  files: ModelFiles;
}

export type ModelSource = string | URL | ArrayLike<File>;

export async function loadModel(source: ModelSource | ModelFiles, options: LoadModelOptions = {}): Promise<LoadedModel> {
  checkOptions('loadModel', options, ['endpoint', 'revision', 'fetch', 'architecture', 'onProgress', 'onUnusedTensors']);
  const files = isModelFiles(source) ? source : modelFiles(source, options);
  const progress = options.onProgress;
  const configJson = await readJson(files, 'config.json', progress);
  if (configJson === undefined) {
    throw new BertTsError(`${files.where}: no config.json`, 'a model folder needs config.json and model.safetensors, as Hugging Face saves them');
  }
  const config = parseBertConfig(configJson, `${files.where} config.json`);
  const arena = heapShared() ? new Arena(`the BertModel of ${files.where}`) : null;
  let model: BertModel;
  let tokenizer: BertTokenizer;
  try {
    const [tok, weights] = await Promise.all([readTokenizer(files, configJson, progress), readWeights(files, arena?.tensorMemory(), progress)]);
    tokenizer = tok;
    model = BertModel.fromTensors(config, weights, { arena: arena ?? undefined, architecture: options.architecture });
  } catch (e) {
    arena?.dispose();
    throw e;
  }
  if (model.unusedTensors.length > 0) options.onUnusedTensors?.(model.unusedTensors);
  return { config, model, tokenizer, files };
}

function isModelFiles(x: unknown): x is ModelFiles {
  return typeof x === 'object' && x !== null && typeof (x as ModelFiles).open === 'function' && typeof (x as ModelFiles).where === 'string';
}

/** The tokenizer of a model, from its files (tokenizer/from-files.ts decides what they mean). */
export async function readTokenizer(files: ModelFiles, modelConfig?: unknown, progress?: (p: LoadProgress) => void): Promise<BertTokenizer> {
  const [json, tokenizerConfig, specialTokensMap] = await Promise.all([
    readText(files, 'tokenizer.json', progress),
    readJson(files, 'tokenizer_config.json', progress),
    readJson(files, 'special_tokens_map.json', progress),
  ]);
  const vocabTxt = json === undefined ? await readText(files, 'vocab.txt', progress) : undefined;
  return tokenizerFromFiles({
    folder: files.folder,
    where: files.where,
    tokenizerJson: json === undefined ? undefined : { text: json, file: `${files.where} tokenizer.json` },
    vocabTxt,
    tokenizerConfig,
    specialTokensMap,
    modelConfig,
  });
}

const SINGLE_FILE = 'model.safetensors';
const INDEX_FILE = 'model.safetensors.index.json';

/** model.safetensors, or the shards model.safetensors.index.json lists, streamed into `memory` (or JS memory). */
async function readWeights(files: ModelFiles, memory: TensorMemory | undefined, progress?: (p: LoadProgress) => void): Promise<TensorSource> {
  const single = await files.open(SINGLE_FILE);
  if (single) return streamSafetensors(single, memory, progress);
  const indexText = await readText(files, INDEX_FILE, progress);
  if (indexText === undefined) {
    throw new BertTsError(`${files.where}: has neither ${SINGLE_FILE} nor ${INDEX_FILE}`, `expected ${SINGLE_FILE}, or ${INDEX_FILE} with the shard files it lists (PyTorch .bin files are not read)`);
  }
  const indexName = `${files.where} ${INDEX_FILE}`;
  const weightMap = parseSafetensorsIndex(indexText, indexName);
  const shards = new Map<string, SafetensorsFile>();
  // one shard at a time: each streams into place as it arrives
  for (const shardName of new Set(Object.values(weightMap))) {
    const shard = await files.open(shardName);
    if (!shard) throw new BertTsError(`${indexName}: shard file ${shardName} is missing`, 'the index lists a shard the model does not have');
    shards.set(shardName, await streamSafetensors(shard, memory, progress));
  }
  return new ShardedSafetensors(indexName, weightMap, shards);
}

/**
 * A model, its tokenizer and a pipeline, read through a ModelFiles (the file
 * seam, model-files.ts), in any runtime with fetch and streams:
 *
 *   source → files (modelFiles) → checkpoint (config.json, the weights streamed
 *   into place, the tokenizer files) → model
 *
 * Reads config.json, the tokenizer files (tokenizer.json, or vocab.txt with
 * tokenizer_config.json and special_tokens_map.json), model.safetensors (or
 * model.safetensors.index.json and its shards) and, for a pipeline, the
 * sentence-transformers files. As with Node's loadBertModel: where the heap is
 * shared (a cross-origin isolated page) the weights stream straight into a heap
 * arena of the model's, where every thread and the wasm kernels read them in
 * place (model.dispose() frees it); elsewhere into one JS buffer of the file's size.
 */
import { BertTsError } from '../errors.ts';
import { parseBertConfig } from '../bert/config.ts';
import { BertModel } from '../bert/model.ts';
import { isQuantizedConfig } from '../bert/quantized-checkpoint.ts';
import { loadDType } from '../bert/quantize-weights.ts';
import { Arena, heapShared } from '../runtime/heap.ts';
import type { TensorMemory } from '../tensor/alloc.ts';
import { ShardedSafetensors, parseSafetensorsIndex, type SafetensorsFile, type TensorSource } from '../tensor/safetensors.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { tokenizerFromFiles } from '../tokenizer/from-files.ts';
import { BertPipeline } from '../pipelines/bert-pipeline.ts';
import { sentenceTransformersDefaults, transformerFolder, type EmbedDefaults } from '../pipelines/sentence-transformers.ts';
import type { LoadModelOptions, ProgressCallback } from '../load-options.ts';
import { readJson, readText, type ModelFiles } from './model-files.ts';
import { streamSafetensors } from './stream-safetensors.ts';

/** config.json, then the weights: a BertModel. */
export async function readModel(files: ModelFiles, options: LoadModelOptions = {}): Promise<BertModel> {
  const configJson = await readConfig(files, options.onProgress);
  const config = parseBertConfig(configJson, `${files.where} config.json`);
  const arena = heapShared() ? new Arena(`the BertModel of ${files.where}`) : null;
  let model: BertModel;
  try {
    // q8 quantizes from JS memory into the arena, so the heap (which never shrinks) never holds the float32
    // weights; a quantized checkpoint (bert-ts quantize) is q8 too, and its int8 is laid out into the arena
    const dtype = loadDType(options.dtype, isQuantizedConfig(config), files.where);
    const weights = await readWeights(files, dtype === 'q8' ? undefined : arena?.tensorMemory(), options.onProgress);
    model = BertModel.fromTensors(config, weights, { arena: arena ?? undefined, architecture: options.architecture, dtype });
  } catch (e) {
    arena?.dispose();
    throw e;
  }
  if (model.unusedTensors.length > 0) options.onUnusedTensors?.(model.unusedTensors);
  return model;
}

/** The tokenizer of a model, from its files (tokenizer/from-files.ts decides what they mean). */
export async function readTokenizer(files: ModelFiles, options: { onProgress?: ProgressCallback } = {}): Promise<BertTokenizer> {
  const progress = options.onProgress;
  const [json, tokenizerConfig, specialTokensMap, modelConfig] = await Promise.all([
    readText(files, 'tokenizer.json', progress),
    readJson(files, 'tokenizer_config.json', progress),
    readJson(files, 'special_tokens_map.json', progress),
    readJson(files, 'config.json', progress),
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

/** Model, tokenizer and the sentence-transformers embedding defaults: a BertPipeline. */
export async function readPipeline(files: ModelFiles, options: LoadModelOptions = {}): Promise<BertPipeline> {
  const st = await readSentenceTransformers(files);
  // a sentence-transformers folder of the old layout keeps the BERT in a subfolder (0_BERT/)
  const sub = st ? transformerFolder(st) : '';
  const bert = sub !== '' && (await files.open('config.json')) === undefined ? subFolder(files, sub) : files;
  const [model, tokenizer] = await Promise.all([readModel(bert, options), readTokenizer(bert, options)]);
  return new BertPipeline({ model, tokenizer, embedDefaults: st && sentenceTransformersDefaults(st) });
}

/**
 * modules.json and the files its modules name, read ahead so that the
 * (synchronous) sentence-transformers reader can look them up; undefined when
 * the model has no modules.json.
 */
async function readSentenceTransformers(files: ModelFiles): Promise<((path: string) => unknown) | undefined> {
  const modules = await readJson(files, 'modules.json');
  if (modules === undefined) return undefined;
  const paths = Array.isArray(modules) ? modules.map((m) => (m as { path?: unknown } | null)?.path).filter((p): p is string => typeof p === 'string' && p !== '' && !p.includes('..')) : [];
  const names = ['sentence_bert_config.json', ...paths.flatMap((p) => [`${p}/config.json`, `${p}/sentence_bert_config.json`])];
  const read = new Map<string, unknown>([['modules.json', modules]]);
  await Promise.all(names.map(async (n) => read.set(n, await readJson(files, n))));
  return (path) => read.get(path);
}

/** The files of a subfolder (sentence-transformers' 0_BERT/). */
function subFolder(files: ModelFiles, sub: string): ModelFiles {
  return { where: `${files.where} ${sub}/`, folder: sub, open: (name) => files.open(`${sub}/${name}`) };
}

async function readConfig(files: ModelFiles, progress?: ProgressCallback): Promise<unknown> {
  const configJson = await readJson(files, 'config.json', progress);
  if (configJson === undefined) {
    throw new BertTsError(`${files.where}: no config.json`, 'a model folder needs config.json and model.safetensors, as Hugging Face saves them');
  }
  return configJson;
}

const SINGLE_FILE = 'model.safetensors';
const INDEX_FILE = 'model.safetensors.index.json';

/** model.safetensors, or the shards model.safetensors.index.json lists, streamed into `memory` (or JS memory). */
async function readWeights(files: ModelFiles, memory: TensorMemory | undefined, progress?: ProgressCallback): Promise<TensorSource> {
  const single = await files.open(SINGLE_FILE);
  if (single) return streamSafetensors(single, memory, progress, files.where);
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
    shards.set(shardName, await streamSafetensors(shard, memory, progress, files.where));
  }
  return new ShardedSafetensors(indexName, weightMap, shards);
}

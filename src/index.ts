// bert-ts for Node: the whole library. (src/browser.ts is the subset without node: imports.)
// first: relaxed SIMD on in Node 20, before any kernel is compiled
import './runtime/node-relaxed-simd.ts';
export * from './browser.ts';
export { readSafetensors, writeSafetensors, openCheckpoint, type ReadOptions, type OpenOptions } from './tensor/safetensors-fs.ts';
export type { TensorToWrite, F32TensorToWrite, RawTensorToWrite, TensorSource, TensorInfo } from './tensor/safetensors.ts';
// loading (async): a folder, a model id (the Hugging Face cache, else the Hub), a URL, File objects
export { loadModel, loadTokenizer, loadPipeline, modelFiles, type ModelSource } from './load/node.ts';
// the synchronous fast path for a folder on disk
export { loadBertModel, readBertConfig } from './bert/load.ts';
export { quantizeModelFolder, type QuantizeResult } from './bert/quantize-folder.ts';
export { isQuantizedCheckpoint, QUANTIZATION_CONFIG } from './bert/quantized-checkpoint.ts';
export { loadTokenizer as loadTokenizerFolder } from './tokenizer/load.ts';
export { loadPipelineFolder, readEmbedDefaults } from './pipelines/load.ts';
export { resolveModelFolder, checkBertConfig, type ResolveOptions, type ModelParts } from './hub/resolve.ts';
export { defaultCacheDir, hubSettings, type HubSettings } from './hub/settings.ts';
export { HubError, type HubErrorCode } from './hub/hub-errors.ts';
export { inspectModelFolder, type ModelInfo } from './hub/model-info.ts';
export { verifyGoldenCase } from './golden/verify.ts';
export { recordGolden } from './golden/record.ts';
export { readGoldenInputs } from './golden/golden-case.ts';
export { readWordVectors } from './word-vectors/read-file.ts';
// embed a corpus into LanceDB and search it (Node only: a native module)
export * from './corpus/index.ts';

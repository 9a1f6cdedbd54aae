// bert-ts for Node: the whole library. (src/browser.ts is the subset without node: imports.)
export * from './browser.ts';
export { readSafetensors, writeSafetensors, openCheckpoint, type ReadOptions, type OpenOptions } from './tensor/safetensors-fs.ts';
export { loadBertModel, readBertConfig, type LoadOptions } from './bert/load.ts';
export { loadTokenizer as loadTokenizerFolder } from './tokenizer/load.ts';
export { loadPipeline, readEmbedDefaults } from './pipelines/load.ts';
// model ids and folders, through the Hugging Face cache and Hub (async)
export { loadModel, loadTokenizer, type LoadModelOptions } from './hub/load.ts';
export { resolveModelFolder, checkBertConfig, type ResolveOptions, type ModelParts } from './hub/resolve.ts';
export { defaultCacheDir, hubSettings, type HubOptions, type HubSettings } from './hub/settings.ts';
export { HubError, type HubErrorCode } from './hub/hub-errors.ts';
export type { ProgressEvent, ProgressCallback } from './hub/progress.ts';
export { inspectModelFolder, type ModelInfo } from './hub/model-info.ts';
export { verifyGoldenCase } from './golden/verify.ts';
export { recordGolden } from './golden/record.ts';
export { readGoldenInputs } from './golden/golden-case.ts';
export { readWordVectors } from './word-vectors/read-file.ts';
// embed a corpus into LanceDB and search it (Node only: a native module)
export * from './corpus/index.ts';

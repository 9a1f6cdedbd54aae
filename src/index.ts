// bert-ts for Node: the whole library. (src/browser.ts is the subset without node: imports.)
export * from './browser.ts';
export { readSafetensors, writeSafetensors, openCheckpoint, type ReadOptions, type OpenOptions } from './tensor/safetensors-fs.ts';
export { loadBertModel, readBertConfig, type LoadOptions } from './bert/load.ts';
export { loadTokenizer } from './tokenizer/load.ts';
export { loadPipeline, readEmbedDefaults } from './pipelines/load.ts';
export { verifyGoldenCase } from './golden/verify.ts';
export { recordGolden } from './golden/record.ts';
export { readGoldenInputs } from './golden/golden-case.ts';

// bert-ts for Node: the whole library. (src/browser.ts is the subset without node:fs.)
export * from './browser.ts';
export { readSafetensors, writeSafetensors, openCheckpoint, type ReadOptions, type OpenOptions } from './tensor/safetensors-fs.ts';
export { loadBertModel, readBertConfig, type LoadOptions } from './bert/load.ts';
export { loadTokenizer } from './tokenizer/load.ts';
export { loadPipeline, readEmbedDefaults } from './pipelines/load.ts';
export { verifyGoldenCase, type VerifyReport } from './golden/verify.ts';
export { recordGolden } from './golden/record.ts';
export { readGoldenInputs, GOLDEN_TENSORS } from './golden/golden-case.ts';
export { compareTensors, DEFAULT_TOLERANCE, type Tolerance, type TensorComparison } from './golden/compare.ts';
export { wasmCopiedBytes } from './runtime/wasm-kernels.ts';
export type { TensorMemory } from './tensor/alloc.ts';

// bert-ts without Node APIs: everything that works in a browser (or any
// runtime with fetch), loading from URLs, Hub ids and File objects included.
import './browser/web-pool.ts'; // threads on Web Workers in a cross-origin isolated page
export { Tensor, numel, shapeString } from './tensor/tensor.ts';
export { BertTsError } from './errors.ts';
export { parseSafetensors, serializeSafetensors, type TensorSource, type TensorInfo, type TensorToWrite, type F32TensorToWrite, type RawTensorToWrite } from './tensor/safetensors.ts';
export type { TensorMemory } from './tensor/alloc.ts';
export { parseBertConfig, type BertConfig } from './bert/config.ts';
export { BertModel, type BertInput, type BertOutput, type ForwardOptions } from './bert/model.ts';
export type { ProbeFn } from './bert/probe.ts';
export { RunState } from './bert/run-state.ts';
export type { BertWeights } from './bert/weights.ts';
export * from './tokenizer/index.ts';
export { tokenizerFromFiles, type TokenizerFiles } from './tokenizer/from-files.ts';
export { erf, applyActivation, activationScalar, HIDDEN_ACT, type Activation } from './layers/activations.ts';
export { linearNaive } from './layers/matmul.ts';
export { linear, attention } from './runtime/ops.ts';
export { setBackend, getBackend, type Backend } from './runtime/backend.ts';
export { setSimd, getSimd, type SimdVariant } from './runtime/simd.ts';
export { wasmSimdSupported, relaxedSimdSupported } from './wasm/kernels.ts';
export type { DType } from './bert/quantize-weights.ts';
export { getThreads, threadsSupported, threadStats, type PoolOptions } from './runtime/pool.ts';
export { setThreads } from './browser/threads.ts';
export { heapStats } from './runtime/heap.ts';
export { wasmCopiedBytes } from './runtime/wasm-kernels.ts';
export { layerNorm } from './layers/layernorm.ts';
export { softmaxRow } from './layers/softmax.ts';
export { GOLDEN_TENSORS, parseGoldenInputs, type GoldenInputs, type GoldenName } from './golden/golden-format.ts';
export { checkGolden, outputTensors, type VerifyReport } from './golden/check.ts';
export { compareTensors, DEFAULT_TOLERANCE, type Tolerance, type TensorComparison } from './golden/compare.ts';
// loading: source → files → model (the same four functions in the Node entry, which adds folders and the cache)
export { loadModel, loadTokenizer, loadPipeline, modelFiles, type ModelSource } from './load/browser.ts';
export type { HubOptions, ModelOptions, LoadModelOptions } from './load-options.ts';
export { HUB_ENDPOINT, type ModelFiles, type FileStream } from './load/model-files.ts';
export type { ProgressEvent, ProgressCallback } from './load-options.ts';
export { MAX_TEXT_FILE_BYTES } from './text-limit.ts';
export { streamSafetensors } from './load/stream-safetensors.ts';
export { checkGoldenCase, type GoldenCheckReport } from './browser/golden.ts';
export { BertWorker, type BertWorkerOptions } from './browser/model-worker.ts';
export { ARCHITECTURES, type Architecture, type TaskHead, type LabelConfig } from './bert/architecture.ts';
export type { NestedArray } from './tensor/tensor.ts';
export * from './pipelines/index.ts';
export * from './explain/index.ts';
export * from './word-vectors/index.ts';

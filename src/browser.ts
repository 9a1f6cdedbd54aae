// bert-ts without Node APIs: everything that works from bytes in memory.
export { Tensor, numel, shapeString } from './tensor/tensor.ts';
export { BertTsError } from './errors.ts';
export { parseSafetensors, serializeSafetensors, type TensorSource, type TensorInfo } from './tensor/safetensors.ts';
export { parseBertConfig, type BertConfig } from './bert/config.ts';
export { BertModel, type BertInput, type BertOutput, type ForwardOptions } from './bert/model.ts';
export type { ProbeFn } from './bert/probe.ts';
export { RunState } from './bert/run-state.ts';
export type { BertWeights } from './bert/weights.ts';
export * from './tokenizer/index.ts';
export { erf, applyActivation, activationScalar, HIDDEN_ACT, type Activation } from './layers/activations.ts';
export { linearNaive } from './layers/matmul.ts';
export { linear, attention } from './runtime/ops.ts';
export { setBackend, getBackend, type Backend } from './runtime/backend.ts';
export { setThreads, getThreads, type PoolOptions } from './runtime/pool.ts';
export { heapStats } from './runtime/heap.ts';
export { layerNorm } from './layers/layernorm.ts';
export { softmaxRow } from './layers/softmax.ts';

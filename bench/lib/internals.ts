/**
 * What the benchmark needs from bert-ts beyond the public API: the kernels by
 * name (naive, fast, threaded) and a per-op profile of one forward pass.
 * bench/lib/build.mjs bundles this file (and the pool's worker) into
 * bench/results/tmp/, so the benchmark runs the same source as dist/.
 */
import { getBackend, linear, linearFast, linearNaive } from '../../src/layers/matmul.ts';
import { attention } from '../../src/layers/attention.ts';
import { attentionWasm } from '../../src/layers/wasm-attention.ts';
import { geluWasm } from '../../src/layers/wasm-activations.ts';
import { applyActivation } from '../../src/layers/activations.ts';
import { addLayerNorm } from '../../src/layers/layernorm.ts';
import { embeddingsForward } from '../../src/bert/embeddings.ts';
import { poolerForward } from '../../src/bert/heads.ts';
import { allocFloat32 } from '../../src/tensor/alloc.ts';
import type { BertModel } from '../../src/bert/model.ts';

export { linear, linearFast, linearNaive, allocFloat32 };
export { setBackend, getBackend, weightMemory } from '../../src/layers/matmul.ts';
export { linearWasm, wasmSimdSupported, wasmMemoryBytes } from '../../src/layers/wasm-matmul.ts';
export { setThreads, getThreads, threadStats } from '../../src/layers/threads.ts';
export { loadBertModel } from '../../src/bert/load.ts';

/**
 * One forward pass of `model` at [B, S] on `ids`, op by op, with a clock around
 * each kernel call: milliseconds per op name, summed over the layers. The
 * sequence of calls is encoder.ts's encoderLayerForward, spelled out (keep in
 * step), with the same kernel choice: on the 'wasm' backend, wasm-attention.ts's
 * attentionWasm and (erf GELU models) wasm-activations.ts's geluWasm.
 */
export function profileForward(
  model: BertModel,
  B: number,
  S: number,
  ids?: Int32Array,
): Record<string, number> {
  const c = model.config;
  const w = model.weights;
  const { hiddenSize: H, intermediateSize: I, numAttentionHeads: A, headSize: D, layerNormEps: eps } = c;
  const M = B * S;
  const st = model.runState(B, S);
  for (let i = 0; i < M; i++) {
    st.ids[i] = ids ? ids[i] : 1000 + ((i * 7919) % (c.vocabSize - 1000));
    st.types[i] = 0;
    st.maskAdd[i] = 0;
  }
  const wasm = getBackend() === 'wasm';
  const attn = wasm ? attentionWasm : attention;
  const act = wasm && c.activation === 'gelu' ? (x: Float32Array, n: number) => geluWasm(x, n) : (x: Float32Array, n: number) => applyActivation(c.activation, x, n);
  const ms: Record<string, number> = {};
  const time = (name: string, f: () => void): void => {
    const t0 = performance.now();
    f();
    ms[name] = (ms[name] ?? 0) + performance.now() - t0;
  };
  time('embeddings', () => embeddingsForward(st, w.embeddings, c));
  for (const l of w.encoder.layer) {
    const self = l.attention.self, out = l.attention.output;
    time('linear q,k,v (H→H ×3)', () => {
      linear(st.q, st.hidden, self.query.weight, self.query.bias, M, H, H);
      linear(st.k, st.hidden, self.key.weight, self.key.bias, M, H, H);
      linear(st.v, st.hidden, self.value.weight, self.value.bias, M, H, H);
    });
    time('attention (QKᵀ, softmax, PV)', () => attn(st.ctx, st.q, st.k, st.v, st.maskAdd, null, st.row, B, S, A, D));
    time('linear attention output (H→H)', () => linear(st.tmp, st.ctx, out.dense.weight, out.dense.bias, M, H, H));
    time('add + LayerNorm', () => addLayerNorm(st.attnOut, st.tmp, st.hidden, out.LayerNorm.weight, out.LayerNorm.bias, M, H, eps));
    time('linear intermediate (H→I)', () =>
      linear(st.inter, st.attnOut, l.intermediate.dense.weight, l.intermediate.dense.bias, M, H, I));
    time(`activation (${c.activation})`, () => act(st.inter, M * I));
    time('linear output (I→H)', () => linear(st.tmp, st.inter, l.output.dense.weight, l.output.dense.bias, M, I, H));
    time('add + LayerNorm', () =>
      addLayerNorm(st.hidden, st.tmp, st.attnOut, l.output.LayerNorm.weight, l.output.LayerNorm.bias, M, H, eps));
  }
  if (w.pooler) {
    const pooled = allocFloat32(B * H), first = allocFloat32(B * H);
    const dense = w.pooler.dense;
    time('pooler', () => poolerForward(pooled, st.hidden, first, dense, B, S, H));
  }
  return ms;
}

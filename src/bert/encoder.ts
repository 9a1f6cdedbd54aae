/**
 * One BertLayer, in place on the residual stream st.hidden [B·S, H]:
 *
 *   q, k, v = x·Wqᵀ + bq, x·Wkᵀ + bk, x·Wvᵀ + bv          (attention.self)
 *   a = LayerNorm(x + (MultiHead(q, k, v)·Woᵀ + bo))      (attention.output)
 *   x = LayerNorm(a + act(a·W1ᵀ + b1)·W2ᵀ + b2)            (intermediate, output)
 *
 * probs: where to write this layer's attention probabilities [B, A, S, S], or null.
 *
 * Kernels. `linear` picks its backend itself (matmul.ts). For attention and the
 * erf GELU the choice is made here, so it is visible: with the 'wasm' backend
 * they run on WebAssembly SIMD (wasm-attention.ts, wasm-activations.ts), else
 * on the plain TypeScript kernels, which stay the reference.
 */
import { getBackend, linear } from '../layers/matmul.ts';
import { attention } from '../layers/attention.ts';
import { attentionWasm } from '../layers/wasm-attention.ts';
import { applyActivation } from '../layers/activations.ts';
import { geluWasm } from '../layers/wasm-activations.ts';
import { addLayerNorm } from '../layers/layernorm.ts';
import type { BertConfig } from './config.ts';
import type { RunState } from './run-state.ts';
import type { LayerWeights } from './weights.ts';
import { Tensor } from '../tensor/tensor.ts';
import type { Probe } from './model.ts';

export function encoderLayerForward(st: RunState, w: LayerWeights, c: BertConfig, probs: Float32Array | null, probe?: Probe): void {
  const { B, S } = st;
  const { hiddenSize: H, intermediateSize: I, numAttentionHeads: A, headSize: D, layerNormEps: eps } = c;
  const M = B * S;
  const self = w.attention.self;
  const out = w.attention.output;
  const wasm = getBackend() === 'wasm';
  const attend = wasm ? attentionWasm : attention;

  linear(st.q, st.hidden, self.query.weight, self.query.bias, M, H, H);
  linear(st.k, st.hidden, self.key.weight, self.key.bias, M, H, H);
  linear(st.v, st.hidden, self.value.weight, self.value.bias, M, H, H);
  if (probe) {
    probe('attention.self.query', new Tensor(st.q, [B, S, H]));
    probe('attention.self.key', new Tensor(st.k, [B, S, H]));
    probe('attention.self.value', new Tensor(st.v, [B, S, H]));
  }
  attend(st.ctx, st.q, st.k, st.v, st.maskAdd, probs, st.row, B, S, A, D);
  if (probe && probs) probe('attention.self.probs', new Tensor(probs, [B, A, S, S]));
  probe?.('attention.self.context', new Tensor(st.ctx, [B, S, H]));
  linear(st.tmp, st.ctx, out.dense.weight, out.dense.bias, M, H, H);
  addLayerNorm(st.attnOut, st.tmp, st.hidden, out.LayerNorm.weight, out.LayerNorm.bias, M, H, eps);
  probe?.('attention.output', new Tensor(st.attnOut, [B, S, H]));

  linear(st.inter, st.attnOut, w.intermediate.dense.weight, w.intermediate.dense.bias, M, H, I);
  if (wasm && c.activation === 'gelu') geluWasm(st.inter, M * I);
  else applyActivation(c.activation, st.inter, M * I);
  probe?.('intermediate', new Tensor(st.inter, [B, S, I]));
  linear(st.tmp, st.inter, w.output.dense.weight, w.output.dense.bias, M, I, H);
  addLayerNorm(st.hidden, st.tmp, st.attnOut, w.output.LayerNorm.weight, w.output.LayerNorm.bias, M, H, eps);
  probe?.('output', new Tensor(st.hidden, [B, S, H]));
}

/**
 * One BertLayer, in place on the residual stream st.hidden [B·S, H]:
 *
 *   q, k, v = x·Wqᵀ + bq, x·Wkᵀ + bk, x·Wvᵀ + bv          (attention.self)
 *   a = LayerNorm(x + (MultiHead(q, k, v)·Woᵀ + bo))      (attention.output)
 *   x = LayerNorm(a + act(a·W1ᵀ + b1)·W2ᵀ + b2)            (intermediate, output)
 *
 * probs: where to write this layer's attention probabilities [B, A, S, S], or null.
 * The kernels come from the backend's table (src/runtime/backend.ts); the
 * probe, when given, sees each step's output (src/bert/probe.ts).
 */
import { kernels } from '../runtime/backend.ts';
import type { BertConfig } from './config.ts';
import type { RunState } from './run-state.ts';
import type { LayerWeights } from './weights.ts';
import type { Probe } from './probe.ts';

export function encoderLayerForward(st: RunState, w: LayerWeights, c: BertConfig, probs: Float32Array | null, probe?: Probe): void {
  const { B, S, scratch: ws } = st;
  const { hiddenSize: H, intermediateSize: I, numAttentionHeads: A, headSize: D, layerNormEps: eps } = c;
  const M = B * S;
  const self = w.attention.self;
  const out = w.attention.output;
  const K = kernels();
  if (probe && !probs) probs = st.buffer('probs', B * A * S * S);

  K.linear(ws, st.q, st.hidden, self.query.weight, self.query.bias, M, H, H);
  probe?.('attention.self.query', st.q, [B, S, H]);
  K.linear(ws, st.k, st.hidden, self.key.weight, self.key.bias, M, H, H);
  probe?.('attention.self.key', st.k, [B, S, H]);
  K.linear(ws, st.v, st.hidden, self.value.weight, self.value.bias, M, H, H);
  probe?.('attention.self.value', st.v, [B, S, H]);
  K.attention(ws, st.ctx, st.q, st.k, st.v, st.maskAdd, probs, B, S, A, D);
  probe?.('attention.self.probs', probs!, [B, A, S, S]);
  probe?.('attention.self.context', st.ctx, [B, S, H]);
  K.linear(ws, st.tmp, st.ctx, out.dense.weight, out.dense.bias, M, H, H);
  K.addLayerNorm(st.attnOut, st.tmp, st.hidden, out.LayerNorm.weight, out.LayerNorm.bias, M, H, eps);
  probe?.('attention.output', st.attnOut, [B, S, H]);

  K.linear(ws, st.inter, st.attnOut, w.intermediate.dense.weight, w.intermediate.dense.bias, M, H, I);
  K.activation(ws, c.activation, st.inter, M * I);
  probe?.('intermediate', st.inter, [B, S, I]);
  K.linear(ws, st.tmp, st.inter, w.output.dense.weight, w.output.dense.bias, M, I, H);
  K.addLayerNorm(st.hidden, st.tmp, st.attnOut, w.output.LayerNorm.weight, w.output.LayerNorm.bias, M, H, eps);
  probe?.('output', st.hidden, [B, S, H]);
}

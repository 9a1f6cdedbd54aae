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
import type { LayerWeights, Linear } from './weights.ts';
import type { Probe } from './probe.ts';

export function encoderLayerForward(st: RunState, w: LayerWeights, c: BertConfig, probs: Float32Array | null, probe?: Probe): void {
  const { B, S, scratch: ws } = st;
  const { hiddenSize: H, intermediateSize: I, numAttentionHeads: A, headSize: D, layerNormEps: eps } = c;
  const M = B * S;
  const self = w.attention.self;
  const out = w.attention.output;
  const K = kernels();
  if (probe && !probs) probs = st.buffer('probs', B * A * S * S);

  // out = x·Wᵀ + b, in float32 or (dtype 'q8') int8; q, k and v share their input, quantized once
  const linear = (out: Float32Array, x: Float32Array, l: Linear, Kin: number, N: number) =>
    l.q8 ? K.qlinear(ws, [out], x, [l.q8], M, Kin) : K.linear(ws, out, x, l.weight, l.bias, M, Kin, N);
  if (self.query.q8 && self.key.q8 && self.value.q8) K.qlinear(ws, [st.q, st.k, st.v], st.hidden, [self.query.q8, self.key.q8, self.value.q8], M, H);
  else for (const [out, l] of [[st.q, self.query], [st.k, self.key], [st.v, self.value]] as const) linear(out, st.hidden, l, H, H);
  probe?.('attention.self.query', st.q, [B, S, H]);
  probe?.('attention.self.key', st.k, [B, S, H]);
  probe?.('attention.self.value', st.v, [B, S, H]);
  K.attention(ws, st.ctx, st.q, st.k, st.v, st.maskAdd, probs, B, S, A, D);
  probe?.('attention.self.probs', probs!, [B, A, S, S]);
  probe?.('attention.self.context', st.ctx, [B, S, H]);
  linear(st.tmp, st.ctx, out.dense, H, H);
  K.addLayerNorm(st.attnOut, st.tmp, st.hidden, out.LayerNorm.weight, out.LayerNorm.bias, M, H, eps);
  probe?.('attention.output', st.attnOut, [B, S, H]);

  linear(st.inter, st.attnOut, w.intermediate.dense, H, I);
  K.activation(ws, c.activation, st.inter, M * I);
  probe?.('intermediate', st.inter, [B, S, I]);
  linear(st.tmp, st.inter, w.output.dense, I, H);
  K.addLayerNorm(st.hidden, st.tmp, st.attnOut, w.output.LayerNorm.weight, w.output.LayerNorm.bias, M, H, eps);
  probe?.('output', st.hidden, [B, S, H]);
}

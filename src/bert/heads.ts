/**
 * What sits on top of the encoder: the pooler, the masked-LM head and the
 * next-sentence head, as in modeling_bert.py.
 */
import { linear } from '../layers/matmul.ts';
import { applyActivation } from '../layers/activations.ts';
import { layerNorm } from '../layers/layernorm.ts';
import { allocFloat32 } from '../tensor/alloc.ts';
import type { BertConfig } from './config.ts';
import type { Linear, MlmHeadWeights } from './weights.ts';

/**
 * BertPooler: pooled[b] = tanh(W · h[b, 0] + b), the [CLS] token's state.
 * hidden: [B, S, H] → out: [B, H]; first: [B, H] scratch for the gathered rows.
 */
export function poolerForward(out: Float32Array, hidden: Float32Array, first: Float32Array, dense: Linear, B: number, S: number, H: number): void {
  for (let b = 0; b < B; b++) first.set(hidden.subarray(b * S * H, b * S * H + H), b * H);
  linear(out, first, dense.weight, dense.bias, B, H, H);
  for (let i = 0; i < B * H; i++) out[i] = Math.tanh(out[i]);
}

/**
 * BertOnlyMLMHead at chosen rows: the vocabulary projection is the largest
 * matmul of the model (V = 30522), so it runs only on the N rows asked for
 * (e.g. the [MASK] positions), gathered first as tinygrad does.
 *
 *   t = LayerNorm(act(rows · Wtᵀ + bt));   logits = t · Eᵀ + bias    (E: [V, H])
 *
 * hidden: [B·S, H]; rows: N flat row indices b·S + s → out: [N, V].
 */
export function mlmForward(out: Float32Array, hidden: Float32Array, rows: Int32Array, w: MlmHeadWeights, c: BertConfig): void {
  const { hiddenSize: H, vocabSize: V } = c;
  const N = rows.length;
  const x = allocFloat32(N * H); // [N, H]
  for (let i = 0; i < N; i++) x.set(hidden.subarray(rows[i] * H, rows[i] * H + H), i * H);
  const t = allocFloat32(N * H);
  linear(t, x, w.transform.dense.weight, w.transform.dense.bias, N, H, H);
  applyActivation(c.activation, t, N * H);
  layerNorm(t, t, w.transform.LayerNorm.weight, w.transform.LayerNorm.bias, N, H, c.layerNormEps);
  linear(out, t, w.decoder.weight, w.decoder.bias, N, H, V);
}

/** BertOnlyNSPHead: logits[b] = W · pooled[b] + b  ([B, H] → [B, 2]; 0 = "B follows A"). */
export function nspForward(out: Float32Array, pooled: Float32Array, w: Linear, B: number, H: number): void {
  linear(out, pooled, w.weight, w.bias, B, H, 2);
}

/**
 * BertForSequenceClassification: logits[b] = classifier · pooled[b] + bias
 * (dropout is the identity at inference). pooled: [B, H] → out: [B, N].
 */
export function sequenceClassifierForward(out: Float32Array, pooled: Float32Array, w: Linear, B: number, H: number, N: number): void {
  linear(out, pooled, w.weight, w.bias, B, H, N);
}

/**
 * BertForTokenClassification: logits[b, s] = classifier · h[b, s] + bias on
 * every token. hidden: [B·S, H] → out: [B·S, N].
 */
export function tokenClassifierForward(out: Float32Array, hidden: Float32Array, w: Linear, M: number, H: number, N: number): void {
  linear(out, hidden, w.weight, w.bias, M, H, N);
}

/**
 * BertForQuestionAnswering: [start, end] = qa_outputs · h[b, s] + bias, then
 * split on the last axis. hidden: [B·S, H] → start, end: [B·S] each;
 * scratch: [B·S, 2].
 */
export function qaForward(start: Float32Array, end: Float32Array, scratch: Float32Array, hidden: Float32Array, w: Linear, M: number, H: number): void {
  linear(scratch, hidden, w.weight, w.bias, M, H, 2);
  for (let i = 0; i < M; i++) {
    start[i] = scratch[2 * i];
    end[i] = scratch[2 * i + 1];
  }
}

/**
 * What sits on top of the encoder: the pooler, the masked-LM head and the
 * next-sentence head, as in modeling_bert.py. They call the backend's kernel
 * table and take their buffers from the RunState.
 */
import { kernels } from '../runtime/backend.ts';
import type { BertConfig } from './config.ts';
import type { RunState } from './run-state.ts';
import type { Linear, MlmHeadWeights } from './weights.ts';

/**
 * BertPooler: pooled[b] = tanh(W · h[b, 0] + b), the [CLS] token's state.
 * st.hidden: [B, S, H] → out: [B, H] (st.first holds the gathered rows).
 */
export function poolerForward(out: Float32Array, st: RunState, dense: Linear, H: number): void {
  const { B, S, hidden, first } = st;
  for (let b = 0; b < B; b++) first.set(hidden.subarray(b * S * H, b * S * H + H), b * H);
  kernels().linear(st.scratch, out, first, dense.weight, dense.bias, B, H, H);
  for (let i = 0; i < B * H; i++) out[i] = Math.tanh(out[i]);
}

/**
 * BertOnlyMLMHead at chosen rows: the vocabulary projection is the largest
 * matmul of the model (V = 30522), so it runs only on the N rows asked for
 * (e.g. the [MASK] positions), gathered first as tinygrad does.
 *
 *   t = LayerNorm(act(rows · Wtᵀ + bt));   logits = t · Eᵀ + bias    (E: [V, H])
 *
 * st.hidden: [B·S, H]; rows: N flat row indices b·S + s → out: [N, V].
 */
export function mlmForward(out: Float32Array, st: RunState, rows: Int32Array, w: MlmHeadWeights, c: BertConfig): void {
  const { hiddenSize: H, vocabSize: V } = c;
  const N = rows.length;
  const K = kernels(), ws = st.scratch;
  const x = st.buffer('mlm.rows', N * H); // [N, H]
  for (let i = 0; i < N; i++) x.set(st.hidden.subarray(rows[i] * H, rows[i] * H + H), i * H);
  const t = st.buffer('mlm.transform', N * H);
  K.linear(ws, t, x, w.transform.dense.weight, w.transform.dense.bias, N, H, H);
  K.activation(ws, c.activation, t, N * H);
  K.layerNorm(t, t, w.transform.LayerNorm.weight, w.transform.LayerNorm.bias, N, H, c.layerNormEps);
  // into the RunState's buffer (where the pool can address it), then out
  const logits = st.buffer('mlm.logits', N * V);
  if (w.decoder.q8) K.qlinear(ws, [logits], t, [w.decoder.q8], N, H);
  else K.linear(ws, logits, t, w.decoder.weight, w.decoder.bias, N, H, V);
  out.set(logits);
}

/** BertOnlyNSPHead: logits[b] = W · pooled[b] + b  ([B, H] → [B, 2]; 0 = "B follows A"). */
export function nspForward(out: Float32Array, st: RunState, pooled: Float32Array, w: Linear, H: number): void {
  kernels().linear(st.scratch, out, pooled, w.weight, w.bias, st.B, H, 2);
}

/**
 * BertForSequenceClassification: logits[b] = classifier · pooled[b] + bias
 * (dropout is the identity at inference). pooled: [B, H] → out: [B, N].
 */
export function sequenceClassifierForward(out: Float32Array, st: RunState, pooled: Float32Array, w: Linear, H: number, N: number): void {
  const x = st.buffer('cls.pooled', st.B * H);
  x.set(pooled);
  const logits = st.buffer('cls.logits', st.B * N); // in the RunState, where the pool can address it
  kernels().linear(st.scratch, logits, x, w.weight, w.bias, st.B, H, N);
  out.set(logits);
}

/**
 * BertForTokenClassification: logits[b, s] = classifier · h[b, s] + bias on
 * every token. st.hidden: [B·S, H] → out: [B·S, N].
 */
export function tokenClassifierForward(out: Float32Array, st: RunState, w: Linear, H: number, N: number): void {
  const M = st.B * st.S;
  const logits = st.buffer('cls.logits', M * N);
  kernels().linear(st.scratch, logits, st.hidden, w.weight, w.bias, M, H, N);
  out.set(logits);
}

/**
 * BertForQuestionAnswering: [start, end] = qa_outputs · h[b, s] + bias, then
 * split on the last axis. st.hidden: [B·S, H] → start, end: [B·S] each.
 */
export function qaForward(start: Float32Array, end: Float32Array, st: RunState, w: Linear, H: number): void {
  const M = st.B * st.S;
  const logits = st.buffer('qa.logits', M * 2); // [B·S, 2]
  kernels().linear(st.scratch, logits, st.hidden, w.weight, w.bias, M, H, 2);
  for (let i = 0; i < M; i++) {
    start[i] = logits[2 * i];
    end[i] = logits[2 * i + 1];
  }
}

/**
 * The kernel table: the ops the model calls, one implementation per backend
 * (js-kernels.ts, wasm-kernels.ts), chosen in backend.ts. Kernels take the
 * output first, then inputs, weights and integer dims; `ws` is the caller's
 * heap scratch (its RunState's), so no kernel keeps scratch of its own.
 */
import type { Activation } from '../layers/activations.ts';
import type { Scratch } from './scratch.ts';
import type { QuantizedLinear } from '../layers/quantize.ts';

export interface Kernels {
  /** forget whatever copy of weight W this backend made (the wasm packed path's), now: BertModel.dispose */
  release(W: Float32Array): void;
  /** out [M, N] = x [M, K] · W [N, K]ᵀ + bias [N] */
  linear(ws: Scratch, out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number): void;
  /**
   * The q8 product (src/layers/quantize.ts): outs[i] [M, Ws[i].N] = x [M, K] · Wᵢᵀ + bᵢ
   * for int8 weights that share the input x, which is quantized once.
   */
  qlinear(ws: Scratch, outs: Float32Array[], x: Float32Array, Ws: QuantizedLinear[], M: number, K: number): void;
  /** ctx [B, S, A·D] = softmax(q·kᵀ/√D + mask)·v per head; probs [B, A, S, S] when given */
  attention(
    ws: Scratch, ctx: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, maskAdd: Float32Array,
    probs: Float32Array | null, B: number, S: number, A: number, D: number,
  ): void;
  /** x[0, n) ← act(x), in place */
  activation(ws: Scratch, act: Activation, x: Float32Array, n: number): void;
  /** out [R, H] = LayerNorm(x) */
  layerNorm(out: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array, R: number, H: number, eps: number): void;
  /** out [R, H] = LayerNorm(x + residual) */
  addLayerNorm(
    out: Float32Array, x: Float32Array, residual: Float32Array, gamma: Float32Array, beta: Float32Array, R: number, H: number, eps: number,
  ): void;
  /** out [B, S, H] = word[ids] + tokenType[types] + position[0..S) */
  embeddingSum(
    out: Float32Array, ids: Int32Array, types: Int32Array, word: Float32Array, position: Float32Array, tokenType: Float32Array,
    B: number, S: number, H: number,
  ): void;
}

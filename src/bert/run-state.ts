/**
 * RunState (llama2.c's word): every activation buffer of one forward pass for
 * one (batch B, sequence S) shape, allocated once and reused by every call of
 * that shape, so the forward pass allocates nothing in its loops. Shared
 * memory where available, so the worker pool can work on these buffers.
 */
import { allocFloat32 } from '../tensor/alloc.ts';
import type { BertConfig } from './config.ts';

export class RunState {
  readonly B: number;
  readonly S: number;
  readonly ids: Int32Array; // [B, S] input ids
  readonly types: Int32Array; // [B, S] token type ids
  readonly maskAdd: Float32Array; // [B, S] additive key mask: 0 or float32 min
  readonly hidden: Float32Array; // [B, S, H] the residual stream x
  readonly attnOut: Float32Array; // [B, S, H] LN(x + attention(x))
  readonly q: Float32Array; // [B, S, H]
  readonly k: Float32Array; // [B, S, H]
  readonly v: Float32Array; // [B, S, H]
  readonly ctx: Float32Array; // [B, S, H] attention context, heads side by side
  readonly tmp: Float32Array; // [B, S, H] output of a dense layer before Add & Norm
  readonly inter: Float32Array; // [B, S, I] intermediate activations
  readonly row: Float64Array; // [S + D] one attention row's scores (wasm-attention.ts; the JS attention keeps its own scratch)
  readonly first: Float32Array; // [B, H] each row's first ([CLS]) state, the pooler's input
  probs: Float32Array | null = null; // [B, A, S, S] attention probabilities, made when a probe first asks

  constructor(config: BertConfig, B: number, S: number) {
    const { hiddenSize: H, intermediateSize: I, headSize: D } = config;
    const M = B * S;
    this.B = B;
    this.S = S;
    this.ids = new Int32Array(M);
    this.types = new Int32Array(M);
    this.maskAdd = allocFloat32(M);
    this.hidden = allocFloat32(M * H);
    this.attnOut = allocFloat32(M * H);
    this.q = allocFloat32(M * H);
    this.k = allocFloat32(M * H);
    this.v = allocFloat32(M * H);
    this.ctx = allocFloat32(M * H);
    this.tmp = allocFloat32(M * H);
    this.inter = allocFloat32(M * I);
    this.row = new Float64Array(S + D);
    this.first = allocFloat32(B * H);
  }
}

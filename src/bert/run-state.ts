/**
 * RunState (llama2.c's word): every buffer of one forward pass for one
 * (batch B, sequence S) shape, scratch included, allocated once and reused by
 * every call of that shape, so the forward pass allocates nothing in its
 * loops and no kernel keeps scratch of its own. Where the heap is shared
 * (Node; cross-origin isolated pages) the activations live in the heap, so the
 * worker pool addresses them by offset; dispose() gives all of it back.
 */
import { Arena, heapOffset, heapShared } from '../runtime/heap.ts';
import { Scratch } from '../runtime/scratch.ts';
import type { BertConfig } from './config.ts';

/**
 * The fixed buffers of one (B, S) shape, in elements: the one list the
 * constructor allocates from and bytes() sums, so the two cannot drift apart.
 */
function fixedBuffers(config: BertConfig, B: number, S: number) {
  const { hiddenSize: H, intermediateSize: I } = config;
  const M = B * S;
  return { ids: M, types: M, maskAdd: M, hidden: M * H, attnOut: M * H, q: M * H, k: M * H, v: M * H, ctx: M * H, tmp: M * H, inter: M * I, first: B * H };
}

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
  readonly first: Float32Array; // [B, H] each row's first ([CLS]) state, the pooler's input
  /** the kernels' scratch: staging and one region per thread */
  readonly scratch: Scratch;
  private readonly arena: Arena | null;
  /** buffers sized by the request (probs, MLM rows), grown as needed */
  private readonly grown = new Map<string, Float32Array>();

  /**
   * Bytes the fixed buffers of a (B, S) state take (4 per element: Int32 ids and
   * types, Float32 the rest). The kernels' scratch and the buffers sized by the
   * request (probs, MLM rows) come on top, as a call asks for them.
   */
  static bytes(config: BertConfig, B: number, S: number): number {
    return 4 * Object.values(fixedBuffers(config, B, S)).reduce((a, n) => a + n, 0);
  }

  constructor(config: BertConfig, B: number, S: number) {
    const n = fixedBuffers(config, B, S);
    this.B = B;
    this.S = S;
    this.arena = heapShared() ? new Arena(`RunState [${B}, ${S}]`) : null;
    this.scratch = new Scratch(`RunState [${B}, ${S}] scratch`);
    this.ids = new Int32Array(n.ids);
    this.types = new Int32Array(n.types);
    this.maskAdd = this.float32(n.maskAdd);
    this.hidden = this.float32(n.hidden);
    this.attnOut = this.float32(n.attnOut);
    this.q = this.float32(n.q);
    this.k = this.float32(n.k);
    this.v = this.float32(n.v);
    this.ctx = this.float32(n.ctx);
    this.tmp = this.float32(n.tmp);
    this.inter = this.float32(n.inter);
    this.first = this.float32(n.first);
  }

  private float32(n: number): Float32Array {
    return this.arena ? this.arena.float32(n) : new Float32Array(n);
  }

  /** A buffer of at least n floats kept under `name` (e.g. 'probs' [B, A, S, S], MLM rows), as a view of exactly n. */
  buffer(name: string, n: number): Float32Array {
    let have = this.grown.get(name);
    if (!have || have.length < n) {
      if (have && this.arena) this.arena.release(heapOffset(have));
      have = this.float32(n);
      this.grown.set(name, have);
    }
    return have.subarray(0, n);
  }

  /** Give every buffer back to the heap; the state must not be used after. */
  dispose(): void {
    this.arena?.dispose();
    this.scratch.dispose();
    this.grown.clear();
  }
}

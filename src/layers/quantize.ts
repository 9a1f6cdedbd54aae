/**
 * The q8 path's scheme (dynamic quantization, as XNNPACK's qd8-f32-qc8w and
 * onnxruntime's MatMulInteger): a linear layer out = x · Wᵀ + b computed as
 *
 *   W[n, k] ≈ sw[n] · Wq[n, k]            Wq ∈ [−127, 127], one scale per output
 *                                          channel, sw[n] = max_k |W[n, k]| / 127
 *                                          (quantized once, at load)
 *   x[m, k] ≈ sx[m] · (xq[m, k] − zp[m])  xq ∈ [0, 127], one scale per token row,
 *                                          sx[m] = (hi − lo) / 127 over the row's
 *                                          range [lo, hi] ∋ 0, zp[m] = round(−lo / sx)
 *                                          (quantized per call; src/wasm/quantize.ts)
 *   acc[m, n] = Σ_k xq[m, k] · Wq[n, k]   (exact integers)
 *   out[m, n] = acc · (sw[n] · sx[m]) − (sw[n] · Σ_k Wq[n, k]) · (sx[m] · zp[m]) + b[n]
 *
 * The activations get 7 bits and an offset (not 8 bits signed) so that relaxed
 * SIMD's int8 dot product, defined only for a 7-bit second operand, is exact on
 * every engine (src/wasm/qdot.ts). The epilogue is float32 in the order above,
 * so the JS reference here and every wasm variant give the same bits.
 */

import { BertTsError } from '../errors.ts';
import type { TensorMemory } from '../tensor/alloc.ts';

/** One linear layer's weights in int8 (in the heap when the model's weights are). */
export interface QuantizedLinear {
  /** Wq [N, Kp]: int8, each row zero-padded from K to Kp = K rounded up to 16 */
  q: Int8Array;
  /**
   * per group g of 4 output columns (g, g + G, g + 2G, g + 3G with G = ⌈N/4⌉: the
   * kernels' order, src/wasm/dot.ts): [sw ×4 | sw·ΣWq ×4 | bias ×4], [G, 12];
   * zeros past N. Column n's sw is at colSlot(n, N)
   */
  cols: Float32Array;
  N: number;
  K: number;
  Kp: number;
  /**
   * quantizeTable's per-column scales [K], when W's scale is per input column
   * instead of per output row: W[n, k] ≈ c[k] · Wq[n, k], folded into the input
   * (x[m, k] · c[k] is quantized; sw = 1)
   */
  inputScale?: Float32Array;
}

/**
 * An embedding table E [V, H] in int8 with one scale per column h (hidden
 * dimension): c[h] = max_v |E[v, h]| / 127, E[v, h] ≈ c[h] · q[v, h]. BERT's
 * tables have a few outlier dimensions that would take most of a per-row
 * scale's range; a per-column scale gives every dimension its own. Serves the
 * gather (src/layers/embedding.ts widens one row) and, as a QuantizedLinear
 * with inputScale, a tied masked-LM decoder (logits = (t ⊙ c) · qᵀ + bias).
 */
export function quantizeTable(E: Float32Array, bias: Float32Array | null, V: number, H: number, memory?: TensorMemory): QuantizedLinear {
  const c = new Float32Array(H);
  for (let v = 0; v < V; v++) for (let h = 0; h < H; h++) c[h] = Math.max(c[h], Math.abs(E[v * H + h]));
  for (let h = 0; h < H; h++) c[h] = c[h] > 0 ? c[h] / 127 : 1;
  const w = quantizeLinear(E, bias, V, H, memory, c);
  return { ...w, inputScale: c };
}

/** Where column n's sw lies in a QuantizedLinear's cols (its sw·ΣWq 4 floats on, its bias 8). */
export function colSlot(n: number, N: number): number {
  const G = Math.ceil(N / 4);
  return (n % G) * 12 + Math.floor(n / G);
}

/** K rounded up to 16: the int8 kernels take 16 values per step. */
export const paddedK = (K: number): number => Math.ceil(K / 16) * 16;

/** Bytes of activation rows and row parameters quantizeRows writes for M rows (M rounded up to 2). */
export const quantizedRowsBytes = (M: number, K: number): number => {
  const Mp = 2 * Math.ceil(M / 2);
  return Mp * paddedK(K) + Mp * 8;
};

/**
 * Quantize W [N, K] (and its bias) once, into `memory` (the model's heap
 * arena, where the wasm kernels read it) or plain memory.
 */
export function quantizeLinear(
  W: Float32Array, bias: Float32Array | null, N: number, K: number, memory?: TensorMemory, columnScale?: Float32Array,
): QuantizedLinear {
  const { q, cols, Kp } = allocQuantized(N, K, memory);
  const sws = new Float32Array(N), sums = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const row = n * K, qrow = n * Kp;
    let amax = 0;
    for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(W[row + k]));
    // one scale per row, or (columnScale) per column with the row's scale 1; a
    // loop for each, so the inner loop has no branch (1.65× faster alone; a
    // bert-base q8 load: 2.9 → 2.7 s, f32 1.2 s)
    const sw = columnScale ? 1 : Math.fround(amax > 0 ? amax / 127 : 1);
    let sum = 0;
    if (columnScale) {
      for (let k = 0; k < K; k++) {
        const v = Math.max(-127, Math.min(127, Math.round(W[row + k] / columnScale[k])));
        q[qrow + k] = v;
        sum += v;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const v = Math.max(-127, Math.min(127, Math.round(W[row + k] / sw)));
        q[qrow + k] = v;
        sum += v;
      }
    }
    sws[n] = sw;
    sums[n] = sum;
  }
  fillCols(cols, sws, sums, bias, N);
  return { q, cols, N, K, Kp };
}

/**
 * A QuantizedLinear from int8 weights already quantized (a file `bert-ts
 * quantize` wrote: src/bert/quantized-checkpoint.ts): Wq [N, K] row-major and
 * sw [N] (all 1 with a columnScale), laid out as quantizeLinear lays them out,
 * so the model computes the same bits as one quantized at load.
 */
export function int8Linear(
  Wq: Int8Array, sw: Float32Array, bias: Float32Array | null, N: number, K: number, memory?: TensorMemory, columnScale?: Float32Array,
): QuantizedLinear {
  const { q, cols, Kp } = allocQuantized(N, K, memory);
  const sums = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const row = Wq.subarray(n * K, n * K + K);
    q.set(row, n * Kp);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += row[k];
    sums[n] = sum;
  }
  fillCols(cols, sw, sums, bias, N);
  const w: QuantizedLinear = { q, cols, N, K, Kp };
  return columnScale ? { ...w, inputScale: columnScale } : w;
}

/** A QuantizedLinear's int8 rows without their padding, [N, K], and sw [N]: what a quantized file stores. */
export function unpackInt8(w: QuantizedLinear): { Wq: Int8Array; sw: Float32Array } {
  const { q, cols, N, K, Kp } = w;
  const Wq = new Int8Array(N * K), sw = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    Wq.set(q.subarray(n * Kp, n * Kp + K), n * K);
    sw[n] = cols[colSlot(n, N)];
  }
  return { Wq, sw };
}

function allocQuantized(N: number, K: number, memory?: TensorMemory): { q: Int8Array; cols: Float32Array; Kp: number } {
  const Kp = paddedK(K), G = Math.ceil(N / 4);
  const bytes = (n: number): Uint8Array => (memory ? memory.bytes(n) : new Uint8Array(n));
  const qb = bytes(N * Kp), cb = bytes(G * 48);
  const q = new Int8Array(qb.buffer, qb.byteOffset, N * Kp).fill(0);
  const cols = new Float32Array(cb.buffer, cb.byteOffset, G * 12).fill(0);
  return { q, cols, Kp };
}

/** cols in the kernels' order: [sw | sw·ΣWq | bias] for each column (colSlot). */
function fillCols(cols: Float32Array, sw: Float32Array, sums: Float64Array, bias: Float32Array | null, N: number): void {
  for (let n = 0; n < N; n++) {
    const c = colSlot(n, N);
    cols[c] = sw[n];
    cols[c + 4] = sw[n] * sums[n];
    cols[c + 8] = bias ? bias[n] : 0;
  }
}

/** Round half to even, as WebAssembly's f32.nearest (Math.round rounds half up). */
export function roundEven(v: number): number {
  const fl = Math.floor(v), d = v - fl;
  return d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
}

/**
 * Quantize rows of x [M, K] for the int8 product: xq [M', Kp] (uint8 in
 * [0, 127], row stride Kp, zero-padded; M' = M rounded up to 2, the padding row
 * all zero) and per row [sx, sx·zp] as float32 into rows [M', 2]. Float32
 * arithmetic with half-to-even rounding, as src/wasm/quantize.ts: the two
 * agree bit for bit.
 */
export function quantizeRows(xq: Uint8Array, rows: Float32Array, x: Float32Array, M: number, K: number): void {
  const Kp = paddedK(K), f = Math.fround;
  for (let m = 0; m < M; m++) {
    let lo = 0, hi = 0;
    const o = m * K;
    for (let k = 0; k < K; k++) {
      const v = x[o + k];
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    const sx = hi > lo ? f(f(hi - lo) / 127) : 1;
    const zp = Math.min(127, Math.max(0, roundEven(f(-lo / sx))));
    const inv = f(1 / sx), d = m * Kp;
    for (let k = 0; k < K; k++) xq[d + k] = Math.min(127, Math.max(0, roundEven(f(x[o + k] * inv)) + zp));
    xq.fill(0, d + K, d + Kp);
    rows[2 * m] = sx;
    rows[2 * m + 1] = sx * zp;
  }
  if (M & 1) {
    xq.fill(0, M * Kp, (M + 1) * Kp);
    rows[2 * M] = 0;
    rows[2 * M + 1] = 0;
  }
}

/** The inputScale of weights that share one quantized input (they must share it too), or undefined. */
export function sharedInputScale(Ws: readonly QuantizedLinear[]): Float32Array | undefined {
  const c = Ws[0].inputScale;
  if (Ws.some((w) => w.inputScale !== c)) throw new BertTsError('qlinear: weights sharing one input must share its inputScale');
  return c;
}

/**
 * x with the weights' inputScale folded in (x[m, k] · c[k]), or x itself when
 * they have none. Weights that share one quantized input must share it too.
 */
export function scaledInput(x: Float32Array, Ws: readonly QuantizedLinear[], M: number, K: number): Float32Array {
  const c = sharedInputScale(Ws);
  if (!c) return x;
  const out = new Float32Array(M * K);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) out[m * K + k] = x[m * K + k] * c[k];
  return out;
}

/** The plain-JS reference of the int8 product and its epilogue (qdot.ts's contract), out [M, N]. */
export function qlinearReference(out: Float32Array, xq: Uint8Array, rows: Float32Array, w: QuantizedLinear, M: number): void {
  const { q, cols, N, Kp } = w;
  const f = Math.fround;
  for (let m = 0; m < M; m++) {
    const sx = rows[2 * m], sxz = rows[2 * m + 1];
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < Kp; k++) acc += xq[m * Kp + k] * q[n * Kp + k];
      const c = colSlot(n, N);
      out[m * N + n] = f(f(f(acc) * f(cols[c] * sx)) - f(cols[c + 4] * sxz)) + cols[c + 8];
    }
  }
}

/** The int32 sums alone (for tests: every variant's integers are exact), [M, N]. */
export function qdotIntegers(xq: Uint8Array, w: QuantizedLinear, M: number): Int32Array {
  const { q, N, Kp } = w;
  const acc = new Int32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < Kp; k++) s += xq[m * Kp + k] * q[n * Kp + k];
      acc[m * N + n] = s;
    }
  }
  return acc;
}

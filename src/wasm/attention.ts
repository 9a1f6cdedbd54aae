/**
 * Scaled dot-product attention on WebAssembly SIMD: the same contract and
 * numerics as src/layers/attention.ts (which stays the reference and the
 * fallback), with the two products per head done by dot.ts's in-place
 * kernel instead of scalar loops:
 *
 *   for each batch b, head h:
 *     scores = Q_h · K_hᵀ            [S, S]   (dot: Q_h rows as x, K_h rows as W, both read in place)
 *     p_i    = softmax(scores_i / √D + mask[b])   (float64, as softmax.ts's softmaxRow)
 *     ctx_h  = P · V_h               [S, D]   (dot: P rows as x, V_hᵀ rows as W)
 *
 * q, k, v, ctx: [B, S, H] with H = A·D, head h = columns [h·D, (h+1)·D).
 * maskAdd: [B, S] additive key mask. probs, when given, receives [B, A, S, S].
 * q and k lie in wasm memory (src/runtime/wasm-kernels.ts copies them there
 * when they do not), where the kernel reads each head's columns with row stride
 * H: no per-head packing. V_h is transposed per head (S·D floats: small next to
 * the 4·S²·D multiply-adds), and the probabilities are stored as float32 before
 * P·V, as PyTorch stores them. Each thread runs some (batch, head) pairs in its
 * own scratch region.
 */
import { dotStrided, type DotFn } from './dot.ts';

/** Sizes of one thread's scratch: scores [Sp, Sn] | P [Sp, S] | V_hᵀ [D, S] | out [Sp, Dn] | zeros [max(Sn, Dn)]. */
function layout(S: number, D: number) {
  const pairs = Math.ceil(S / 2), Sp = 2 * pairs; // query rows, padded to pairs
  const Sn = 4 * Math.ceil(S / 4), Dn = 4 * Math.ceil(D / 4); // output columns, padded to 4
  const nS = Sp * Sn, nP = Sp * S, nV = D * S, nO = Sp * Dn, nZ = Math.max(Sn, Dn);
  return { pairs, Sp, Sn, Dn, nS, nP, nV, nO, nZ };
}

/** Scratch bytes one thread needs (see attentionHeads' layout), then one float64 row of S scores. */
export function attentionScratchBytes(S: number, D: number): number {
  const l = layout(S, D);
  return rowAt(l) + 8 * S;
}

/** Byte offset of the float64 row in a thread's scratch (8-aligned). */
function rowAt(l: ReturnType<typeof layout>): number {
  return Math.ceil(((l.nS + l.nP + l.nV + l.nO + l.nZ) * 4) / 8) * 8;
}

/**
 * The (batch, head) pairs j0 ≤ j < j1 (j = b·A + h), using the scratch region
 * at byte offset `base` of the wasm memory `buf` (attentionScratchBytes(S, D)
 * bytes), with `dot` instantiated on that memory. q and k must be views on
 * wasm memory, each followed by one row (H floats) of readable padding; only
 * their byte offsets are used.
 */
export function attentionHeads(
  dot: DotFn, buf: ArrayBufferLike, ctx: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array,
  maskAdd: Float32Array, probs: Float32Array | null, B: number, S: number, A: number, D: number, j0: number,
  j1: number, base: number,
): void {
  const H = A * D;
  const scale = 1 / Math.sqrt(D);
  const l = layout(S, D);
  const { pairs, Sn, Dn, nS, nP, nV, nO, nZ } = l;
  const row = new Float64Array(buf, base + rowAt(l), S);
  const pS = base, pP = pS + nS * 4, pV = pP + nP * 4, pO = pV + nV * 4, pZ = pO + nO * 4;
  const Sc = new Float32Array(buf, pS, nS), P = new Float32Array(buf, pP, nP);
  const Vt = new Float32Array(buf, pV, nV), Out = new Float32Array(buf, pO, nO);
  new Float32Array(buf, pZ, nZ).fill(0); // the zero bias
  P.fill(0, S * S); // P's padding row (S odd) stays zero: its products must be finite
  const ld = H * 4; // bytes between rows of q and k

  for (let bh = j0; bh < j1; bh++) {
    const b = (bh / A) | 0, h = bh % A;
    const hOff = b * S * H + h * D;
    // scores [S, Sn] = Q_h · K_hᵀ, head columns read in place
    dotStrided(dot, q.byteOffset + hOff * 4, ld, k.byteOffset + hOff * 4, ld, pZ, pS, Sn * 4, D, S, pairs, 0, Sn / 4);
    // softmax of each query row → P [S, S]: softmaxRow's arithmetic (float64,
    // e_j = exp(s_j + mask_j − max), p_j = e_j · (1 / Σ e)), fused with the
    // scaling and the float32 store, so 3 passes over the row instead of 5
    const mOff = b * S;
    for (let i = 0; i < S; i++) {
      const sRow = i * Sn, pRow = i * S;
      let max = -Infinity;
      for (let j = 0; j < S; j++) {
        const t = Sc[sRow + j] * scale + maskAdd[mOff + j];
        row[j] = t;
        if (t > max) max = t;
      }
      let sum = 0;
      for (let j = 0; j < S; j++) {
        const e = Math.exp(row[j] - max);
        row[j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < S; j++) P[pRow + j] = row[j] * inv;
      if (probs) {
        const pOff = ((b * A + h) * S + i) * S;
        for (let j = 0; j < S; j++) probs[pOff + j] = P[pRow + j];
      }
    }
    // V_hᵀ [D, S]: the rows of W for P · V_h
    for (let j = 0; j < S; j++) {
      const src = hOff + j * H;
      for (let d = 0, t = j; d < D; d++, t += S) Vt[t] = v[src + d];
    }
    // out [S, Dn] = P · V_h
    dotStrided(dot, pP, S * 4, pV, S * 4, pZ, pO, Dn * 4, S, D, pairs, 0, Dn / 4);
    for (let i = 0; i < S; i++) {
      const dst = hOff + i * H, o = i * Dn;
      for (let d = 0; d < D; d++) ctx[dst + d] = Out[o + d];
    }
  }
}

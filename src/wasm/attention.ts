/**
 * Scaled dot-product attention on WebAssembly SIMD: the same contract as
 * src/layers/attention.ts (which stays the reference and the fallback), fused
 * per block of query rows so the S×S matrix never exists:
 *
 *   for each batch b, head h:
 *     Vᵀ_h = V_hᵀ                      [D, S']   (S' = S rounded up to 4, zero columns past S)
 *     for each block of QB query rows i0 … i0+QB−1:
 *       scores = Q_h[block] · K_hᵀ     [QB, S']  (dot: Q_h rows as x, K_h rows as W, both read in place)
 *       P      = softmax(scores / √D + mask[b])  (softmax.ts, in place: float32 SIMD exp)
 *       ctx_h[block] = P · V_h         [QB, D]   (dot: P rows as x, Vᵀ_h rows as W)
 *
 * A block's scores and probabilities (QB × S' floats: 64 KiB at S = 512) stay
 * in cache between the three steps, where the whole S×S matrix (1 MiB) did
 * not. The probabilities are written out only when asked for (`probs`:
 * outputAttentions, a probe, explain, the viewer).
 *
 * q, k, v, ctx: [B, S, H] with H = A·D, head h = columns [h·D, (h+1)·D).
 * maskAdd: [B, S] additive key mask; past S the kernel's mask row is −∞, so
 * padded keys get probability 0. q and k lie in wasm memory
 * (src/runtime/wasm-kernels.ts copies them there when they do not), where the
 * kernel reads each head's columns with row stride H: no per-head packing. Each
 * thread runs some (batch, head) pairs in its own scratch region.
 */
import { dotStrided } from './dot.ts';
import type { WasmKernels } from './kernels.ts';

/** Query rows per block: even (the products take rows in pairs); 32 rows × 512 keys is 64 KiB. */
export const QUERY_BLOCK = 32;

/** Floats of one thread's scratch: scores/P [QB, S'] | Vᵀ [D, S'] | out [QB, D'] | zeros [max(S', D')] | mask row [S']. */
function layout(S: number, D: number) {
  const Sn = 4 * Math.ceil(S / 4), Dn = 4 * Math.ceil(D / 4);
  const QB = Math.min(QUERY_BLOCK, 2 * Math.ceil(S / 2));
  const nS = QB * Sn, nV = D * Sn, nO = QB * Dn, nZ = Math.max(Sn, Dn);
  return { Sn, Dn, QB, nS, nV, nO, nZ };
}

/** Scratch bytes one thread needs (see attentionHeads' layout). */
export function attentionScratchBytes(S: number, D: number): number {
  const l = layout(S, D);
  return (l.nS + l.nV + l.nO + l.nZ + l.Sn) * 4;
}

/**
 * The (batch, head) pairs j0 ≤ j < j1 (j = b·A + h), using the scratch region
 * at byte offset `base` of the wasm memory `buf` (attentionScratchBytes(S, D)
 * bytes), with the kernels `wk` instantiated on that memory. q and k must be
 * views on wasm memory, each followed by one row (H floats) of readable
 * padding; only their byte offsets are used.
 */
export function attentionHeads(
  wk: WasmKernels, buf: ArrayBufferLike, ctx: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array,
  maskAdd: Float32Array, probs: Float32Array | null, B: number, S: number, A: number, D: number, j0: number,
  j1: number, base: number,
): void {
  const H = A * D;
  const scale = 1 / Math.sqrt(D);
  const { Sn, Dn, QB, nS, nV, nO, nZ } = layout(S, D);
  const pS = base, pV = pS + nS * 4, pO = pV + nV * 4, pZ = pO + nO * 4, pM = pZ + nZ * 4;
  const Sc = new Float32Array(buf, pS, nS), Vt = new Float32Array(buf, pV, nV);
  const Out = new Float32Array(buf, pO, nO), maskRow = new Float32Array(buf, pM, Sn);
  new Float32Array(buf, pZ, nZ).fill(0); // the zero bias
  maskRow.fill(-Infinity, S); // padded keys: probability 0
  const ld = H * 4; // bytes between rows of q and k
  const { dot, softmax } = wk;

  for (let bh = j0; bh < j1; bh++) {
    const b = (bh / A) | 0, h = bh % A;
    const hOff = b * S * H + h * D;
    maskRow.set(maskAdd.subarray(b * S, b * S + S));
    // V_hᵀ [D, S']: the rows of W for P · V_h, zero past S (0 · anything stays finite)
    for (let j = 0; j < S; j++) {
      const src = hOff + j * H;
      for (let d = 0, t = j; d < D; d++, t += Sn) Vt[t] = v[src + d];
    }
    if (Sn > S) for (let d = 0; d < D; d++) Vt.fill(0, d * Sn + S, (d + 1) * Sn);
    for (let i0 = 0; i0 < S; i0 += QB) {
      const rows = Math.min(QB, S - i0), pairs = Math.ceil(rows / 2);
      // scores [rows, S'] = Q_h[i0 …] · K_hᵀ (an odd block reads one row past it: its results are dropped)
      dotStrided(dot, q.byteOffset + (hOff + i0 * H) * 4, ld, k.byteOffset + hOff * 4, ld, pZ, pS, Sn * 4, D, S, pairs, 0, Sn / 4);
      softmax(pS, Sn * 4, pM, pS, Sn * 4, 2 * pairs, Sn / 4, scale);
      if (probs) {
        const pOff = ((b * A + h) * S + i0) * S;
        for (let i = 0; i < rows; i++) probs.set(Sc.subarray(i * Sn, i * Sn + S), pOff + i * S);
      }
      // out [rows, D'] = P · V_h
      dotStrided(dot, pS, Sn * 4, pV, Sn * 4, pZ, pO, Dn * 4, Sn, D, pairs, 0, Dn / 4);
      for (let i = 0; i < rows; i++) {
        const dst = hOff + (i0 + i) * H, o = i * Dn;
        for (let d = 0; d < D; d++) ctx[dst + d] = Out[o + d];
      }
    }
  }
}

/**
 * Scaled dot-product attention over A heads, the core of BERT's self-attention:
 *
 *   for each batch b, head h, query i:
 *     s_j   = fround(q_i · k_j) / √D + mask[b, j]     (mask: 0 or float32 min)
 *     p     = softmax(s)
 *     ctx_i = Σ_j p_j · v_j
 *
 * q, k, v, ctx: [B, S, H] with H = A·D; head h is the column slice [h·D, (h+1)·D)
 * of each row. That is exactly Hugging Face's `transpose_for_scores` layout, read
 * in place instead of permuted, and ctx comes out already "un-permuted" to [B, S, H].
 * probs, when given, receives the probabilities [B, A, S, S] (only when the
 * caller asked for attentions). maskAdd: [B, S] additive key mask.
 *
 * `attentionPairs` is the kernel: per (batch, head) pair it packs the head's
 * q, k and v into float64 scratch and computes QKᵀ and P·V with matmul.ts's
 * 4×4 tile (4 queries × 4 keys, then 4 queries × 4 head columns), instead of
 * one dot product at a time (≈ 3× faster). The dot products are float64 and
 * summed in the same order as the reference, and the score is rounded to
 * float32 before the scale, as PyTorch's float32 matmul output is.
 * src/runtime/js-kernels.ts shares the pairs out over the worker pool, each
 * thread with its own scratch.
 */
import { softmaxRow } from './softmax.ts';
import { tile4x4 } from './matmul.ts';

/** Doubles of scratch `attentionPairs` needs for sequence length S and head size D. */
export function attentionScratch(S: number, D: number): number {
  const S4 = (S + 3) & ~3, D4 = (D + 3) & ~3;
  // qp, kp [S4/4][D][4] · vp [D4/4][S4][4] · scores [4][S] · pp [S4][4] · acc [16]
  return S4 * (2 * D + D4 + 4) + 4 * S + 16;
}

/**
 * Attention for the (batch, head) pairs j in [j0, j1), j = b·A + h.
 * scratch: at least attentionScratch(S, D) doubles. Per pair, with S4 and D4
 * the sizes rounded up to multiples of 4 (the padding is zeros):
 *   qp, kp: q and k of the head, packed [S4/4][D][4] (4 rows interleaved per step d);
 *   vp:     v of the head, packed [D4/4][S4][4] (4 head columns interleaved per key j);
 * then for each block of 4 queries:
 *   scores [4][S]: s = fround(q·k)·scale, tile by tile, then softmax per row;
 *   pp [S4][4]:    the 4 probability rows interleaved per key, so that
 *   ctx[i, d] = Σ_j p[i, j] · v[j, d] is the same 4×4 tile with K = S4.
 */
export function attentionPairs(
  ctx: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, maskAdd: Float32Array,
  probs: Float32Array | null, B: number, S: number, A: number, D: number, j0: number, j1: number,
  scratch: Float64Array,
): void {
  const H = A * D;
  const S4 = (S + 3) & ~3, D4 = (D + 3) & ~3;
  const scale = 1 / Math.sqrt(D);
  const D4x = 4 * D; // doubles per 4-row tile of qp and kp
  const qpAt = 0, kpAt = S4 * D, vpAt = 2 * S4 * D, scAt = vpAt + S4 * D4, ppAt = scAt + 4 * S, accAt = ppAt + 4 * S4;
  if (scratch.length < accAt + 16) throw new RangeError(`attentionPairs: scratch has ${scratch.length} doubles, needs ${accAt + 16}`);
  const acc = scratch.subarray(accAt, accAt + 16);
  for (let j = j0; j < j1; j++) {
    const b = Math.floor(j / A), h = j - b * A;
    const hOff = b * S * H + h * D; // element [b, 0, h·D]
    // pack q and k: qp[(t·D + d)·4 + r] = q[b, 4t + r, h·D + d]; v: vp[(u·S4 + i)·4 + c] = v[b, i, h·D + 4u + c]
    for (let i = 0; i < S4; i++) {
      const t = i >> 2, r = i & 3;
      let o = t * D4x + r;
      if (i < S) {
        const src = hOff + i * H;
        for (let d = 0; d < D; d++, o += 4) {
          scratch[qpAt + o] = q[src + d];
          scratch[kpAt + o] = k[src + d];
        }
        for (let d = 0; d < D4; d++) scratch[vpAt + ((d >> 2) * S4 + i) * 4 + (d & 3)] = d < D ? v[src + d] : 0;
      } else {
        for (let d = 0; d < D; d++, o += 4) {
          scratch[qpAt + o] = 0;
          scratch[kpAt + o] = 0;
        }
        for (let d = 0; d < D4; d++) scratch[vpAt + ((d >> 2) * S4 + i) * 4 + (d & 3)] = 0;
      }
    }
    for (let i0 = 0; i0 < S; i0 += 4) {
      const rows = Math.min(4, S - i0);
      // scores of queries i0..i0+3 against every key, 4 keys at a time
      for (let c0 = 0; c0 < S; c0 += 4) {
        tile4x4(acc, scratch, qpAt + (i0 >> 2) * D4x, scratch, kpAt + (c0 >> 2) * D4x, D);
        const cols = Math.min(4, S - c0);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) scratch[scAt + r * S + c0 + c] = Math.fround(acc[4 * r + c]) * scale;
        }
      }
      // softmax per row, then the rows interleaved per key into pp (zero rows past S)
      for (let r = 0; r < 4; r++) {
        if (r < rows) {
          const sOff = scAt + r * S;
          softmaxRow(scratch, sOff, scratch, sOff, maskAdd, b * S, S);
          if (probs) {
            const pOff = (j * S + i0 + r) * S;
            for (let c = 0; c < S; c++) probs[pOff + c] = scratch[sOff + c];
          }
          for (let c = 0; c < S; c++) scratch[ppAt + 4 * c + r] = scratch[sOff + c];
          for (let c = S; c < S4; c++) scratch[ppAt + 4 * c + r] = 0;
        } else {
          for (let c = 0; c < S4; c++) scratch[ppAt + 4 * c + r] = 0;
        }
      }
      // ctx rows i0..i0+3, 4 head columns at a time
      for (let d0 = 0; d0 < D; d0 += 4) {
        tile4x4(acc, scratch, ppAt, scratch, vpAt + (d0 >> 2) * S4 * 4, S4);
        const cols = Math.min(4, D - d0);
        for (let r = 0; r < rows; r++) {
          const o = hOff + (i0 + r) * H + d0;
          for (let c = 0; c < cols; c++) ctx[o + c] = acc[4 * r + c];
        }
      }
    }
  }
}

/** The reference: the same definition with plain arrays, one head at a time. */
export function attentionNaive(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  maskAdd: ArrayLike<number>,
  B: number,
  S: number,
  A: number,
  D: number,
): { ctx: number[]; probs: number[] } {
  const H = A * D;
  const ctx = new Array<number>(B * S * H).fill(0);
  const probs = new Array<number>(B * A * S * S).fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < A; h++) {
      for (let i = 0; i < S; i++) {
        const s: number[] = [];
        for (let j = 0; j < S; j++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[(b * S + i) * H + h * D + d] * k[(b * S + j) * H + h * D + d];
          s.push(dot / Math.sqrt(D) + maskAdd[b * S + j]);
        }
        const m = Math.max(...s);
        const e = s.map((x) => Math.exp(x - m));
        const z = e.reduce((a, c) => a + c, 0);
        for (let j = 0; j < S; j++) {
          const p = e[j] / z;
          probs[((b * A + h) * S + i) * S + j] = p;
          for (let d = 0; d < D; d++) ctx[(b * S + i) * H + h * D + d] += p * v[(b * S + j) * H + h * D + d];
        }
      }
    }
  }
  return { ctx, probs };
}

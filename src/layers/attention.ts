/**
 * Scaled dot-product attention over A heads, the core of BERT's self-attention:
 *
 *   for each batch b, head h, query i:
 *     s_j   = (q_i · k_j) / √D + mask[b, j]          (mask: 0 or float32 min)
 *     p     = softmax(s)
 *     ctx_i = Σ_j p_j · v_j
 *
 * q, k, v, ctx: [B, S, H] with H = A·D; head h is the column slice [h·D, (h+1)·D)
 * of each row. That is exactly Hugging Face's `transpose_for_scores` layout, read
 * in place instead of permuted, and ctx comes out already "un-permuted" to [B, S, H].
 *
 * The score, scale, mask and softmax of one query row are fused into one pass
 * over that row (row: float64 scratch of length ≥ S + D: the row's scores, then
 * the context accumulator, so sums are not rounded to float32 per term). probs, when given, receives the
 * probabilities [B, A, S, S] (only when the caller asked for attentions).
 * maskAdd: [B, S] additive key mask.
 */
import { softmaxRow } from './softmax.ts';

export function attention(
  ctx: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  maskAdd: Float32Array,
  probs: Float32Array | null,
  row: Float64Array,
  B: number,
  S: number,
  A: number,
  D: number,
): void {
  const H = A * D;
  const scale = 1 / Math.sqrt(D);
  for (let b = 0; b < B; b++) {
    const base = b * S * H;
    for (let h = 0; h < A; h++) {
      const hOff = base + h * D;
      for (let i = 0; i < S; i++) {
        const qOff = hOff + i * H;
        // scores of query i against every key j
        for (let j = 0; j < S; j++) {
          const kOff = hOff + j * H;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qOff + d] * k[kOff + d];
          // round to float32 as PyTorch's matmul output is, then scale
          row[j] = Math.fround(dot) * scale;
        }
        softmaxRow(row, 0, row, 0, maskAdd, b * S, S);
        if (probs) {
          const pOff = ((b * A + h) * S + i) * S;
          for (let j = 0; j < S; j++) probs[pOff + j] = row[j];
        }
        // ctx_i = Σ_j p_j v_j over this head's D columns
        for (let d = 0; d < D; d++) row[S + d] = 0;
        for (let j = 0; j < S; j++) {
          const p = row[j];
          if (p === 0) continue; // a masked key adds nothing
          const vOff = hOff + j * H;
          for (let d = 0; d < D; d++) row[S + d] += p * v[vOff + d];
        }
        for (let d = 0; d < D; d++) ctx[qOff + d] = row[S + d];
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

/**
 * Scaled dot-product attention on the WebAssembly SIMD matmul kernel: the same
 * contract and numerics as attention.ts's `attention` (which stays the
 * reference and the fallback), with the two products per head done by
 * wasm-matmul.ts's kernel instead of scalar loops:
 *
 *   for each batch b, head h:
 *     scores = Q_h · K_hᵀ            [S, S]   (wasm: Q_h as x tiles, K_h as panels)
 *     p_i    = softmax(fround(scores_i) / √D + mask[b])   (softmaxRow, float64)
 *     ctx_h  = P · V_h               [S, D]   (wasm: P as x tiles, V_h as panels over D)
 *
 * q, k, v, ctx: [B, S, H] with H = A·D, head h = columns [h·D, (h+1)·D).
 * maskAdd: [B, S] additive key mask. probs, when given, receives [B, A, S, S].
 * row: float64 scratch of length ≥ S (one row of scores).
 * Each head's operands are packed into wasm memory (S·D and S² floats: small
 * next to the 4·S²·D multiply-adds), and the probabilities are stored as
 * float32 before P·V, as PyTorch stores them. With a worker pool the heads
 * are split over the threads.
 */
import { softmaxRow } from './softmax.ts';
import { MR, NR, wasmAlloc, wasmBuffer, wasmMemory, wasmPanels, wasmScratch } from './wasm-matmul.ts';
import { parallelAttention } from './threads.ts';

export function attentionWasm(
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
  const bytes = attentionScratchBytes(S, D);
  // With a worker pool: the B·A (batch, head) pairs are split over the threads,
  // each with its own scratch region in the shared wasm memory.
  const ran = parallelAttention(
    { ctx, q, k, v, maskAdd, probs, B, S, A, D },
    4 * B * A * S * S * D,
    wasmMemory(),
    (w) => workerScratch(w, bytes),
    (j0, j1) => attentionHeads(ctx, q, k, v, maskAdd, probs, row, B, S, A, D, j0, j1, wasmScratch(bytes)),
  );
  if (!ran) attentionHeads(ctx, q, k, v, maskAdd, probs, row, B, S, A, D, 0, B * A, wasmScratch(bytes));
}

/** Scratch bytes one thread needs for one head (see attentionHeads' layout). */
export function attentionScratchBytes(S: number, D: number): number {
  const Sp = Math.ceil(S / MR) * MR, Sn = Math.ceil(S / NR) * NR, Dn = Math.ceil(D / NR) * NR;
  return (Sp * D + Sn * D + Sp * Sn + Sp * S + Dn * S + Sp * Dn) * 4;
}

/** Each pool worker's scratch region, grown as needed (the caller allocates: workers cannot). */
const scratchOfWorker: { ptr: number; bytes: number }[] = [];
function workerScratch(w: number, bytes: number): number {
  const have = scratchOfWorker[w];
  if (have && have.bytes >= bytes) return have.ptr;
  const size = Math.ceil(bytes * 1.5);
  scratchOfWorker[w] = { ptr: wasmAlloc(size), bytes: size };
  return scratchOfWorker[w].ptr;
}

/**
 * The (batch, head) pairs j0 ≤ j < j1 (j = b·A + h), using the scratch region
 * at byte offset `base` of the wasm memory (attentionScratchBytes(S, D) bytes).
 */
export function attentionHeads(
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
  j0: number,
  j1: number,
  base: number,
): void {
  const H = A * D;
  const scale = 1 / Math.sqrt(D);
  const tiles = Math.ceil(S / MR), Sp = tiles * MR; // query rows, padded to MR
  const sPanels = Math.ceil(S / NR), Sn = sPanels * NR; // key columns, padded to NR
  const dPanels = Math.ceil(D / NR), Dn = dPanels * NR; // head columns, padded to NR
  // scratch layout (floats): Qx [Sp·D] | Kp [Sn·D] | scores [Sp·Sn] | Px [Sp·S] | Vp [Dn·S] | out [Sp·Dn]
  const nQ = Sp * D, nK = Sn * D, nS = Sp * Sn, nP = Sp * S, nV = Dn * S, nO = Sp * Dn;
  const buf = wasmBuffer();
  const pQ = base, pK = pQ + nQ * 4, pS = pK + nK * 4, pP = pS + nS * 4, pV = pP + nP * 4, pO = pV + nV * 4;
  const Qx = new Float32Array(buf, pQ, nQ), Kp = new Float32Array(buf, pK, nK), Sc = new Float32Array(buf, pS, nS);
  const Px = new Float32Array(buf, pP, nP), Vp = new Float32Array(buf, pV, nV), Out = new Float32Array(buf, pO, nO);
  // padding rows and columns stay zero: clear once per call
  Qx.fill(0);
  Kp.fill(0);
  Px.fill(0);
  Vp.fill(0);

  for (let bh = j0; bh < j1; bh++) {
    const b = (bh / A) | 0, h = bh % A;
    {
      const hOff = b * S * H + h * D;
      // Q_h → x tiles [tiles][D][MR]; K_h → panels [sPanels][D][NR]
      for (let i = 0; i < S; i++) {
        const src = hOff + i * H;
        let dq = ((i / MR) | 0) * D * MR + (i % MR);
        let dk = ((i / NR) | 0) * D * NR + (i % NR);
        for (let d = 0; d < D; d++, dq += MR, dk += NR) {
          Qx[dq] = q[src + d];
          Kp[dk] = k[src + d];
        }
      }
      wasmPanels(pQ, pK, D, pS, Sn * 4, tiles, sPanels);
      // softmax of each query row → P as x tiles [tiles][S][MR]
      for (let i = 0; i < S; i++) {
        const sRow = i * Sn;
        for (let j = 0; j < S; j++) row[j] = Math.fround(Sc[sRow + j]) * scale;
        softmaxRow(row, 0, row, 0, maskAdd, b * S, S);
        let dp = ((i / MR) | 0) * S * MR + (i % MR);
        for (let j = 0; j < S; j++, dp += MR) Px[dp] = row[j];
        if (probs) {
          const pOff = ((b * A + h) * S + i) * S;
          for (let j = 0; j < S; j++) probs[pOff + j] = row[j];
        }
      }
      // V_h [S, D] → panels over D: [dPanels][S][NR]
      for (let j = 0; j < S; j++) {
        const src = hOff + j * H;
        for (let d = 0; d < D; d++) Vp[((d / NR) | 0) * S * NR + j * NR + (d % NR)] = v[src + d];
      }
      wasmPanels(pP, pV, S, pO, Dn * 4, tiles, dPanels);
      for (let i = 0; i < S; i++) {
        const dst = hOff + i * H, o = i * Dn;
        for (let d = 0; d < D; d++) ctx[dst + d] = Out[o + d];
      }
    }
  }
}

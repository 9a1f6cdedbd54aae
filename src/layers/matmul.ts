/**
 * Matrix products for BERT's linear layers, in PyTorch's weight layout.
 *
 *   out[m, n] = bias[n] + Σ_k x[m, k] · W[n, k]        (x · Wᵀ + b)
 *
 * x: [M, K] (M = B·S rows), W: [N, K] (nn.Linear's [out_features, in_features]),
 * bias: [N] or null, out: [M, N]. With W in [out, in] layout the inner loop is a
 * contiguous dot product of two rows.
 *
 * The JS kernels, all with the same result up to float rounding:
 * - `linearNaive`: the reference triple loop (≈ 0.8 GFLOP/s);
 * - `linearBlock`: the fast single-thread kernel on a block of the output, a
 *   4×4 tile of accumulators held in local variables over float64-packed
 *   operands (≈ 5 GFLOP/s on one core, see docs/performance.md);
 * - `linearChunk`: chunk c of a product cut into column or row ranges, the
 *   unit the worker pool shares out (src/runtime/tasks.ts).
 * Which kernel runs, on how many threads, is src/runtime/backend.ts's choice.
 */

/** The reference: a plain triple loop. Every fast variant is tested against it. */
export function linearNaive(
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number,
): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) acc += x[m * K + k] * W[n * K + k];
      out[m * N + n] = acc;
    }
  }
}

/**
 * Rows of x packed at a time by `linearBlock`. Each W tile is packed once per
 * panel, so bigger panels pack W less often: at K = 768, 128 rows measured
 * 4.8 GFLOP/s against 4.6 for 64, 4.3 for 32 and 3.8 for 16. The panel is
 * 128·K doubles (0.8 MB at K = 768, 3 MB at K = 3072).
 */
export const PACK_ROWS = 128;

/**
 * Blocks with fewer rows than this run `linearBlockDirect` (no packing): the
 * packed kernel measured 0.6 GFLOP/s against 2.8 unpacked at 1 row, 3.2
 * against 4.4 at 8 rows, 4.0–4.3 against 4.3 at 32 rows; from 64 rows on
 * packing wins (4.5–4.8 against 4.3).
 */
export const PACK_MIN_ROWS = 48;

/**
 * The float64 scratch `linearBlock` packs into, for width K: one thread's own
 * (the caller's RunState holds one per thread), laid out as
 *   [0, 4)        what the x pack holds: key, m0, m1, K (key 0: nothing reusable)
 *   [4, 20)       one tile's 16 sums, [4][4]
 *   xPack         [PACK_ROWS / 4][K][4]  panel p, step k, row 4p + r of the x panel
 *   wPack         [K][4]                 step k, column c of the current W tile
 */
export function linearPackDoubles(K: number): number {
  return 20 + PACK_ROWS * K + 4 * K;
}

/**
 * The fast kernel on a block of the output: rows [m0, m1) × columns [n0, n1).
 * Workers call it on their share; `linear` calls it on everything.
 *
 * A 4×4 tile of 16 float64 accumulators in local variables (`tile4x4`): each step of the K
 * loop loads 4 values of x (rows m..m+3) and 4 of W (rows n..n+3) and does 16
 * multiply-adds, so every load feeds 4 multiply-adds. V8 keeps the 16 doubles
 * in registers; more accumulators spill and get slower.
 *
 * The operands are first packed into float64 scratch, interleaved [K][4], so
 * the K loop reads 8 contiguous doubles and does no float32 → float64
 * conversion per element (≈ 4.3 → 4.9 GFLOP/s on one core):
 * - x: a panel of up to PACK_ROWS rows at a time, reused by every column tile;
 * - W: one 4-column tile at a time, reused by every 4-row tile of the panel.
 * Edges (M or N not a multiple of 4) are padded with zero rows and columns in
 * the packs; the tile computes them and only the real entries are stored.
 * Blocks of fewer than PACK_MIN_ROWS rows go to `linearBlockDirect` instead.
 * The sums are float64 and rounded to float32 once, at the store:
 *   out[m, n] = fround(bias[n] + Σ_k x[m, k] · W[n, k]).
 *
 * pack: at least linearPackDoubles(K) doubles of this thread's scratch.
 * packKey: 0, or a number unique to one product (the pool's task number). The
 * pool cuts a product into column chunks that all need the same packed rows of
 * x; a thread running several chunks of one product passes the same non-zero
 * key and packs x once (when the rows fit one panel) instead of once per chunk.
 */
export function linearBlock(
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, m0: number, m1: number, n0: number,
  n1: number, K: number, N: number, pack: Float64Array, packKey = 0,
): void {
  if (m1 <= m0 || n1 <= n0) return;
  if (m1 - m0 < PACK_MIN_ROWS) {
    linearBlockDirect(out, x, W, bias, m0, m1, n0, n1, K, N);
    return;
  }
  const K4 = 4 * K;
  if (pack.length < linearPackDoubles(K)) throw new RangeError(`linearBlock: pack has ${pack.length} doubles, needs ${linearPackDoubles(K)}`);
  const acc = pack.subarray(4, 20);
  const xp = pack.subarray(20, 20 + PACK_ROWS * K), wp = pack.subarray(20 + PACK_ROWS * K, 20 + PACK_ROWS * K + K4);
  for (let p0 = m0; p0 < m1; p0 += PACK_ROWS) {
    const p1 = Math.min(m1, p0 + PACK_ROWS);
    const tiles = (p1 - p0 + 3) >> 2; // 4-row tiles in this panel, the last one padded
    const packed = packKey !== 0 && packKey === pack[0] && p0 === pack[1] && p1 === pack[2] && K === pack[3];
    pack[0] = p1 === m1 && p0 === m0 ? packKey : 0; // only a single-panel block stays reusable
    pack[1] = p0; pack[2] = p1; pack[3] = K;
    // pack rows [p0, p1) of x: xp[(t·K + k)·4 + r] = x[p0 + 4t + r, k], 0 past p1
    for (let t = 0; !packed && t < tiles; t++) {
      for (let r = 0; r < 4; r++) {
        const m = p0 + 4 * t + r;
        let o = t * K4 + r;
        if (m < p1) {
          for (let k = 0, i = m * K; k < K; k++, i++, o += 4) xp[o] = x[i];
        } else {
          for (let k = 0; k < K; k++, o += 4) xp[o] = 0;
        }
      }
    }
    for (let n = n0; n < n1; n += 4) {
      const cols = Math.min(4, n1 - n);
      // pack columns [n, n + 4) of the output, rows of W: wp[k·4 + c] = W[n + c, k], 0 past n1
      for (let c = 0; c < 4; c++) {
        let o = c;
        if (c < cols) {
          for (let k = 0, i = (n + c) * K; k < K; k++, i++, o += 4) wp[o] = W[i];
        } else {
          for (let k = 0; k < K; k++, o += 4) wp[o] = 0;
        }
      }
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      if (bias) {
        b0 = bias[n];
        if (cols > 1) b1 = bias[n + 1];
        if (cols > 2) b2 = bias[n + 2];
        if (cols > 3) b3 = bias[n + 3];
      }
      for (let t = 0; t < tiles; t++) {
        tile4x4(acc, xp, t * K4, wp, 0, K);
        const m = p0 + 4 * t;
        const rows = Math.min(4, p1 - m);
        let o = m * N + n;
        if (rows === 4 && cols === 4) {
          out[o] = acc[0] + b0; out[o + 1] = acc[1] + b1; out[o + 2] = acc[2] + b2; out[o + 3] = acc[3] + b3;
          o += N;
          out[o] = acc[4] + b0; out[o + 1] = acc[5] + b1; out[o + 2] = acc[6] + b2; out[o + 3] = acc[7] + b3;
          o += N;
          out[o] = acc[8] + b0; out[o + 1] = acc[9] + b1; out[o + 2] = acc[10] + b2; out[o + 3] = acc[11] + b3;
          o += N;
          out[o] = acc[12] + b0; out[o + 1] = acc[13] + b1; out[o + 2] = acc[14] + b2; out[o + 3] = acc[15] + b3;
        } else {
          // an edge tile: store only the rows < p1 and columns < n1
          for (let r = 0; r < rows; r++, o += N) {
            out[o] = acc[4 * r] + b0;
            if (cols > 1) out[o + 1] = acc[4 * r + 1] + b1;
            if (cols > 2) out[o + 2] = acc[4 * r + 2] + b2;
            if (cols > 3) out[o + 3] = acc[4 * r + 3] + b3;
          }
        }
      }
    }
  }
}

/**
 * acc[4r + c] = Σ_k xp[xo + 4k + r] · wp[wo + 4k + c] for k in [0, K): one 4×4
 * tile over two operands packed [K][4], in 16 local float64 accumulators, the
 * sum taken in order k = 0, 1, …. A function of its own so that V8 optimises
 * this loop alone (inlined into linearBlock's packing loops it ran slower).
 * attention.ts uses it too, for QKᵀ and P·V.
 */
export function tile4x4(acc: Float64Array, xp: Float64Array, xo: number, wp: Float64Array, wo: number, K: number): void {
  let a00 = 0, a01 = 0, a02 = 0, a03 = 0;
  let a10 = 0, a11 = 0, a12 = 0, a13 = 0;
  let a20 = 0, a21 = 0, a22 = 0, a23 = 0;
  let a30 = 0, a31 = 0, a32 = 0, a33 = 0;
  const K4 = 4 * K;
  // xi, wi step through the packs; this loop form measured faster than indexing by k
  const wEnd = wo + K4;
  for (let xi = xo, wi = wo; wi < wEnd; xi += 4, wi += 4) {
    const xa = xp[xi], xb = xp[xi + 1], xc = xp[xi + 2], xd = xp[xi + 3];
    const wa = wp[wi], wb = wp[wi + 1], wc = wp[wi + 2], wd = wp[wi + 3];
    a00 += xa * wa; a01 += xa * wb; a02 += xa * wc; a03 += xa * wd;
    a10 += xb * wa; a11 += xb * wb; a12 += xb * wc; a13 += xb * wd;
    a20 += xc * wa; a21 += xc * wb; a22 += xc * wc; a23 += xc * wd;
    a30 += xd * wa; a31 += xd * wb; a32 += xd * wc; a33 += xd * wd;
  }
  acc[0] = a00; acc[1] = a01; acc[2] = a02; acc[3] = a03;
  acc[4] = a10; acc[5] = a11; acc[6] = a12; acc[7] = a13;
  acc[8] = a20; acc[9] = a21; acc[10] = a22; acc[11] = a23;
  acc[12] = a30; acc[13] = a31; acc[14] = a32; acc[15] = a33;
}

/**
 * The unpacked kernel for blocks of few rows (fewer than PACK_MIN_ROWS):
 * the same 4×4 tile of accumulators, loading float32 x and W directly. With
 * few rows, packing a W tile would cost as much as using it (at M = 1 the
 * packed kernel ran 4.7 × slower: 3 of the 4 padded rows are wasted work).
 * Edges (M or N not a multiple of 4) use 1×4, 4×1 and 1×1 tiles.
 */
export function linearBlockDirect(
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, m0: number, m1: number, n0: number,
  n1: number, K: number, N: number,
): void {
  let m = m0;
  for (; m + 3 < m1; m += 4) {
    const x0 = m * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
    let n = n0;
    for (; n + 3 < n1; n += 4) {
      const w0 = n * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0;
      let a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      let a20 = 0, a21 = 0, a22 = 0, a23 = 0;
      let a30 = 0, a31 = 0, a32 = 0, a33 = 0;
      for (let k = 0; k < K; k++) {
        const xa = x[x0 + k], xb = x[x1 + k], xc = x[x2 + k], xd = x[x3 + k];
        const wa = W[w0 + k], wb = W[w1 + k], wc = W[w2 + k], wd = W[w3 + k];
        a00 += xa * wa; a01 += xa * wb; a02 += xa * wc; a03 += xa * wd;
        a10 += xb * wa; a11 += xb * wb; a12 += xb * wc; a13 += xb * wd;
        a20 += xc * wa; a21 += xc * wb; a22 += xc * wc; a23 += xc * wd;
        a30 += xd * wa; a31 += xd * wb; a32 += xd * wc; a33 += xd * wd;
      }
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      if (bias) { b0 = bias[n]; b1 = bias[n + 1]; b2 = bias[n + 2]; b3 = bias[n + 3]; }
      let o = m * N + n;
      out[o] = a00 + b0; out[o + 1] = a01 + b1; out[o + 2] = a02 + b2; out[o + 3] = a03 + b3;
      o += N;
      out[o] = a10 + b0; out[o + 1] = a11 + b1; out[o + 2] = a12 + b2; out[o + 3] = a13 + b3;
      o += N;
      out[o] = a20 + b0; out[o + 1] = a21 + b1; out[o + 2] = a22 + b2; out[o + 3] = a23 + b3;
      o += N;
      out[o] = a30 + b0; out[o + 1] = a31 + b1; out[o + 2] = a32 + b2; out[o + 3] = a33 + b3;
    }
    // 4×1 tiles for the last N % 4 columns
    for (; n < n1; n++) {
      const w0 = n * K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < K; k++) {
        const w = W[w0 + k];
        a0 += x[x0 + k] * w; a1 += x[x1 + k] * w; a2 += x[x2 + k] * w; a3 += x[x3 + k] * w;
      }
      const b = bias ? bias[n] : 0;
      out[m * N + n] = a0 + b;
      out[(m + 1) * N + n] = a1 + b;
      out[(m + 2) * N + n] = a2 + b;
      out[(m + 3) * N + n] = a3 + b;
    }
  }
  // the last M % 4 rows: 1×4 tiles, then 1×1
  for (; m < m1; m++) {
    const x0 = m * K;
    let n = n0;
    for (; n + 3 < n1; n += 4) {
      const w0 = n * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < K; k++) {
        const xv = x[x0 + k];
        a0 += xv * W[w0 + k]; a1 += xv * W[w1 + k]; a2 += xv * W[w2 + k]; a3 += xv * W[w3 + k];
      }
      const o = m * N + n;
      if (bias) { a0 += bias[n]; a1 += bias[n + 1]; a2 += bias[n + 2]; a3 += bias[n + 3]; }
      out[o] = a0; out[o + 1] = a1; out[o + 2] = a2; out[o + 3] = a3;
    }
    for (; n < n1; n++) {
      const w0 = n * K;
      let a = 0;
      for (let k = 0; k < K; k++) a += x[x0 + k] * W[w0 + k];
      out[m * N + n] = a + (bias ? bias[n] : 0);
    }
  }
}

/**
 * The fast kernel on the whole output, on the calling thread, packing into
 * `pack` (a fresh one by default: tests and the benchmark; the model passes its
 * RunState's).
 */
export function linearFast(
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number,
  pack: Float64Array = new Float64Array(linearPackDoubles(K)),
): void {
  linearBlock(out, x, W, bias, 0, M, 0, N, K, N, pack);
}

/**
 * Chunk c of `chunks` of a product cut into whole 4-wide ranges: columns when
 * byCols (BERT's linear layers at small batch: each chunk then streams only its
 * own slice of W), else rows. Run by the caller and the pool's workers alike.
 */
export function linearChunk(
  out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null,
  M: number, K: number, N: number, byCols: boolean, c: number, chunks: number, pack: Float64Array, packKey: number,
): void {
  const len = byCols ? N : M;
  const lo = chunkStart(c, chunks, len, 4), hi = chunkStart(c + 1, chunks, len, 4);
  if (byCols) linearBlock(out, x, W, bias, 0, M, lo, hi, K, N, pack, packKey);
  else linearBlock(out, x, W, bias, lo, hi, 0, N, K, N, pack); // row chunks share no packed rows
}

/**
 * Start of chunk c of `chunks` over `len` items cut at multiples of `step`
 * (4 for the tiles of a product, 1 for elements): the chunks are
 * [chunkStart(c), chunkStart(c + 1)) for c in [0, chunks), covering [0, len).
 */
export function chunkStart(c: number, chunks: number, len: number, step: number): number {
  const units = Math.ceil(len / step);
  // | 0: a small integer, so the kernels' index arithmetic stays in integer registers
  return Math.min(len, step * Math.floor((units * c) / chunks)) | 0;
}

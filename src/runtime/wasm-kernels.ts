/**
 * The 'wasm' backend: the WebAssembly SIMD kernels of src/wasm on the heap,
 * shared out over the worker pool like the JS ones (js-kernels.ts), whose
 * embedding kernel it keeps (and their LayerNorm, for arrays outside the heap).
 *
 * linear. Weights in the heap (every model's, see src/bert/load.ts) are read
 * in place by the `dot` kernel: x and the bias are copied into the caller's
 * staging scratch (M·K + N floats, cheap next to M·K·N), the output comes back
 * padded [M', N'] (M' even, N' a multiple of 4) and is copied out. Any other W
 * (a non-shared heap, a caller's own array) is packed once into panels for the
 * `panel` kernel; the copy is freed with W (FinalizationRegistry) or by
 * the table's release (BertModel.dispose).
 */
import { BertTsError } from '../errors.ts';
import { activationScalar } from '../layers/activations.ts';
import { wasmKernels, type WasmKernels } from '../wasm/kernels.ts';
import { MR, NR } from '../wasm/panel.ts';
import { dotGroups, quarterBias } from '../wasm/dot.ts';
import { attentionHeads, attentionScratchBytes } from '../wasm/attention.ts';
import { heapAlloc, heapBuffer, heapF32, heapFree, heapMemory, heapOffset } from './heap.ts';
import { CHUNKS_PER_THREAD, getThreads, parallelFor } from './pool.ts';
import { dotTask, geluTask, panelsTask, qdotTask, wasmAttentionTask } from './tasks.ts';
import { getSimd, simdArg } from './simd.ts';
import { qdotGroups } from '../wasm/qdot.ts';
import { paddedK, quantizedRowsBytes, sharedInputScale } from '../layers/quantize.ts';
import { jsKernels, offsets } from './js-kernels.ts';
import type { Scratch } from './scratch.ts';
import type { Kernels } from './kernels.ts';

const kernels = (): WasmKernels => wasmKernels(heapMemory(), getSimd());

/**
 * The pool's minMacs (default 2²⁰) is calibrated on the JS kernels, where that
 * is about 0.25 ms of work. The wasm product does a multiply-add about ten
 * times faster and waking a worker costs tens of microseconds, so its work
 * counts half (int8: a quarter): products under 2²¹ multiply-adds (≈ 0.1 ms
 * here: MiniLM's 1×8 query/key/value) stay on the calling thread.
 */
const WASM_WORK = 1 / 2, INT8_WORK = 1 / 4;

/** Packed copies of weights that are not in the heap: W → heap offset; freed when W is collected. */
const packed = new WeakMap<Float32Array, number>();
const unpack = new FinalizationRegistry<number>((ptr) => heapFree(ptr));
/** Bytes of weights packed into the heap so far (0 while every W is read in place). */
let packedBytes = 0;

/** Free W's packed copy now, if it has one (the table's release: BertModel.dispose). */
function releasePacked(W: Float32Array): void {
  const ptr = packed.get(W);
  if (ptr === undefined) return;
  packed.delete(W);
  unpack.unregister(W);
  heapFree(ptr);
}

/** Bytes of weights the packed path has copied into the heap (0 when every W is read in place). */
export function wasmCopiedBytes(): number {
  return packedBytes;
}

/** W [N, K] packed as panels [⌈N/8⌉][K][8], once per W array. */
function packedWeights(W: Float32Array, K: number, N: number): number {
  const hit = packed.get(W);
  if (hit !== undefined) return hit;
  const panels = Math.ceil(N / NR), bytes = panels * K * NR * 4;
  const ptr = heapAlloc(bytes);
  const P = heapF32(ptr, panels * K * NR).fill(0);
  for (let p = 0; p < panels; p++) {
    for (let j = 0; j < NR; j++) {
      const n = p * NR + j;
      if (n >= N) break;
      const src = n * K;
      let dst = p * K * NR + j;
      for (let k = 0; k < K; k++, dst += NR) P[dst] = W[src + k];
    }
  }
  packed.set(W, ptr);
  unpack.register(W, ptr, W);
  packedBytes += bytes;
  return ptr;
}

/** The in-place product: W [N, K] read at heap offset wPtr. */
function linearDot(ws: Scratch, out: Float32Array, x: Float32Array, wPtr: number, bias: Float32Array | null, M: number, K: number, N: number): void {
  const pairs = Math.ceil(M / 2), Mp = 2 * pairs, Np = 4 * Math.ceil(N / 4), groups = Np / 4;
  // x and out are used where they lie when they are in the heap, M is even (the kernel takes rows
  // in pairs) and, for out, N a multiple of 4 (its rows unpadded): no copy in or out
  const xo = M === Mp ? heapOffset(x) : -1, oo = M === Mp && N === Np ? heapOffset(out) : -1;
  const stage = ws.stage(((xo < 0 ? Mp * K : 0) + Np + (oo < 0 ? Mp * Np : 0)) * 4);
  const xPtr = xo >= 0 ? xo : stage, bPtr = stage + (xo < 0 ? Mp * K * 4 : 0), oPtr = oo >= 0 ? oo : bPtr + Np * 4;
  if (xo < 0) {
    const X = heapF32(xPtr, Mp * K); // views only after the last allocation (a non-shared heap detaches them when it grows)
    X.set(x.subarray(0, M * K));
    X.fill(0, M * K); // the padding row, if M is odd
  }
  quarterBias(heapF32(bPtr, Np), bias, N); // in the kernel's column order
  const chunks = Math.min(groups, CHUNKS_PER_THREAD * getThreads());
  const args = { xPtr, wPtr, bPtr, oPtr, K, N, pairs, groups, chunks, simd: simdArg() };
  if (!parallelFor(dotTask, chunks, args, 2 * pairs * K * N * WASM_WORK, ws.local)) dotGroups(kernels().dot, xPtr, wPtr, bPtr, oPtr, K, N, pairs, 0, groups);
  if (oo >= 0) return;
  const O = heapF32(oPtr, Mp * Np);
  if (Np === N) out.set(O.subarray(0, M * N));
  else for (let m = 0; m < M; m++) out.set(O.subarray(m * Np, m * Np + N), m * N);
}

/** The packed product: x packed into tiles of MR rows, W into panels of NR columns. */
function linearPacked(ws: Scratch, out: Float32Array, x: Float32Array, W: Float32Array, bias: Float32Array | null, M: number, K: number, N: number): void {
  const wPtr = packedWeights(W, K, N);
  const tiles = Math.ceil(M / MR), panels = Math.ceil(N / NR);
  const Mp = tiles * MR, Np = panels * NR;
  const xPtr = ws.stage((Mp * K + Mp * Np) * 4), oPtr = xPtr + Mp * K * 4;
  // x [M, K] → tiles [Mp/MR][K][MR], zero rows past M
  const X = heapF32(xPtr, Mp * K);
  for (let t = 0; t < tiles; t++) {
    for (let r = 0; r < MR; r++) {
      const m = t * MR + r;
      let dst = t * K * MR + r;
      if (m >= M) {
        for (let k = 0; k < K; k++, dst += MR) X[dst] = 0;
        continue;
      }
      const src = m * K;
      for (let k = 0; k < K; k++, dst += MR) X[dst] = x[src + k];
    }
  }
  const panelBytes = K * NR * 4, ldo = Np * 4;
  const chunks = Math.min(panels, CHUNKS_PER_THREAD * getThreads());
  const args = { xPtr, wPtr, panelBytes, K, oPtr, ldo, tiles, panels, chunks, simd: simdArg() };
  if (!parallelFor(panelsTask, chunks, args, tiles * MR * K * panels * NR * WASM_WORK, ws.local)) {
    const { panel } = kernels();
    for (let p = 0; p < panels; p++) panel(xPtr, wPtr + p * panelBytes, K, oPtr + p * NR * 4, ldo, tiles);
  }
  const O = heapF32(oPtr, Mp * Np);
  for (let m = 0; m < M; m++) {
    const o = m * N, s = m * Np;
    if (bias) for (let n = 0; n < N; n++) out[o + n] = O[s + n] + bias[n];
    else for (let n = 0; n < N; n++) out[o + n] = O[s + n];
  }
}


/**
 * LayerNorm(x [+ residual]) by the wasm kernel (src/wasm/layernorm.ts), where
 * every array lies in the heap and H is a multiple of 4 (a model's activations
 * and weights do); false, having done nothing, otherwise. On the calling
 * thread: a row costs about as much as waking a worker.
 */
function layerNormWasm(
  out: Float32Array, x: Float32Array, residual: Float32Array | null, gamma: Float32Array, beta: Float32Array, R: number, H: number, eps: number,
): boolean {
  if (H % 4 !== 0) return false;
  const po = heapOffset(out), px = heapOffset(x), pr = residual ? heapOffset(residual) : 0;
  const pg = heapOffset(gamma), pb = heapOffset(beta);
  if (po < 0 || px < 0 || pr < 0 || pg < 0 || pb < 0) return false;
  kernels().layerNorm(px, pr, residual ? 1 : 0, po, pg, pb, R, H, eps);
  return true;
}

/** Floats of GELU staged per pass when x is not in the heap (256 KiB). */
const GELU_CHUNK = 1 << 16;

export const wasmKernelTable: Kernels = {
  release: releasePacked,

  linear(ws, out, x, W, bias, M, K, N) {
    if (M === 0 || N === 0) return;
    const inPlace = heapOffset(W);
    if (inPlace >= 0 && K > 0) linearDot(ws, out, x, inPlace, bias, M, K, N);
    else linearPacked(ws, out, x, W, bias, M, K, N);
  },

  attention(ws, ctx, q, k, v, maskAdd, probs, B, S, A, D) {
    const H = A * D, MH = B * S * H, pairs = B * A;
    if (MH === 0) return;
    // q and k into the heap, each followed by one zero row: the kernel works on
    // pairs of rows, so with S odd it reads one row past a head, whose outputs are dropped
    const pQ = ws.stage((2 * MH + 2 * H) * 4), pK = pQ + (MH + H) * 4;
    const T = getThreads(), bytes = attentionScratchBytes(S, D);
    const { base, stride } = ws.perThread(bytes, T);
    const Qw = heapF32(pQ, MH + H), Kw = heapF32(pK, MH + H);
    Qw.set(q.subarray(0, MH));
    Qw.fill(0, MH);
    Kw.set(k.subarray(0, MH));
    Kw.fill(0, MH);
    const at = T > 1 && pairs >= 2 ? offsets(ctx, v, maskAdd, probs) : null;
    if (at) {
      const args = { ctx: at[0], q: pQ, k: pK, v: at[1], mask: at[2], probs: at[3], B, S, A, D, scratch: base, stride, simd: simdArg() };
      if (parallelFor(wasmAttentionTask, pairs, args, 4 * B * A * S * S * D, ws.local)) return;
    }
    attentionHeads(kernels(), heapBuffer(), ctx, Qw, Kw, v, maskAdd, probs, B, S, A, D, 0, pairs, base);
  },

  activation(ws, act, x, n) {
    if (act !== 'gelu') return jsKernels.activation(ws, act, x, n);
    const n4 = n - (n % 4);
    const xo = heapOffset(x);
    if (xo >= 0) {
      // in place, shared out in chunks of whole vectors
      const chunks = CHUNKS_PER_THREAD * getThreads();
      if (!parallelFor(geluTask, chunks, { x: xo, n: n4, chunks, simd: simdArg() }, 16 * n, ws.local)) kernels().gelu(xo, n4);
      for (let i = n4; i < n; i++) x[i] = activationScalar('gelu', x[i]);
      return;
    }
    const ptr = ws.stage(GELU_CHUNK * 4);
    const buf = heapF32(ptr, GELU_CHUNK);
    const { gelu } = kernels();
    for (let i = 0; i < n; i += GELU_CHUNK) {
      const len = Math.min(GELU_CHUNK, n - i), len4 = (len + 3) & ~3;
      buf.set(x.subarray(i, i + len));
      buf.fill(0, len, len4);
      gelu(ptr, len4);
      x.set(buf.subarray(0, len), i);
    }
  },

  qlinear(ws, outs, x, Ws, M, K) {
    if (M === 0) return;
    // x quantized once for every weight that reads it (query, key, value share one input)
    const Kp = paddedK(K), pairs = Math.ceil(M / 2), Mp = 2 * pairs;
    const Nmax = Math.max(...Ws.map((w) => 4 * Math.ceil(w.N / 4)));
    // x's rows must lie in the heap with K a multiple of 16 (else a zero-padded copy): the quantizer reads whole rows of 16
    const c = sharedInputScale(Ws); // a per-column weight scale, folded into x as it is copied
    const xo = Kp === K && !c ? heapOffset(x) : -1;
    const xPtr = ws.stage(quantizedRowsBytes(M, K) + Mp * Nmax * 4 + (xo < 0 ? Mp * Kp * 4 : 0));
    const rPtr = xPtr + Mp * Kp, oPtr = rPtr + Mp * 8, cpy = oPtr + Mp * Nmax * 4;
    let src = xo;
    if (xo < 0) {
      const X = heapF32(cpy, M * Kp);
      for (let m = 0; m < M; m++) {
        if (c) for (let k = 0; k < K; k++) X[m * Kp + k] = x[m * K + k] * c[k];
        else X.set(x.subarray(m * K, m * K + K), m * Kp);
        X.fill(0, m * Kp + K, (m + 1) * Kp);
      }
      src = cpy;
    }
    const wk = kernels();
    wk.quantize(src, Kp * 4, Kp >> 4, xPtr, Kp, rPtr, M);
    if (M & 1) {
      new Uint8Array(heapBuffer(), xPtr + M * Kp, Kp).fill(0); // the padding row of the last pair: all zero
      heapF32(rPtr + M * 8, 2).fill(0);
    }
    const simd = simdArg();
    for (let i = 0; i < Ws.length; i++) {
      const w = Ws[i], out = outs[i], N = w.N, groups = Math.ceil(N / 4), Np = 4 * groups;
      const wPtr = heapOffset(w.q), cPtr = heapOffset(w.cols);
      // out where it lies when it is in the heap with whole pairs of rows and unpadded rows, else staged
      const direct = M === Mp && N === Np ? heapOffset(out) : -1, o = direct >= 0 ? direct : oPtr;
      if (wPtr < 0 || cPtr < 0) throw new BertTsError('qlinear: int8 weights must lie in the heap', 'quantize them into the model\'s arena (quantizeLinear with arena memory)');
      const chunks = Math.min(groups, CHUNKS_PER_THREAD * getThreads());
      const args = { xPtr, ldx: Kp, wPtr, Kp, cPtr, rPtr, oPtr: o, ldo: Np * 4, N, pairs, groups, chunks, simd };
      if (!parallelFor(qdotTask, chunks, args, Mp * Kp * N * INT8_WORK, ws.local)) {
        qdotGroups(wk.qdot, xPtr, Kp, wPtr, Kp, cPtr, rPtr, o, Np * 4, N, pairs, 0, groups);
      }
      if (direct >= 0) continue;
      const O = heapF32(oPtr, Mp * Np);
      if (Np === N) out.set(O.subarray(0, M * N));
      else for (let m = 0; m < M; m++) out.set(O.subarray(m * Np, m * Np + N), m * N);
    }
  },

  layerNorm(out, x, gamma, beta, R, H, eps) {
    if (!layerNormWasm(out, x, null, gamma, beta, R, H, eps)) jsKernels.layerNorm(out, x, gamma, beta, R, H, eps);
  },
  addLayerNorm(out, x, residual, gamma, beta, R, H, eps) {
    if (!layerNormWasm(out, x, residual, gamma, beta, R, H, eps)) jsKernels.addLayerNorm(out, x, residual, gamma, beta, R, H, eps);
  },
  embeddingSum: jsKernels.embeddingSum,
};

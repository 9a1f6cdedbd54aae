/**
 * One worker of the pool in threads.ts (Node worker_threads).
 *
 * It sleeps in Atomics.wait on its task number; when woken it reads the task's
 * numbers from the shared argument block, makes Float32Array views on buffers
 * it was sent once (by id), runs the kernel on the chunks it can claim from the
 * shared counter (or, for the wasm tasks, on its fixed share), stores "done"
 * and wakes the caller. Buffers arrive on a MessagePort and are
 * read synchronously with receiveMessageOnPort, because a worker asleep in
 * Atomics.wait never runs its event loop.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { linearBlock } from './matmul.ts';
import { attentionPairs, attentionScratch } from './attention.ts';
import { ACTIVATIONS, applyActivationRange } from './activations.ts';
import { NR, attachWasmMemory, wasmDotFor, wasmKernelFor } from './wasm-matmul.ts';
import { dotGroups } from './wasm-dot.ts';
import { attentionHeads } from './wasm-attention.ts';
import {
  ACT, ARG, ARG_STRIDE, ATT, CTL_DONE, CTL_ERROR, CTL_SEQ, CTL_STRIDE, CTL_TASKS, DOT, TASK_ACTIVATION, TASK_ATTENTION,
  TASK_ATTENTION_JS, TASK_WASM, TASK_WASM_DOT, chunkStart, counterIndex, linearChunk, type PoolMessage,
} from './threads.ts';

interface WorkerData { index: number; ctl: SharedArrayBuffer; args: SharedArrayBuffer; port: MessagePort }

const { index, ctl: ctlBuffer, args: argsBuffer, port } = workerData as WorkerData;
const ctl = new Int32Array(ctlBuffer);
const args = new Float64Array(argsBuffer);
const buffers = new Map<number, SharedArrayBuffer>();
/** wasm-matmul.ts's kernel on the shared wasm memory, once that has been sent */
let wasmPanel: ReturnType<typeof wasmKernelFor> | null = null;
/** wasm-dot.ts's kernel on the same memory */
let wasmDot: ReturnType<typeof wasmDotFor> | null = null;
const c = index * CTL_STRIDE;
const a = index * ARG_STRIDE;
const counter = counterIndex(ctl);

/** Claim the next chunk of a work-stealing task (threads.ts's dispatchChunks). */
function claim(): number {
  return Atomics.add(ctl, counter, 1);
}

/** Apply every message waiting on the port. */
function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const msg = m.message as PoolMessage;
    if (msg.type === 'add') buffers.set(msg.id, msg.buffer);
    else if (msg.type === 'drop') buffers.delete(msg.id);
    else {
      attachWasmMemory(msg.memory);
      wasmPanel = wasmKernelFor(msg.memory);
      wasmDot = wasmDotFor(msg.memory);
    }
  }
}

/** A view on buffer `id` as described at argument slot `at`, or null for id -1. */
function view(at: number): Float32Array | null {
  const id = args[a + at];
  if (id < 0) return null;
  let buffer = buffers.get(id);
  // The buffer was posted before the task was signalled; wait briefly if the
  // message is not visible yet.
  for (let spins = 0; buffer === undefined && spins < 10000; spins++) {
    Atomics.wait(ctl, c + CTL_ERROR, 0, 0.1);
    drain();
    buffer = buffers.get(id);
  }
  if (buffer === undefined) throw new Error(`bert-ts worker ${index}: unknown buffer id ${id}`);
  return new Float32Array(buffer, args[a + at + 1], args[a + at + 2]);
}

/** A float64 row of scores for attention, grown as needed. */
let row = new Float64Array(0);
/** float64 scratch of the JS attention (attentionScratch(S, D) doubles), grown as needed. */
let attScratch = new Float64Array(0);

function run(): void {
  drain();
  const kind = args[a + ARG.kind];
  if (kind === TASK_WASM || kind === TASK_ATTENTION || kind === TASK_WASM_DOT) {
    for (let spins = 0; !wasmPanel && spins < 10000; spins++) {
      Atomics.wait(ctl, c + CTL_ERROR, 0, 0.1);
      drain();
    }
    if (!wasmPanel) throw new Error(`bert-ts worker ${index}: no wasm memory`);
  }
  if (kind === TASK_ATTENTION) {
    const S = args[a + ATT.S] | 0, D = args[a + ATT.D] | 0;
    if (row.length < S + D) row = new Float64Array(S + D);
    attentionHeads(
      view(ATT.ctx)!, view(ATT.q)!, view(ATT.k)!, view(ATT.v)!, view(ATT.mask)!, view(ATT.probs), row,
      args[a + ATT.B] | 0, S, args[a + ATT.A] | 0, D, args[a + ATT.j0] | 0, args[a + ATT.j1] | 0, args[a + ATT.scratch],
    );
    return;
  }
  if (kind === TASK_WASM) {
    const p0 = args[a + ARG.p0], p1 = args[a + ARG.p1], panelBytes = args[a + ARG.panelBytes];
    const xPtr = args[a + ARG.xPtr], wPtr = args[a + ARG.wPtr], K = args[a + ARG.K];
    const oPtr = args[a + ARG.oPtr], ldo = args[a + ARG.ldo], tiles = args[a + ARG.tiles];
    const panel = wasmPanel!;
    for (let p = p0; p < p1; p++) panel(xPtr, wPtr + p * panelBytes, K, oPtr + p * NR * 4, ldo, tiles);
    return;
  }
  const chunks = args[a + ARG.chunks] | 0;
  if (kind === TASK_ATTENTION_JS) {
    const ctx = view(ATT.ctx)!, q = view(ATT.q)!, k = view(ATT.k)!, v = view(ATT.v)!, mask = view(ATT.mask)!, probs = view(ATT.probs);
    const B = args[a + ATT.B] | 0, S = args[a + ATT.S] | 0, A = args[a + ATT.A] | 0, D = args[a + ATT.D] | 0;
    const need = attentionScratch(S, D);
    if (attScratch.length < need) attScratch = new Float64Array(need);
    for (let j = claim(); j < chunks; j = claim()) attentionPairs(ctx, q, k, v, mask, probs, B, S, A, D, j, j + 1, attScratch);
    return;
  }
  if (kind === TASK_WASM_DOT) {
    const groups = args[a + DOT.groups] | 0, xPtr = args[a + DOT.xPtr], wPtr = args[a + DOT.wPtr];
    const bPtr = args[a + DOT.bPtr], oPtr = args[a + DOT.oPtr];
    const K = args[a + DOT.K] | 0, N = args[a + DOT.N] | 0, pairs = args[a + DOT.pairs] | 0;
    for (let ch = claim(); ch < chunks; ch = claim()) {
      dotGroups(wasmDot!, xPtr, wPtr, bPtr, oPtr, K, N, pairs, chunkStart(ch, chunks, groups, 1), chunkStart(ch + 1, chunks, groups, 1));
    }
    return;
  }
  if (kind === TASK_ACTIVATION) {
    const x = view(ACT.x)!, n = args[a + ACT.n] | 0, act = ACTIVATIONS[args[a + ACT.act]];
    for (let ch = claim(); ch < chunks; ch = claim()) {
      applyActivationRange(act, x, chunkStart(ch, chunks, n, 1), chunkStart(ch + 1, chunks, n, 1));
    }
    return;
  }
  const out = view(ARG.out)!, x = view(ARG.x)!, W = view(ARG.W)!, bias = view(ARG.bias);
  // `| 0`: the sizes come out of a Float64Array as doubles; as small integers
  // V8 keeps the kernel's index arithmetic in integer registers (2× faster).
  const M = args[a + ARG.M] | 0, K = args[a + ARG.K] | 0, N = args[a + ARG.N] | 0;
  const byCols = args[a + ARG.byCols] === 1;
  // seen: this task's number, so linearBlock packs x once for all the column chunks this worker takes
  for (let ch = claim(); ch < chunks; ch = claim()) linearChunk(linearBlock, out, x, W, bias, M, K, N, byCols, ch, chunks, seen);
}

parentPort!.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctl, c + CTL_SEQ, seen);
  const seq = Atomics.load(ctl, c + CTL_SEQ);
  if (seq < 0) break;
  if (seq === seen) continue;
  seen = seq;
  try {
    run();
  } catch (err) {
    Atomics.store(ctl, c + CTL_ERROR, 1);
    console.error(err);
  }
  Atomics.add(ctl, c + CTL_TASKS, 1);
  Atomics.store(ctl, c + CTL_DONE, seq);
  Atomics.notify(ctl, c + CTL_DONE);
}
port.close();

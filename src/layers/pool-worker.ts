/**
 * One worker of the pool in threads.ts, whatever runs it: Node's worker_threads
 * (worker.ts) or a browser's Web Worker (src/browser/pool-worker-main.ts).
 *
 * The shell sleeps on its task number (ctl[CTL_SEQ]) and, when woken:
 *   1. hands every message that arrived to receive() (buffers, the wasm memory);
 *   2. asks ready() whether everything the task names has arrived; if not, waits
 *      for more messages (Node: receiveMessageOnPort; a browser: its event loop);
 *   3. calls run(), then finish(seq).
 * run() reads the task's numbers from the shared argument block, makes
 * Float32Array views on buffers it was sent once (by id), and runs the kernel on
 * the chunks it can claim from the shared counter (or, for the wasm tasks, on
 * its fixed share).
 */
import { linearBlock } from './matmul.ts';
import { attentionPairs, attentionScratch } from './attention.ts';
import { ACTIVATIONS, applyActivationRange } from './activations.ts';
import { NR, attachWasmMemory, wasmDotFor, wasmKernelFor } from './wasm-matmul.ts';
import { dotGroups } from './wasm-dot.ts';
import { attentionHeads } from './wasm-attention.ts';
import {
  ACT, ARG, ARG_STRIDE, ATT, CTL_DONE, CTL_ERROR, CTL_STRIDE, CTL_TASKS, DOT, TASK_ACTIVATION, TASK_ATTENTION,
  TASK_ATTENTION_JS, TASK_LINEAR, TASK_WASM, TASK_WASM_DOT, chunkStart, counterIndex, linearChunk, type PoolMessage,
} from './threads.ts';

/** The argument slots holding a buffer id, per task kind. */
const VIEW_SLOTS: Record<number, number[]> = {
  [TASK_LINEAR]: [ARG.out, ARG.x, ARG.W, ARG.bias],
  [TASK_WASM]: [],
  [TASK_WASM_DOT]: [],
  [TASK_ATTENTION]: [ATT.ctx, ATT.q, ATT.k, ATT.v, ATT.mask, ATT.probs],
  [TASK_ATTENTION_JS]: [ATT.ctx, ATT.q, ATT.k, ATT.v, ATT.mask, ATT.probs],
  [TASK_ACTIVATION]: [ACT.x],
};
const WASM_TASKS = new Set([TASK_WASM, TASK_WASM_DOT, TASK_ATTENTION]);

export class PoolWorker {
  readonly index: number;
  readonly ctl: Int32Array;
  readonly args: Float64Array;
  private readonly buffers = new Map<number, SharedArrayBuffer>();
  /** wasm-matmul.ts's kernels on the shared wasm memory, once that has been sent */
  private wasmPanel: ReturnType<typeof wasmKernelFor> | null = null;
  private wasmDot: ReturnType<typeof wasmDotFor> | null = null;
  /** float64 row of scores for the wasm attention, grown as needed */
  private row = new Float64Array(0);
  /** float64 scratch of the JS attention (attentionScratch(S, D) doubles), grown as needed */
  private attScratch = new Float64Array(0);
  /** the task number being run (linearBlock's packKey: x is packed once per task and thread) */
  private seq = 0;

  constructor(index: number, ctl: SharedArrayBuffer, args: SharedArrayBuffer) {
    this.index = index;
    this.ctl = new Int32Array(ctl);
    this.args = new Float64Array(args);
  }

  /** Offset of this worker's control line (CTL_*). */
  get line(): number {
    return this.index * CTL_STRIDE;
  }

  receive(msg: PoolMessage): void {
    if (msg.type === 'add') this.buffers.set(msg.id, msg.buffer);
    else if (msg.type === 'drop') this.buffers.delete(msg.id);
    else {
      attachWasmMemory(msg.memory);
      this.wasmPanel = wasmKernelFor(msg.memory);
      this.wasmDot = wasmDotFor(msg.memory);
    }
  }

  /** Whether every buffer (and the wasm memory) the current task names has arrived. */
  ready(): boolean {
    const a = this.index * ARG_STRIDE;
    const kind = this.args[a + ARG.kind];
    if (WASM_TASKS.has(kind) && !this.wasmPanel) return false;
    return (VIEW_SLOTS[kind] ?? []).every((at) => {
      const id = this.args[a + at];
      return id < 0 || this.buffers.has(id);
    });
  }

  /** Run task `seq` (ready() must be true), then store "done" and wake the caller. */
  runAndFinish(seq: number): void {
    const c = this.line;
    this.seq = seq;
    try {
      if (!this.ready()) throw new Error(`bert-ts worker ${this.index}: a buffer of task ${seq} never arrived`);
      this.run();
    } catch (err) {
      Atomics.store(this.ctl, c + CTL_ERROR, 1);
      console.error(err);
    }
    Atomics.add(this.ctl, c + CTL_TASKS, 1);
    Atomics.store(this.ctl, c + CTL_DONE, seq);
    Atomics.notify(this.ctl, c + CTL_DONE);
  }

  /** A view on buffer `id` as described at argument slot `at`, or null for id -1. */
  private view(at: number): Float32Array | null {
    const a = this.index * ARG_STRIDE;
    const id = this.args[a + at];
    if (id < 0) return null;
    return new Float32Array(this.buffers.get(id)!, this.args[a + at + 1], this.args[a + at + 2]);
  }

  /** Claim the next chunk of a work-stealing task (threads.ts's dispatchChunks). */
  private claim(): number {
    return Atomics.add(this.ctl, counterIndex(this.ctl), 1);
  }

  private run(): void {
    const { args } = this;
    const a = this.index * ARG_STRIDE;
    const kind = args[a + ARG.kind];
    if (kind === TASK_ATTENTION) {
      const S = args[a + ATT.S] | 0, D = args[a + ATT.D] | 0;
      if (this.row.length < S + D) this.row = new Float64Array(S + D);
      attentionHeads(
        this.view(ATT.ctx)!, this.view(ATT.q)!, this.view(ATT.k)!, this.view(ATT.v)!, this.view(ATT.mask)!, this.view(ATT.probs), this.row,
        args[a + ATT.B] | 0, S, args[a + ATT.A] | 0, D, args[a + ATT.j0] | 0, args[a + ATT.j1] | 0, args[a + ATT.scratch],
      );
      return;
    }
    if (kind === TASK_WASM) {
      const p0 = args[a + ARG.p0], p1 = args[a + ARG.p1], panelBytes = args[a + ARG.panelBytes];
      const xPtr = args[a + ARG.xPtr], wPtr = args[a + ARG.wPtr], K = args[a + ARG.K];
      const oPtr = args[a + ARG.oPtr], ldo = args[a + ARG.ldo], tiles = args[a + ARG.tiles];
      const panel = this.wasmPanel!;
      for (let p = p0; p < p1; p++) panel(xPtr, wPtr + p * panelBytes, K, oPtr + p * NR * 4, ldo, tiles);
      return;
    }
    const chunks = args[a + ARG.chunks] | 0;
    if (kind === TASK_ATTENTION_JS) {
      const ctx = this.view(ATT.ctx)!, q = this.view(ATT.q)!, k = this.view(ATT.k)!, v = this.view(ATT.v)!;
      const mask = this.view(ATT.mask)!, probs = this.view(ATT.probs);
      const B = args[a + ATT.B] | 0, S = args[a + ATT.S] | 0, A = args[a + ATT.A] | 0, D = args[a + ATT.D] | 0;
      const need = attentionScratch(S, D);
      if (this.attScratch.length < need) this.attScratch = new Float64Array(need);
      for (let j = this.claim(); j < chunks; j = this.claim()) attentionPairs(ctx, q, k, v, mask, probs, B, S, A, D, j, j + 1, this.attScratch);
      return;
    }
    if (kind === TASK_WASM_DOT) {
      const groups = args[a + DOT.groups] | 0, xPtr = args[a + DOT.xPtr], wPtr = args[a + DOT.wPtr];
      const bPtr = args[a + DOT.bPtr], oPtr = args[a + DOT.oPtr];
      const K = args[a + DOT.K] | 0, N = args[a + DOT.N] | 0, pairs = args[a + DOT.pairs] | 0;
      for (let ch = this.claim(); ch < chunks; ch = this.claim()) {
        dotGroups(this.wasmDot!, xPtr, wPtr, bPtr, oPtr, K, N, pairs, chunkStart(ch, chunks, groups, 1), chunkStart(ch + 1, chunks, groups, 1));
      }
      return;
    }
    if (kind === TASK_ACTIVATION) {
      const x = this.view(ACT.x)!, n = args[a + ACT.n] | 0, act = ACTIVATIONS[args[a + ACT.act]];
      for (let ch = this.claim(); ch < chunks; ch = this.claim()) {
        applyActivationRange(act, x, chunkStart(ch, chunks, n, 1), chunkStart(ch + 1, chunks, n, 1));
      }
      return;
    }
    const out = this.view(ARG.out)!, x = this.view(ARG.x)!, W = this.view(ARG.W)!, bias = this.view(ARG.bias);
    // `| 0`: the sizes come out of a Float64Array as doubles; as small integers
    // V8 keeps the kernel's index arithmetic in integer registers (2× faster).
    const M = args[a + ARG.M] | 0, K = args[a + ARG.K] | 0, N = args[a + ARG.N] | 0;
    const byCols = args[a + ARG.byCols] === 1;
    for (let ch = this.claim(); ch < chunks; ch = this.claim()) linearChunk(linearBlock, out, x, W, bias, M, K, N, byCols, ch, chunks, this.seq);
  }
}

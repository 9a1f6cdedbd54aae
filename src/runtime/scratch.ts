/**
 * Kernel scratch in the heap, owned by a RunState (one per (batch, seq) shape)
 * and freed by its dispose(): a staging region for the calling thread (wasm
 * copies of x, q, k, outputs) and one region per thread (packing buffers,
 * attention scratch), at offsets every worker can address. A region that must
 * grow is freed first, so the heap reuses the space it leaves.
 */
import { Arena } from './heap.ts';

interface Region {
  ptr: number;
  bytes: number;
}

const LINE = 64;

export class Scratch {
  private readonly arena: Arena;
  private staging: Region | null = null;
  private threads: Region | null = null;

  constructor(name = 'scratch') {
    this.arena = new Arena(name);
  }

  /** `bytes` for the calling thread at the returned heap offset, valid until the next call that asks. */
  stage(bytes: number): number {
    this.staging = this.grow(this.staging, bytes);
    return this.staging.ptr;
  }

  /** `bytes` for each of T threads: thread t's region starts at base + t·stride. */
  perThread(bytes: number, T: number): { base: number; stride: number } {
    const stride = Math.ceil(bytes / LINE) * LINE;
    this.threads = this.grow(this.threads, stride * T);
    return { base: this.threads.ptr, stride };
  }

  private grow(have: Region | null, bytes: number): Region {
    if (have && have.bytes >= bytes) return have;
    if (have) this.arena.release(have.ptr);
    const size = Math.ceil(bytes * 1.25);
    return { ptr: this.arena.alloc(size), bytes: size };
  }

  dispose(): void {
    this.arena.dispose();
    this.staging = this.threads = null;
  }
}

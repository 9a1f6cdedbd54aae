/**
 * Kernel scratch, owned by a RunState (one per (batch, seq) shape) and freed
 * by its dispose():
 * - in the heap, at offsets every thread and wasm kernel can address: a
 *   staging region for the calling thread (wasm copies of x, q, k, outputs)
 *   and one region per thread (the wasm attention's). A region that must grow
 *   is freed first, so the heap reuses the space it leaves;
 * - `local`: the calling thread's private float64 scratch for the JS kernels
 *   (linear's packs, the JS attention's tiles), in plain JS memory, as each
 *   pool worker has its own (worker.ts).
 */
import { Arena } from './heap.ts';

interface Region {
  ptr: number;
  bytes: number;
}

const LINE = 64;

/** One thread's private float64 scratch, grown as needed (never shared, so plain JS memory). */
export class ThreadScratch {
  private data = new Float64Array(0);

  /** At least n doubles; the contents survive until a larger request. */
  f64(n: number): Float64Array {
    if (this.data.length < n) this.data = new Float64Array(Math.ceil(n * 1.25));
    return this.data;
  }
}

export class Scratch {
  private readonly arena: Arena;
  /** the calling thread's private scratch */
  readonly local = new ThreadScratch();
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

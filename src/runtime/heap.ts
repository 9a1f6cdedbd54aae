/**
 * The heap: one WebAssembly.Memory that holds every buffer a kernel may hand
 * to another thread or to a wasm kernel (weights, activations, scratch), with
 * an allocator that frees.
 *
 *   const arena = new Arena('model');     // a group of allocations with one owner
 *   const ptr = arena.alloc(bytes);       // a byte offset in the heap, 16-byte aligned
 *   arena.dispose();                      // every region back to the free list
 *
 * Shared or not. The memory is shared (`shared: true`) only where threads can
 * use it: SharedArrayBuffer exists and this is Node or a cross-origin isolated
 * page. Elsewhere it is an ordinary memory and everything runs on one thread.
 * The wasm kernels declare a memory import that matches (see src/wasm/kernels.ts).
 * A shared memory's views stay valid when it grows; a non-shared memory's do
 * not (growing detaches its buffer), so there only scratch lives in the heap,
 * and views on it are made after the last allocation of a call.
 *
 * Offsets are plain numbers up to 4 GiB (wasm32's limit), with no 32-bit
 * integer arithmetic (`| 0`, `&`) anywhere in this file.
 * Freed regions are reused first-fit and merged with free neighbours; the
 * memory itself never shrinks (WebAssembly cannot), so RSS stays at its high
 * water mark, and a process that loads and disposes models in turn stays flat.
 */
import { BertTsError } from '../errors.ts';
import type { TensorMemory } from '../tensor/alloc.ts';

const PAGE = 65536;
/** 4 GiB: wasm32's whole address space (reserved, not committed). */
export const MAX_PAGES = 65536;
const ALIGN = 16;

interface HeapState {
  memory: WebAssembly.Memory;
  shared: boolean;
  /** next byte never handed out */
  top: number;
  /** free regions below top: [offset, bytes], sorted by offset, never adjacent */
  free: [number, number][];
  /** live regions: offset → bytes */
  live: Map<number, number>;
  /**
   * Every buffer object memory.buffer has returned while we made views on it.
   * A shared memory's buffer is a new SharedArrayBuffer object after each grow;
   * the old ones stay valid over the same bytes. A view lies in the heap iff
   * its buffer is one of these.
   */
  buffers: WeakSet<ArrayBufferLike>;
}

let heap: HeapState | null = null;
let wantShared: boolean | null = null;

/** Whether threads can share memory here: SharedArrayBuffer, and Node or a cross-origin isolated page. */
export function sharedMemoryPossible(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as { process?: { versions?: { node?: string } }; crossOriginIsolated?: boolean };
  return !!g.process?.versions?.node || g.crossOriginIsolated === true;
}

/**
 * Internal: choose a non-shared heap (one thread) where a shared one is
 * possible, to test the browser's plain-page mode under Node. Only before the
 * heap is first used; the environment variable BERT_TS_SHARED_MEMORY=0 does the same.
 */
export function configureHeap(options: { shared: boolean }): void {
  if (heap && heap.shared !== options.shared) {
    throw new BertTsError('configureHeap: the heap is already in use', 'call it before any model is loaded or kernel run');
  }
  wantShared = options.shared;
}

function init(): HeapState {
  if (heap) return heap;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const shared = sharedMemoryPossible() && (wantShared ?? env?.BERT_TS_SHARED_MEMORY !== '0');
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  } catch (e) {
    if (!shared) throw e;
    memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES });
  }
  const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  // offset 0 stays unused: no region starts at the null offset
  heap = { memory, shared: isShared, top: ALIGN, free: [], live: new Map(), buffers: new WeakSet() };
  return heap;
}

/** The heap's memory, created on first use. */
export function heapMemory(): WebAssembly.Memory {
  return init().memory;
}

/** Whether the heap is shared (threads possible) rather than one thread's memory. */
export function heapShared(): boolean {
  return init().shared;
}

/** The heap's current buffer (a new object after each grow), remembered so heapOffset knows views on it. */
export function heapBuffer(): ArrayBufferLike {
  const h = init();
  const b = h.memory.buffer;
  h.buffers.add(b);
  return b;
}

/** A float32 view on `n` floats at byte offset `ptr` of the heap. */
export function heapF32(ptr: number, n: number): Float32Array {
  return new Float32Array(heapBuffer(), ptr, n);
}

/** A float64 view on `n` doubles at byte offset `ptr` (8-aligned) of the heap. */
export function heapF64(ptr: number, n: number): Float64Array {
  return new Float64Array(heapBuffer(), ptr, n);
}

/** The byte offset of `view` in the heap when it lies there, else -1. */
export function heapOffset(view: ArrayBufferView): number {
  if (!heap) return -1;
  const b = view.buffer;
  return b === heap.memory.buffer || heap.buffers.has(b) ? view.byteOffset : -1;
}

const roundUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Reserve `bytes` (rounded up to 16) and return the byte offset: the first
 * free region that fits, else the top, growing the memory if needed.
 */
export function heapAlloc(bytes: number): number {
  const h = init();
  if (h.top === Infinity) throw new BertTsError('wasm memory: a pool worker cannot allocate', 'the caller allocates and passes offsets');
  const size = roundUp(Math.max(bytes, 1));
  for (let i = 0; i < h.free.length; i++) {
    const [at, have] = h.free[i];
    if (have < size) continue;
    if (have === size) h.free.splice(i, 1);
    else h.free[i] = [at + size, have - size];
    h.live.set(at, size);
    return at;
  }
  const at = h.top, end = at + size;
  const have = h.memory.buffer.byteLength;
  if (end > have) {
    const pages = Math.ceil((end - have) / PAGE);
    try {
      if (have / PAGE + pages > MAX_PAGES) throw new RangeError('past 4 GiB');
      h.memory.grow(pages);
    } catch (e) {
      throw new BertTsError(
        `wasm memory: cannot grow to ${Math.ceil(end / 2 ** 20)} MiB for ${size} more bytes (${(e as Error).message})`,
        'wasm32 memory is at most 4 GiB: dispose() models you no longer use, or setBackend(\'js\') before loading',
      );
    }
  }
  h.top = end;
  h.live.set(at, size);
  return at;
}

/** Return the region at `ptr` (from heapAlloc) to the free list, merged with free neighbours. */
export function heapFree(ptr: number): void {
  const h = init();
  const size = h.live.get(ptr);
  if (size === undefined) throw new BertTsError(`wasm memory: no live region at offset ${ptr} (freed twice?)`);
  h.live.delete(ptr);
  let lo = 0, hi = h.free.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (h.free[mid][0] < ptr) lo = mid + 1;
    else hi = mid;
  }
  let at = ptr, bytes = size;
  const next = h.free[lo];
  if (next && at + bytes === next[0]) {
    bytes += next[1];
    h.free.splice(lo, 1);
  }
  const prev = h.free[lo - 1];
  if (prev && prev[0] + prev[1] === at) {
    at = prev[0];
    bytes += prev[1];
    h.free.splice(lo - 1, 1);
    lo--;
  }
  if (at + bytes === h.top) h.top = at; // the top region: give it back to the top
  else h.free.splice(lo, 0, [at, bytes]);
}

/** Heap figures for tests and the benchmark: bytes in live regions, the top, the memory's size. */
export function heapStats(): { liveBytes: number; liveRegions: number; top: number; memoryBytes: number; shared: boolean } {
  const h = init();
  let liveBytes = 0;
  for (const b of h.live.values()) liveBytes += b;
  return { liveBytes, liveRegions: h.live.size, top: h.top, memoryBytes: h.memory.buffer.byteLength, shared: h.shared };
}

/**
 * A group of heap regions with one owner (a model's weights, a RunState's
 * buffers) and one dispose() that frees them all. Using a disposed arena is a
 * BertTsError naming its owner.
 */
export class Arena {
  readonly name: string;
  private regions: number[] = [];
  private disposed = false;

  constructor(name: string) {
    this.name = name;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** `bytes` at a new heap offset, freed with the arena. */
  alloc(bytes: number): number {
    if (this.disposed) throw new BertTsError(`${this.name} was disposed`, 'load it again to use it');
    const ptr = heapAlloc(bytes);
    this.regions.push(ptr);
    return ptr;
  }

  /** Free one region of this arena now (a buffer that grew). */
  release(ptr: number): void {
    const i = this.regions.indexOf(ptr);
    if (i < 0) throw new BertTsError(`${this.name}: offset ${ptr} is not one of its regions`);
    this.regions.splice(i, 1);
    heapFree(ptr);
  }

  /** A float32 array of n values in this arena (zeroed). Only on a shared heap: a non-shared heap's views die when it grows. */
  float32(n: number): Float32Array {
    const view = heapF32(this.alloc(n * 4), n);
    view.fill(0);
    return view;
  }

  /** This arena as a place for tensors (safetensors-fs.ts's readSafetensors { memory }). */
  tensorMemory(): TensorMemory {
    return {
      name: 'wasm',
      bytes: (n: number): Uint8Array => {
        // 16 spare bytes: no view ends exactly at the end of memory
        const ptr = this.alloc(n + ALIGN);
        return new Uint8Array(heapBuffer(), ptr, n);
      },
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const ptr of this.regions) heapFree(ptr);
    this.regions = [];
  }
}

/**
 * In a pool worker: use the caller's shared memory (given once, when the
 * worker starts). A worker never allocates; the caller hands it offsets.
 */
export function attachHeap(memory: WebAssembly.Memory): void {
  heap = { memory, shared: true, top: Infinity, free: [], live: new Map(), buffers: new WeakSet() };
}

/**
 * The tree of weights `tree` (objects, arrays, Float32Arrays) with every
 * Float32Array that is not in the heap copied into `arena`: a model built from
 * bytes in JS memory gets its weights where every thread and wasm kernel can
 * address them. Arrays already in the heap are kept as they are.
 */
export function placeInHeap<T>(tree: T, arena: Arena, copies = new Map<Float32Array, Float32Array>()): T {
  if (tree instanceof Float32Array) {
    if (tree.length === 0 || heapOffset(tree) >= 0) return tree;
    let copy = copies.get(tree); // one array in two places (a tied decoder) stays one
    if (!copy) {
      copy = arena.float32(tree.length);
      copy.set(tree);
      copies.set(tree, copy);
    }
    return copy as T;
  }
  if (Array.isArray(tree)) return tree.map((t) => placeInHeap(t, arena, copies)) as T;
  if (tree && typeof tree === 'object' && !ArrayBuffer.isView(tree)) {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, placeInHeap(v, arena, copies)])) as T;
  }
  return tree;
}

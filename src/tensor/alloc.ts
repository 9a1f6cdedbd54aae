/**
 * A place tensors can be put instead of fresh JS memory: a heap arena's
 * tensorMemory() (src/runtime/heap.ts) places weights in WebAssembly memory, where the kernels
 * read them without a copy. bytes(n) reserves n bytes (aligned to 16) for as
 * long as the memory lives and returns a view on them.
 */
export interface TensorMemory {
  name: string;
  bytes(n: number): Uint8Array;
}

/**
 * Allocate a Float32Array for activations or converted weights. Where
 * SharedArrayBuffer exists (Node; browsers when crossOriginIsolated) the memory
 * is shared, so the worker pool can read and write it without copies. With
 * `memory`, in that memory instead.
 */
export function allocFloat32(n: number, memory?: TensorMemory): Float32Array {
  if (memory) {
    const bytes = memory.bytes(n * 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  }
  if (typeof SharedArrayBuffer !== 'undefined') {
    return new Float32Array(new SharedArrayBuffer(n * 4));
  }
  return new Float32Array(n);
}

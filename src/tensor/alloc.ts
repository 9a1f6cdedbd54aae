/**
 * Allocate a Float32Array for activations or converted weights. Where
 * SharedArrayBuffer exists (Node; browsers when crossOriginIsolated) the memory
 * is shared, so the worker pool can read and write it without copies.
 */
export function allocFloat32(n: number): Float32Array {
  if (typeof SharedArrayBuffer !== 'undefined') {
    return new Float32Array(new SharedArrayBuffer(n * 4));
  }
  return new Float32Array(n);
}

/**
 * A full garbage collection, now (Node only). A q8 load reads every float32
 * tensor once and drops it after quantizing; V8 would free those hundreds of
 * megabytes at some later collection, and until then the process's resident
 * memory counts them. Collecting once at the end of the load makes the figure
 * a user sees the model's own. (--expose-gc set from inside the process only
 * exposes gc() to new contexts, as here.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

export function collectGarbage(): void {
  if (!gc) {
    gc = (globalThis as { gc?: () => void }).gc ?? null;
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}

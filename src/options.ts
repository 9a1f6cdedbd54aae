/**
 * Strict options for the library's functions, as the CLI's util.parseArgs is
 * strict for flags: `fillMask(text, { top_k: 1 })` must not quietly run with the
 * default topK. An unknown key is one BertTsError naming the valid keys, and the
 * nearest one when the key looks like a misspelling (top_k, topk → topK;
 * normalise → normalize).
 */
import { BertTsError, quote } from './errors.ts';

/** Throws unless `options` is undefined or a plain object whose own keys are all in `valid`. */
export function checkOptions(fn: string, options: unknown, valid: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BertTsError(`${fn}: options must be an object, got ${quote(options)}`, `valid options: ${valid.join(', ')}`);
  }
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const near = nearest(key, valid);
    throw new BertTsError(
      `${fn}: unknown option ${quote(key)}${near ? `; did you mean ${near}?` : ''}`,
      `valid options: ${valid.join(', ')}`,
    );
  }
}

/** The valid key closest to `key` (case, '_' and '-' ignored, then edit distance), if it is close enough to be a typo. */
export function nearest(key: string, valid: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const k = norm(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const v of valid) {
    const d = editDistance(k, norm(v));
    if (d < bestDistance) [best, bestDistance] = [v, d];
  }
  return bestDistance <= Math.max(1, Math.floor(k.length / 3)) ? best : undefined;
}

/** Levenshtein distance (insert, delete, substitute: 1 each); the key is cut at 64 characters. */
function editDistance(a: string, b: string): number {
  a = a.slice(0, 64);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * Run items through a model in padded batches, shortest first: sorting by
 * length means a short text never pays for the longest one of the whole call,
 * only for the longest of its batch. Results come back in the callers' order.
 */
import { BertTsError, quote } from '../errors.ts';

export const DEFAULT_BATCH_SIZE = 8;

export function inBatches<T, R>(items: readonly T[], lengthOf: (item: T) => number, batchSize: number, run: (batch: T[]) => R[]): R[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BertTsError(`batchSize must be a whole number ≥ 1 (the texts in one forward pass), got ${quote(batchSize)}`, `leave it out for the default, or give e.g. batchSize: ${DEFAULT_BATCH_SIZE}`);
  const lengths = items.map(lengthOf);
  const order = items.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const out = new Array<R>(items.length);
  for (let i = 0; i < order.length; i += batchSize) {
    const idx = order.slice(i, i + batchSize);
    const results = run(idx.map((j) => items[j]));
    idx.forEach((j, k) => (out[j] = results[k]));
  }
  return out;
}

/**
 * Scores from logits, in float64, as transformers' pipelines compute them
 * (text_classification.py softmax / sigmoid: subtract the max, exponentiate,
 * divide by the sum).
 */

/** softmax(x)_i = exp(x_i − max x) / Σ_j exp(x_j − max x) */
export function softmax(x: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
  const e = Array.from(x, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** sigmoid(x) = 1 / (1 + exp(−x)) */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Indices of the k largest values, largest first; ties keep the lower index first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  if (k >= values.length) return idx.sort((a, b) => values[b] - values[a] || a - b);
  // partial selection: keep a sorted list of the best k
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (best.length === k && v <= values[best[k - 1]]) continue;
    let j: number;
    if (best.length < k) {
      best.push(i);
      j = best.length - 1;
    } else {
      j = k - 1;
      best[j] = i;
    }
    // bubble up past smaller values (an equal value, with a lower index, stays ahead)
    while (j > 0 && values[best[j - 1]] < v) {
      best[j] = best[j - 1];
      best[j - 1] = i;
      j--;
    }
  }
  return best;
}

/** The index of the largest value (the first one on ties), as numpy's argmax. */
export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** A few numbers that describe a tensor at a glance. */
export interface Statistics {
  mean: number;
  /** standard deviation over all elements */
  std: number;
  min: number;
  max: number;
  /** mean Euclidean length of the rows (each token's vector) */
  rowNorm: number;
}

/** Statistics of x viewed as rows of `width` values (float64 sums). */
export function statistics(x: ArrayLike<number>, width: number): Statistics {
  const n = x.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (x[i] - mean) ** 2;
  let norms = 0;
  const rows = n / width;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = r * width; i < (r + 1) * width; i++) s += x[i] * x[i];
    norms += Math.sqrt(s);
  }
  return { mean, std: Math.sqrt(sq / n), min, max, rowNorm: norms / rows };
}

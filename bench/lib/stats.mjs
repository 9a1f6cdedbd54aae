// Timing helpers. The machine is shared and noisy, so every figure is the
// median of several samples taken alternately with the other engines, and the
// report quotes ratios measured in the same run.

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** { median, min, max, n } of samples in ms. */
export function summary(samples) {
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    n: samples.length,
  };
}

/**
 * Time one call of fn (sync or async) in milliseconds. When a single call is
 * shorter than minMs, repeat it and return the mean per call.
 */
export async function timeOnce(fn, minMs = 0) {
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    await fn();
    calls++;
    t = performance.now();
  } while (t - t0 < minMs);
  return (t - t0) / calls;
}

/**
 * Alternate engines: for `reps` rounds, time each engine once (in a rotating
 * order so no engine always goes first). Returns { name: samples[] }.
 * Each engine is warmed up once before the first round.
 */
export async function alternate(engines, { reps, minMs = 0, warmup = 1, log }) {
  const samples = Object.fromEntries(engines.map((e) => [e.name, []]));
  // e.before(): set-up outside the clock (e.g. switch thread count); e.reps: fewer samples for slow engines
  for (const e of engines) {
    await e.before?.();
    for (let i = 0; i < (e.warmup ?? warmup); i++) await e.run();
  }
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < engines.length; j++) {
      const e = engines[(j + r) % engines.length];
      if (r >= (e.reps ?? reps)) continue;
      await e.before?.();
      const ms = await timeOnce(e.run, e.minMs ?? minMs);
      samples[e.name].push(ms);
      log?.(e.name, r, ms);
    }
  }
  return samples;
}

export const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');

// Per-op breakdown of one bert-base forward at batch 1, seq 128: a clock
// around every kernel call (bench/lib/internals.ts's profileForward), on 1 and
// T threads, median over a few forwards.
import { median } from '../lib/stats.mjs';
import { ensureModel } from '../lib/models.mjs';

export async function benchOps(bt, opts) {
  const name = opts.model ?? 'bert-base';
  const dir = ensureModel(opts.models, name);
  if (!dir) return { skipped: true };
  const B = 1, S = 128, runs = opts.quick ? 2 : 5;
  const model = bt.loadBertModel(dir);
  const out = {};
  for (const threads of [1, opts.threads]) {
    await bt.setThreads(opts.threads, { minMacs: threads === 1 ? Infinity : 2 ** 20 });
    bt.profileForward(model, B, S); // warm-up
    const per = {};
    for (let r = 0; r < runs; r++) {
      for (const [op, ms] of Object.entries(bt.profileForward(model, B, S))) (per[op] ??= []).push(ms);
    }
    const ms = Object.fromEntries(Object.entries(per).map(([op, v]) => [op, median(v)]));
    const total = Object.values(ms).reduce((a, b) => a + b, 0);
    console.log(`ops: ${name} ${B}×${S} on ${threads} thread${threads > 1 ? 's' : ''}: ${total.toFixed(0)} ms`);
    for (const [op, v] of Object.entries(ms).sort((a, b) => b[1] - a[1])) {
      console.log(`  ${op.padEnd(34)} ${v.toFixed(1).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %`);
    }
    out[threads] = ms;
  }
  await bt.setThreads(opts.threads, { minMacs: 2 ** 20 });
  return { model: name, B, S, runs, threads: opts.threads, byThreads: out, ms: out[opts.threads], ms1: out[1] };
}

// Per-op breakdown of one forward (bert-base by default) at batch 1, seq 128:
// a clock read at every probe step (bench/lib/internals.ts's profileForward),
// median over a few forwards, for each kernel configuration.
import { median } from '../lib/stats.mjs';
import { ensureModel } from '../lib/models.mjs';

export async function benchOps(bt, opts) {
  const name = opts.model ?? 'bert-base';
  const dir = ensureModel(opts.models, name);
  if (!dir) return { skipped: true };
  const B = 1, S = 128, runs = opts.quick ? 2 : 5, T = opts.threads;
  // one model per backend, loaded after setBackend (wasm reads the weights into its memory)
  const models = {};
  const modelFor = (backend) => {
    if (!models[backend]) {
      bt.setBackend(backend);
      models[backend] = bt.loadBertModel(dir);
    }
    return models[backend];
  };
  const configs = [
    { label: 'js, 1 thread', backend: 'js', threads: 1 },
    { label: `js, ${T} threads`, backend: 'js', threads: T },
  ];
  if (bt.wasmSimdSupported()) {
    configs.push(
      { label: 'wasm, 1 thread', backend: 'wasm', threads: 1 },
      { label: `wasm, ${T} threads`, backend: 'wasm', threads: T },
    );
  }
  for (const cfg of configs) {
    const model = modelFor(cfg.backend);
    bt.setBackend(cfg.backend);
    await bt.setThreads(T, { minMacs: cfg.threads === 1 ? Infinity : 2 ** 20 });
    bt.profileForward(model, B, S); // warm-up
    const per = {};
    for (let r = 0; r < runs; r++) {
      for (const [op, ms] of Object.entries(bt.profileForward(model, B, S))) (per[op] ??= []).push(ms);
    }
    cfg.ms = Object.fromEntries(Object.entries(per).map(([op, v]) => [op, median(v)]));
    const total = Object.values(cfg.ms).reduce((a, b) => a + b, 0);
    console.log(`ops: ${name} ${B}×${S}, ${cfg.label}: ${total.toFixed(0)} ms`);
    for (const [op, v] of Object.entries(cfg.ms).sort((a, b) => b[1] - a[1])) {
      console.log(`  ${op.padEnd(34)} ${v.toFixed(1).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %`);
    }
  }
  bt.setBackend('auto');
  await bt.setThreads(T, { minMacs: 2 ** 20 });
  return { model: name, B, S, runs, threads: T, configs };
}

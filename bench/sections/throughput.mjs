// Batch throughput: embedding 1,000 sentences of mixed length (8–128 tokens)
// on T threads. bert-ts sorts them by length and runs batches of b (each padded
// only to its own longest), for several b; onnxruntime-node runs them in input
// order in padded batches of 32, as transformers.js does. Sentences per
// second, each engine's whole pass timed alternately with the others.
import { alternate, summary } from '../lib/stats.mjs';
import { ensureModel, onnxFile } from '../lib/models.mjs';
import { loadOrtNode } from '../lib/peers.mjs';
import { bertTs } from './e2e.mjs';

/** n seeded sentences of token ids, lengths uniform in [lo, hi], [CLS] … [SEP]. */
function sentences(n, lo, hi, vocab) {
  let s = 4242;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const len = lo + Math.floor(rnd() * (hi - lo + 1));
    return Array.from({ length: len }, (_, t) => (t === 0 ? 101 : t === len - 1 ? 102 : 1000 + Math.floor(rnd() * (vocab - 1000))));
  });
}

/** Batches of `size` from `list` (in its order), padded to each batch's longest: { ids, mask } rows. */
function batches(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) {
    const group = list.slice(i, i + size);
    const L = Math.max(...group.map((x) => x.length));
    out.push({
      B: group.length, S: L,
      ids: group.map((x) => [...x, ...new Array(L - x.length).fill(0)]),
      mask: group.map((x) => [...new Array(x.length).fill(1), ...new Array(L - x.length).fill(0)]),
    });
  }
  return out;
}

export async function benchThroughput(bt, opts) {
  const { lib, from } = await bertTs(bt);
  const T = opts.threads;
  const name = 'minilm-l6';
  const dir = ensureModel(opts.models, name);
  if (!dir) return { skipped: true };
  lib.setBackend('wasm');
  await lib.setThreads(T);
  const f32 = lib.loadBertModel(dir), q8 = lib.loadBertModel(dir, { dtype: 'q8' });
  const N = opts.quick ? 200 : 1000;
  const all = sentences(N, 8, 128, f32.config.vocabSize);
  const sorted = [...all].sort((a, b) => a.length - b.length);
  const sizes = opts.quick ? [8, 32] : [4, 16, 32];
  const engines = [];
  for (const [label, m] of [['f32', f32], ['q8', q8]]) {
    for (const b of sizes) {
      const bs = batches(sorted, b);
      engines.push({ name: `bert-ts ${label}, length-sorted batches of ${b}`, run: () => { for (const x of bs) m.forward({ inputIds: x.ids, attentionMask: x.mask }); } });
    }
  }
  const onnx = opts.peers ? onnxFile(dir) : null;
  const ort = onnx ? await loadOrtNode() : null;
  let session = null;
  if (ort) {
    session = await ort.InferenceSession.create(onnx, {
      intraOpNumThreads: T, interOpNumThreads: 1, graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    const big = (a, B, S) => new ort.Tensor('int64', BigInt64Array.from(a.flat(), BigInt), [B, S]);
    const feeds = batches(all, 32).map((x) => ({ input_ids: big(x.ids, x.B, x.S), attention_mask: big(x.mask, x.B, x.S), token_type_ids: big(x.mask.map((r) => r.map(() => 0)), x.B, x.S) }));
    engines.push({ name: 'onnxruntime-node, input order, padded batches of 32', run: async () => { for (const f of feeds) await session.run(f, ['last_hidden_state']); } });
  }
  console.log(`throughput: ${N} sentences of 8–128 tokens, ${name}, ${T} threads`);
  // each pass is seconds long: one timed pass each, after a warm-up on the first 64 sentences
  for (const e of engines) e.warmup = 0;
  const samples = await alternate(engines, { reps: opts.quick ? 1 : 2, warmup: 0 });
  const rows = engines.map((e) => {
    const s = summary(samples[e.name]);
    const perSecond = N / (s.median / 1000);
    console.log(`  ${e.name.padEnd(52)} ${perSecond.toFixed(0).padStart(6)} sentences/s (${(s.median / 1000).toFixed(2)} s)`);
    return { engine: e.name, sentences: N, ms: s.median, msMin: s.min, msMax: s.max, perSecond };
  });
  const ortRow = rows.find((r) => r.engine.startsWith('onnxruntime'));
  const best = (label) => rows.filter((r) => r.engine.startsWith(`bert-ts ${label}`)).sort((a, b) => b.perSecond - a.perSecond)[0];
  for (const label of ['f32', 'q8']) {
    const b = best(label);
    console.log(`  best bert-ts ${label}: ${b.engine}${ortRow ? `, ${(b.perSecond / ortRow.perSecond).toFixed(2)}× onnxruntime-node` : ''}`);
  }
  await lib.setThreads(1);
  f32.dispose();
  q8.dispose();
  await session?.release?.();
  return { model: name, threads: T, rows, bertTs: from };
}

#!/usr/bin/env node
// Per-op times of two builds of bert-ts side by side, in one process, rounds
// alternating so that a noisy machine hits both alike (not part of `npm run
// bench`):
//
//   node bench/compare-ops.mjs --lib OLD/internals.js,NEW/internals.js [--labels old,new] [--runs 5] [--threads 2]
//                              [--layers 12] [--seq 128]
//
// Each --lib is a bundle of bench/lib/internals.ts (bench/lib/build.mjs makes
// one in bench/results/tmp/; build an older checkout's the same way). The
// model is a random bert-base (bench/lib/random-bert.mjs; --layers of them) at batch 1, seq --seq.
// Rows are the probe's steps grouped as bench/lib/internals.ts's opOf does; an
// older build's own profile names are summed into the same rows.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBert } from './lib/random-bert.mjs';
import { median } from './lib/stats.mjs';

const { values: o } = parseArgs({
  options: {
    lib: { type: 'string' },
    labels: { type: 'string', default: 'old,new' },
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    layers: { type: 'string', default: '12' },
    seq: { type: 'string', default: '128' },
  },
});
if (!o.lib) {
  console.error('usage: node bench/compare-ops.mjs --lib OLD/internals.js,NEW/internals.js');
  process.exit(1);
}
const libs = await Promise.all(o.lib.split(',').map((l) => import(pathToFileURL(resolve(l)).href)));
const labels = o.labels.split(',');
const L = Number(o.layers);
const dir = L === 12 ? randomBert(join(tmpdir(), 'bert-ts-rss-base')) : randomBert(join(tmpdir(), `bert-ts-rss-width-${L}`), { num_hidden_layers: L });
const B = 1, S = Number(o.seq), runs = Number(o.runs), T = Number(o.threads);

/** An op name of either build → its row. */
function row(op) {
  if (op.startsWith('embeddings')) return 'embeddings';
  if (op.startsWith('linear q,k,v')) return 'linear q, k, v';
  if (op.startsWith('attention (')) return 'attention';
  if (op === 'pooler') return 'pooler';
  return 'attention output + feed-forward (3 linears… act, 2 add + LN)';
}

const results = [];
for (const backend of ['js', 'wasm']) {
  const models = libs.map((bt) => {
    bt.setBackend(backend);
    return bt.loadBertModel(dir);
  });
  for (const threads of [1, T]) {
    const per = libs.map(() => ({}));
    for (let r = -1; r < runs; r++) {
      for (const [i, bt] of libs.entries()) {
        for (const other of libs) await other.setThreads(1);
        bt.setBackend(backend);
        await bt.setThreads(threads);
        const ms = bt.profileForward(models[i], B, S);
        if (r < 0) continue; // warm-up
        const rows = {};
        for (const [op, t] of Object.entries(ms)) rows[row(op)] = (rows[row(op)] ?? 0) + t;
        for (const [k, t] of Object.entries(rows)) (per[i][k] ??= []).push(t);
      }
    }
    console.log(`\n${backend}, ${threads} thread(s), bert-base width, ${L} layer(s), [${B}, ${S}], median of ${runs} (ms)`);
    console.log(`  ${'op'.padEnd(62)} ${labels.map((l) => l.padStart(8)).join(' ')}   new/old`);
    for (const k of Object.keys(per[0])) {
      const m = per.map((p) => median(p[k] ?? [NaN]));
      results.push({ backend, threads, op: k, ms: m });
      console.log(`  ${k.padEnd(62)} ${m.map((v) => v.toFixed(2).padStart(8)).join(' ')}   ${(m[1] / m[0]).toFixed(3)}`);
    }
  }
  for (const m of models) m.dispose?.();
}
console.log(JSON.stringify(results));
for (const bt of libs) await bt.setThreads(1);

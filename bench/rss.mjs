#!/usr/bin/env node
// Memory over time, as a long-running server uses bert-ts (not part of
// `npm test` or `npm run bench`: it takes minutes):
//
//   node bench/rss.mjs forwards [--lib A.js,B.js] [--forwards 1500] [--threads 2] [--layers 2]
//   node bench/rss.mjs loads    [--lib A.js,B.js] [--loads 50]
//
// forwards: one child process per (library, backend) runs `--forwards`
//   forwards of varying shape ([B ≤ 2, S ≤ 24], one masked-LM row each) on a
//   random model of bert-base width (H 768, I 3072, V 30522; --layers layers)
//   with --threads threads, and samples its RSS every 25 forwards.
// loads: one child per (library, backend) loads a random bert-base (12
//   layers, ≈ 440 MB), runs one forward and disposes it (where the library
//   has dispose()), --loads times, sampling RSS after each.
// --lib: bundles of bench/lib/internals.ts (bench/lib/build.mjs makes one in
//   bench/results/tmp/; build an older checkout's the same way to compare).
// --from a.txt,b.txt: instead of running, plot the outputs of children run by
//   hand (`node bench/rss.mjs forwards --child js --lib … --model … > a.txt`),
//   also of runs cut short (their `sample` lines); --labels names them.
// Prints a table and writes bench/results/rss-<mode>.json and docs/rss-<mode>.svg.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBert } from './lib/random-bert.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    lib: { type: 'string', default: join(here, 'results', 'tmp', 'internals.js') },
    labels: { type: 'string' },
    forwards: { type: 'string', default: '1500' },
    loads: { type: 'string', default: '50' },
    threads: { type: 'string', default: '2' },
    layers: { type: 'string', default: '2' },
    child: { type: 'string' }, // backend of this child run
    from: { type: 'string' },
    model: { type: 'string' },
  },
});
const mode = positionals[0];
if (mode !== 'forwards' && mode !== 'loads') {
  console.error('usage: node bench/rss.mjs forwards|loads [--lib A.js,B.js] [--labels a,b] (see the top of this file)');
  process.exit(1);
}
const rssMB = () => process.memoryUsage().rss / 2 ** 20;

if (o.child) {
  // one (library, backend) run; prints JSON samples [step, rssMB]
  const bt = await import(pathToFileURL(resolve(o.lib)).href);
  bt.setBackend(o.child);
  const samples = [];
  let note = '';
  if (mode === 'forwards') {
    await bt.setThreads(Number(o.threads));
    const model = bt.loadBertModel(o.model);
    const n = Number(o.forwards);
    let seed = 7;
    const rand = (k) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % k);
    samples.push([0, rssMB()]);
    for (let i = 1; i <= n; i++) {
      const B = 1 + rand(2), S = 4 + rand(21);
      const inputIds = Array.from({ length: B }, () => Array.from({ length: S }, () => 1000 + rand(20000)));
      model.forward({ inputIds }, { mlm: { positions: [[0, 1]] } });
      if (i % 25 === 0) {
        samples.push([i, rssMB()]);
        console.log(`sample ${i} ${samples[samples.length - 1][1].toFixed(1)}`); // progress, also read if the run is cut short
      }
    }
  } else {
    const n = Number(o.loads);
    samples.push([0, rssMB()]);
    for (let i = 1; i <= n; i++) {
      try {
        const model = bt.loadBertModel(o.model);
        model.forward({ inputIds: [[101, 2000, 3000, 102]] });
        model.dispose?.();
      } catch (e) {
        note = `load ${i} failed: ${String(e.message).split('\n')[0]}`;
        break;
      }
      samples.push([i, rssMB()]);
      console.log(`sample ${i} ${samples[samples.length - 1][1].toFixed(1)}`);
    }
  }
  console.log(JSON.stringify({ samples, note }));
  process.exit(0);
}

const runs = [];
if (o.from) {
  const files = o.from.split(',');
  const labels = o.labels ? o.labels.split(',') : files.map((f) => basename(f));
  for (const [i, file] of files.entries()) {
    const samples = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('sample ')).map((l) => l.split(' ').slice(1).map(Number));
    samples.unshift([0, samples[0]?.[1] ?? 0]);
    const warm = samples[Math.min(samples.length - 1, Math.ceil(samples.length / 5))], last = samples[samples.length - 1];
    runs.push({ label: labels[i], samples, warm: warm[1], last: last[1] });
    console.log(`${labels[i].padEnd(16)} RSS ${warm[1].toFixed(0)} MB after ${warm[0]} → ${last[1].toFixed(0)} MB after ${last[0]}`);
  }
}
const libs = o.from ? [] : o.lib.split(',');
const labels = o.labels ? o.labels.split(',') : libs.map((l) => basename(dirname(l)));
const model = o.from ? '' : mode === 'forwards'
  ? randomBert(join(tmpdir(), `bert-ts-rss-width-${o.layers}`), { num_hidden_layers: Number(o.layers) })
  : randomBert(join(tmpdir(), 'bert-ts-rss-base'));
for (const [i, lib] of libs.entries()) {
  for (const backend of ['js', 'wasm']) {
    const args = [fileURLToPath(import.meta.url), mode, '--child', backend, '--lib', lib, '--model', model,
      '--forwards', o.forwards, '--loads', o.loads, '--threads', o.threads];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const line = r.stdout.trim().split('\n').pop() ?? ''; // the last line: all samples as JSON
    let result = { samples: [], note: `child failed: ${r.stderr.trim().split('\n').pop()}` };
    try {
      result = JSON.parse(line);
    } catch { /* keep the failure note */ }
    const s = result.samples;
    const warm = s[Math.min(s.length - 1, Math.ceil(s.length / 5))] ?? [0, 0];
    const last = s[s.length - 1] ?? [0, 0];
    runs.push({ label: `${labels[i]}, ${backend}`, ...result, warm: warm[1], last: last[1], seconds: (Date.now() - t0) / 1000 });
    console.log(`${labels[i].padEnd(8)} ${backend.padEnd(5)} RSS ${s[0]?.[1].toFixed(0)} → ${warm[1].toFixed(0)} (after ${warm[0]}) → ${last[1].toFixed(0)} MB (after ${last[0]}) ${result.note ?? ''} [${((Date.now() - t0) / 1000).toFixed(0)} s]`);
  }
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `rss-${mode}.json`), JSON.stringify({ mode, options: o, runs }, null, 1));
writeFileSync(join(here, '..', 'docs', `rss-${mode}.svg`), svg(runs, mode === 'forwards' ? 'forwards' : 'loads + dispose'));

/** RSS curves, one per run: x = step, y = MB. */
function svg(runs, xName) {
  const W = 640, H = 320, L = 60, R = 170, T = 20, Bm = 40;
  const xs = runs.flatMap((r) => r.samples.map((p) => p[0])), ys = runs.flatMap((r) => r.samples.map((p) => p[1]));
  const xMax = Math.max(1, ...xs), yMax = Math.max(1, ...ys) * 1.05;
  const X = (x) => L + ((W - L - R) * x) / xMax, Y = (y) => H - Bm - ((H - T - Bm) * y) / yMax;
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`];
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  for (let k = 0; k <= 4; k++) {
    const y = (yMax * k) / 4;
    out.push(`<line x1="${L}" x2="${W - R}" y1="${Y(y)}" y2="${Y(y)}" stroke="#ddd"/><text x="${L - 6}" y="${Y(y) + 4}" text-anchor="end">${y.toFixed(0)}</text>`);
    const x = (xMax * k) / 4;
    out.push(`<text x="${X(x)}" y="${H - Bm + 16}" text-anchor="middle">${x.toFixed(0)}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${xName}</text>`);
  out.push(`<text x="14" y="${(T + H - Bm) / 2}" transform="rotate(-90 14 ${(T + H - Bm) / 2})" text-anchor="middle">RSS (MB)</text>`);
  runs.forEach((r, i) => {
    const c = colors[i % colors.length];
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${r.samples.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`);
    out.push(`<rect x="${W - R + 10}" y="${T + 16 * i}" width="12" height="3" fill="${c}"/><text x="${W - R + 28}" y="${T + 16 * i + 5}">${r.label}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

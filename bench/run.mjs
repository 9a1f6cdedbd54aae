#!/usr/bin/env node
// bert-ts benchmark suite: `npm run bench` (builds dist/ first), or
//
//   node bench/run.mjs [--only matmul,e2e,ops,load,tokenizer] [--quick]
//                      [--no-peers] [--threads 2] [--models bench/models]
//                      [--model minilm-l6|bert-base] [--verbose] [--report-only]
//
// Sections:
//   matmul     GFLOP/s of the reference, fast and threaded kernels and the peers
//   e2e        forward latency of MiniLM-L6 and bert-base shapes, ours and peers
//   ops        per-op breakdown of one bert-base forward
//   load       model load time and peak RSS (child processes)
//   tokenizer  bench/tokenizer.mjs (the tokenizer engineer's), as a child process
//
// Peers (onnxruntime-node, onnxruntime-web, tfjs cpu / wasm) come from
// bench/node_modules: `bash bench/setup.sh`. The models are random-weight
// checkpoints in bench/models/ (git-ignored), made on first use.
//
// Results merge into bench/results/latest.json (a section run alone replaces
// only its part), then bench/results/latest.md and latency.svg are rewritten.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { buildInternals } from './lib/build.mjs';
import { peerVersions } from './lib/peers.mjs';
import { writeReport } from './lib/report.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(bench, 'results');
const SECTIONS = ['matmul', 'e2e', 'ops', 'load', 'tokenizer'];

function parseArgs(argv) {
  const o = { only: SECTIONS, quick: false, peers: true, threads: 2, models: join(bench, 'models'), reportOnly: false, model: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--only') o.only = value().split(',');
    else if (a === '--quick') o.quick = true;
    else if (a === '--no-peers') o.peers = false;
    else if (a === '--threads') o.threads = Number(value());
    else if (a === '--models') o.models = value();
    else if (a === '--report-only') o.reportOnly = true;
    else if (a === '--model') o.model = value();
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 20).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else fail(`unknown option ${a} (try --help)`);
  }
  for (const s of o.only) if (!SECTIONS.includes(s)) fail(`unknown section ${s}; sections: ${SECTIONS.join(', ')}`);
  if (!Number.isInteger(o.threads) || o.threads < 2) fail('--threads must be a whole number ≥ 2 (the threaded runs; 1 thread is always measured)');
  return o;
}

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

const opts = parseArgs(process.argv.slice(2));
mkdirSync(resultsDir, { recursive: true });
const latestFile = join(resultsDir, 'latest.json');
const results = existsSync(latestFile) ? JSON.parse(readFileSync(latestFile, 'utf8')) : {};

if (!opts.reportOnly) {
  results.machine = machine();
  results.peers = peerVersions();
  const bt = await buildInternals();
  const started = Date.now();
  const save = () => writeFileSync(latestFile, JSON.stringify(results, null, 2) + '\n');

  if (opts.only.includes('matmul')) {
    const { benchMatmul } = await import('./sections/matmul.mjs');
    results.matmul = { ...(await benchMatmul(bt, opts)), machine: machine(), quick: opts.quick };
    save();
  }
  if (opts.only.includes('e2e')) {
    const { benchEndToEnd } = await import('./sections/e2e.mjs');
    const e2e = { ...(await benchEndToEnd(bt, opts)), machine: machine(), quick: opts.quick };
    if (opts.model && results.e2e?.models) {
      // one model re-measured: keep the other model's rows from the earlier run
      const others = results.e2e.models.filter((m) => m.name !== opts.model);
      e2e.models = [...others, ...e2e.models].sort((a, b) => (a.H ?? 0) - (b.H ?? 0));
    }
    results.e2e = e2e;
    save();
  }
  if (opts.only.includes('ops')) {
    const { benchOps } = await import('./sections/ops.mjs');
    results.ops = { ...(await benchOps(bt, opts)), machine: machine(), quick: opts.quick };
    save();
  }
  if (opts.only.includes('load')) {
    const { benchLoad } = await import('./sections/load.mjs');
    results.load = { ...(await benchLoad(opts)), machine: machine() };
    save();
  }
  if (opts.only.includes('tokenizer')) {
    const script = join(bench, 'tokenizer.mjs');
    if (existsSync(script)) {
      console.log('tokenizer: node bench/tokenizer.mjs');
      const r = spawnSync(process.execPath, [script, ...(opts.quick ? ['--quick'] : [])], { stdio: 'inherit' });
      const file = join(resultsDir, 'tokenizer.json');
      results.tokenizer = { exitCode: r.status, file: existsSync(file) ? 'bench/results/tokenizer.json' : null };
    } else {
      console.log('tokenizer: bench/tokenizer.mjs not found, skipped');
    }
    save();
  }
  await bt.setThreads(1);
  console.log(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
writeReport(results, resultsDir);
console.log(`bench: wrote ${join('bench', 'results', 'latest.json')}, latest.md, latency.svg`);

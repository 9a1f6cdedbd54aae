#!/usr/bin/env node
// bert-ts benchmark suite: `npm run bench` (builds dist/ first), or
//
//   node bench/run.mjs [--only versus,throughput,matmul,e2e,ops,load,tokenizer] [--quick]
//                      [--no-peers] [--threads 2] [--models bench/models]
//                      [--model minilm-l6|bert-base] [--verbose] [--report-only]
//
// Sections:
//   versus     bert-ts f32 / q8 against onnxruntime-node and -web, 1×8 … 8×128, 1 and T threads
//   throughput sentences/s embedding 1,000 mixed-length sentences: length-sorted batches vs onnxruntime-node's padded 32
//   matmul     GFLOP/s of the reference, fast and threaded kernels and the peers
//   e2e        forward latency of MiniLM-L6 and bert-base shapes, ours and peers
//   ops        per-op breakdown of one bert-base forward
//   load       model load time and peak RSS (child processes)
//   tokenizer  bench/sections/tokenizer.mjs (the tokenizer engineer's), as a child process
//
// Peers (onnxruntime-node, onnxruntime-web, tfjs cpu / wasm) come from
// bench/node_modules: `bash bench/setup.sh`. The models are random-weight
// checkpoints in bench/models/ (git-ignored), made on first use.
//
// Results merge into bench/results/latest.json (a section run alone replaces
// only its part), then bench/results/latest.md and latency.svg are rewritten.
// A --quick run writes to bench/results/tmp/quick/ instead (git-ignored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildInternals } from './lib/build.mjs';
import { peerVersions } from './lib/peers.mjs';
import { writeReport } from './lib/report.mjs';

const bench = dirname(fileURLToPath(import.meta.url));

/** The sections, in the order they run: name → run(bt, opts, results) → that section's results. */
const SECTIONS = {
  versus: async (bt, opts) => ({ ...(await (await import('./sections/versus.mjs')).benchVersus(bt, opts)), machine: machine(), quick: opts.quick }),
  throughput: async (bt, opts) => ({ ...(await (await import('./sections/throughput.mjs')).benchThroughput(bt, opts)), machine: machine(), quick: opts.quick }),
  matmul: async (bt, opts) => ({ ...(await (await import('./sections/matmul.mjs')).benchMatmul(bt, opts)), machine: machine(), quick: opts.quick }),
  e2e: async (bt, opts, results) => {
    const e2e = { ...(await (await import('./sections/e2e.mjs')).benchEndToEnd(bt, opts)), machine: machine(), quick: opts.quick };
    if (opts.model && results.e2e?.models) {
      // one model re-measured: keep the other model's rows from the earlier run
      const others = results.e2e.models.filter((m) => m.name !== opts.model);
      e2e.models = [...others, ...e2e.models].sort((a, b) => (a.H ?? 0) - (b.H ?? 0));
    }
    return e2e;
  },
  ops: async (bt, opts) => ({ ...(await (await import('./sections/ops.mjs')).benchOps(bt, opts)), machine: machine(), quick: opts.quick }),
  load: async (_bt, opts) => ({ ...(await (await import('./sections/load.mjs')).benchLoad(opts)), machine: machine() }),
  tokenizer: async (_bt, opts) => {
    const file = join(opts.resultsDir, 'tokenizer.json');
    const args = [join(bench, 'sections', 'tokenizer.mjs'), '--out', file, ...(opts.quick ? ['--quick'] : [])];
    const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
    return { exitCode: r.status, file: existsSync(file) ? file.slice(bench.length - 'bench'.length) : null };
  },
};

function parseOptions(argv) {
  let v;
  try {
    ({ values: v } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string', default: Object.keys(SECTIONS).join(',') },
        quick: { type: 'boolean', default: false },
        'no-peers': { type: 'boolean', default: false },
        threads: { type: 'string', default: '2' },
        models: { type: 'string', default: join(bench, 'models') },
        'report-only': { type: 'boolean', default: false },
        model: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    fail(`${e.message} (try --help)`);
  }
  if (v.help) {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 22).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    process.exit(0);
  }
  const o = {
    only: v.only.split(','), quick: v.quick, peers: !v['no-peers'], threads: Number(v.threads), models: v.models,
    reportOnly: v['report-only'], model: v.model ?? null, verbose: v.verbose,
    // a --quick run writes to a scratch folder, never over the committed results
    resultsDir: v.quick ? join(bench, 'results', 'tmp', 'quick') : join(bench, 'results'),
  };
  for (const s of o.only) if (!SECTIONS[s]) fail(`unknown section ${s}; sections: ${Object.keys(SECTIONS).join(', ')}`);
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

const opts = parseOptions(process.argv.slice(2));
const { resultsDir } = opts;
mkdirSync(resultsDir, { recursive: true });
const latestFile = join(resultsDir, 'latest.json');
const results = existsSync(latestFile) ? JSON.parse(readFileSync(latestFile, 'utf8')) : {};

if (!opts.reportOnly) {
  results.machine = machine();
  results.peers = peerVersions();
  const bt = await buildInternals();
  const started = Date.now();
  for (const name of Object.keys(SECTIONS)) {
    if (!opts.only.includes(name)) continue;
    results[name] = await SECTIONS[name](bt, opts, results);
    writeFileSync(latestFile, JSON.stringify(results, null, 2) + '\n');
  }
  await bt.setThreads(1);
  console.log(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
writeReport(results, resultsDir);
console.log(`bench: wrote ${latestFile}, latest.md, latency.svg`);

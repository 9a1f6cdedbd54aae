#!/usr/bin/env node
// A longer fuzz run than CI's, with any seed: runs the test/fuzz-*.test.ts
// suites with FUZZ_SEED and FUZZ_SCALE set (see test/fuzz/harness.ts).
//
//   node tools/fuzz.mjs --seed 7 --count 1000000 [--suite safetensors]
//
// --count is the number of safetensors inputs (CI runs 100,000, scale 1); the
// other suites scale in proportion (CI: ~2,800 configs, 2,300 tokenizer.json,
// 1,500 encode calls, 1,000 vocab.txt, 400 tokenizer folders, 3,000 forward
// calls, 250 golden cases, 500 command lines). Each suite prints its counts and timing; a
// failure prints the input that caused it, reproducible with the same seed.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    count: { type: 'string', default: '100000' },
    suite: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: node tools/fuzz.mjs [--seed N] [--count M] [--suite safetensors|config|tokenizer|forward|cli]');
  process.exit(0);
}
const seed = Number(values.seed);
const count = Number(values.count);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got '${values.seed}'`);
if (!(count >= 1000)) throw new Error(`--count must be a number ≥ 1000, got '${values.count}'`);
const files = values.suite ? [`test/fuzz-${values.suite}.test.ts`] : ['test/fuzz-'];
console.log(`fuzz: seed ${seed}, scale ${count / 100_000} (${count} safetensors inputs)`);
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--testTimeout', '86400000', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_SCALE: String(count / 100_000)},
});
process.exit(r.status ?? 1);

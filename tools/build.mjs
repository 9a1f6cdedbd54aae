// Builds the package with esbuild: the Node CLI, the library (ESM), the worker
// used by the thread pool, and a browser bundle. Type declarations come from tsc.
// Run by `npm install` (prepare), `npm run build` and `npm run bench`.
// --worker: only dist/worker.js, which the pool starts when the library runs
// from its TypeScript source (vitest's global setup, test/setup/build-worker.ts).
// --cli-to DIR: only the CLI (and worker) into DIR, for a test (test/corpus-shards.test.ts).
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildBrowser } from './build-browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };
// LanceDB is a native module (its .node binary cannot be bundled); apache-arrow is its peer and must stay one instance
const node = { ...common, platform: 'node', external: ['@petamoriken/float16', 'cli-progress', '@lancedb/lancedb', 'apache-arrow'] };
const worker = { ...node, entryPoints: { worker: 'src/runtime/node-worker.ts' }, outdir: 'dist' };
if (process.argv.includes('--worker')) {
  await build(worker);
  process.exit(0);
}
// --cli-to DIR: only the CLI and its worker, into DIR (a test's own copy, so it never
// races another test that rebuilds dist/; DIR must be inside the repository, where
// node_modules resolves)
const cliTo = process.argv.indexOf('--cli-to');
if (cliTo > 0) {
  const outdir = process.argv[cliTo + 1];
  await build({ ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir, banner: { js: '#!/usr/bin/env node' } });
  await build({ ...worker, outdir });
  process.exit(0);
}
rmSync('dist', { recursive: true, force: true });

await build({ ...node, entryPoints: { index: 'src/index.ts' }, outdir: 'dist' });
await build({ ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } });
await build(worker);
await buildBrowser(); // tools/build-browser.mjs
// the attention viewer (bert-ts serve): dist/web
await (await import('../web/build.mjs')).buildWeb(join(root, 'dist', 'web'));

// Declarations for library users; skipped quietly if TypeScript is not installed
// (a production install without devDependencies), and with --no-types (tests).
if (process.argv.includes('--no-types')) process.exit(0);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (existsSync(tsc)) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

// Builds the package with esbuild: the Node CLI, the library (ESM), the worker
// used by the thread pool, and a browser bundle. Type declarations come from tsc.
// Run by `npm install` (prepare, in a git checkout), `npm run build` and `npm run bench`.
// --outdir DIR: build there instead of dist/ (the tests build into a temporary
// folder, never into the working tree's dist/, which a running CLI may be using).
// --if-stale: build only when dist/cli.js is missing or older than a source file
// (`npm start` runs it first, so a fresh clone needs no separate build step).
// --worker: only worker.js, which the pool starts when the library runs
// from its TypeScript source (vitest's global setup, test/setup/build-worker.ts).
// --cli-to DIR: only the CLI (and worker) into DIR, for a test (test/corpus-shards.test.ts).
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { buildBrowser } from './build-browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cwd = process.cwd();
process.chdir(root);

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };
// LanceDB is a native module (its .node binary cannot be bundled); apache-arrow is its peer and must stay one instance
const node = { ...common, platform: 'node', external: ['@petamoriken/float16', 'cli-progress', '@lancedb/lancedb', 'apache-arrow'] };
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? resolve(cwd, process.argv[at + 1] ?? '') : join(root, 'dist');
if (at > 0 && !process.argv[at + 1]) throw new Error('tools/build.mjs: --outdir needs a folder');
const worker = { ...node, entryPoints: { worker: 'src/runtime/node-worker.ts' }, outdir };
if (process.argv.includes('--worker')) {
  await build(worker);
  process.exit(0);
}
// --cli-to DIR: only the CLI and its worker, into DIR (a test's own copy, so it never
// races another test that builds; DIR must be inside the repository, where
// node_modules resolves)
const cliTo = process.argv.indexOf('--cli-to');
if (cliTo > 0) {
  const cliOut = process.argv[cliTo + 1];
  await build({ ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: cliOut, banner: { js: '#!/usr/bin/env node' } });
  await build({ ...worker, outdir: cliOut });
  process.exit(0);
}
if (process.argv.includes('--if-stale') && !stale(join(outdir, 'cli.js'), ['src', 'web', 'tools', 'package.json'])) process.exit(0);
rmSync(outdir, { recursive: true, force: true });

await build({ ...node, entryPoints: { index: 'src/index.ts' }, outdir });
await build({ ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir, banner: { js: '#!/usr/bin/env node' } });
await build(worker);
await buildBrowser({ outdir }); // tools/build-browser.mjs
// the attention viewer (bert-ts serve): dist/web
await (await import('../web/build.mjs')).buildWeb(join(outdir, 'web'));

// Declarations for library users; skipped quietly if TypeScript is not installed
// (a production install without devDependencies), and with --no-types (tests).
if (process.argv.includes('--no-types')) process.exit(0);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (existsSync(tsc)) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(outdir, 'types')], { stdio: 'inherit' });
}

/** Is `built` missing, or older than any file under `sources`? */
function stale(built, sources) {
  if (!existsSync(built)) return true;
  const t = statSync(built).mtimeMs;
  const newer = (p) => {
    const s = statSync(p);
    if (!s.isDirectory()) return s.mtimeMs > t;
    return readdirSync(p).some((n) => newer(join(p, n)));
  };
  return sources.some((p) => existsSync(p) && newer(p));
}

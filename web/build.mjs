// Builds the viewer into a folder: index.html, style.css, main.js (the page)
// and worker.js (the model, in a Web Worker). Used by tools/build.mjs
// (dist/web) and by the browser tests (a temporary folder).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildWeb(outdir, { minify = true, sourcemap = false } = {}) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { main: join(here, 'main.ts'), worker: join(here, 'worker.ts') },
    outdir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify, sourcemap, logLevel: 'warning',
    // the worker-thread pool's Node-only path reads import.meta.url and never runs here
    logOverride: { 'empty-import-meta': 'silent' },
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(here, f), join(outdir, f));
  return outdir;
}

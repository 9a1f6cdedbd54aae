// The browser bundle: dist/bert-ts.browser.js, one ES module with no node:
// imports. bert-ts's Web Worker (src/browser/worker-main.ts: the thread pool's
// workers and BertWorker's model host) is bundled first, minified, and put in
// the bundle as a string (src/browser/worker-source.ts), from which workers
// start as blobs: no second file to serve, nothing for a user's bundler to find.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The worker's code, as a classic script (an IIFE). */
export async function buildWorkerSource() {
  const result = await build({
    entryPoints: [join(root, 'src/browser/worker-main.ts')],
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', minify: true, logLevel: 'warning',
    // threads.ts's Node-only worker_threads path reads import.meta.url; it never runs in a browser
    logOverride: { 'empty-import-meta': 'silent' },
  });
  return result.outputFiles[0].text;
}

/** Build dist/bert-ts.browser.js (or into outdir). */
export async function buildBrowser({ outdir = join(root, 'dist'), sourcemap = true } = {}) {
  const workerSource = await buildWorkerSource();
  const embedWorker = {
    name: 'bert-ts-worker-source',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]browser[\\/]worker-source\.ts$/ }, () => ({
        contents: `export const WORKER_SOURCE = ${JSON.stringify(workerSource)};`,
        loader: 'ts',
      }));
    },
  };
  await build({
    entryPoints: { 'bert-ts.browser': join(root, 'src/browser.ts') },
    outdir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap, logLevel: 'warning',
    plugins: [embedWorker],
  });
  return join(outdir, 'bert-ts.browser.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBrowser();

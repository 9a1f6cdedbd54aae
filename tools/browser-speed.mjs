// Forward time of a model in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core), against Node, at batch 1: the README's "In the browser" figures.
//
//   npm run build && node tools/browser-speed.mjs --model bench/models/bert-base [--seq 128] [--reps 7]
//
// Serves the browser bundle, test/browser/speed.html and the model folder from
// a loopback server, without COOP/COEP (1 thread) and with them (1 and 2
// threads); the page times forward on its own thread and in a BertWorker.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildBrowser } from './build-browser.mjs';
import { serveStatic } from './static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    seq: { type: 'string', default: '128' },
    reps: { type: 'string', default: '7' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!values.model) {
  console.error('usage: node tools/browser-speed.mjs --model DIR [--seq 128] [--reps 7] [--chromium PATH]');
  process.exit(2);
}
const modelDir = resolve(values.model);
const seq = Number(values.seq), reps = Number(values.reps);

const tmp = mkdtempSync(join(tmpdir(), 'bert-ts-speed-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await buildBrowser({ outdir: join(tmp, 'dist'), sourcemap: false });
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: values.chromium, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const rows = [];
  for (const [isolate, threads] of [[false, 1], [true, 1], [true, 2]]) {
    const server = await serveStatic({ '/dist/': join(tmp, 'dist'), '/page/': join(root, 'test', 'browser'), '/model/': modelDir }, isolate);
    const page = await context.newPage();
    await page.goto(`${server.url}/page/speed.html?model=/model&threads=${threads}&seq=${seq}&reps=${reps}`);
    await page.waitForFunction(() => window.result !== undefined, undefined, { timeout: 600_000 });
    const r = await page.evaluate(() => window.result);
    await page.close();
    await server.close();
    if (r.error) throw new Error(r.error);
    rows.push({ mode: isolate ? 'COOP/COEP' : 'plain', ...r });
    console.log(JSON.stringify(rows.at(-1)));
  }
  await context.close();

  // Node, same inputs, same library (built dist/index.js)
  const lib = await import(join(root, 'dist', 'index.js'));
  const model = lib.loadBertModel(modelDir);
  const V = model.config.vocabSize;
  const input = { inputIds: [Array.from({ length: seq }, (_, i) => (i === 0 ? 101 : i === seq - 1 ? 102 : 1000 + ((i * 7919) % (V - 1000))))] };
  const node = {};
  for (const threads of [1, 2]) {
    await lib.setThreads(threads);
    const times = [];
    for (let i = 0; i < reps + 2; i++) {
      const t0 = performance.now();
      model.forward(input);
      if (i >= 2) times.push(performance.now() - t0);
    }
    node[threads] = median(times);
  }
  await lib.setThreads(1);

  const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
  console.log(`\n${modelDir.split('/').at(-1)}, batch 1, sequence ${seq}, medians of ${reps}:\n`);
  console.log('| where | threads | forward on the page | in a BertWorker | Node |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| Chromium, ${r.mode} | ${r.pageThreads} | ${ms(r.pageMs)} | ${ms(r.workerMs)} | ${ms(node[r.pageThreads])} |`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// Forward time of a model in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core) against Node, at batch 1: the README's "In the browser" figures.
//
//   npm run build && node tools/browser-speed.mjs --model bench/models/bert-base [--seq 128] [--reps 7]
//
// Serves the browser bundle, test/browser/speed.html and the model folder from
// a loopback server, without COOP/COEP (1 thread) and with them (1 and 2
// threads). Each repetition runs one forward on the page's thread, one in a
// BertWorker and one in Node (dist/index.js), in turn, so that the three share
// the machine's load (NOTES.md: alternate, quote medians with ranges, compare ratios).
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
const WARMUP = 2;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const cell = (xs, node) => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))}), ×${(median(xs) / median(node)).toFixed(2)}`;

// Node: the built library, the same inputs
const lib = await import(join(root, 'dist', 'index.js'));
const nodeModel = lib.loadBertModel(modelDir);
const V = nodeModel.config.vocabSize;
const nodeInput = { inputIds: [Array.from({ length: seq }, (_, i) => (i === 0 ? 101 : i === seq - 1 ? 102 : 1000 + ((i * 7919) % (V - 1000))))] };
const nodeForward = () => {
  const t0 = performance.now();
  nodeModel.forward(nodeInput);
  return performance.now() - t0;
};

const tmp = mkdtempSync(join(tmpdir(), 'bert-ts-speed-'));
const rows = [];
try {
  await buildBrowser({ outdir: join(tmp, 'dist'), sourcemap: false });
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: values.chromium, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  for (const isolate of [false, true]) {
    const server = await serveStatic({ '/dist/': join(tmp, 'dist'), '/page/': join(root, 'test', 'browser'), '/model/': modelDir }, isolate);
    const page = await context.newPage();
    await page.goto(`${server.url}/page/speed.html?model=/model&seq=${seq}`);
    await page.waitForFunction(() => window.ready === true);
    for (const threads of isolate ? [1, 2] : [1]) {
      const info = await page.evaluate((t) => window.bench.setup(t), threads);
      await lib.setThreads(threads);
      const t = { page: [], worker: [], node: [] };
      for (let i = 0; i < WARMUP + reps; i++) {
        const p = await page.evaluate(() => window.bench.page());
        const w = await page.evaluate(() => window.bench.worker());
        const n = nodeForward();
        if (i >= WARMUP) t.page.push(p), t.worker.push(w), t.node.push(n);
      }
      rows.push({ mode: isolate ? 'COOP/COEP' : 'plain', ...info, ...t });
      console.log(JSON.stringify({ mode: rows.at(-1).mode, ...info, page: median(t.page), worker: median(t.worker), node: median(t.node) }));
    }
    await page.close();
    await server.close();
  }
  await context.close();
} finally {
  await lib.setThreads(1);
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\n${modelDir.split('/').at(-1)}, batch 1, sequence ${seq}; medians of ${reps} (range), ×: over Node's in the same run:\n`);
console.log('| Chromium page | threads | forward on the page | in a BertWorker | Node, same threads |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.mode} | ${r.pageThreads} | ${cell(r.page, r.node)} | ${cell(r.worker, r.node)} | ${ms(median(r.node))} (${ms(Math.min(...r.node))}–${ms(Math.max(...r.node))}) |`);
}

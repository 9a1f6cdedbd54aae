// bert-ts in a real browser: Debian's Chromium, driven by playwright-core.
// The browser bundle is built into a temporary folder and served with the
// shipped models from a loopback server, twice:
//   - plain: no COOP/COEP, so no SharedArrayBuffer: unshared wasm memory, one thread;
//   - isolated: COOP same-origin + COEP require-corp: shared wasm memory, 2 threads on Web Workers.
// In each mode test/browser/golden.html runs the golden check of every weights/*
// folder that has golden.safetensors on the page's thread and in a BertWorker
// (and the public cases in /work/shared/golden, when present, on the page's
// thread), then from File objects and through a Hub id, then README's page. A screenshot of each run goes to test/artifacts/.
// Without Chromium the tests skip with a message; in CI (CI=true) that is a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildBrowser } from '../tools/build-browser.mjs';
import { serveStatic, type StaticServer } from '../tools/static-server.mjs';
import { loadBertModel } from '../src/bert/load.ts';
import { readGoldenInputs } from '../src/golden/golden-case.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { setThreads } from '../src/runtime/pool.ts';

const root = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.BERT_TS_CHROMIUM ?? '/usr/bin/chromium';
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const haveChromium = existsSync(CHROMIUM);
const artifacts = join(root, 'test', 'artifacts');
const SHARED_GOLDEN = '/work/shared/golden';

/** Every shipped model with a golden case: weights/<name>/golden.safetensors. */
const shipped = readdirSync(join(root, 'weights'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'weights', d.name, 'golden.safetensors')))
  .map((d) => d.name);
/** The public golden cases, when this machine has them (F16, BF16, other checkpoint layouts). */
const publicCases = existsSync(SHARED_GOLDEN)
  ? readdirSync(SHARED_GOLDEN).filter((d) => existsSync(join(SHARED_GOLDEN, d, 'golden.safetensors'))).sort()
  : [];

if (!haveChromium) {
  const msg = `browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set BERT_TS_CHROMIUM)`;
  if (inCI) {
    it('Chromium is installed (CI)', () => {
      throw new Error(`${msg}; .ci/run installs it`);
    });
  } else {
    console.warn(`${msg}: skipped`);
  }
}

interface TensorSummary { name: string; ok: boolean; maxAbs: number; maxRel: number; compared: number; problem?: string }
interface CheckSummary { ok: boolean; idsMatch: boolean | null; tensors: TensorSummary[]; maxRel: number }
interface PageResult {
  crossOriginIsolated: boolean;
  threads: number;
  pageThreads: number;
  warnings: string[];
  done?: boolean;
  error?: string;
  models: {
    url: string;
    backend: string;
    progress: { events: number; files: string[]; weights: number };
    page: CheckSummary & { forwardMs: number; parallelCalls: number; workerTasks: number; copiedBytes: number };
    /** only for the shipped models */
    worker?: CheckSummary & { forwardMs: number; threads: number; sameAsPage: boolean; encodeMatches: boolean; parallelCalls: number };
  }[];
  files: CheckSummary;
  hub?: CheckSummary & { id: string };
  /** what README's minimal page printed (filled in by the test) */
  readmePage?: string;
}

describe.skipIf(!haveChromium)('bert-ts in Chromium', () => {
  let tmp: string;
  let context: BrowserContext;
  /** Node's forward time (median ms, one thread, wasm) per shipped model, on its golden inputs */
  const nodeMs = new Map<string, number>();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'bert-ts-browser-'));
    await buildBrowser({ outdir: join(tmp, 'dist'), sourcemap: false });
    // README's minimal page, verbatim, served at / beside dist/ and weights/
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## In the browser'));
    const html = /```html\n([\s\S]*?)```/.exec(section)?.[1];
    if (!html) throw new Error("README.md: no ```html page in the section 'In the browser'");
    mkdirSync(join(tmp, 'readme'));
    writeFileSync(join(tmp, 'readme', 'index.html'), html);
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    await setThreads(1);
    for (const name of shipped) {
      const dir = join(root, 'weights', name);
      const model = loadBertModel(dir);
      const inputs = readGoldenInputs(join(dir, 'inputs.json'));
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const t0 = performance.now();
        model.forward(inputs);
        if (i >= 2) times.push(performance.now() - t0); // after two warm-up runs, as the page does not
      }
      nodeMs.set(name, times.sort((a, b) => a - b)[3]);
    }
  });

  afterAll(async () => {
    await context?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function run(isolate: boolean, threads: number): Promise<{ result: PageResult; server: StaticServer }> {
    const routes: Record<string, string> = {
      '/': join(tmp, 'readme'),
      '/dist/': join(tmp, 'dist'),
      '/page/': join(root, 'test', 'browser'),
      '/weights/': join(root, 'weights'),
    };
    if (publicCases.length > 0) routes['/golden/'] = SHARED_GOLDEN;
    for (const name of shipped) routes[`/hub/bert-ts/${name}/resolve/main/`] = join(root, 'weights', name);
    const server = await serveStatic(routes, isolate);
    const models = [...shipped.map((n) => `/weights/${n}`), ...publicCases.map((n) => `/golden/${n}`)];
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      const query = new URLSearchParams({
        models: models.join(','), worker: shipped.map((n) => `/weights/${n}`).join(','), threads: String(threads), hub: '/hub', repeat: '3',
      });
      await page.goto(`${server.url}/page/golden.html?${query}`);
      await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
      const result = (await page.evaluate(() => (window as unknown as { result: PageResult }).result)) as PageResult;
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, `browser-${isolate ? 'isolated' : 'plain'}.png`), fullPage: true });
      // README's page, as a reader would copy it
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => document.getElementById('out')?.textContent?.startsWith('golden check'), undefined, { timeout: 30_000 });
      result.readmePage = (await page.textContent('#out')) ?? '';
      await page.screenshot({ path: join(artifacts, `browser-readme-${isolate ? 'isolated' : 'plain'}.png`) });
      expect(errors).toEqual([]);
      return { result, server };
    } finally {
      await page.close();
      await server.close();
    }
  }

  function report(mode: string, r: PageResult): void {
    const lines = r.models.map((m) => {
      const name = m.url.split('/').at(-1)!;
      const node = nodeMs.get(name);
      const vsNode = node === undefined ? '' : `, Node ${node.toFixed(2)} ms (×${(m.page.forwardMs / node).toFixed(2)})`;
      const w = m.worker;
      return `  ${m.url}: max rel. error page ${m.page.maxRel.toExponential(2)}${w ? `, worker ${w.maxRel.toExponential(2)}` : ''}; `
        + `forward page ${m.page.forwardMs.toFixed(2)} ms${w ? `, worker ${w.forwardMs.toFixed(2)} ms` : ''}${vsNode}`;
    });
    console.log(`Chromium, ${mode} (crossOriginIsolated ${r.crossOriginIsolated}, ${r.pageThreads} thread(s)):\n${lines.join('\n')}`);
  }

  function expectAllOk(r: PageResult): void {
    expect(r.error).toBeUndefined();
    expect(r.done).toBe(true);
    expect(r.models.length).toBe(shipped.length + publicCases.length);
    for (const m of r.models) {
      const shippedModel = m.url.startsWith('/weights/');
      expect(m.worker !== undefined).toBe(shippedModel);
      for (const check of m.worker ? [m.page, m.worker] : [m.page]) {
        expect(check.ok, `${m.url}: ${JSON.stringify(check.tensors.filter((t) => !t.ok))}`).toBe(true);
        expect(check.idsMatch).not.toBe(false);
        expect(check.tensors.length).toBeGreaterThan(0);
        for (const t of check.tensors) expect(t.compared).toBeGreaterThan(0);
      }
      if (m.worker) {
        expect(m.worker.sameAsPage).toBe(true);
        expect(m.worker.encodeMatches).toBe(true);
      }
      expect(m.progress.files).toEqual(expect.arrayContaining(['config.json', 'vocab.txt', 'model.safetensors']));
      expect(m.progress.weights).toBeGreaterThan(0);
      expect(m.backend).toBe('wasm');
    }
    // every shipped model's texts were tokenized and matched
    for (const m of r.models.filter((x) => x.url.startsWith('/weights/'))) expect(m.page.idsMatch).toBe(true);
    expect(r.files.ok).toBe(true);
    if (shipped.length > 0) expect(r.hub?.ok).toBe(true);
    // the page loads ./weights/MODEL/ and fills one mask: logits [1, S, V]
    const model = /BertWorker\.load\('\.\/(weights\/[\w-]+)\/'/.exec(readFileSync(join(root, 'README.md'), 'utf8'))![1];
    const S = loadTokenizer(join(root, model)).encode('Paris is the capital of [MASK].').inputIds.length;
    const V = loadBertModel(join(root, model)).config.vocabSize;
    expect(r.readmePage).toMatch(new RegExp(`^golden check: OK, ${r.pageThreads} thread\\(s\\), logits 1,${S},${V} in [\\d.]+ ms$`));
  }

  it('without COOP/COEP: one thread on unshared memory; setThreads(2) says why not', async () => {
    const { result, server } = await run(false, 2);
    report('plain', result);
    expectAllOk(result);
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.pageThreads).toBe(1);
    for (const m of result.models) {
      if (m.worker) expect([m.worker.threads, m.worker.parallelCalls]).toEqual([1, 0]);
      expect(m.page.parallelCalls).toBe(0);
    }
    const warning = result.warnings.find((w) => w.includes('setThreads(2) stays at 1 thread'));
    expect(warning).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    expect(warning!.split('\n')).toHaveLength(1);
    // the Hub id went to {endpoint}/{id}/resolve/{revision}/{file}
    if (shipped.length > 0) expect(server.requests).toContain(`/hub/bert-ts/${shipped[0]}/resolve/main/model.safetensors`);
  });

  it('with COOP/COEP: two threads on Web Workers over shared wasm memory', async () => {
    const { result } = await run(true, 2);
    report('isolated', result);
    expectAllOk(result);
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.pageThreads).toBe(2);
    for (const m of result.models) {
      // and inside the BertWorker, on its own pool of Web Workers (started from within a worker)
      if (m.worker) expect(m.worker.threads).toBe(2);
      if (m.worker) expect(m.worker.parallelCalls).toBeGreaterThan(0);
      // the pool really ran: products were split and the worker took chunks
      expect(m.page.parallelCalls).toBeGreaterThan(0);
      expect(m.page.workerTasks).toBeGreaterThan(0);
    }
    // F32 weights streamed into the shared wasm memory are read in place: nothing copied
    for (const m of result.models.filter((x) => x.url.startsWith('/weights/'))) expect(m.page.copiedBytes).toBe(0);
    expect(result.warnings.filter((w) => w.includes('stays at 1 thread'))).toEqual([]);
  });
});

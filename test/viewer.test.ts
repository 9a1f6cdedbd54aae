// The attention viewer (web/) in headless Chromium, served by `bert-ts serve`'s
// server: type a sentence, and check what the page shows against the model run
// here in Node. One screenshot per view goes to test/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { modelsIn, startViewerServer, type ViewerServer } from '../src/cli/commands/serve.ts';
import { buildWeb } from '../web/build.mjs';
import { loadBertModel } from '../src/bert/load.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { ambiguityDemo, BANK_DEMO } from '../src/word-vectors/ambiguity.ts';
import { cosine } from '../src/word-vectors/nearest.ts';
import { loadPipelineFolder as loadPipeline } from '../src/pipelines/load.ts';
import { cosineSimilarity } from '../src/pipelines/embed.ts';

const ROOT = resolve(import.meta.dirname, '..');
// the trained English model, so the screenshots show learned attention (docs/images)
const DEMO = join(ROOT, 'weights', 'en');
// the sentence-embedding model (a sentence-transformers folder): the similarity view scores with it
const SENTENCE = join(ROOT, 'weights', 'en-embed');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const CHROMIUM = process.env.BERT_TS_CHROMIUM ?? '/usr/bin/chromium';
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  const msg = `viewer tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set BERT_TS_CHROMIUM)`;
  if (inCI) {
    it('Chromium is installed (CI)', () => {
      throw new Error(`${msg}; .ci/run installs it`);
    });
  } else {
    console.warn(`${msg}: skipped`);
  }
}

const model = loadBertModel(DEMO);
const tokenizer = loadTokenizer(DEMO);
const TEXT = 'the river bank was covered in [MASK].';

describe.skipIf(!haveChromium)('the viewer in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: ViewerServer;
  let web: string;
  const errors: string[] = [];

  beforeAll(async () => {
    web = mkdtempSync(join(tmpdir(), 'bert-ts-web-'));
    await buildWeb(web);
    server = await startViewerServer({ webRoot: web, models: modelsIn(join(ROOT, 'weights')), port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url);
    await page.waitForSelector('body[data-state=ready]');
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (web) rmSync(web, { recursive: true, force: true });
  });

  async function typeSentence(text: string): Promise<void> {
    await page.locator('#text').fill('');
    await page.locator('#text').pressSequentially(text, { delay: 2 });
    await page.waitForFunction((t) => {
      const chips = Array.from(document.querySelectorAll('#tokens .tok'));
      return document.body.dataset.state === 'ready' && chips.length > 0 && (document.querySelector('#text') as HTMLInputElement).value === t;
    }, text);
    // the last keystroke's analysis has landed: the tokens are those of the full text, and the
    // status line is that analysis's (the chips can show a newer text before its analysis returns)
    const n = tokenizer.encode(text).tokens.length;
    await page.waitForFunction((n) => document.querySelectorAll('#tokens .tok').length === n, n);
    await page.waitForFunction((n) => new RegExp(`^\\S+: ${n} tokens in `).test(document.querySelector('#status')!.textContent!), n);
  }

  async function view(name: string): Promise<void> {
    await page.locator(`.tabs button[data-view="${name}"]`).click();
    await page.waitForSelector(`#view-${name}:not([hidden]) .card`);
  }

  const shot = async (name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `viewer-${name}.png`), fullPage: true, animations: 'disabled' });
  };

  it('offers the shipped model and loads it in a worker', async () => {
    // the trained English model first (the page opens on it); the random-weights model last, labelled
    const offered = await page.locator('#model-select option').allTextContents();
    expect(offered[0]).toBe('en');
    expect(offered[offered.length - 1]).toBe('demo: random weights (tests)');
    expect(await page.locator('#status').textContent()).toMatch(/^en: \d+ tokens in \d+ ms$/);
  });

  it('shows the tokens of a typed sentence', async () => {
    await typeSentence(TEXT);
    const enc = tokenizer.encode(TEXT);
    expect(await page.locator('#tokens .tok').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.token))).toEqual(enc.tokens);
    expect(await page.locator('#tokens .tok').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.id)))).toEqual(enc.inputIds);
    await page.locator('#tokens .tok').nth(3).click();
    await expect.poll(() => page.locator('.why').textContent()).toMatch(/bank/);
    await shot('tokens');
  });

  it("draws one head's attention: the heatmap holds the model's probabilities", async () => {
    await view('attention');
    // layer 1, head 2: by mouse for the layer, by keyboard for the head
    await page.locator('button[data-layer="1"]').click();
    await page.locator('body').press('ArrowRight');
    await page.locator('body').press('ArrowRight');
    await page.waitForSelector('#heatmap[data-layer="1"][data-head="2"]');
    const enc = tokenizer.encode(TEXT);
    const S = enc.inputIds.length;
    const A = model.config.numAttentionHeads;
    const ref = model.forward({ inputIds: [enc.inputIds], attentionMask: [enc.attentionMask], tokenTypeIds: [enc.tokenTypeIds] }, { outputAttentions: true }).attentions!;
    const want = ref.data.subarray((1 * A + 2) * S * S, (1 * A + 3) * S * S); // [L, B=1, A, S, S]
    const cells = await page.locator('#heatmap .cell').evaluateAll((els) => els.map((e) => [Number((e as HTMLElement).dataset.row), Number((e as HTMLElement).dataset.col), Number((e as HTMLElement).dataset.p)]));
    expect(cells).toHaveLength(S * S);
    for (const [i, j, p] of cells) expect(Math.abs(p - want[i * S + j]), `cell ${i},${j}`).toBeLessThan(1e-6);
    // hovering a query keeps only its lines
    await page.locator('svg.lines text[data-query="3"]').hover();
    await page.waitForSelector('.row-lab.hot');
    await shot('attention');
  });

  it('shows all heads; clicking one opens it', async () => {
    await view('grid');
    const { numHiddenLayers: L, numAttentionHeads: A } = model.config;
    expect(await page.locator('#heads canvas').count()).toBe(L * A);
    await shot('grid');
    await page.locator('#heads canvas[data-layer="0"][data-head="3"]').click();
    await page.waitForSelector('#view-attention:not([hidden]) #heatmap[data-layer="0"][data-head="3"]');
  });

  it("shows fill-mask bars topped by the model's best token", async () => {
    await view('fill-mask');
    const enc = tokenizer.encode(TEXT);
    const pos = enc.tokens.indexOf('[MASK]');
    const logits = model.forward({ inputIds: [enc.inputIds] }, { mlm: { positions: [[0, pos]] } }).mlmLogits!.data;
    const best = tokenizer.idToToken(logits.indexOf(Math.max(...logits)));
    const names = await page.locator('.fill-mask .name').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.token));
    expect(names).toHaveLength(10);
    expect(names[0]).toBe(best);
    await shot('fill-mask');
  });

  it('says when the text was cut to the model\'s limit', async () => {
    const long = Array(40).fill('the cat sat').join(' '); // 120 words: more than en's 64 positions
    await page.locator('#text').fill(long);
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && /the rest was cut/.test(document.querySelector('#status')!.textContent!));
    const whole = tokenizer.encode(long).inputIds.length;
    expect(await page.locator('#status').textContent()).toMatch(new RegExp(`^en: 64 tokens in \\d+ ms \\(the text has ${whole} tokens; the model takes 64: the rest was cut\\)$`));
    await typeSentence(TEXT);
    expect(await page.locator('#status').textContent()).not.toContain('cut');
  });

  it('models.json marks the sentence-transformers folder, which the similarity view uses', async () => {
    const list = (await (await fetch(new URL('models.json', server.url))).json()) as { name: string; sentence?: boolean }[];
    expect(list.filter((m) => m.sentence).map((m) => m.name)).toEqual(['en-embed']);
  });

  it("compares two sentences' mean vectors", async () => {
    await view('similarity');
    await page.locator('#sim-a').fill('the cat sat on the mat.');
    await page.locator('#sim-b').fill('a dog slept on the rug.');
    await page.locator('#sim-go').click();
    await page.waitForFunction(() => document.querySelector('#sim-mean b') && (document.querySelector('#sim-a') as HTMLInputElement).value.startsWith('the cat'));
    const mean = (text: string) => {
      const e = tokenizer.encode(text);
      const h = model.forward({ inputIds: [e.inputIds] }).lastHiddenState.data;
      const H = model.config.hiddenSize;
      const v = new Float64Array(H);
      const rows = e.specialTokensMask.flatMap((m, s) => (m ? [] : [s]));
      for (const s of rows) for (let i = 0; i < H; i++) v[i] += h[s * H + i] / rows.length;
      return v;
    };
    const want = cosine(mean('the cat sat on the mat.'), mean('a dog slept on the rug.'));
    await expect.poll(async () => Number(await page.locator('#sim-mean b').textContent())).toBeCloseTo(want, 3);
    // and the sentence model's score, as embed() computes it from the folder's modules.json
    const st = loadPipeline(SENTENCE);
    const [va, vb] = st.embed(['the cat sat on the mat.', 'a dog slept on the rug.']);
    st.model.dispose();
    await expect.poll(async () => Number(await page.locator('#sim-sentence b').textContent())).toBeCloseTo(cosineSimilarity(va, vb), 3);
    expect(await page.locator('#sim-sentence span').textContent()).toContain('en-embed');
    await shot('similarity');
  });

  it('shows the explain steps', async () => {
    await view('explain');
    const steps = await page.locator('[data-step]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step));
    expect(steps).toEqual(['tokens', 'embeddings', ...Array(model.config.numHiddenLayers).fill('layer'), 'pooler', 'mlm']);
    expect(await page.locator('.formula').allTextContents()).toContain('P(y) = softmax(W·h + b), h = LN(act(Wₜ·x + bₜ))');
    await shot('explain');
  });

  it('shows static vs contextual vectors of an ambiguous word', async () => {
    await view('ambiguity');
    await page.waitForSelector('#amb-cos');
    const r = ambiguityDemo(model, tokenizer, { ...BANK_DEMO, k: 8 });
    expect(Number(await page.locator('#amb-cos').textContent())).toBeCloseTo(r.cosines[0][1], 3);
    await shot('ambiguity');
  });

  it('loads a model from picked files and from a URL', async () => {
    await page.locator('#model-files').setInputFiles(join(ROOT, 'weights', 'demo'));
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('#status')!.textContent!.startsWith('demo (picked folder): '));
    await page.locator('#model-url').fill('/models/demo/');
    await page.locator('#url-form button').click();
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('#status')!.textContent!.startsWith('/models/demo/'));
    await page.locator('#model-url').fill('/models/none/');
    await page.locator('#url-form button').click();
    await page.waitForSelector('#status.error');
    expect(await page.locator('#status').textContent()).toMatch(/no config\.json/);
    expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
  });

  it('?model= on another origin: the page asks first, and loads nothing when told no', async () => {
    const asked: string[] = [];
    const elsewhere = `http://localhost:${new URL(server.url).port}/models/demo/`; // another origin: localhost, not 127.0.0.1
    const onDialog = (d: import('playwright-core').Dialog) => {
      asked.push(d.message());
      void d.dismiss();
    };
    page.on('dialog', onDialog);
    try {
      await page.goto(`${server.url}?model=${encodeURIComponent(elsewhere)}`);
      await page.waitForSelector('body[data-state=ready]');
      expect(asked).toEqual([expect.stringContaining(`Load the model at ${elsewhere}? It is on another site (http://localhost:`)]);
      expect(await page.locator('#status').textContent()).not.toContain(elsewhere);
      // the same origin is not asked about
      await page.goto(`${server.url}?model=${encodeURIComponent('/models/demo/')}`);
      await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('#status')!.textContent!.startsWith('/models/demo/'));
      expect(asked.length).toBe(1);
    } finally {
      page.off('dialog', onDialog);
    }
  });
});

// The browser bundle as bundlers see it: dist/bert-ts.browser.js has no node:
// imports (no imports at all: its worker code is inside it), and
// `import … from 'bert-ts'` bundles for the browser through package.json's
// `browser` condition, with no configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildBrowser } from '../tools/build-browser.mjs';

const root = resolve(import.meta.dirname, '..');
/** an import or require of a module, as esbuild would leave it in the output */
const IMPORT = /(?:^|[;\s])import\s*(?:[\w*{][^;]*?from\s*)?["'][^"']+["']|\bimport\s*\(\s*["']|\brequire\s*\(\s*["']/m;

describe('browser bundle', () => {
  let tmp: string;
  let bundle: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'bert-ts-bundle-'));
    // an installed copy of the package, as a user's bundler finds it in node_modules
    const pkg = join(tmp, 'node_modules', 'bert-ts');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
    bundle = readFileSync(await buildBrowser({ outdir: join(pkg, 'dist'), sourcemap: false }), 'utf8');
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('imports nothing (no node: module), and carries its worker code', () => {
    expect(bundle).not.toMatch(IMPORT);
    expect(bundle).not.toMatch(/from\s*["']node:/);
    expect(IMPORT.test('import { readFileSync } from "node:fs";')).toBe(true); // the pattern can fail
    expect(bundle).toContain('BERT_TS_WORKER');
    expect(bundle).toMatch(/export\s*\{[^}]*\bsetBackend\b[^}]*\}/);
  });

  it("esbuild bundles `import … from 'bert-ts'` for the browser through the browser condition", async () => {
    const result = await build({
      stdin: {
        contents: [
          "import { loadModel, BertWorker, setThreads, setBackend, getBackend, BertModel, checkGoldenCase } from 'bert-ts';",
          "import * as browser from 'bert-ts/browser';",
          'console.log(loadModel, BertWorker, setThreads, setBackend, getBackend, BertModel, checkGoldenCase, browser);',
        ].join('\n'),
        resolveDir: tmp,
        loader: 'js',
      },
      bundle: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('node_modules/bert-ts/dist/bert-ts.browser.js'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('dist/index.js'))).toBe(false);
    expect(result.outputFiles[0].text).not.toMatch(IMPORT);
  });
});

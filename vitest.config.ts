import { defineConfig } from 'vitest/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Two lanes (README, "Tests"):
//   npm test          → project 'fast': unit, op and golden tests, in-process (≤ 60 s on a 2-core machine)
//   npm run test:all  → both projects: adds the browser (Chromium), the fuzzers, the CLI as a
//                       subprocess, npm pack, the examples and the README's blocks
// `npx vitest run test/x.test.ts` runs one file whichever lane holds it.
const ALL_ONLY = [
  'test/browser.test.ts', // Chromium
  'test/browser-bundle.test.ts', // esbuild bundles
  'test/viewer.test.ts', // Chromium
  'test/fuzz-*.test.ts',
  'test/cli.test.ts', // the built CLI as a subprocess
  'test/cli-kernels.test.ts', // the built CLI as a subprocess
  'test/hub-cli.test.ts', // the built CLI as a subprocess, against a loopback Hub
  'test/pack.test.ts', // npm pack + npm install
  'test/examples.test.ts',
  'test/examples-probe.test.ts',
  'test/readme-blocks.test.ts', // every README / walkthrough block that claims an output
];

// Tests never build into the working tree's dist/ (a user's CLI may be running from it):
// the worker the pool starts when the library runs from TypeScript source is built
// into this folder by test/setup/build-worker.ts, and src/runtime/worker-host.ts's
// path to it is rewritten below for the tests only.
const ownDir = process.env.BERT_TS_TEST_BUILD === undefined;
const buildDir = (process.env.BERT_TS_TEST_BUILD ??= mkdtempSync(join(tmpdir(), 'bert-ts-test-build-')));
if (ownDir) process.once('exit', () => rmSync(buildDir, { recursive: true, force: true })); // after every project's tests
const WORKER_REF = /(['"])\.\.\/\.\.\/dist\/worker\.js\1/;

export default defineConfig({
  // examples/ import the package by name, as users do; in tests that is src/
  resolve: { alias: [{ find: /^bert-ts$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  plugins: [
    {
      name: 'bert-ts-test-worker',
      enforce: 'pre',
      transform(code, id) {
        if (!id.endsWith('/src/runtime/worker-host.ts')) return undefined;
        if (!WORKER_REF.test(code)) throw new Error(`vitest.config.ts: ${id} no longer names '../../dist/worker.js'; update the test worker path`);
        return code.replace(WORKER_REF, JSON.stringify(new URL(`file://${join(buildDir, 'worker.js')}`).href));
      },
    },
  ],
  test: {
    globalSetup: ['test/setup/build-worker.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ALL_ONLY } },
      { extends: true, test: { name: 'all', include: ALL_ONLY } },
    ],
  },
});

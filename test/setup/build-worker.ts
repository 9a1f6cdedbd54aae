// vitest global setup: build worker.js (tools/build.mjs --worker), the script the
// worker pool starts when the library runs from its TypeScript source, into the
// temporary folder vitest.config.ts chose (BERT_TS_TEST_BUILD), never into dist/.
// Tests that need the whole build (the CLI as a subprocess) call buildInto().
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { linkNodeModules } from '../helpers/built-cli.ts';

const root = resolve(import.meta.dirname, '..', '..');

export function buildDir(): string {
  const dir = process.env.BERT_TS_TEST_BUILD;
  if (!dir) throw new Error('BERT_TS_TEST_BUILD is not set: run the tests through vitest.config.ts');
  return dir;
}

export default function setup(): () => void {
  const dir = buildDir();
  linkNodeModules(dir);
  execFileSync(process.execPath, [resolve(root, 'tools', 'build.mjs'), '--worker', '--outdir', dir], { cwd: root, stdio: 'inherit' });
  return () => rmSync(dir, { recursive: true, force: true });
}

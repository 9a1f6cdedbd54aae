// vitest global setup: build worker.js (tools/build.mjs --worker), the script the
// worker pool starts when the library runs from its TypeScript source, into the
// temporary folder vitest.config.ts chose (BERT_TS_TEST_BUILD), never into dist/.
// Tests that need the whole build (the CLI as a subprocess) use
// test/helpers/built-cli.ts. At the end, the working tree's dist/ must be as it
// was: a user's CLI may run from it while the tests run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { linkNodeModules } from '../helpers/built-cli.ts';

const root = resolve(import.meta.dirname, '..', '..');

export function buildDir(): string {
  const dir = process.env.BERT_TS_TEST_BUILD;
  if (!dir) throw new Error('BERT_TS_TEST_BUILD is not set: run the tests through vitest.config.ts');
  return dir;
}

/** dist/'s files and their modification times, or null when there is no dist/. */
function distState(): string | null {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) return null;
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [`${join(d, e.name)} ${statSync(join(d, e.name)).mtimeMs}`]));
  return walk(dist).sort().join('\n');
}

export default function setup(): () => void {
  const dir = buildDir();
  const before = distState();
  linkNodeModules(dir);
  // once per run: each project (fast, all) runs this setup, and the folder is the run's own
  if (!existsSync(join(dir, 'worker.js'))) execFileSync(process.execPath, [resolve(root, 'tools', 'build.mjs'), '--worker', '--outdir', dir], { cwd: root, stdio: 'inherit' });
  return () => {
    if (distState() !== before) throw new Error('a test changed the working tree\'s dist/: tests must build into a temporary folder (test/helpers/built-cli.ts)');
  };
}

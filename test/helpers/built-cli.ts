// The whole package built (esbuild, no type declarations) into a fresh temporary
// folder, for tests that run `bert-ts` as a user does (a subprocess). Never the
// working tree's dist/: a user's CLI may be running from it while the tests run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/** The build's bare imports (@petamoriken/float16, cli-progress) resolve through a link to the repository's node_modules. */
export function linkNodeModules(dir: string): void {
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

/**
 * A package folder laid out as installed: PKG/dist (built here), and links to the
 * repository's package.json, weights/ and node_modules. Returns PKG; the CLI is PKG/dist/cli.js.
 */
export function buildPackage(): string {
  const parent = process.env.BERT_TS_TEST_BUILD ?? tmpdir();
  const pkg = mkdtempSync(join(parent, 'package-'));
  for (const f of ['package.json', 'weights', 'node_modules']) symlinkSync(join(root, f), join(pkg, f));
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs'), '--no-types', '--outdir', join(pkg, 'dist')], { cwd: root, stdio: 'inherit' });
  return pkg;
}

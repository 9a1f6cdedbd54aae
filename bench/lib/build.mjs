// Bundles bench/lib/internals.ts and the pool's worker into bench/results/tmp/
// (git-ignored) with esbuild, the same way tools/build.mjs builds dist/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');
export const tmpDir = join(bench, 'results', 'tmp');

export async function buildInternals() {
  const common = { bundle: true, format: 'esm', platform: 'node', target: 'es2022', logLevel: 'warning', outdir: tmpDir };
  await build({ ...common, entryPoints: { internals: join(bench, 'lib', 'internals.ts') } });
  await build({ ...common, entryPoints: { worker: join(bench, '..', 'src', 'runtime', 'node-worker.ts') } });
  return import(join(tmpDir, 'internals.js'));
}

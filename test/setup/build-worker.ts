// vitest global setup: build dist/worker.js (tools/build.mjs --worker), the
// script the worker pool starts when the library runs from its TypeScript source.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [resolve(root, 'tools', 'build.mjs'), '--worker'], { cwd: root, stdio: 'inherit' });
}

// Load time and peak RSS: each model loaded in a fresh Node process (so the
// peak belongs to that model alone), then one forward at batch 1, seq 128, for
// each backend (js on 1 thread; wasm on 1 and on opts.threads threads).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { MODELS, ensureModel, fileMB } from '../lib/models.mjs';
import { tmpDir } from '../lib/build.mjs';
import { median } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export async function benchLoad(opts) {
  const dist = join(root, 'dist', 'index.js');
  const lib = existsSync(dist) ? dist : join(tmpDir, 'internals.js');
  const rows = [];
  for (const name of opts.model ? [opts.model] : Object.keys(MODELS)) {
    const dir = ensureModel(opts.models, name);
    if (!dir) continue;
    for (const [backend, threads] of [['js', 1], ['wasm', 1], ['wasm', opts.threads]]) {
      const runs = [];
      for (let i = 0; i < (opts.quick ? 1 : 3); i++) {
        const args = [join(here, 'load-child.mjs'), pathToFileURL(lib).href, dir, backend, String(threads)];
        const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`load ${name} (${backend}, ${threads} threads): ${r.stderr}`);
        runs.push(JSON.parse(r.stdout.trim().split('\n').at(-1)));
      }
      const row = {
        model: name,
        backend: runs[0].backend,
        threads: runs[0].threads,
        checkpointMB: fileMB(join(dir, 'model.safetensors')),
        loadMs: median(runs.map((r) => r.loadMs)),
        forwardMs: median(runs.map((r) => r.forwardMs)),
        peakRssMB: median(runs.map((r) => r.peakRssMB)),
        startRssMB: median(runs.map((r) => r.startRssMB)),
        runs: runs.length,
        lib: lib.endsWith('internals.js') ? 'bench bundle of src/' : 'dist/index.js',
      };
      rows.push(row);
      console.log(`load: ${name}, ${row.backend} on ${row.threads} thread(s): ${row.checkpointMB.toFixed(0)} MB checkpoint, load ${row.loadMs.toFixed(0)} ms, ` +
        `forward ${row.forwardMs.toFixed(0)} ms, peak RSS ${row.peakRssMB.toFixed(0)} MB (${(row.peakRssMB / row.checkpointMB).toFixed(2)}× the checkpoint)`);
    }
  }
  return { rows };
}

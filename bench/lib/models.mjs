// The random-weight checkpoints of the benchmark: bench/models/<shape>/ with
// config.json, model.safetensors and (when PyTorch is there) model.onnx, made by
// tools/make_checkpoint.py from the same seeded weights.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)); // tools/ is a Python package run from here

export const MODELS = {
  'minilm-l6': 'MiniLM-L6 shape: 6 layers, H 384, 12 heads, I 1536',
  'bert-base': 'bert-base shape: 12 layers, H 768, 12 heads, I 3072',
};

/** The model folder, made on first use; null (with a message) if it cannot be made. */
export function ensureModel(modelsDir, name) {
  const dir = join(modelsDir, name);
  if (existsSync(join(dir, 'model.safetensors')) && existsSync(join(dir, 'config.json'))) return dir;
  console.log(`  making ${dir} with tools/make_checkpoint.py (PyTorch) …`);
  const args = ['-m', 'tools.make_checkpoint', '--shape', name, '--out', resolve(dir), '--onnx'];
  const r = spawnSync('/usr/bin/python3', args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(join(dir, 'model.safetensors'))) {
    console.log(`  (skipping ${name}: could not make the checkpoint; see tools/make_checkpoint.py)`);
    return null;
  }
  return dir;
}

export function onnxFile(dir) {
  const f = join(dir, 'model.onnx');
  if (existsSync(f)) return f;
  console.log(`  (no ${f}: onnxruntime rows skipped; tools/make_checkpoint.py --onnx needs PyTorch)`);
  return null;
}

/** File size in MiB (the unit of the RSS figures). */
export const fileMB = (f) => statSync(f).size / 2 ** 20;

// The peers, loaded from bench/node_modules (installed by bench/setup.sh).
// Each loader returns null, with a message, when its package is missing.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(bench, 'package.json'));

async function importPeer(name) {
  try {
    return await import(pathToFileURL(require.resolve(name)).href);
  } catch (e) {
    console.log(`  (skipping ${name}: not installed; run bash bench/setup.sh)`);
    return null;
  }
}

/** Versions of the installed peers, for the report. */
export function peerVersions() {
  const v = {};
  for (const name of ['onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
    try {
      // read the file: some packages' "exports" do not list package.json
      v[name] = JSON.parse(readFileSync(join(bench, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      v[name] = null;
    }
  }
  return v;
}

let ortNode, ortWeb, tf;
export async function loadOrtNode() {
  if (ortNode === undefined) ortNode = await importPeer('onnxruntime-node');
  return ortNode;
}
export async function loadOrtWeb() {
  if (ortWeb === undefined) {
    ortWeb = await importPeer('onnxruntime-web');
    if (ortWeb) {
      // One thread: onnxruntime-web's threads need Web Workers, which Node lacks
      // (numThreads = 2 measured no faster here). SIMD is on by default.
      ortWeb.env.wasm.numThreads = 1;
    }
  }
  return ortWeb;
}

/** tfjs with both backends registered; tfSwitch(backend) selects one. */
export async function loadTfjs() {
  if (tf === undefined) {
    // tfjs prints a banner recommending tfjs-node (which cannot install here).
    const log = console.log;
    console.log = () => {};
    try {
      tf = await importPeer('@tensorflow/tfjs');
      const wasm = tf && (await importPeer('@tensorflow/tfjs-backend-wasm'));
      if (wasm) wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
      else tf = null;
    } finally {
      console.log = log;
    }
  }
  return tf;
}

export async function tfSwitch(backend) {
  const log = console.log;
  console.log = () => {};
  try {
    await tf.setBackend(backend);
    await tf.ready();
  } finally {
    console.log = log;
  }
  if (tf.getBackend() !== backend) throw new Error(`tfjs: backend ${backend} did not start`);
}

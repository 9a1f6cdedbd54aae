// Measures loading a bert-base-sized checkpoint by model id through the Hugging Face
// cache, for the README: random weights (never committed) are written to a temporary
// folder, served by a loopback Hub (302 to a second port for the LFS file, as the Hub
// does), downloaded with `loadModel(id)` (sha256 checked), then loaded again from the
// cache in fresh processes (offline). Prints JSON. Usage: node tools/build.mjs --no-types &&
// node tools/measure-hub-load.mjs [runs]
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'dist', 'index.js');
const runs = Number(process.argv[2] ?? 3);

if (process.argv[2] === '--child') {
  // a fresh process: load from the cache (offline) and report time and peak RSS
  const { loadModel, setBackend } = await import(lib);
  setBackend(process.argv[3]);
  const t0 = performance.now();
  const model = await loadModel('random/bert-base', { localFilesOnly: true });
  const loadMs = performance.now() - t0;
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  console.log(JSON.stringify({ loadMs, peakRssMB: hwm, params: model.config.hiddenSize }));
  process.exit(0);
}

const { writeSafetensors } = await import(lib);
const work = mkdtempSync(join(tmpdir(), 'bert-ts-measure-'));
const H = 768, I = 3072, V = 30522, P = 512, L = 12;
let seed = 12345;
const rand = (n) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    a[i] = (seed / 2 ** 32 - 0.5) * 0.04;
  }
  return a;
};
const tensors = [];
const add = (name, shape) => tensors.push({ name, shape, data: rand(shape.reduce((x, y) => x * y, 1)) });
add('bert.embeddings.word_embeddings.weight', [V, H]);
add('bert.embeddings.position_embeddings.weight', [P, H]);
add('bert.embeddings.token_type_embeddings.weight', [2, H]);
add('bert.embeddings.LayerNorm.weight', [H]);
add('bert.embeddings.LayerNorm.bias', [H]);
for (let l = 0; l < L; l++) {
  const p = `bert.encoder.layer.${l}.`;
  for (const m of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
    add(p + m + '.weight', [H, H]);
    add(p + m + '.bias', [H]);
  }
  add(p + 'attention.output.LayerNorm.weight', [H]);
  add(p + 'attention.output.LayerNorm.bias', [H]);
  add(p + 'intermediate.dense.weight', [I, H]);
  add(p + 'intermediate.dense.bias', [I]);
  add(p + 'output.dense.weight', [H, I]);
  add(p + 'output.dense.bias', [H]);
  add(p + 'output.LayerNorm.weight', [H]);
  add(p + 'output.LayerNorm.bias', [H]);
}
add('bert.pooler.dense.weight', [H, H]);
add('bert.pooler.dense.bias', [H]);
const weights = join(work, 'model.safetensors');
writeSafetensors(weights, tensors);
tensors.length = 0;
const config = Buffer.from(JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: H, intermediate_size: I, vocab_size: V, num_hidden_layers: L, num_attention_heads: 12, max_position_embeddings: P }));
const sha = await new Promise((ok) => {
  const h = createHash('sha256');
  createReadStream(weights).on('data', (d) => h.update(d)).on('end', () => ok(h.digest('hex')));
});
const size = statSync(weights).size;
const commit = 'f'.repeat(40);

// the loopback Hub: config.json inline, model.safetensors by a 302 to the "CDN" port
const cdn = createServer((req, res) => {
  res.writeHead(200, { 'content-length': size });
  createReadStream(weights).pipe(res);
});
const hub = createServer((req, res) => {
  const base = { 'x-repo-commit': commit };
  if (req.url.endsWith('/config.json')) {
    res.writeHead(200, { ...base, etag: `"${createHash('sha1').update(config).digest('hex')}"`, 'content-length': config.length });
    return res.end(req.method === 'HEAD' ? undefined : config);
  }
  if (req.url.endsWith('/model.safetensors')) {
    res.writeHead(302, { ...base, location: `http://127.0.0.1:${cdn.address().port}/blob`, 'x-linked-etag': `"${sha}"`, 'x-linked-size': size });
    return res.end();
  }
  res.writeHead(404, { ...base, 'x-error-code': 'EntryNotFound' }).end();
});
await Promise.all([hub, cdn].map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r))));
process.env.HF_HUB_CACHE = join(work, 'cache');
process.env.HF_ENDPOINT = `http://127.0.0.1:${hub.address().port}`;

const { resolveModelFolder } = await import(lib);
const t0 = performance.now();
await resolveModelFolder('random/bert-base', { parts: 'model' });
const downloadMs = performance.now() - t0;
hub.close();
cdn.close();

const child = (backend) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', backend], { env: { ...process.env, HF_HUB_OFFLINE: '1' }, encoding: 'utf8' }));
const result = { fileMB: +(size / 2 ** 20).toFixed(1), downloadMs: Math.round(downloadMs), load: {} };
for (const backend of ['wasm', 'js']) {
  const r = Array.from({ length: runs }, () => child(backend)).sort((a, b) => a.loadMs - b.loadMs);
  const mid = r[Math.floor(r.length / 2)];
  result.load[backend] = { medianMs: Math.round(mid.loadMs), minMs: Math.round(r[0].loadMs), maxMs: Math.round(r[r.length - 1].loadMs), peakRssMB: Math.round(mid.peakRssMB) };
}
console.log(JSON.stringify(result));
rmSync(work, { recursive: true, force: true });

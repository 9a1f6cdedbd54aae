// End to end: the latency of one forward pass (last hidden state) of bert-ts
// and the peers on the same random-weight checkpoint and the same inputs,
// timed alternately, at batch 1 with seq 8/32/128/512 and batch 8 with seq 128,
// bert-ts and onnxruntime-node on 1 and T threads.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { alternate, summary } from '../lib/stats.mjs';
import { MODELS, ensureModel, onnxFile } from '../lib/models.mjs';
import { loadOrtNode, loadOrtWeb, loadTfjs, tfSwitch } from '../lib/peers.mjs';
import { buildTfjsBert } from '../lib/tfjs-bert.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** bert-ts as users get it (dist/index.js) when it exports the pool, else the bench's bundle of src/. */
export async function bertTs(bt) {
  const dist = join(root, 'dist', 'index.js');
  if (existsSync(dist)) {
    const lib = await import(pathToFileURL(dist).href);
    if (lib.setThreads && lib.setBackend && lib.loadBertModel) return { lib, from: 'dist/index.js' };
  }
  return { lib: bt, from: 'bench bundle of src/ (dist/index.js does not export setThreads and setBackend)' };
}

/** Seeded inputs [B, S]: [CLS] random ids [SEP], full attention mask, segment 0. */
export function makeInputs(B, S, vocab) {
  let s = 12345 + B * 1000 + S;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const ids = new Int32Array(B * S), mask = new Int32Array(B * S).fill(1), types = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < S; t++) ids[b * S + t] = t === 0 ? 101 : t === S - 1 ? 102 : 1000 + Math.floor(rnd() * (vocab - 1000));
  }
  const rows = (a) => Array.from({ length: B }, (_, b) => Array.from(a.subarray(b * S, (b + 1) * S)));
  return { B, S, ids, mask, types, rows: { inputIds: rows(ids), attentionMask: rows(mask), tokenTypeIds: rows(types) } };
}

async function config0(lib, T) {
  lib.setBackend('js');
  await lib.setThreads(T, { minMacs: 2 ** 20 });
}

function maxDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export async function benchEndToEnd(bt, opts) {
  const { lib, from } = await bertTs(bt);
  const T = opts.threads;
  const shapes = opts.quick ? [[1, 8], [1, 128]] : [[1, 8], [1, 32], [1, 128], [1, 512], [8, 128]];
  const models = [];
  const names = opts.model ? [opts.model] : Object.keys(MODELS);
  for (const name of names) {
    const dir = ensureModel(opts.models, name);
    if (!dir) continue;
    console.log(`end to end: ${name} (${dir})`);
    const notes = [];
    // One model per backend, each loaded the way a user of that backend loads it:
    // setBackend first, so that with 'wasm' the weights are read straight into
    // WebAssembly memory and used there in place.
    const wasm = lib.wasmSimdSupported?.() ?? true;
    const loaded = {};
    for (const backend of wasm ? ['js', 'wasm'] : ['js']) {
      lib.setBackend(backend);
      const t0 = performance.now();
      loaded[backend] = lib.loadBertModel(dir);
      notes.push(`bert-ts ${backend} (${from}) loaded the checkpoint in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    lib.setBackend('js');
    const V = loaded.js.config.vocabSize, H = loaded.js.config.hiddenSize;
    const ours = (inp, backend = 'js') => loaded[backend].forward(inp.rows).lastHiddenState.data;

    // Peers, built once per model.
    const peers = []; // { name, threads, run(inp) → Promise<Float32Array>, only?(inp), reps?, warmup? }
    const onnx = opts.peers ? onnxFile(dir) : null;
    const ortFeeds = (ort, inp) => {
      const big = (a) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [inp.B, inp.S]);
      return { input_ids: big(inp.ids), attention_mask: big(inp.mask), token_type_ids: big(inp.types) };
    };
    const ortNode = onnx ? await loadOrtNode() : null;
    if (ortNode) {
      for (const t of [1, T]) {
        const s = await ortNode.InferenceSession.create(onnx, {
          intraOpNumThreads: t, interOpNumThreads: 1, graphOptimizationLevel: 'all',
          // idle threads that spin steal the cores bert-ts runs on between rounds
          extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
        });
        const feedCache = new Map();
        peers.push({
          name: `onnxruntime-node (${t} thread${t > 1 ? 's' : ''})`, threads: t, session: s,
          run: async (inp) => {
            if (!feedCache.has(inp)) feedCache.set(inp, ortFeeds(ortNode, inp));
            return (await s.run(feedCache.get(inp), ['last_hidden_state'])).last_hidden_state.data;
          },
        });
      }
    }
    const ortWeb = onnx ? await loadOrtWeb() : null;
    if (ortWeb) {
      const s = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const feedCache = new Map();
      peers.push({
        name: 'onnxruntime-web wasm (1 thread)', threads: 1, session: s,
        run: async (inp) => {
          if (!feedCache.has(inp)) feedCache.set(inp, ortFeeds(ortWeb, inp));
          return (await s.run(feedCache.get(inp), ['last_hidden_state'])).last_hidden_state.data;
        },
      });
    }
    const tf = opts.peers ? await loadTfjs() : null;
    const tfModels = [];
    if (tf) {
      let weights;
      for (const backend of ['wasm', 'cpu']) {
        if (backend === 'cpu' && opts.quick) continue;
        await tfSwitch(backend);
        const m = buildTfjsBert(tf, dir, weights);
        weights = m.weights;
        tfModels.push(m);
        peers.push({
          name: `tfjs ${backend} (1 thread)`, threads: 1,
          before: () => tfSwitch(backend),
          run: (inp) => m.forward(inp.ids, inp.mask, inp.types, inp.B, inp.S),
          // tfjs's pure-JS backend takes about a minute per bert-base forward: one run at 1×128
          ...(backend === 'cpu' ? { only: (inp) => inp.B === 1 && inp.S === 128, reps: 1, warmup: 0 } : {}),
        });
      }
    }

    const rows = [];
    let checked = false;
    for (const [B, S] of shapes) {
      const inp = makeInputs(B, S, V);
      const input = `${B}×${S}`;
      const big = B * S >= 512;
      const reps = opts.quick ? 2 : big ? 3 : 5;
      console.log(`  batch ${B}, seq ${S}`);
      // Agreement with bert-ts on the first shape, before any timing.
      if (!checked) {
        checked = true;
        await config0(lib, T);
        const want = ours(inp);
        if (wasm) {
          lib.setBackend('wasm');
          const dw = maxDiff(ours(inp, 'wasm'), want);
          notes.push(`bert-ts wasm: max |Δ| vs bert-ts js on the last hidden state at ${input}: ${dw.toExponential(1)}`);
          lib.setBackend('js');
          if (!(dw < 1e-3)) throw new Error(`end to end: the wasm backend disagrees with js (${dw})`);
        }
        for (const p of peers) {
          if (p.only && !p.only(inp)) continue;
          await p.before?.();
          const d = maxDiff(await p.run(inp), want);
          const line = `${p.name}: max |Δ| vs bert-ts on the last hidden state at ${input}: ${d.toExponential(1)}`;
          console.log(`    ${line}`);
          notes.push(line);
          if (!(d < 1e-2)) throw new Error(`end to end: ${p.name} disagrees with bert-ts (${d}); not timing a wrong result`);
        }
      }
      const config = (backend, t) => async () => {
        for (const l of lib === bt ? [lib] : [lib, bt]) {
          l.setBackend(backend);
          await l.setThreads(T, { minMacs: t === 1 ? Infinity : 2 ** 20 });
        }
      };
      const engines = [
        { name: 'bert-ts (1 thread)', threads: 1, before: config('js', 1), run: () => ours(inp) },
        { name: `bert-ts (${T} threads)`, threads: T, before: config('js', T), run: () => ours(inp) },
        ...(wasm
          ? [
              { name: 'bert-ts wasm (1 thread)', threads: 1, wasm: true, before: config('wasm', 1), run: () => ours(inp, 'wasm') },
              { name: `bert-ts wasm (${T} threads)`, threads: T, wasm: true, before: config('wasm', T), run: () => ours(inp, 'wasm') },
            ]
          : []),
        ...peers
          .filter((p) => !p.only || p.only(inp))
          .map((p) => ({ ...p, run: () => p.run(inp) })),
      ];
      const samples = await alternate(engines, { reps, log: (n, r, ms) => opts.verbose && console.log(`    ${n} #${r}: ${ms.toFixed(1)} ms`) });
      const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)]));
      for (const e of engines) {
        const s = med[e.name];
        const tn = e.threads > 1 ? `${T} threads` : '1 thread';
        const base = med[`bert-ts (${tn})`].median;
        const baseWasm = med[`bert-ts wasm (${tn})`]?.median;
        const row = {
          engine: e.name, threads: e.threads, input, B, S, ms: s.median, msMin: s.min, msMax: s.max, n: s.n,
          // engine time ÷ bert-ts time at the same thread count (> 1: bert-ts is faster)
          ratio: s.median / base,
          ratioWasm: baseWasm ? s.median / baseWasm : null,
        };
        rows.push(row);
        const r = (x) => (x ? `${x.toFixed(2)}×` : '–');
        console.log(`    ${e.name.padEnd(36)} ${s.median.toFixed(1).padStart(9)} ms  ÷ bert-ts js ${r(row.ratio)}, ÷ wasm ${r(row.ratioWasm)} (${tn}; n=${s.n})`);
      }
    }
    await config0(lib, T);
    for (const p of peers) await p.session?.release?.();
    for (const m of tfModels) m.dispose();
    models.push({ name, description: MODELS[name], rows, notes, H });
  }
  return { models, threads: T, bertTs: from };
}

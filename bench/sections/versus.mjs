// bert-ts against onnxruntime, the headline table: the same random-weight
// checkpoint and inputs, engines alternated round by round, medians with
// their range, ratios from the same run.
//
//   engines: bert-ts wasm f32 and q8 (dtype 'q8'), onnxruntime-node (f32, its
//   idle threads told not to spin: they would steal the cores bert-ts runs on
//   between rounds) and onnxruntime-web (wasm, one thread: its threads need
//   Web Workers, which Node lacks);
//   shapes: 1×8, 1×128, 1×512, 8×128, on 1 and T threads.
//
// Every engine's last hidden state is checked against bert-ts f32 first; q8
// reports its mean token cosine to f32 instead (it is approximate by design).
import { alternate, summary } from '../lib/stats.mjs';
import { MODELS, ensureModel, onnxFile } from '../lib/models.mjs';
import { loadOrtNode, loadOrtWeb } from '../lib/peers.mjs';
import { bertTs, makeInputs } from './e2e.mjs';
import { readFileSync } from 'node:fs';

const maxDiff = (a, b) => a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i])), 0);

/** Mean and worst cosine between rows of H values. */
function tokenCosines(a, b, H) {
  let sum = 0, worst = 1, n = 0;
  for (let o = 0; o < a.length; o += H, n++) {
    let xy = 0, xx = 0, yy = 0;
    for (let h = 0; h < H; h++) {
      xy += a[o + h] * b[o + h];
      xx += a[o + h] ** 2;
      yy += b[o + h] ** 2;
    }
    const c = xy / Math.sqrt(xx * yy);
    sum += c;
    worst = Math.min(worst, c);
  }
  return { mean: sum / n, worst };
}

export async function benchVersus(bt, opts) {
  const { lib, from } = await bertTs(bt);
  const T = opts.threads;
  const shapes = opts.quick ? [[1, 8], [1, 128]] : [[1, 8], [1, 128], [1, 512], [8, 128]];
  lib.setBackend('wasm');
  const variant = lib.getSimd?.() ?? 'simd128';
  const models = [];
  for (const name of opts.model ? [opts.model] : Object.keys(MODELS)) {
    const dir = ensureModel(opts.models, name);
    if (!dir) continue;
    console.log(`versus: ${name} (${dir}), bert-ts kernels ${variant}`);
    const f32 = lib.loadBertModel(dir);
    const q8 = lib.loadBertModel(dir, { dtype: 'q8' });
    const H = f32.config.hiddenSize, V = f32.config.vocabSize;
    const onnx = opts.peers ? onnxFile(dir) : null;
    const ortNode = onnx ? await loadOrtNode() : null;
    const ortWeb = onnx ? await loadOrtWeb() : null;
    const feeds = (ort, inp) => {
      const big = (a) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [inp.B, inp.S]);
      return { input_ids: big(inp.ids), attention_mask: big(inp.mask), token_type_ids: big(inp.types) };
    };
    const nodeSessions = {};
    if (ortNode) {
      for (const t of [1, T]) {
        nodeSessions[t] ??= await ortNode.InferenceSession.create(onnx, {
          intraOpNumThreads: t, interOpNumThreads: 1, graphOptimizationLevel: 'all',
          extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
        });
      }
    }
    const webSession = ortWeb ? await ortWeb.InferenceSession.create(readFileSync(onnx), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }) : null;
    const rows = [], notes = [];
    for (const [B, S] of shapes) {
      const inp = makeInputs(B, S, V);
      const input = `${B}×${S}`;
      const run = (m) => () => m.forward(inp.rows).lastHiddenState.data;
      const ort = (ortLib, s) => async () => (await s.run(feeds(ortLib, inp), ['last_hidden_state'])).last_hidden_state.data;
      // agreement, before any timing
      await lib.setThreads(T);
      const want = run(f32)();
      const cos = tokenCosines(run(q8)(), want, H);
      notes.push(`${input}: q8 vs f32 token cosine mean ${cos.mean.toFixed(5)}, worst ${cos.worst.toFixed(5)}`);
      for (const [n, f] of [['onnxruntime-node', nodeSessions[1] && ort(ortNode, nodeSessions[1])], ['onnxruntime-web', webSession && ort(ortWeb, webSession)]]) {
        if (!f) continue;
        const d = maxDiff(await f(), want);
        notes.push(`${input}: ${n} vs bert-ts f32 max |Δ| ${d.toExponential(1)}`);
        if (!(d < 1e-2)) throw new Error(`versus: ${n} disagrees with bert-ts (${d}) at ${input}; not timing a wrong result`);
      }
      for (const t of [1, T]) {
        const ours = (label, m) => ({ name: `bert-ts ${label}`, before: () => lib.setThreads(t), run: run(m) });
        const engines = [ours('f32', f32), ours('q8', q8)];
        if (nodeSessions[t]) engines.push({ name: 'onnxruntime-node', run: ort(ortNode, nodeSessions[t]) });
        if (webSession && t === 1) engines.push({ name: 'onnxruntime-web', run: ort(ortWeb, webSession) });
        const big = B * S * H >= 512 * 768;
        const samples = await alternate(engines, { reps: opts.quick ? 3 : big ? 5 : 9, minMs: big ? 0 : 50 });
        const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)]));
        const line = [`  ${input} ${t}T:`];
        for (const e of engines) {
          const s = med[e.name];
          rows.push({ engine: e.name, input, B, S, threads: t, ms: s.median, msMin: s.min, msMax: s.max, n: s.n });
          line.push(`${e.name} ${s.median.toFixed(1)} ms`);
        }
        // speed of bert-ts relative to a peer: peer time ÷ our time (> 1: bert-ts faster)
        const r = (ourName, peer) => (med[peer] ? (med[peer].median / med[ourName].median).toFixed(2) + '×' : '–');
        line.push(`| f32 vs node ${r('bert-ts f32', 'onnxruntime-node')}, q8 vs node ${r('bert-ts q8', 'onnxruntime-node')}, f32 vs web ${r('bert-ts f32', 'onnxruntime-web')}, q8 vs web ${r('bert-ts q8', 'onnxruntime-web')}`);
        console.log(line.join('  '));
      }
    }
    await lib.setThreads(1);
    f32.dispose();
    q8.dispose();
    for (const s of Object.values(nodeSessions)) await s.release?.();
    await webSession?.release?.();
    for (const n of notes) console.log(`  ${n}`);
    models.push({ name, description: MODELS[name], H, rows, notes });
  }
  return { models, threads: T, variant, bertTs: from, cpuFlags: cpuFlags() };
}

/** The CPU flags that matter to these kernels. */
function cpuFlags() {
  try {
    const flags = new Set(readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].trim().split(/\s+/) ?? []);
    return ['sse4_1', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni'].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

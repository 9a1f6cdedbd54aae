// Matmul GFLOP/s on BERT's shapes: bert-ts's reference, fast and threaded
// kernels, and the peers on the same product out = x · Wᵀ, timed alternately.
import { alternate, summary } from '../lib/stats.mjs';
import { gemmModel } from '../lib/onnx.mjs';
import { loadOrtNode, loadOrtWeb, loadTfjs, tfSwitch } from '../lib/peers.mjs';

/** [M, K, N, what] */
export const MATMUL_SHAPES = [
  [128, 768, 768, 'q/k/v/attention output, bert-base seq 128'],
  [128, 768, 3072, 'intermediate (H→I)'],
  [128, 3072, 768, 'output (I→H)'],
  [128, 64, 128, 'attention per head: Q·Kᵀ'],
  [128, 128, 64, 'attention per head: P·V'],
];

function random(alloc, n, seed) {
  const a = alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

function maxDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export async function benchMatmul(bt, { quick, peers, threads }) {
  const reps = quick ? 3 : 7;
  const minMs = quick ? 60 : 150;
  const T = Math.max(2, threads);
  await bt.setThreads(T);
  const ortNode = peers ? await loadOrtNode() : null;
  const ortWeb = peers ? await loadOrtWeb() : null;
  const tf = peers ? await loadTfjs() : null;
  const rows = [];
  for (const [M, K, N, what] of MATMUL_SHAPES) {
    bt.setBackend('js');
    console.log(`matmul ${M}×${K}×${N} (${what})`);
    const x = random(bt.heapFloat32, M * K, 1), W = random(bt.heapFloat32, N * K, 2);
    const ref = new Float32Array(M * N);
    bt.linearNaive(ref, x, W, null, M, K, N);
    const outs = {};
    const engines = [];
    // Every engine is checked against the reference before it is timed.
    const check = (name, got) => {
      const d = maxDiff(got, ref);
      if (!(d < 1e-3)) throw new Error(`matmul ${name} ${M}×${K}×${N}: differs from the reference by ${d}`);
      outs[name] = d;
    };
    outs['bert-ts naive'] = 0;

    const o1 = bt.heapFloat32(M * N), o2 = bt.heapFloat32(M * N);
    const js = async () => {
      bt.setBackend('js');
      await bt.setThreads(T, { minMacs: 2 ** 20 });
    };
    engines.push({ name: 'bert-ts naive', before: js, run: () => bt.linearNaive(o1, x, W, null, M, K, N) });
    bt.linearFast(o1, x, W, null, M, K, N);
    check('bert-ts fast (1 thread)', o1);
    engines.push({ name: 'bert-ts fast (1 thread)', before: js, run: () => bt.linearFast(o1, x, W, null, M, K, N) });
    await js();
    const calls = bt.threadStats().parallelCalls;
    bt.linear(o2, x, W, null, M, K, N);
    const threaded = bt.threadStats().parallelCalls > calls;
    check(`bert-ts threaded (${T} threads)`, o2);
    if (threaded) engines.push({ name: `bert-ts threaded (${T} threads)`, before: js, run: () => bt.linear(o2, x, W, null, M, K, N) });
    if (bt.wasmSimdSupported()) {
      // As the model runs it: W read in place from the heap (where a model
      // keeps its weights) by the dot kernel; and the q8 product (W in int8,
      // quantized once, x per call), on each kernel module.
      bt.setBackend('wasm');
      const Wm = bt.heapFloat32(N * K);
      Wm.set(W);
      const Wq = bt.quantizeLinear(W, null, N, K, bt.heapMemory());
      const ws = new bt.Scratch('bench matmul');
      const variants = bt.relaxedSimdSupported() ? ['simd128', 'relaxed'] : ['simd128'];
      for (const simd of variants) {
        for (const t of [1, T]) {
          const th = `${t} thread${t > 1 ? 's' : ''}`;
          const before = async () => {
            bt.setBackend('wasm');
            bt.setSimd(simd);
            await bt.setThreads(T, { minMacs: t === 1 ? Infinity : 2 ** 20 });
          };
          await before();
          const name = `bert-ts wasm f32 ${simd} (${th})`;
          bt.linear(o2, x, Wm, null, M, K, N);
          check(name, o2);
          engines.push({ name, before, run: () => bt.linear(o2, x, Wm, null, M, K, N) });
          const qname = `bert-ts wasm q8 ${simd} (${th})`;
          bt.wasmKernelTable.qlinear(ws, [o2], x, [Wq], M, K);
          outs[qname] = maxDiff(o2, ref); // approximate by design: reported, not checked against 1e-3
          engines.push({ name: qname, before, run: () => bt.wasmKernelTable.qlinear(ws, [o2], x, [Wq], M, K) });
        }
      }
      bt.setSimd('auto');
      await js();
    }

    const sessions = [];
    if (ortNode) {
      for (const t of [1, T]) {
        const s = await ortNode.InferenceSession.create(gemmModel(M, K, N, W), {
          intraOpNumThreads: t, interOpNumThreads: 1, graphOptimizationLevel: 'all',
          // idle threads that spin steal the cores bert-ts runs on between rounds
          extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
        });
        sessions.push(s);
        const feeds = { x: new ortNode.Tensor('float32', new Float32Array(x), [M, K]) }; // peers get plain (unshared) copies
        const name = `onnxruntime-node (${t} thread${t > 1 ? 's' : ''})`;
        check(name, (await s.run(feeds)).y.data);
        engines.push({ name, run: () => s.run(feeds) });
      }
    }
    if (ortWeb) {
      const s = await ortWeb.InferenceSession.create(gemmModel(M, K, N, W), { executionProviders: ['wasm'] });
      sessions.push(s);
      const feeds = { x: new ortWeb.Tensor('float32', new Float32Array(x), [M, K]) };
      check('onnxruntime-web wasm (1 thread)', (await s.run(feeds)).y.data);
      engines.push({ name: 'onnxruntime-web wasm (1 thread)', run: () => s.run(feeds) });
    }
    const tfTensors = [];
    if (tf) {
      // tfjs gets its best layout: W pre-transposed to [K, N] once (its
      // transposeB path is 10× slower on the wasm backend).
      const Wt = new Float32Array(K * N);
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) Wt[k * N + n] = W[n * K + k];
      for (const backend of ['wasm', 'cpu']) {
        await tfSwitch(backend);
        const tx = tf.tensor2d(new Float32Array(x), [M, K]), tw = tf.tensor2d(Wt, [K, N]);
        tfTensors.push(tx, tw);
        const run = async () => {
          const y = tf.matMul(tx, tw);
          const d = await y.data();
          y.dispose();
          return d;
        };
        check(`tfjs ${backend} (1 thread)`, await run());
        engines.push({
          name: `tfjs ${backend} (1 thread)`,
          run: async () => {
            if (tf.getBackend() !== backend) await tfSwitch(backend);
            await run();
          },
        });
      }
    }
    const samples = await alternate(engines, { reps, minMs, warmup: 3 });
    const flop = 2 * M * K * N;
    for (const [engine, ms] of Object.entries(samples)) {
      const s = summary(ms);
      const row = {
        shape: `${M}×${K}×${N}`, M, K, N, what, engine,
        ms: s.median, msMin: s.min, msMax: s.max, n: s.n,
        gflops: flop / s.median / 1e6, gflopsBest: flop / s.min / 1e6,
        maxAbsDiff: outs[engine] ?? null,
      };
      rows.push(row);
      console.log(`  ${engine.padEnd(36)} ${row.gflops.toFixed(2).padStart(7)} GFLOP/s (median of ${s.n}; ${s.median.toFixed(2)} ms)`);
    }
    for (const s of sessions) await s.release?.();
    for (const t of tfTensors) t.dispose();
  }
  bt.setBackend('js');
  // what each wasm kernel variant could reach here with free loads
  const ceilings = Object.fromEntries(bt.CEILING_KINDS.filter((k) => bt.relaxedSimdSupported() || !k.endsWith('relaxed')).map((k) => [k, bt.ceilingGops(k)]));
  for (const [k, g] of Object.entries(ceilings)) console.log(`  ceiling ${k.padEnd(14)} ${g.toFixed(1)} G(FL)OP/s (one core, multiply-add chains in registers)`);
  return { rows, threads: T, reps, ceilings };
}

// Writes bench/results/latest.md (Markdown tables) and latency.svg (latency vs
// sequence length, one line per engine) from the merged results object.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const f = (x, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const ms = (x) => (x === null || x === undefined ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

function machineLine(m) {
  if (!m) return '';
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.date.slice(0, 16).replace('T', ' ')} UTC`;
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function ceilingLine(mm) {
  if (!mm.ceilings) return '';
  return `This machine's ceilings, one core, multiply-add chains in registers (no loads): ${Object.entries(mm.ceilings).map(([k, g]) => `${k} ${f(g, 1)}`).join(', ')} G(FL)OP/s; int8 rows count 2 operations per multiply-add.`;
}

function matmulSection(mm) {
  const shapes = [...new Set(mm.rows.map((r) => r.shape))];
  const engines = [...new Set(mm.rows.map((r) => r.engine))];
  const get = (e, s) => mm.rows.find((r) => r.engine === e && r.shape === s);
  const fast = (s) => get('bert-ts fast (1 thread)', s)?.gflops;
  return [
    '## Matmul: GFLOP/s on BERT\'s shapes',
    '',
    `out[M,N] = x[M,K] · W[N,K]ᵀ, median of ${mm.reps} alternating runs (higher is better). ` +
      'Every engine is checked against bert-ts\'s naive reference before it is timed. ' +
      'tfjs is given W pre-transposed to [K,N] (its faster layout).',
    '',
    table(
      ['engine', ...shapes.map((s) => `${s}`)],
      engines.map((e) => [e, ...shapes.map((s) => f(get(e, s)?.gflops, 2))]),
    ),
    '',
    'Ratio to bert-ts fast (1 thread):',
    '',
    table(
      ['engine', ...shapes],
      engines.map((e) => [e, ...shapes.map((s) => (get(e, s) && fast(s) ? `${f(get(e, s).gflops / fast(s), 2)}×` : '–'))]),
    ),
    '',
    ceilingLine(mm),
    '',
    `_${machineLine(mm.machine)}${mm.quick ? ' (--quick)' : ''}_`,
    '',
  ].join('\n');
}

function e2eSection(e) {
  const out = ['## End to end: one forward pass', ''];
  out.push(
    `Latency of \`forward\` on random-weight checkpoints (same weights and inputs for every engine), median of alternating runs; ` +
      `in brackets, the engine's time over bert-ts's at the same thread count, first with the wasm backend (the default), then with the plain ` +
      `TypeScript kernels (above 1×: bert-ts is faster).`,
    '',
  );
  for (const model of e.models) {
    out.push(`### ${model.name} (${model.description})`, '');
    const shapes = [...new Set(model.rows.map((r) => r.input))];
    const engines = [...new Set(model.rows.map((r) => r.engine))];
    const get = (en, s) => model.rows.find((r) => r.engine === en && r.input === s);
    out.push(
      table(
        ['engine', ...shapes],
        engines.map((en) => [
          en,
          ...shapes.map((s) => {
            const r = get(en, s);
            if (!r) return '–';
            if (en.startsWith('bert-ts') || !r.ratio) return ms(r.ms);
            return r.ratioWasm ? `${ms(r.ms)} (${f(r.ratioWasm, 2)}× / ${f(r.ratio, 2)}×)` : `${ms(r.ms)} (${f(r.ratio, 2)}×)`;
          }),
        ]),
      ),
      '',
    );
    if (model.notes?.length) out.push(...model.notes.map((n) => `- ${n}`), '');
  }
  out.push(`_${machineLine(e.machine)}${e.quick ? ' (--quick)' : ''}_`, '');
  return out.join('\n');
}

function opsSection(o) {
  if (!o.configs) return '';
  const ops = Object.keys(o.configs[0].ms);
  const total = (c) => Object.values(c.ms).reduce((a, b) => a + b, 0);
  const cell = (c, op) => (c.ms[op] === undefined ? '–' : `${f(c.ms[op], 1)} (${f((100 * c.ms[op]) / total(c), 0)} %)`);
  return [
    `## Where the time goes: one ${o.model} forward at batch ${o.B}, seq ${o.S}`,
    '',
    'Milliseconds per op, summed over the layers (share of the forward in brackets); median of ' +
      `${o.runs} forwards.`,
    '',
    table(['op', ...o.configs.map((c) => c.label)], [
      ...ops.map((op) => [op, ...o.configs.map((c) => cell(c, op))]),
      ['**total**', ...o.configs.map((c) => `**${f(total(c), 0)}**`)],
    ]),
    '',
    `_${machineLine(o.machine)}${o.quick ? ' (--quick)' : ''}_`,
    '',
  ].join('\n');
}

function loadSection(l) {
  return [
    '## Load time and peak memory',
    '',
    'Each in a fresh Node process: choose the backend and threads, load the model folder, then one forward at batch 1, seq 128. ' +
      'Peak RSS is the process maximum (Node itself is about 40 MiB of it).',
    '',
    table(
      ['model', 'kernels', 'checkpoint', 'load', 'forward', 'peak RSS', 'peak RSS / checkpoint'],
      l.rows.map((r) => [
        r.model, `${r.backend ?? 'js'}, ${r.threads ?? 1} thread${(r.threads ?? 1) > 1 ? 's' : ''}`, `${f(r.checkpointMB, 0)} MiB`, ms(r.loadMs), ms(r.forwardMs),
        `${f(r.peakRssMB, 0)} MiB`, `${f(r.peakRssMB / r.checkpointMB, 2)}×`,
      ]),
    ),
    '',
    `_${machineLine(l.machine)}_`,
    '',
  ].join('\n');
}

function tokenizerSection() {
  return ['## Tokenizer', '', 'See bench/results/tokenizer.json (bench/sections/tokenizer.mjs).', ''].join('\n');
}

// ---------------------------------------------------------------- the chart

const COLORS = ['#d62728', '#ff7f0e', '#e6550d', '#fd8d3c', '#a50f15', '#fb6a4a', '#1f77b4', '#6baed6', '#2ca02c', '#9467bd', '#8c564b', '#7f7f7f', '#17becf', '#bcbd22'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One panel per model: log-log latency (ms) vs seq at batch 1, one polyline per engine. */
function versusSection(v) {
  const out = ['## bert-ts against onnxruntime', '',
    `Kernels: wasm ${v.variant}; CPU flags ${(v.cpuFlags ?? []).join(' ')}. One forward (last hidden state), engines alternated round by round, medians (min–max). ` +
      'Ratios are speed relative to bert-ts: the peer\'s time over bert-ts\'s in the same run (above 1×: bert-ts is faster).', ''];
  for (const m of v.models) {
    out.push(`### ${m.name}`, '');
    const keys = [...new Set(m.rows.map((r) => `${r.input} ${r.threads}`))];
    const get = (k, e) => m.rows.find((r) => `${r.input} ${r.threads}` === k && r.engine === e);
    const cell = (r) => (r ? `${ms(r.ms)} (${ms(r.msMin)}–${ms(r.msMax)})` : '–');
    const ratio = (a, b) => (a && b ? `${f(a.ms / b.ms, 2)}×` : '–');
    out.push(table(
      ['shape, threads', 'bert-ts f32', 'bert-ts q8', 'onnxruntime-node', 'onnxruntime-web', 'f32 vs node', 'q8 vs node', 'f32 vs web', 'q8 vs web'],
      keys.map((k) => {
        const [bf, bq, on, ow] = ['bert-ts f32', 'bert-ts q8', 'onnxruntime-node', 'onnxruntime-web'].map((e) => get(k, e));
        return [k.replace(' ', ', ') + 'T', cell(bf), cell(bq), cell(on), cell(ow), ratio(on, bf), ratio(on, bq), ratio(ow, bf), ratio(ow, bq)];
      }),
    ), '');
    for (const n of m.notes) out.push(`- ${n}`);
    out.push('');
  }
  out.push(`_${machineLine(v.machine)}${v.quick ? ' (--quick)' : ''}_`, '');
  return out.join('\n');
}

function throughputSection(t) {
  if (!t.rows) return '';
  return ['## Batch throughput', '',
    `${t.rows[0].sentences} sentences of 8–128 tokens through ${t.model} on ${t.threads} threads; sentences per second (median of the whole pass).`, '',
    table(['engine', 'sentences/s', 'pass'], t.rows.map((r) => [r.engine, f(r.perSecond, 0), ms(r.ms)])), '',
    `_${machineLine(t.machine)}${t.quick ? ' (--quick)' : ''}_`, ''].join('\n');
}

/** Speed relative to onnxruntime-node (its time over the engine's) per shape and thread count: bars, one group per shape. */
export function versusSvg(v) {
  const engines = ['bert-ts f32', 'bert-ts q8', 'onnxruntime-web'];
  const colors = ['#1f77b4', '#ff7f0e', '#8c8c8c'];
  const W = 520, H = 300, pad = { l: 46, r: 10, t: 34, b: 56 };
  const width = W * v.models.length, height = H + 26;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`, '<rect width="100%" height="100%" fill="white"/>'];
  v.models.forEach((m, mi) => {
    const keys = [...new Set(m.rows.map((r) => `${r.input} ${r.threads}T`))];
    const node = (k) => m.rows.find((r) => `${r.input} ${r.threads}T` === k && r.engine === 'onnxruntime-node');
    const val = (k, e) => {
      const r = m.rows.find((x) => `${x.input} ${x.threads}T` === k && x.engine === e), n = node(k);
      return r && n ? n.ms / r.ms : null;
    };
    const top = Math.max(1.2, ...keys.flatMap((k) => engines.map((e) => val(k, e) ?? 0))) * 1.1;
    const x0 = mi * W + pad.l, x1 = (mi + 1) * W - pad.r, y0 = H - pad.b, y1 = pad.t;
    const sy = (x) => y0 - (x / top) * (y0 - y1);
    parts.push(`<text x="${(x0 + x1) / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(m.name)}: speed relative to onnxruntime-node (= 1)</text>`);
    for (let g = 0; g <= top; g += 0.25) {
      parts.push(`<line x1="${x0}" x2="${x1}" y1="${sy(g)}" y2="${sy(g)}" stroke="${g === 1 ? '#444' : '#e4e4e4'}"${g === 1 ? ' stroke-dasharray="4 3"' : ''}/>`);
      if (Math.abs(g * 2 - Math.round(g * 2)) < 1e-9) parts.push(`<text x="${x0 - 5}" y="${sy(g) + 4}" text-anchor="end">${g.toFixed(1)}×</text>`);
    }
    const gw = (x1 - x0) / keys.length, bw = (gw - 10) / engines.length;
    keys.forEach((k, ki) => {
      engines.forEach((e, ei) => {
        const x = val(k, e);
        if (x === null) return;
        const bx = x0 + ki * gw + 5 + ei * bw;
        parts.push(`<rect x="${bx.toFixed(1)}" y="${sy(x).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(y0 - sy(x)).toFixed(1)}" fill="${colors[ei]}"/>`);
      });
      parts.push(`<text x="${x0 + ki * gw + gw / 2}" y="${y0 + 14}" text-anchor="middle">${esc(k.split(' ')[0])}</text>`);
      parts.push(`<text x="${x0 + ki * gw + gw / 2}" y="${y0 + 27}" text-anchor="middle" fill="#666">${esc(k.split(' ')[1])}</text>`);
    });
    parts.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#888"/>`);
  });
  engines.forEach((e, ei) => {
    const x = 20 + ei * 170;
    parts.push(`<rect x="${x}" y="${H + 4}" width="14" height="10" fill="${colors[ei]}"/><text x="${x + 20}" y="${H + 13}">${esc(e)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function latencySvg(e) {
  const W = 460, Hh = 340, pad = { l: 62, r: 14, t: 34, b: 44 };
  const models = e.models;
  const engines = [...new Set(models.flatMap((m) => m.rows.filter((r) => r.B === 1).map((r) => r.engine)))];
  const legendH = 18 * Math.ceil(engines.length / 2) + 10;
  const width = W * models.length, height = Hh + legendH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  models.forEach((m, mi) => {
    const rows = m.rows.filter((r) => r.B === 1 && Number.isFinite(r.ms));
    if (rows.length === 0) return;
    const seqs = [...new Set(rows.map((r) => r.S))].sort((a, b) => a - b);
    const x0 = mi * W + pad.l, x1 = (mi + 1) * W - pad.r, y0 = Hh - pad.b, y1 = pad.t;
    const lx = (s) => Math.log2(s);
    const sx = (s) => (seqs.length === 1 ? (x0 + x1) / 2 : x0 + ((lx(s) - lx(seqs[0])) / (lx(seqs.at(-1)) - lx(seqs[0]))) * (x1 - x0));
    const lo = Math.floor(Math.log10(Math.min(...rows.map((r) => r.ms))));
    const hi = Math.ceil(Math.log10(Math.max(...rows.map((r) => r.ms))));
    const sy = (v) => y0 - ((Math.log10(v) - lo) / Math.max(1, hi - lo)) * (y0 - y1);
    parts.push(`<text x="${(x0 + x1) / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(m.name)}: batch 1 latency (log scales)</text>`);
    for (let p = lo; p <= hi; p++) {
      const y = sy(10 ** p);
      parts.push(`<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
      parts.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end">${esc(ms(10 ** p))}</text>`);
    }
    for (const s of seqs) {
      parts.push(`<line x1="${sx(s)}" x2="${sx(s)}" y1="${y0}" y2="${y1}" stroke="#eee"/>`);
      parts.push(`<text x="${sx(s)}" y="${y0 + 16}" text-anchor="middle">${s}</text>`);
    }
    parts.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 34}" text-anchor="middle">sequence length</text>`);
    parts.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#888"/>`);
    engines.forEach((en, ei) => {
      const pts = rows.filter((r) => r.engine === en).sort((a, b) => a.S - b.S);
      if (pts.length === 0) return;
      const c = COLORS[ei % COLORS.length];
      const dash = en.startsWith('bert-ts') ? '' : ' stroke-dasharray="5 3"';
      if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map((r) => `${sx(r.S).toFixed(1)},${sy(r.ms).toFixed(1)}`).join(' ')}"/>`);
      for (const r of pts) parts.push(`<circle cx="${sx(r.S).toFixed(1)}" cy="${sy(r.ms).toFixed(1)}" r="3" fill="${c}"/>`);
    });
  });
  engines.forEach((en, ei) => {
    const x = 20 + (ei % 2) * (width / 2), y = Hh + 8 + 18 * Math.floor(ei / 2);
    const c = COLORS[ei % COLORS.length];
    const dash = en.startsWith('bert-ts') ? '' : ' stroke-dasharray="5 3"';
    parts.push(`<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${x + 30}" y="${y + 4}">${esc(en)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function writeReport(results, dir) {
  const md = ['# bert-ts benchmark: latest results', ''];
  md.push(`Written by \`npm run bench\` (bench/run.mjs). Machine: ${machineLine(results.machine)}.`, '');
  if (results.peers) md.push(`Peers: ${Object.entries(results.peers).map(([k, v]) => `${k} ${v ?? '(not installed)'}`).join(', ')}.`, '');
  if (results.versus) md.push('![speed relative to onnxruntime-node](versus.svg)', '', versusSection(results.versus));
  if (results.throughput) md.push(throughputSection(results.throughput));
  if (results.e2e) md.push('![latency vs sequence length](latency.svg)', '', e2eSection(results.e2e));
  if (results.matmul) md.push(matmulSection(results.matmul));
  if (results.ops) md.push(opsSection(results.ops));
  if (results.load) md.push(loadSection(results.load));
  if (results.tokenizer || existsSync(join(dir, 'tokenizer.json'))) md.push(tokenizerSection());
  writeFileSync(join(dir, 'latest.md'), md.join('\n'));
  if (results.e2e) writeFileSync(join(dir, 'latency.svg'), latencySvg(results.e2e));
  if (results.versus) writeFileSync(join(dir, 'versus.svg'), versusSvg(results.versus));
}

export function readResults(dir) {
  return JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
}

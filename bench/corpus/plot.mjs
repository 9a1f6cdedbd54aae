// docs/images/corpus-scaling.svg from bench/corpus/results.json (the numbers of
// docs/embedding-at-scale.md): peak RSS and throughput against corpus size, and search
// latency against table size, scan and index.   node bench/corpus/plot.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const r = JSON.parse(readFileSync(`${root}bench/corpus/results.json`, 'utf8'));
const W = 860, H = 340, P = { l: 58, r: 16, t: 34, b: 56 }, gap = 70;
const pw = (W - P.l - P.r - gap) / 2, ph = H - P.t - P.b;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const out = [];
const text = (x, y, s, a = {}) => out.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${Object.entries(a).map(([k, v]) => ` ${k}="${v}"`).join('')}>${esc(s)}</text>`);
const log = (v) => Math.log10(v);

function axes(x0, title, xTicks, xPos, yMax, yLabel, yTicks) {
  out.push(`<rect x="${x0}" y="${P.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  text(x0 + pw / 2, P.t - 12, title, { 'text-anchor': 'middle', 'font-weight': 'bold' });
  for (const t of xTicks) text(xPos(t), P.t + ph + 16, t.toLocaleString('en-US'), { 'text-anchor': 'middle' });
  for (const t of yTicks) {
    const y = P.t + ph - (t / yMax) * ph;
    out.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    text(x0 - 6, y + 4, t, { 'text-anchor': 'end' });
  }
  text(x0 - 44, P.t + ph / 2, yLabel, { transform: `rotate(-90 ${x0 - 44} ${P.t + ph / 2})`, 'text-anchor': 'middle' });
}
function series(points, xPos, yMax, color, label, ly) {
  const pts = points.map(([x, y]) => [xPos(x), P.t + ph - (y / yMax) * ph]);
  out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' ')}"/>`);
  for (const [x, y] of pts) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${color}"/>`);
  const [lx] = pts[0];
  text(lx + 8, ly, label, { fill: color });
}

// left: peak RSS (MB) and rate against corpus lines (log x)
{
  const x0 = P.l, lines = r.embed.map((e) => e.lines);
  const lo = log(Math.min(...lines)) - 0.15, hi = log(Math.max(...lines)) + 0.15;
  const xPos = (v) => x0 + ((log(v) - lo) / (hi - lo)) * pw;
  const yMax = 600;
  axes(x0, 'embed --output: peak RSS and rate by corpus size', lines, xPos, yMax, 'MB  |  texts/s', [0, 100, 200, 300, 400, 500, 600]);
  series(r.embed.map((e) => [e.lines, e.rssMB]), xPos, yMax, '#1f6fb4', 'peak RSS (MB)', P.t + ph - 10);
  series(r.embed.map((e) => [e.lines, e.rate]), xPos, yMax, '#d9731a', 'texts/s, 1 thread', P.t + 48);
  text(x0 + pw / 2, H - 24, 'lines in the corpus (log scale)', { 'text-anchor': 'middle' });
}
// right: search latency (ms, log y) against rows (log x), scan and index
{
  const x0 = P.l + pw + gap, rows = r.search.map((s) => s.rows);
  const lo = log(Math.min(...rows)) - 0.15, hi = log(Math.max(...rows)) + 0.15;
  const xPos = (v) => x0 + ((log(v) - lo) / (hi - lo)) * pw;
  // log y from 1 to 1000 ms, drawn with the linear helpers on log10(ms)
  const yMax = 3;
  axes(x0, 'search latency by table size (top 10, 128-d)', rows, xPos, yMax, 'ms per query (median, log scale)', []);
  for (const [t, label] of [[0, '1'], [1, '10'], [2, '100'], [3, '1000']]) {
    const y = P.t + ph - (t / yMax) * ph;
    out.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    text(x0 - 6, y + 4, label, { 'text-anchor': 'end' });
  }
  series(r.search.map((s) => [s.rows, log(s.scanMs)]), xPos, yMax, '#1f6fb4', 'scan (exact)', P.t + 18);
  series(r.search.map((s) => [s.rows, log(s.indexMs)]), xPos, yMax, '#2a9d4a', 'IVF-PQ index (recall@10 beside each point)', P.t + 36);
  for (const s of r.search) text(xPos(s.rows), P.t + ph - (log(s.indexMs) / yMax) * ph + 16, s.recall.toFixed(2), { 'text-anchor': 'middle', fill: '#2a9d4a', 'font-size': 10 });
  text(x0 + pw / 2, H - 24, 'rows in the table (log scale)', { 'text-anchor': 'middle' });
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n<rect width="${W}" height="${H}" fill="white"/>\n${out.join('\n')}\n<text x="${W - 8}" y="${H - 2}" text-anchor="end" font-size="10" fill="#888">${esc(r.note)}</text>\n</svg>\n`;
writeFileSync(`${root}docs/images/corpus-scaling.svg`, svg);
console.log('docs/images/corpus-scaling.svg written');

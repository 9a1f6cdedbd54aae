// Search latency, scan against index, by table size (docs/embedding-at-scale.md):
// tables of N rows of 128-dimensional vectors (the rows of a real embedded table
// when one is given, else seeded random vectors), 20 queries each, median ms and
// recall@10 of the index against the exact scan.
//   nice -n 19 node bench/corpus/search-latency.mjs [DB_WITH_EMBEDDINGS] [sizes...]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../../tools/rng.mjs';

process.env.LANCEDB_LOG ??= 'error'; // before LanceDB loads: its Rust log reads it once
const lancedb = await import('@lancedb/lancedb');
const source = process.argv[2] && !/^\d+$/.test(process.argv[2]) ? process.argv[2] : undefined;
const sizes = process.argv.slice(source ? 3 : 2).map(Number);
if (sizes.length === 0) sizes.push(1000, 3000, 10000, 30000, 100000);
const dim = 128;
const r = rng(5);

let pool;
if (source) {
  const t = await (await lancedb.connect(source)).openTable('embeddings');
  pool = (await t.query().select(['vector']).limit(Math.max(...sizes) + 20).toArray()).map((x) => Array.from(x.vector));
  t.close();
}
const vec = (i) => (pool ? pool[i % pool.length] : Array.from({ length: dim }, () => r() * 2 - 1));
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'search-latency-'));
const db = await lancedb.connect(dir);
console.log(`# ${new Date().toISOString()} ${source ? `vectors of ${source}` : 'random vectors'}, load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('rows\tscan ms\tindex ms\tbuild s\trecall@10');
for (const n of sizes) {
  const rows = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, vector: vec(i + 20) }));
  const table = await db.createTable(`t${n}`, rows, { mode: 'overwrite' });
  const queries = Array.from({ length: 20 }, (_, i) => (pool ? vec(i) : vec(0)));
  const time = async (q, useIndex) => {
    let s = table.vectorSearch(q).distanceType('cosine').limit(10).select(['id', '_distance']);
    s = useIndex ? s.nprobes(20).refineFactor(10) : s.bypassVectorIndex();
    const t0 = performance.now();
    const out = await s.toArray();
    return { ms: performance.now() - t0, ids: out.map((x) => x.id) };
  };
  await time(queries[0], false); // warm
  const scan = [];
  for (const q of queries) scan.push(await time(q, false));
  let line = `${n}\t${median(scan.map((x) => x.ms)).toFixed(1)}`;
  if (n >= 256) {
    const t0 = performance.now();
    await table.createIndex('vector', { config: lancedb.Index.ivfPq({ distanceType: 'cosine' }) });
    const build = (performance.now() - t0) / 1000;
    await time(queries[0], true);
    const idx = [];
    for (const q of queries) idx.push(await time(q, true));
    const recall = idx.reduce((a, x, i) => a + x.ids.filter((id) => scan[i].ids.includes(id)).length, 0) / (10 * queries.length);
    line += `\t${median(idx.map((x) => x.ms)).toFixed(1)}\t${build.toFixed(1)}\t${recall.toFixed(2)}`;
  }
  console.log(line);
  table.close();
}
rmSync(dir, { recursive: true, force: true });

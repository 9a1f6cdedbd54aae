// The corpus room piece by piece (reader, shards, id set, store checks) and
// the CLI's corpus errors, in-process: each bad input is one clear error or
// warning naming the line, and loses nothing that was good.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import * as lancedb from '@lancedb/lancedb';
import { runCli } from '../src/cli/run.ts';
import { readCorpus } from '../src/corpus/read-corpus.ts';
import { idHash, parseShard, resolveShard, shardOf } from '../src/corpus/shard.ts';
import { IdSet } from '../src/corpus/id-set.ts';
import { modelFingerprint } from '../src/corpus/model-fingerprint.ts';
import { embedCorpus, searchCorpus, indexCorpus, openCorpusSearcher } from '../src/index.ts';
import { loadPipelineFolder as loadPipeline } from '../src/pipelines/load.ts';
import { corpus, cosine, jsonl } from './helpers/corpus.ts';
import { duration, progressLine } from '../src/cli/corpus-progress.ts';

const root = resolve(import.meta.dirname, '..');
const EN = join(root, 'weights', 'en');
const DEMO = join(root, 'weights', 'demo');
const GELU = join(root, 'test', 'fixtures', 'golden', 'act-gelu');
const RELU = join(root, 'test', 'fixtures', 'golden', 'act-relu');
const dir = mkdtempSync(join(tmpdir(), 'bert-ts-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `db${++n}`);
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runCli(args, { stdin: Readable.from([stdin]), stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

async function rows(db: string, table = 'embeddings') {
  const t = await (await lancedb.connect(db)).openTable(table);
  const out = (await t.query().toArray()).map((r) => ({ id: r.id as string, vector: Array.from(r.vector as ArrayLike<number>), text: (r.text ?? null) as string | null }));
  t.close();
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readCorpus', () => {
  it('reads JSONL (field names configurable), plain text (id = line number) and streams; CRLF and a last line without newline', async () => {
    const j = file('a.jsonl', '{"id": "x", "text": "one"}\r\n\n{"id": 7, "text": "two"}');
    expect(await collect(readCorpus(j))).toEqual([
      { line: 1, id: 'x', text: 'one' },
      { line: 3, id: '7', text: 'two' },
    ]);
    const k = file('b.jsonl', '{"key": "k1", "body": "hello"}\n');
    expect(await collect(readCorpus(k, { idField: 'key', textField: 'body' }))).toEqual([{ line: 1, id: 'k1', text: 'hello' }]);
    const t = file('c.txt', 'first text\nsecond ü text\n');
    expect(await collect(readCorpus(t))).toEqual([
      { line: 1, id: '1', text: 'first text' },
      { line: 2, id: '2', text: 'second ü text' },
    ]);
    // a stream split inside a multi-byte character, format sniffed from the first line
    const bytes = Buffer.from('{"id":"a","text":"naïve"}\n{"id":"b","text":"über"}\n');
    const chunks = [bytes.subarray(0, 22), bytes.subarray(22, 23), bytes.subarray(23)];
    expect((await collect(readCorpus(Readable.from(chunks)))).map((r) => r.text)).toEqual(['naïve', 'über']);
    expect((await collect(readCorpus(Readable.from(['plain line\n'])))).map((r) => r.id)).toEqual(['1']);
  });
  it('a bad line fails naming its number, or is skipped and reported', async () => {
    const bad = file('bad.jsonl', ['{"id":"a","text":"ok"}', 'not json', '{"id":"b"}', '{"id":"c","text":"  "}', '{"text":"no id"}', '[1]', '{"id":"d","text":"fine"}'].join('\n'));
    await expect(collect(readCorpus(bad))).rejects.toThrow(/bad\.jsonl line 2: not JSON/);
    const reported: string[] = [];
    const got = await collect(readCorpus(bad, { onError: 'skip', onBadLine: (b) => reported.push(`${b.line}: ${b.reason}`) }));
    expect(got.map((r) => r.id)).toEqual(['a', 'd']);
    expect(reported).toEqual([expect.stringMatching(/^2: not JSON/), '3: no "text" field', '4: empty "text"', '5: no "id" field', '6: not a JSON object']);
    await expect(collect(readCorpus(file('e.txt', 'a\n\nb\n')))).rejects.toThrow(/line 2: empty text/);
    await expect(collect(readCorpus(join(dir, 'missing.jsonl')))).rejects.toThrow(/missing\.jsonl: cannot read the input \(ENOENT\)/);
  });
});

describe('shards', () => {
  it('a shard is a stable hash of the id: FNV-1a of its UTF-8 bytes, whatever the position', () => {
    expect(idHash('')).toBe(0x811c9dc5);
    expect(idHash('a')).toBe(0xe40c292c); // the published FNV-1a 32 test vector
    expect(idHash('foobar')).toBe(0xbf9cf968);
    const ids = corpus(2000).map((d) => String(d.id));
    const counts = [0, 0, 0, 0];
    for (const id of ids) counts[shardOf(id, 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(400); // roughly even
  });
  it('--shard I/N parses strictly', () => {
    expect(parseShard('2/4')).toMatchObject({ index: 2, count: 4 });
    for (const bad of ['4/4', '1/0', 'a/b', '1', '-1/4', '1/4/2', '']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });
  it('the index and count come from --shard, Kubernetes, Slurm or Cloud Run, and say which', () => {
    expect(resolveShard({}, {})).toMatchObject({ index: 0, count: 1 });
    expect(resolveShard({ shard: '1/3' }, { JOB_COMPLETION_INDEX: '2' })).toMatchObject({ index: 1, count: 3, source: '--shard' });
    expect(resolveShard({ shards: '4' }, { JOB_COMPLETION_INDEX: '3' })).toMatchObject({ index: 3, count: 4, source: expect.stringMatching(/JOB_COMPLETION_INDEX.*--shards/) });
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '0', BERT_TS_SHARDS: '2' })).toMatchObject({ index: 0, count: 2, source: expect.stringMatching(/BERT_TS_SHARDS/) });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_COUNT: '3' })).toMatchObject({ index: 1, count: 3, source: expect.stringMatching(/Slurm/) });
    expect(resolveShard({}, { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '2' })).toMatchObject({ index: 1, count: 2, source: expect.stringMatching(/Cloud Run/) });
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: '0' })).toThrow(/shard count is not/);
    expect(() => resolveShard({ shards: '2' }, { JOB_COMPLETION_INDEX: '2' })).toThrow(/not less than the shard count 2/);
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: 'x', BERT_TS_SHARDS: '2' })).toThrow(/JOB_COMPLETION_INDEX must be a whole number/);
    expect(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/does not fit 4 shards/);
    expect(() => resolveShard({ shards: '3' }, {})).toThrow(/--shards 3 without a shard index/);
    expect(() => resolveShard({ shard: '1/3', shards: '4' }, {})).toThrow(/disagree/);
  });
  it('IdSet remembers ids compactly and tells a repeat', () => {
    const s = new IdSet();
    for (let i = 0; i < 5000; i++) expect(s.add(`id-${i}`)).toBe(true);
    for (let i = 0; i < 5000; i += 7) expect(s.add(`id-${i}`)).toBe(false);
    expect(s.size).toBe(5000);
  });
  it('the model fingerprint follows the files, not the path', async () => {
    const a = await modelFingerprint(GELU);
    expect(a).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(await modelFingerprint(GELU + '/')).toBe(a);
    expect(await modelFingerprint(RELU)).not.toBe(a);
  });
});

describe('bert-ts embed --output and search: bad input is a clear error and loses nothing', () => {
  it('the library: embedCorpus then searchCorpus equal brute force; plain text, stdin-like streams and --no-text', async () => {
    const db = fresh();
    const docs = corpus(120, 3);
    const warnings: string[] = [];
    const r = await embedCorpus({ model: DEMO, input: file('lib.jsonl', jsonl(docs)), db, window: 50, onWarning: (w) => warnings.push(w) });
    expect(r).toMatchObject({ written: 120, embedded: 120, skipped: 0, duplicates: 0, model: { dim: 64, pooling: 'mean', normalize: false } });
    expect(warnings).toEqual([]);
    const stored = await rows(db);
    const nlp = loadPipeline(DEMO);
    const hits = await searchCorpus('a dog in the park', { db, topK: 5 });
    const q = nlp.embed('a dog in the park');
    const brute = stored.map((s) => cosine(q, s.vector)).sort((a, b) => b - a);
    expect(hits.map((h) => h.score)).toEqual(brute.slice(0, 5).map((s) => expect.closeTo(s, 5)));
    const many = await searchCorpus(['x', 'y'], { db, topK: 2 });
    expect(many).toHaveLength(2);

    const t = fresh();
    await embedCorpus({ model: DEMO, input: Readable.from(['alpha beta\ngamma\n']), db: t, storeText: false });
    expect(await rows(t)).toEqual([expect.objectContaining({ id: '1', text: null }), expect.objectContaining({ id: '2', text: null })]);
    expect((await searchCorpus('gamma', { db: t, topK: 1 }))[0]).toMatchObject({ text: null });
    await expect(embedCorpus({ model: DEMO, input: Readable.from(['x\n']), db: t })).rejects.toThrow(/created with --no-text/);
    await expect(indexCorpus({ db: t })).rejects.toThrow(/has 2 rows; an index needs at least 256/);
  });
  it('--on-error fail names the line; skip writes the good lines and reports the bad', async () => {
    const input = file('bad.jsonl', ['{"id":"a","text":"the cat"}', '{oops', '{"id":"b","text":""}', '{"id":"c"}', '{"id":"d","text":"a dog"}'].join('\n') + '\n');
    const db = fresh();
    await expect(cli(['embed', '-m', DEMO, '--input', input, '--output', db])).rejects.toThrow(/bad\.jsonl line 2: not JSON/);
    const r = await cli(['embed', '-m', DEMO, '--input', input, '--output', db, '--on-error', 'skip']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/line 2 skipped: not JSON/);
    expect(r.err).toMatch(/line 3 skipped: empty "text"/);
    expect(r.err).toMatch(/line 4 skipped: no "text" field/);
    expect((await rows(db)).map((x) => x.id)).toEqual(['a', 'd']);
    await expect(cli(['embed', '-m', DEMO, '--input', input, '--output', db, '--on-error', 'maybe'])).rejects.toThrow(/--on-error must be fail or skip/);
  });
  it('a duplicate id: the last copy wins, with a warning naming it (also across commits)', async () => {
    const input = file('dup.jsonl', jsonl([{ id: 'x', text: 'first' }, { id: 'y', text: 'other' }, { id: 'x', text: 'second' }, { id: 'z', text: 'more' }, { id: 'x', text: 'third' }]));
    for (const every of ['1000', '2']) {
      const db = fresh();
      const r = await cli(['embed', '-m', DEMO, '--input', input, '--output', db, '--commit-every', every]);
      expect(r.err).toMatch(/id 'x' at line 3 appeared before; the last one wins/);
      expect(r.err).toMatch(/id 'x' at line 5 appeared before/);
      const got = await rows(db);
      expect(got.map((x) => [x.id, x.text])).toEqual([['x', 'third'], ['y', 'other'], ['z', 'more']]);
    }
  });
  it('stdin, --id-field/--text-field, --json summary, and a re-run that upserts instead of duplicating', async () => {
    const db = fresh();
    const stdin = jsonl([{ key: 'p', body: 'hello there' }, { key: 'q', body: 'general kenobi' }]);
    const r = await cli(['embed', '-m', DEMO, '--input', '-', '--output', db, '--id-field', 'key', '--text-field', 'body', '--json'], stdin);
    expect(JSON.parse(r.out)).toMatchObject({ written: 2, table: 'embeddings', pooling: 'mean', dim: 64, shard: { index: 0, count: 1 } });
    await cli(['embed', '-m', DEMO, '--input', '-', '--output', db, '--id-field', 'key', '--text-field', 'body'], stdin);
    expect((await rows(db)).map((x) => x.id)).toEqual(['p', 'q']);
    await cli(['embed', '-m', DEMO, '--input', '-', '--output', db, '--table', 'other', '--format', 'text'], 'one\ntwo\nthree\n');
    expect((await rows(db, 'other')).map((x) => x.id)).toEqual(['1', '2', '3']);
  });
  it('an unwritable database, a bad shard argument and misplaced options are refused before anything loads', async () => {
    const input = file('ok.jsonl', jsonl([{ id: 'a', text: 'x' }]));
    const missing = '/no/such/model';
    await expect(cli(['embed', '-m', DEMO, '--input', input, '--output', join(input, 'db')])).rejects.toThrow(/cannot create the database folder \(ENOTDIR\)/);
    await expect(cli(['embed', '-m', DEMO, '--input', input, '--output', input])).rejects.toThrow(/is a file, not a LanceDB database folder/);
    await expect(cli(['embed', '-m', missing, '--input', input, '--output', fresh(), '--shard', '3/3'])).rejects.toThrow(/--shard 3\/3: the index must be less than the count/);
    await expect(cli(['embed', '-m', missing, '--input', input, '--output', fresh(), '--shard', 'half'])).rejects.toThrow(/--shard must be I\/N, got 'half'/);
    await expect(cli(['embed', '-m', missing, '--input', input, '--output', fresh(), '--shards', 'two'])).rejects.toThrow(/--shards must be a whole number/);
    await expect(cli(['embed', '-m', missing, '--input', input, '--output', fresh(), '--batch-size', '0'])).rejects.toThrow(/--batch-size must be a whole number ≥ 1/);
    await expect(cli(['embed', '-m', DEMO, '--shard', '0/2', 'some text'])).rejects.toThrow(/--shard needs --input FILE --output DB/);
    await expect(cli(['embed', '-m', DEMO, '--input', input])).rejects.toThrow(/--input needs --output DB/);
    await expect(cli(['embed', '-m', DEMO, '--output', fresh()])).rejects.toThrow(/--output needs --input/);
    await expect(cli(['embed', '-m', DEMO, '--input', join(dir, 'nope.jsonl'), '--output', fresh()])).rejects.toThrow(/nope\.jsonl: cannot read the input \(ENOENT\)/);
  });
  it('a model, pooling or dimension other than the table\'s is refused, for embed and for search', async () => {
    const input = file('m.jsonl', jsonl(corpus(20, 5)));
    const db = fresh();
    expect((await cli(['embed', '-m', GELU, '--input', input, '--output', db])).code).toBe(0);
    await expect(cli(['embed', '-m', RELU, '--input', input, '--output', db])).rejects.toThrow(/was embedded with model '.*act-gelu' \(sha256:[0-9a-f]+\), not '.*act-relu'/);
    await expect(cli(['embed', '-m', EN, '--input', input, '--output', db])).rejects.toThrow(/holds 16-dimensional vectors, but '.*weights\/en' makes 128-dimensional ones/);
    await expect(cli(['embed', '-m', GELU, '--input', input, '--output', db, '--pooling', 'cls'])).rejects.toThrow(/was embedded with mean pooling, not cls pooling/);
    await expect(cli(['search', '--db', db, '-m', RELU, 'x'])).rejects.toThrow(/was embedded with model .*act-gelu.*not .*act-relu/);
    await expect(cli(['search', '--db', db, '-m', DEMO, 'x'])).rejects.toThrow(/holds 16-dimensional vectors, but .* makes 64-dimensional ones/);
    const ok = await cli(['search', '--db', db, '-m', GELU, '-k', '3', 'x']);
    expect(ok.out.trim().split('\n')).toHaveLength(3);
    await expect(cli(['search', '--db', join(dir, 'none'), 'x'])).rejects.toThrow(/no such database/);
    await expect(cli(['search', '--db', db, '--table', 'nope', 'x'])).rejects.toThrow(/no table 'nope' \(it has 'embeddings'\)/);
    await expect(cli(['search', 'x'])).rejects.toThrow(/--db DB is required/);
    await expect(cli(['search', '--db', db, '-k', '0', 'x'])).rejects.toThrow(/--top-k must be a whole number ≥ 1/);
    // a table not written by bert-ts
    const foreign = fresh();
    const conn = await lancedb.connect(foreign);
    (await conn.createTable('embeddings', [{ id: 'a', vector: [1, 2] }])).close();
    await expect(cli(['search', '--db', foreign, 'x'])).rejects.toThrow(/records no model/);
    await expect(cli(['embed', '-m', GELU, '--input', input, '--output', foreign])).rejects.toThrow(/holds 2-dimensional vectors|records no model/);
  });
  it('bert-ts index builds a cosine IVF-PQ index; search uses it when asked and still finds the exact best', async () => {
    const db = fresh();
    await embedCorpus({ model: GELU, input: file('big.jsonl', jsonl(corpus(600, 9))), db });
    const r = await cli(['index', '--db', db, '--partitions', '4', '--sub-vectors', '4', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ rows: 600 });
    await expect(cli(['index', '--db', db, '--sub-vectors', '5'])).rejects.toThrow(/does not divide the dimension 16/);
    const scan = await openCorpusSearcher({ db, index: 'never' });
    const viaIndex = await openCorpusSearcher({ db, index: 'always' });
    const auto = await openCorpusSearcher({ db });
    expect([scan.usesIndex, viaIndex.usesIndex, auto.usesIndex]).toEqual([false, true, false]); // 600 rows: auto scans
    const a = await scan.search('the cat sat on the mat', 5);
    const b = await viaIndex.search('the cat sat on the mat', 5);
    expect(b[0].id).toBe(a[0].id);
    expect(b[0].score).toBeCloseTo(a[0].score, 5);
    for (const s of [scan, viaIndex, auto]) s.close();
  });
});

describe('progress and deploy/', () => {
  it('a progress line says what was read, embedded and written, the rate, the share and the ETA', () => {
    const base = { lines: 5000, embedded: 1200, written: 1024, skipped: 0, duplicates: 0, otherShards: 3000, bytes: 250_000, seconds: 10 };
    expect(progressLine({ ...base, totalBytes: 1_000_000 })).toBe('5,000 lines read, 1,200 embedded, 1,024 written (120.0 texts/s), 25% of the input, ETA 30s');
    expect(progressLine({ ...base, skipped: 2, duplicates: 1 })).toBe('5,000 lines read, 1,200 embedded, 1,024 written (120.0 texts/s), 2 skipped, 1 duplicate ids');
    expect([duration(5), duration(75), duration(7300), duration(NaN)]).toEqual(['5s', '1m15s', '2h01m', '?']);
  });
  it('the Kubernetes manifest is an Indexed Job with per-index retries whose shard count is its completions; the Slurm script parses', () => {
    const job = readFileSync(join(root, 'deploy', 'embed-job.yaml'), 'utf8');
    expect(job).toMatch(/^\s*completionMode: Indexed/m);
    expect(job).toMatch(/^\s*backoffLimitPerIndex: \d+/m);
    expect(job).toMatch(/^\s*restartPolicy: Never/m);
    const completions = /^\s*completions: (\d+)/m.exec(job)![1];
    expect(job).toMatch(new RegExp(`name: BERT_TS_SHARDS\\s+value: "${completions}"`));
    expect(readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8')).toMatch(/ENTRYPOINT \["node", "\/app\/dist\/cli.js"\]/);
    const slurm = join(root, 'deploy', 'embed-array.slurm');
    expect(readFileSync(slurm, 'utf8')).toMatch(/dist\/cli.js embed/);
    expect(spawnSync('bash', ['-n', slurm]).status).toBe(0);
  });
});

// The sharding contract, as a job engine runs it: N processes of the built CLI
// with JOB_COMPLETION_INDEX set write one LanceDB table at once; one is killed
// (SIGKILL) part-way and run again. Then the table, read with LanceDB's own
// client, has every id exactly once, its vectors equal `bert-ts embed --jsonl`
// of the same texts, and search's top-k equals brute-force cosine over them.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { corpus, cosine, jsonl } from './helpers/corpus.ts';
import { shardOf } from '../src/corpus/shard.ts';

const root = resolve(import.meta.dirname, '..');
// this file's own build of the CLI: dist/ may be rebuilt by another test file meanwhile (cli.test.ts)
const built = join(root, 'test', 'artifacts', `corpus-cli-${process.pid}`);
const cli = join(built, 'cli.js');
const MODEL = join(root, 'weights', 'en');
const N = 3;
const DOCS = corpus(400, 7);

let dir: string;
beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs'), '--cli-to', built], { cwd: root, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'bert-ts-shards-'));
  writeFileSync(join(dir, 'corpus.jsonl'), jsonl(DOCS));
  return () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(built, { recursive: true, force: true });
  };
});

function shardProcess(index: number, extra: string[] = []) {
  const child = spawn(process.execPath, [cli, 'embed', '-m', MODEL, '--input', join(dir, 'corpus.jsonl'), '--output', join(dir, 'db'), ...extra], {
    cwd: root,
    env: { ...process.env, JOB_COMPLETION_INDEX: String(index), BERT_TS_SHARDS: String(N) },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) => child.on('close', (code, signal) => res({ code, signal, stderr })));
  return { child, done, stderr: () => stderr };
}

function bertTs(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', input, timeout: 60_000, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bert-ts ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function readTable(): Promise<{ id: string; vector: number[]; text: string }[]> {
  const db = await lancedb.connect(join(dir, 'db'));
  const t = await db.openTable('embeddings');
  const rows = (await t.query().toArray()).map((r) => ({ id: r.id as string, vector: Array.from(r.vector as ArrayLike<number>), text: r.text as string }));
  t.close();
  return rows;
}

describe('bert-ts embed --output: shards under a job engine', () => {
  it('N concurrent shards, one killed part-way and re-run: every id exactly once, vectors equal embed --jsonl, search equals brute force', async () => {
    const killedIndex = 1;
    const mine = DOCS.filter((d) => shardOf(String(d.id), N) === killedIndex).length;
    // the shard to kill commits often and reports often, so it can be caught between commits
    const victim = shardProcess(killedIndex, ['--commit-every', '16', '--batch-size', '4', '--progress-every', '0.05']);
    const others = [0, 2].map((i) => shardProcess(i));
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        const m = [...victim.stderr().matchAll(/(\d+) written/g)].map((x) => Number(x[1]));
        if (m.some((w) => w > 0)) {
          clearInterval(t);
          victim.child.kill('SIGKILL');
          res();
        }
      }, 20);
      victim.done.then((r) => {
        clearInterval(t);
        rej(new Error(`the shard to kill ended first (${r.code}): ${r.stderr}`));
      });
    });
    const killed = await victim.done;
    expect(killed.signal).toBe('SIGKILL');
    for (const o of others) {
      const r = await o.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/from JOB_COMPLETION_INDEX/);
    }
    const partial = await readTable();
    const partialMine = partial.filter((r) => shardOf(r.id, N) === killedIndex).length;
    expect(partialMine).toBeGreaterThan(0);
    expect(partialMine).toBeLessThan(mine); // it really was killed part-way

    const rerun = await shardProcess(killedIndex).done;
    expect(rerun.code, rerun.stderr).toBe(0);

    const rows = await readTable();
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // exactly once
    expect(new Set(ids)).toEqual(new Set(DOCS.map((d) => String(d.id)))); // nothing lost

    // the vectors are what `bert-ts embed --jsonl` prints for the same texts
    const printed = bertTs(['embed', '-m', MODEL, '--jsonl'], jsonl(DOCS.map((d) => ({ text: d.text }))))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as number[]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    let worst = 0;
    DOCS.forEach((d, i) => {
      const row = byId.get(String(d.id))!;
      expect(row.text).toBe(d.text);
      expect(row.vector.length).toBe(printed[i].length);
      row.vector.forEach((x, k) => (worst = Math.max(worst, Math.abs(x - printed[i][k]))));
    });
    expect(worst).toBeLessThan(1e-5);

    // search's top-k is brute-force cosine over those vectors
    const queries = ['a cat on the mat', 'children learn at school', 'snow on the mountain in winter', 'coffee in the morning', 'the train is late'];
    const qv = bertTs(['embed', '-m', MODEL, '--jsonl'], jsonl(queries.map((text) => ({ text }))))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as number[]);
    const found = bertTs(['search', '--db', join(dir, 'db'), '-k', '10', '--json', ...queries])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; score: number; text: string }[]);
    queries.forEach((_, qi) => {
      const brute = rows.map((r) => ({ id: r.id, score: cosine(qv[qi], r.vector) })).sort((a, b) => b.score - a.score);
      const hits = found[qi];
      expect(hits).toHaveLength(10);
      hits.forEach((h, k) => {
        expect(h.score).toBeCloseTo(brute[k].score, 5); // the k-th best score
        expect(Math.abs(cosine(qv[qi], byId.get(h.id)!.vector) - h.score)).toBeLessThan(1e-5); // and it is this row's
        expect(h.text).toBe(byId.get(h.id)!.text);
      });
      // the same ids, except where two rows tie within float rounding
      const tenth = brute[9].score;
      const sure = brute.filter((b) => b.score > tenth + 1e-5).map((b) => b.id);
      expect(hits.map((h) => h.id)).toEqual(expect.arrayContaining(sure));
    });
  });
});

describe("README's three-command local run", () => {
  it('runs as written (embed, index, search) on a 300-line corpus.jsonl', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const at = readme.indexOf('## Embedding a corpus and searching it');
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))![1];
    const commands = block.split('\n').filter((l) => l.startsWith('bert-ts ')).map((l) => l.replace(/\s+#.*$/, ''));
    expect(commands.map((c) => c.split(' ')[1])).toEqual(['embed', 'index', 'search']);
    const cwd = join(dir, 'readme');
    mkdirSync(cwd);
    symlinkSync(join(root, 'weights'), join(cwd, 'weights'));
    writeFileSync(join(cwd, 'corpus.jsonl'), jsonl(corpus(300, 11)));
    for (const c of commands) {
      // the shell's word splitting, for these commands: "quoted words" stay one argument
      const args = [...c.slice('bert-ts '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
      const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${c}\n${r.stderr}`).toBe(0);
      if (args[0] === 'search') expect(r.stdout.trim().split('\n')).toHaveLength(5);
    }
  });
});

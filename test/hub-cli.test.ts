// bert-ts download / inspect, and `--model org/name` on the other commands, as a
// user runs them: a bundle of src/cli/main.ts (built here, into the tests' temporary
// build folder, never dist/) against a loopback Hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { LoopbackHub, sha256 } from './helpers/loopback-hub.ts';
import { formatInspect, inspect } from '../src/cli/commands/inspect.ts';

const root = resolve(import.meta.dirname, '..');
const FIX = join(root, 'test', 'fixtures', 'golden');
const cli = join(process.env.BERT_TS_TEST_BUILD ?? join(root, 'node_modules', '.cache', 'bert-ts-test'), 'hub-cli.mjs');
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const files = (dir: string, names: string[]) => Object.fromEntries(names.map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
const ST = files(join(FIX, 'st-layout'), ['config.json', 'model.safetensors', 'vocab.txt']);

let hub: LoopbackHub;
let scratch: string;

beforeAll(async () => {
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: cli,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    external: ['@petamoriken/float16', 'cli-progress', '@lancedb/lancedb', 'apache-arrow'], // as tools/build.mjs
    logLevel: 'warning',
  });
  hub = await new LoopbackHub().start();
  hub.addRepo('org/tiny-bert', { commits: { [COMMIT]: ST }, refs: { main: COMMIT } });
  hub.addRepo('org/demo', { commits: { [COMMIT]: files(join(root, 'weights', 'demo'), ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']) }, refs: { main: COMMIT } });
  scratch = mkdtempSync(join(tmpdir(), 'bert-ts-hub-cli-'));
});

afterAll(async () => {
  await hub.close();
  rmSync(scratch, { recursive: true, force: true });
});

function env(cache: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cache, ...extra };
  for (const k of ['HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE', 'HF_TOKEN', 'HF_HOME']) if (!(k in extra)) delete e[k];
  return e;
}

/** Run the CLI without blocking this process: the loopback Hub answers from here. */
function bertTs(args: string[], e: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: root, env: e });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let n = 0;
const freshCache = () => join(scratch, `cache-${n++}`);

describe('bert-ts download', () => {
  it('fills the cache and prints the snapshot path; --json lists the files', async () => {
    const cache = freshCache();
    const r = await bertTs(['download', 'org/tiny-bert'], env(cache));
    expect(r.stderr).toBe(''); // no bar when stderr is not a terminal
    expect(r.code).toBe(0);
    const snap = join(cache, 'models--org--tiny-bert', 'snapshots', COMMIT);
    expect(r.stdout.trim()).toBe(snap);
    expect(readlinkSync(join(snap, 'model.safetensors'))).toBe(`../../blobs/${sha256(ST['model.safetensors'])}`);
    expect(readFileSync(join(cache, 'models--org--tiny-bert', 'refs', 'main'), 'utf8')).toBe(COMMIT);
    const j = await bertTs(['download', 'org/tiny-bert', '--revision', COMMIT, '--json'], env(cache, { HF_HUB_OFFLINE: '1' }));
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ repo: 'org/tiny-bert', commit: COMMIT, path: snap });
    expect(out.files.map((f: { file: string }) => f.file).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
  });

  it('two processes downloading the same model at once: one transfer, one good file', async () => {
    const cache = freshCache();
    hub.log.length = 0;
    hub.slowCdnMs = 3;
    const run = () => bertTs(['download', 'org/tiny-bert'], env(cache));
    try {
      const [a, b] = await Promise.all([run(), run()]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(a.stdout).toBe(b.stdout);
    } finally {
      hub.slowCdnMs = 0;
    }
    expect(hub.requests('cdn').length).toBe(1);
    const blobs = join(cache, 'models--org--tiny-bert', 'blobs');
    expect(readdirSync(blobs).filter((f) => f.endsWith('.incomplete'))).toEqual([]);
    expect(sha256(readFileSync(join(blobs, sha256(ST['model.safetensors']))))).toBe(sha256(ST['model.safetensors']));
  });

  it('errors are one line with a hint: unknown repo, offline with nothing cached, bad name', async () => {
    const cache = freshCache();
    for (const [args, extra, pattern] of [
      [['download', 'org/nope'], {}, /org\/nope: repository not found/],
      [['download', 'org/tiny-bert'], { HF_HUB_OFFLINE: '1' }, /not in the cache .* offline/],
      [['download', 'not a name'], {}, /not a name is not a folder and not a model id/],
      [['tokenize', '--model', 'org/tiny-bert', 'hi'], { HF_HUB_OFFLINE: '1' }, /not in the cache/],
    ] as [string[], Record<string, string>, RegExp][]) {
      const r = await bertTs(args, env(cache, extra));
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(pattern);
      expect(lines[1]).toMatch(/^bert-ts: hint: /);
      expect(lines.length).toBe(2);
    }
  });
});

describe('--model NAME on the other commands, offline from the cache', () => {
  it('HF_HUB_OFFLINE=1 bert-ts tokenize / forward / fill-mask --model org/name, with no request', async () => {
    const cache = freshCache();
    expect((await bertTs(['download', 'org/demo'], env(cache))).code).toBe(0);
    hub.log.length = 0;
    const offline = env(cache, { HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' });
    const t = await bertTs(['tokenize', '--model', 'org/demo', '--json', 'hello world'], offline);
    expect(t.stderr).toBe('');
    expect(JSON.parse(t.stdout).input_ids.length).toBeGreaterThan(2);
    const f = await bertTs(['forward', '-m', 'org/demo', '--seq', '8', '--repeat', '1', '--json'], offline);
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout)).toMatchObject({ model: 'org/demo', lastHiddenState: [1, 8, 64] });
    const m = await bertTs(['fill-mask', '-m', 'org/demo', '--top-k', '2', '--json', 'the [MASK] sat'], offline);
    expect(m.stderr).toBe('');
    expect(JSON.parse(m.stdout)).toHaveLength(2);
    expect(hub.log).toEqual([]);
  });
});

describe('bert-ts inspect', () => {
  it('works on every fixture and shipped model folder (the command\'s own functions, in process)', async () => {
    const WEIGHTS = join(root, 'weights');
    const folders = [...readdirSync(WEIGHTS).map((d) => join(WEIGHTS, d)), ...readdirSync(FIX).map((d) => join(FIX, d))].filter((d) => existsSync(join(d, 'config.json')));
    expect(folders.length).toBeGreaterThan(20);
    for (const dir of folders) {
      const info = await inspect({ name: dir });
      expect(info.parameters, dir).toBe(info.tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0));
      expect(info.fileBytes).toBeGreaterThan(info.parameters); // at least 1 byte a parameter
      expect(formatInspect(info)).toContain(`tensors    ${info.tensors.length}`);
      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    }
  });

  it('prints the summary, or --json, for a folder or a model id', async () => {
    const text = await bertTs(['inspect', join(root, 'weights', 'demo')], env(freshCache()));
    expect(text.code).toBe(0);
    for (const line of [/^config +bert: 2 layers, hidden 64, 4 heads/m, /^head +BertForPreTraining: encoder \+ pooler \+ mlm \+ nsp/m, /^parameters +[\d,]+ \(F32\)/m, /^tokenizer +WordPiece from vocab\.txt: 1814 tokens/m, /embeddings\.word_embeddings\.weight +F32 +\[1814, 64\]/m]) {
      expect(text.stdout).toMatch(line);
    }
    const cache = freshCache();
    const byId = JSON.parse((await bertTs(['inspect', 'org/tiny-bert', '--json'], env(cache))).stdout);
    expect(byId.folder).toBe(join(cache, 'models--org--tiny-bert', 'snapshots', COMMIT));
    expect(byId.architecture).toBe('BertModel');
  });
});

// Loading by model id through the Hugging Face cache and a loopback Hub (no network):
// the protocol, the cache layout huggingface_hub writes and reads, resume, locks,
// checksums, offline mode and the one-line errors.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LoopbackHub, gitBlobSha1, sha256 } from './helpers/loopback-hub.ts';
import { loadModel, loadPipeline, loadTokenizer, modelFiles } from '../src/load/node.ts';
import { BertPipeline } from '../src/pipelines/bert-pipeline.ts';
import { BertModel } from '../src/bert/model.ts';
import { BertTsError } from '../src/errors.ts';
import { checkGoldenCase } from '../src/browser/golden.ts';
import { resolveModelFolder } from '../src/hub/resolve.ts';
import { HubError } from '../src/hub/hub-errors.ts';
import { defaultCacheDir, hubSettings } from '../src/hub/settings.ts';
import { RepoCache, repoFolderName } from '../src/hub/cache-layout.ts';
import { isRepoId } from '../src/hub/repo-id.ts';
import { isStale, withFileLock } from '../src/hub/file-lock.ts';
import type { ProgressEvent } from '../src/load-options.ts';

// fs/promises' open, with a switch that makes writes to a download fail as on a full disk
const diskFull = vi.hoisted(() => ({ file: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fsp.open = async (path, ...rest) => {
    const fh = await fsp.open(path, ...rest);
    if (diskFull.file !== undefined && String(path).endsWith(diskFull.file)) {
      fh.write = (async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      }) as never;
    }
    return fh;
  };
  return { ...fsp, open, default: { ...fsp, open } };
});

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const read = (dir: string, files: string[]) => Object.fromEntries(files.map((f) => [f, new Uint8Array(readFileSync(join(FIX, dir, f)))]));
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2));

const C_MAIN = 'a'.repeat(39) + '1';
const C_V1 = 'b'.repeat(39) + '2';
const ST = read('st-layout', ['config.json', 'model.safetensors', 'vocab.txt']);
const SHARDED = read('sharded', ['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'vocab.txt']);
const ST_SHA = sha256(ST['model.safetensors']);

let hub: LoopbackHub;
let scratch: string;
let cacheDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  for (const k of ['HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE', 'HF_TOKEN', 'HF_ENDPOINT', 'HF_HUB_CACHE', 'HF_HOME']) delete process.env[k];
  hub = await new LoopbackHub().start();
  hub.addRepo('org/tiny-bert', { commits: { [C_MAIN]: ST, [C_V1]: SHARDED }, refs: { main: C_MAIN, v1: C_V1 } });
  hub.addRepo('tiny-bert-uncased', { commits: { [C_MAIN]: ST }, refs: { main: C_MAIN } });
  hub.addRepo('sentence-transformers/tiny-st', {
    commits: {
      [C_MAIN]: {
        ...ST,
        'modules.json': json([
          { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
          { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
          { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
        ]),
        'sentence_bert_config.json': json({ max_seq_length: 64, do_lower_case: false }),
        '1_Pooling/config.json': json({ word_embedding_dimension: 32, pooling_mode_cls_token: false, pooling_mode_mean_tokens: true }),
      },
    },
    refs: { main: C_MAIN },
  });
  hub.addRepo('org/torch-only', { commits: { [C_MAIN]: { 'config.json': ST['config.json'], 'pytorch_model.bin': new Uint8Array(64), 'vocab.txt': ST['vocab.txt'] } }, refs: { main: C_MAIN } });
  hub.addRepo('org/roberta', { commits: { [C_MAIN]: { ...ST, 'config.json': json({ model_type: 'roberta', architectures: ['RobertaForMaskedLM'] }) } }, refs: { main: C_MAIN } });
  hub.addRepo('org/private-bert', { commits: { [C_MAIN]: ST }, refs: { main: C_MAIN }, access: { kind: 'private', token: 'hf_secret' } });
  hub.addRepo('org/gated-bert', { commits: { [C_MAIN]: ST }, refs: { main: C_MAIN }, access: { kind: 'gated', token: 'hf_ok' } });
  scratch = mkdtempSync(join(tmpdir(), 'bert-ts-hub-'));
});

afterAll(async () => {
  await hub.close();
  rmSync(scratch, { recursive: true, force: true });
  process.env = savedEnv;
});

let n = 0;
function freshCache(): string {
  cacheDir = join(scratch, `cache-${n++}`);
  hub.log.length = 0;
  return cacheDir;
}
afterEach(() => {
  delete process.env.HF_HUB_OFFLINE;
});

const opts = (extra: object = {}) => ({ cacheDir, endpoint: hub.endpoint, ...extra });
const repoDir = (id: string) => join(cacheDir, repoFolderName(id));

async function expectHubError(p: Promise<unknown>, code: string, message: RegExp): Promise<HubError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(HubError);
  expect((e as HubError).code).toBe(code);
  expect((e as HubError).message).toMatch(message);
  expect((e as HubError).message).not.toContain('\n');
  expect((e as HubError).hint).toBeTruthy();
  return e as HubError;
}

describe('settings', () => {
  it('reads the cache folder, endpoint, offline flag and token as huggingface_hub does', () => {
    expect(defaultCacheDir({ HF_HUB_CACHE: '/x/hub', HF_HOME: '/y' })).toBe('/x/hub');
    expect(defaultCacheDir({ HF_HOME: '/y' })).toBe('/y/hub');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/z' })).toBe('/z/huggingface/hub');
    expect(defaultCacheDir({ HOME: process.env.HOME })).toMatch(/\.cache\/huggingface\/hub$/);
    const s = hubSettings({}, { HF_ENDPOINT: 'http://h:1/', HF_HUB_OFFLINE: 'yes', HF_TOKEN: 'hf_x', HF_HOME: '/nope' });
    expect(s).toMatchObject({ endpoint: 'http://h:1', offline: true, token: 'hf_x', revision: 'main', cacheDir: '/nope/hub' });
    expect(hubSettings({}, { HF_HUB_OFFLINE: '0', HF_HOME: '/nope' }).offline).toBe(false);
    expect(hubSettings({}, { HF_HOME: '/nope' }).endpoint).toBe('https://huggingface.co');
    const home = join(scratch, 'hf-home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'token'), 'hf_from_file\n');
    expect(hubSettings({}, { HF_HOME: home }).token).toBe('hf_from_file');
  });
  it('names repositories and cache folders as huggingface_hub does', () => {
    expect(repoFolderName('google-bert/bert-base-uncased')).toBe('models--google-bert--bert-base-uncased');
    expect(repoFolderName('bert-base-uncased')).toBe('models--bert-base-uncased');
    for (const ok of ['bert-base-uncased', 'sentence-transformers/all-MiniLM-L6-v2', 'a/b.c_d']) expect(isRepoId(ok)).toBe(true);
    for (const bad of ['./x', '/abs/path', 'a/b/c', 'a--b/c', 'a/..', '-a/b', 'x y']) expect(isRepoId(bad)).toBe(false);
  });
});

describe('download from the Hub into the cache', () => {
  it('first download: every file in huggingface_hub\'s layout, LFS via the redirect, typed progress', async () => {
    freshCache();
    const events: ProgressEvent[] = [];
    const model = await loadModel('org/tiny-bert', opts({ onProgress: (e: ProgressEvent) => events.push(e), token: 'hf_anything' }));
    expect(model.config.hiddenSize).toBe(32);
    const out = model.forward({ inputIds: [[2, 5, 7, 3]] });
    expect(out.lastHiddenState.shape).toEqual([1, 4, 32]);

    const dir = repoDir('org/tiny-bert');
    expect(readFileSync(join(dir, 'refs', 'main'), 'utf8')).toBe(C_MAIN); // no newline, as Python writes it
    const snap = join(dir, 'snapshots', C_MAIN);
    const link = join(snap, 'model.safetensors');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(`../../blobs/${ST_SHA}`); // relative, named by the sha256 (X-Linked-Etag)
    expect(readlinkSync(join(snap, 'config.json'))).toBe(`../../blobs/${gitBlobSha1(ST['config.json'])}`); // by the ETag
    expect(readdirSync(join(dir, 'blobs')).sort()).toEqual([ST_SHA, gitBlobSha1(ST['config.json'])].sort()); // no .incomplete left
    expect(existsSync(join(dir, '.no_exist', C_MAIN, 'model.safetensors.index.json'))).toBe(false); // model.safetensors was there
    expect(existsSync(join(cacheDir, '.locks', 'models--org--tiny-bert'))).toBe(true);
    expect(readdirSync(join(cacheDir, '.locks', 'models--org--tiny-bert'))).toEqual([]); // released

    // the token goes to the Hub, never to the LFS host
    expect(hub.requests('hub').every((r) => r.authorization === 'Bearer hf_anything')).toBe(true);
    expect(hub.requests('cdn').map((r) => r.authorization)).toEqual([undefined]);

    const mine = events.filter((e) => e.status !== 'cached' && e.file === 'model.safetensors') as Extract<ProgressEvent, { loaded: number }>[];
    expect(mine[0]).toMatchObject({ status: 'initiate', repo: 'org/tiny-bert', loaded: 0, total: ST['model.safetensors'].byteLength });
    expect(mine[mine.length - 1]).toMatchObject({ status: 'done', loaded: ST['model.safetensors'].byteLength });
    for (let i = 1; i < mine.length; i++) expect(mine[i].loaded).toBeGreaterThanOrEqual(mine[i - 1].loaded);
  });

  it('a cache hit: one metadata request on a branch, none for a commit, offline or localFilesOnly', async () => {
    freshCache();
    await loadModel('org/tiny-bert', opts());
    await loadTokenizer('org/tiny-bert', opts());
    hub.log.length = 0;
    const events: ProgressEvent[] = [];
    await loadModel('org/tiny-bert', opts({ onProgress: (e: ProgressEvent) => events.push(e) }));
    expect(hub.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /org/tiny-bert/resolve/main/config.json']);
    expect(events.every((e) => e.status === 'cached')).toBe(true);
    hub.log.length = 0;
    await loadModel('org/tiny-bert', opts({ revision: C_MAIN }));
    await loadModel('org/tiny-bert', opts({ localFilesOnly: true }));
    const tok = await loadTokenizer('org/tiny-bert', opts({ localFilesOnly: true }));
    expect(tok.tokenize('hello')).toBeInstanceOf(Array);
    process.env.HF_HUB_OFFLINE = '1';
    await loadModel('org/tiny-bert', opts());
    expect(hub.log).toEqual([]);
  });

  it('offline with nothing cached: one line, no request', async () => {
    freshCache();
    process.env.HF_HUB_OFFLINE = '1';
    await expectHubError(loadModel('org/tiny-bert', opts()), 'NotCached', /org\/tiny-bert@main: 'config\.json' is not in the cache .* offline/);
    expect(hub.log).toEqual([]);
  });

  it('a revision that is a branch or tag, and one that is a commit', async () => {
    freshCache();
    const byTag = await loadModel('org/tiny-bert', opts({ revision: 'v1' }));
    expect(byTag.config.hiddenSize).toBe(JSON.parse(new TextDecoder().decode(SHARDED['config.json'])).hidden_size);
    expect(readFileSync(join(repoDir('org/tiny-bert'), 'refs', 'v1'), 'utf8')).toBe(C_V1);
    expect(existsSync(join(repoDir('org/tiny-bert'), 'snapshots', C_V1, 'model-00002-of-00002.safetensors'))).toBe(true);
    // the optional single-file name is recorded as absent at that commit, as Python does
    expect(existsSync(join(repoDir('org/tiny-bert'), '.no_exist', C_V1, 'model.safetensors'))).toBe(true);
    // after config.json (HEAD, GET) every request names the commit
    expect(hub.requests('hub').slice(2).filter((r) => !r.path.includes(`/resolve/${C_V1}/`))).toEqual([]);
    hub.log.length = 0;
    const byCommit = await resolveModelFolder('org/tiny-bert', opts({ revision: C_V1, parts: 'model' }));
    expect(byCommit).toBe(join(repoDir('org/tiny-bert'), 'snapshots', C_V1));
    expect(hub.log).toEqual([]); // a commit already in the cache needs no request
    await expectHubError(loadModel('org/tiny-bert', opts({ revision: 'no-such-branch' })), 'RevisionNotFound', /no revision 'no-such-branch'/);
  });

  it('a download cut mid-file resumes with Range and checks the sha256', async () => {
    freshCache();
    const size = ST['model.safetensors'].byteLength;
    hub.cut = { sha: ST_SHA, bytes: 100_000 };
    await loadModel('org/tiny-bert', opts());
    const cdn = hub.requests('cdn');
    expect(cdn.map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
    expect(sha256(readFileSync(join(repoDir('org/tiny-bert'), 'snapshots', C_MAIN, 'model.safetensors')))).toBe(ST_SHA);
    expect(size).toBeGreaterThan(100_000);
  });

  it('an .incomplete file left by an interrupted process is resumed, not restarted', async () => {
    freshCache();
    const blobs = join(repoDir('org/tiny-bert'), 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${ST_SHA}.incomplete`), ST['model.safetensors'].subarray(0, 12345));
    await loadModel('org/tiny-bert', opts());
    expect(hub.requests('cdn').map((r) => r.range)).toEqual(['bytes=12345-']);
    expect(sha256(readFileSync(join(blobs, ST_SHA)))).toBe(ST_SHA);
    expect(existsSync(join(blobs, `${ST_SHA}.incomplete`))).toBe(false);
  });

  it('two concurrent downloads of the same model: one transfer, both get the file', async () => {
    freshCache();
    hub.slowCdnMs = 2;
    try {
      const [a, b] = await Promise.all([resolveModelFolder('org/tiny-bert', opts()), resolveModelFolder('org/tiny-bert', opts())]);
      expect(a).toBe(b);
    } finally {
      hub.slowCdnMs = 0;
    }
    expect(hub.requests('cdn').length).toBe(1);
    expect(sha256(readFileSync(join(repoDir('org/tiny-bert'), 'snapshots', C_MAIN, 'model.safetensors')))).toBe(ST_SHA);
  });

  it('a checksum mismatch deletes the download and leaves nothing in snapshots/', async () => {
    freshCache();
    const bad = ST['model.safetensors'].slice();
    bad[5000] ^= 0xff;
    hub.corrupt.set(ST_SHA, bad);
    try {
      await expectHubError(loadModel('org/tiny-bert', opts()), 'Checksum', /model\.safetensors' failed its checksum/);
    } finally {
      hub.corrupt.clear();
    }
    const dir = repoDir('org/tiny-bert');
    expect(readdirSync(join(dir, 'blobs'))).toEqual([gitBlobSha1(ST['config.json'])]);
    expect(existsSync(join(dir, 'snapshots', C_MAIN, 'model.safetensors'))).toBe(false);
    await loadModel('org/tiny-bert', opts()); // and the next try succeeds
  });

  it('errors: unknown repo (401/404), unknown file, private and gated without a token', async () => {
    freshCache();
    await expectHubError(loadModel('org/no-such-model', opts()), 'RepoNotFound', /org\/no-such-model: repository not found/);
    await expectHubError(loadModel('org/private-bert', opts()), 'RepoNotFound', /private and needs a token \(401\)/);
    const gated = await expectHubError(loadModel('org/gated-bert', opts()), 'GatedRepo', /gated/);
    expect(gated.hint).toMatch(/HF_TOKEN/);
    const model = await loadModel('org/private-bert', opts({ token: 'hf_secret' }));
    expect(model.config.hiddenSize).toBe(32);
    process.env.HF_TOKEN = 'hf_ok';
    try {
      await loadModel('org/gated-bert', opts());
    } finally {
      delete process.env.HF_TOKEN;
    }
    expect(hub.requests('cdn').every((r) => r.authorization === undefined)).toBe(true);
    const noFile = await resolveModelFolder('org/torch-only', opts({ parts: 'tokenizer' })); // no tokenizer.json: recorded as absent
    expect(existsSync(join(repoDir('org/torch-only'), '.no_exist', C_MAIN, 'tokenizer.json'))).toBe(true);
    expect(noFile).toBe(join(repoDir('org/torch-only'), 'snapshots', C_MAIN));
  });

  it('a repository with only pytorch_model.bin: one line on converting, nothing downloaded', async () => {
    freshCache();
    const e = await loadModel('org/torch-only', opts()).then(() => undefined, (err: Error & { hint?: string }) => err);
    expect(e?.message).toMatch(/org\/torch-only: has pytorch_model\.bin but no model\.safetensors/);
    expect(e?.hint).toMatch(/safe_serialization=True/);
    expect(hub.requests('cdn')).toEqual([]);
  });

  it('a non-BERT model is refused from its config, before any weight is fetched', async () => {
    freshCache();
    await expect(loadModel('org/roberta', opts())).rejects.toThrow(/model_type 'roberta' is not BERT/);
    expect(hub.requests('cdn')).toEqual([]);
  });

  it('sentence-transformers: modules.json and each module config come along', async () => {
    freshCache();
    const dir = await resolveModelFolder('sentence-transformers/tiny-st', opts());
    for (const f of ['modules.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'vocab.txt', 'model.safetensors']) expect(existsSync(join(dir, f))).toBe(true);
    expect(existsSync(join(repoDir('sentence-transformers/tiny-st'), '.no_exist', C_MAIN, '2_Normalize', 'config.json'))).toBe(true);
    expect(readlinkSync(join(dir, '1_Pooling', 'config.json'))).toMatch(/^\.\.\/\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
  });

  it('a renamed repository: the relative redirect is followed, the cache keeps the name asked for', async () => {
    freshCache();
    hub.renamed.set('old-org/tiny-bert', 'org/tiny-bert');
    const model = await loadModel('old-org/tiny-bert', opts());
    expect(model.config.hiddenSize).toBe(32);
    expect(readFileSync(join(repoDir('old-org/tiny-bert'), 'refs', 'main'), 'utf8')).toBe(C_MAIN);
    expect(hub.requests('hub').slice(0, 2).map((r) => r.path)).toEqual(['/old-org/tiny-bert/resolve/main/config.json', '/org/tiny-bert/resolve/main/config.json']);
  });

  it('a model id without an organisation (bert-base-uncased style)', async () => {
    freshCache();
    const dir = await resolveModelFolder('tiny-bert-uncased', opts());
    expect(dir).toBe(join(cacheDir, 'models--tiny-bert-uncased', 'snapshots', C_MAIN));
    expect(hub.requests('hub')[0].path).toBe('/tiny-bert-uncased/resolve/main/config.json');
  });

  it('the Hub out of reach: the cached snapshot of the revision is used; with no cache, one line', async () => {
    freshCache();
    await loadModel('org/tiny-bert', opts());
    const dead = 'http://127.0.0.1:9'; // discard port: connection refused
    const model = await loadModel('org/tiny-bert', { cacheDir, endpoint: dead });
    expect(model.config.hiddenSize).toBe(32);
    await expectHubError(loadModel('org/other', { cacheDir, endpoint: dead }), 'Network', /^org\/other: no such folder, and as a model id: cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('a full disk is one line, and keeps nothing broken', async () => {
    freshCache();
    diskFull.file = `${ST_SHA}.incomplete`; // every write to the weights' download fails with ENOSPC
    try {
      await expectHubError(loadModel('org/tiny-bert', opts()), 'DiskFull', /the disk is full: cannot write 'model\.safetensors'/);
    } finally {
      diskFull.file = undefined;
    }
    expect(existsSync(join(repoDir('org/tiny-bert'), 'snapshots', C_MAIN, 'model.safetensors'))).toBe(false);
  });
});

describe('a cache written by huggingface_hub (built by hand, byte for byte its layout)', () => {
  function pythonCache(copies: boolean): string {
    const root = freshCache();
    const repo = join(root, 'models--google-bert--bert-tiny');
    const commit = 'c'.repeat(40);
    mkdirSync(join(repo, 'refs'), { recursive: true });
    writeFileSync(join(repo, 'refs', 'main'), commit);
    mkdirSync(join(repo, 'blobs'));
    mkdirSync(join(repo, 'snapshots', commit), { recursive: true });
    for (const [file, bytes] of Object.entries(ST)) {
      const etag = file.endsWith('.safetensors') ? sha256(bytes) : gitBlobSha1(bytes);
      const pointer = join(repo, 'snapshots', commit, file);
      if (copies) writeFileSync(pointer, bytes); // Windows without symlinks: the file itself
      else {
        writeFileSync(join(repo, 'blobs', etag), bytes);
        symlinkSync(`../../blobs/${etag}`, pointer);
      }
    }
    mkdirSync(join(repo, '.no_exist', commit), { recursive: true });
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) writeFileSync(join(repo, '.no_exist', commit, f), '');
    mkdirSync(join(root, '.locks', 'models--google-bert--bert-tiny'), { recursive: true });
    writeFileSync(join(root, '.locks', 'models--google-bert--bert-tiny', `${sha256(ST['model.safetensors'])}.lock`), ''); // flock leaves it behind
    return commit;
  }

  for (const copies of [false, true]) {
    it(`HF_HUB_OFFLINE=1 finds it with no request (${copies ? 'copies, as on Windows' : 'relative symlinks'})`, async () => {
      const commit = pythonCache(copies);
      process.env.HF_HUB_OFFLINE = '1';
      process.env.HF_HUB_CACHE = cacheDir;
      try {
        const model = await loadModel('google-bert/bert-tiny', { endpoint: hub.endpoint });
        expect(model.forward({ inputIds: [[2, 9, 3]] }).lastHiddenState.shape).toEqual([1, 3, 32]);
        const tokenizer = await loadTokenizer('google-bert/bert-tiny');
        expect(tokenizer.vocabSize).toBeGreaterThan(10);
        expect(await resolveModelFolder('google-bert/bert-tiny', { revision: commit })).toBe(join(cacheDir, 'models--google-bert--bert-tiny', 'snapshots', commit));
        // the cache entry's own folder works as a path too
        expect(await resolveModelFolder(join(cacheDir, 'models--google-bert--bert-tiny'))).toBe(join(cacheDir, 'models--google-bert--bert-tiny', 'snapshots', commit));
      } finally {
        delete process.env.HF_HUB_CACHE;
      }
      expect(hub.log).toEqual([]);
    });
  }

  it('no network: `await loadPipeline(id)` uses the complete cached snapshot, with one warning for unchecked files', async () => {
    pythonCache(false);
    process.env.HF_HUB_CACHE = cacheDir;
    process.env.HF_ENDPOINT = 'http://127.0.0.1:9'; // nothing listens: connection refused
    const warnings: string[] = [];
    try {
      const nlp = await loadPipeline('google-bert/bert-tiny', { onWarning: (m) => warnings.push(m) });
      expect(nlp).toBeInstanceOf(BertPipeline);
      expect(nlp.embed('a b').length).toBe(32);
      expect(nlp.embedDefaults).toBeUndefined();
    } finally {
      delete process.env.HF_HUB_CACHE;
      delete process.env.HF_ENDPOINT;
    }
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/^google-bert\/bert-tiny: using the cached snapshot c{40}: the Hub cannot be reached \(cannot reach http:\/\/127\.0\.0\.1:9 .*\); not in the cache and so taken as absent: modules\.json$/);
  });

  it('HF_HUB_OFFLINE=1 only skips the attempt: the same load, no request, the same warning', async () => {
    pythonCache(false);
    process.env.HF_HUB_OFFLINE = '1';
    process.env.HF_HUB_CACHE = cacheDir;
    const warnings: string[] = [];
    try {
      const nlp = await loadPipeline('google-bert/bert-tiny', { endpoint: hub.endpoint, onWarning: (m) => warnings.push(m) });
      expect(nlp.model.config.hiddenSize).toBe(32);
    } finally {
      delete process.env.HF_HUB_CACHE;
    }
    expect(hub.log).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/offline mode \(HF_HUB_OFFLINE=1 or localFilesOnly\); not in the cache and so taken as absent: modules\.json$/)]);
  });

  it('a Hub that answers 503: one request, then the cache without asking again', async () => {
    pythonCache(false);
    hub.intercept = (_server, _req, res) => (res.writeHead(503).end(), true);
    const warnings: string[] = [];
    try {
      await loadPipeline('google-bert/bert-tiny', opts({ onWarning: (m: string) => warnings.push(m) }));
    } finally {
      hub.intercept = undefined;
    }
    expect(hub.requests().map((r) => r.path)).toEqual(['/google-bert/bert-tiny/resolve/main/config.json']);
    expect(warnings.length).toBe(1);
  });

  it('an incomplete cached snapshot with no network: one line naming the missing weights', async () => {
    pythonCache(false);
    rmSync(join(cacheDir, 'models--google-bert--bert-tiny', 'snapshots', 'c'.repeat(40), 'model.safetensors'));
    await expectHubError(loadModel('google-bert/bert-tiny', { cacheDir, endpoint: 'http://127.0.0.1:9' }), 'NotCached', /model\.safetensors is not in the cache .*, and the Hub cannot be reached/);
  });

  it('online, a cached branch costs HEADs only (the revision, files not yet known), no download', async () => {
    pythonCache(false);
    hub.addRepo('google-bert/bert-tiny', { commits: { ['c'.repeat(40)]: ST }, refs: { main: 'c'.repeat(40) } });
    await loadModel('google-bert/bert-tiny', opts());
    expect(hub.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /google-bert/bert-tiny/resolve/main/config.json',
      `HEAD /google-bert/bert-tiny/resolve/${'c'.repeat(40)}/modules.json`, // not in .no_exist: asked once…
    ]);
    hub.log.length = 0;
    await loadModel('google-bert/bert-tiny', opts());
    expect(hub.requests().length).toBe(1); // …and remembered as absent
  });
});

describe('the lock file', () => {
  it('serialises holders; a lock whose process is gone, or that went untouched too long, is taken over', async () => {
    const dir = mkdtempSync(join(scratch, 'lock-'));
    const path = join(dir, 'x.lock');
    const order: string[] = [];
    await Promise.all([
      withFileLock(path, async () => {
        order.push('a+');
        await new Promise((r) => setTimeout(r, 120));
        order.push('a-');
      }),
      new Promise((r) => setTimeout(r, 10)).then(() => withFileLock(path, async () => void order.push('b'))),
    ]);
    expect(order).toEqual(['a+', 'a-', 'b']);
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, `999999999 ${(await import('node:os')).hostname()}`); // no such process
    expect(isStale(path)).toBe(true);
    writeFileSync(path, '');
    expect(isStale(path)).toBe(false); // a fresh empty lock (Python's) is respected…
    expect(isStale(path, Date.now() + 60_000)).toBe(true); // …until it is old
    rmSync(path);
    new RepoCache(dir, 'a/b').writeRef('main', 'f'.repeat(40));
    copyFileSync(join(dir, 'models--a--b', 'refs', 'main'), join(dir, 'ref-copy'));
    expect(readFileSync(join(dir, 'ref-copy'), 'utf8')).toBe('f'.repeat(40));
  });
});

describe('a hostile Hub or CDN', () => {
  afterEach(() => {
    hub.intercept = undefined;
  });
  const cdnPort = () => new URL(hub.cdnOrigin).port;
  const hubPort = () => new URL(hub.endpoint).port;
  const isFile = (req: { url?: string }, file: string) => new RegExp(`/resolve/[^/]+/${file.replace('.', '\\.')}$`).test(req.url ?? '');

  it('a protocol-relative redirect to another host never gets the token (HEAD or GET)', async () => {
    freshCache();
    // the LFS answer points at //localhost:CDN/… (another origin: another host and port)
    hub.intercept = (server, req, res) => {
      if (server !== 'hub' || !isFile(req, 'model.safetensors')) return false;
      res.writeHead(302, { location: `//localhost:${cdnPort()}/lfs/${ST_SHA}`, 'x-repo-commit': C_MAIN, 'x-linked-etag': `"${ST_SHA}"`, 'x-linked-size': String(ST['model.safetensors'].byteLength) }).end();
      return true;
    };
    const model = await loadModel('org/private-bert', opts({ token: 'hf_secret' }));
    expect(model.config.hiddenSize).toBe(32);
    expect(hub.requests('cdn').length).toBeGreaterThan(0);
    for (const r of hub.requests('cdn')) expect(r.authorization, `${r.method} ${r.path}`).toBeUndefined();
    expect(hub.requests('hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('a redirect of the GET itself to another origin drops the token; one within the origin keeps it', async () => {
    freshCache();
    const config = ST['config.json'];
    hub.intercept = (server, req, res) => {
      if (server === 'hub' && req.method === 'GET' && isFile(req, 'config.json')) {
        res.writeHead(307, { location: `//localhost:${cdnPort()}/elsewhere/config.json` }).end();
        return true;
      }
      if (server === 'cdn' && req.url === '/elsewhere/config.json') {
        res.writeHead(307, { location: `http://127.0.0.1:${hubPort()}/same-origin/config.json` }).end(); // back to the Hub's origin
        return true;
      }
      if (server === 'hub' && req.url === '/same-origin/config.json') {
        res.writeHead(200, { 'content-length': String(config.byteLength) }).end(config);
        return true;
      }
      return false;
    };
    await loadModel('org/private-bert', opts({ token: 'hf_secret' }));
    expect(hub.requests('cdn').find((r) => r.path === '/elsewhere/config.json')?.authorization).toBeUndefined();
    // the token stays dropped once it left: a later hop back is not given it again
    expect(hub.requests('hub').find((r) => r.path === '/same-origin/config.json')?.authorization).toBeUndefined();
  });

  it('a planted blobs/<etag>.incomplete symlink is refused: nothing outside the cache is written', async () => {
    freshCache();
    const victim = join(scratch, `victim-${n}.txt`);
    writeFileSync(victim, 'keep me');
    const blobs = join(repoDir('org/tiny-bert'), 'blobs');
    mkdirSync(blobs, { recursive: true });
    symlinkSync(victim, join(blobs, `${ST_SHA}.incomplete`));
    await expectHubError(loadModel('org/tiny-bert', opts()), 'Checksum', /refusing .*\.incomplete: it is a symlink/);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(hub.requests('cdn')).toEqual([]);
  });

  it('a planted blobs/<etag> symlink is refused, not linked into the snapshot', async () => {
    freshCache();
    const victim = join(scratch, `victim-blob-${n}.txt`);
    writeFileSync(victim, 'not a model');
    const blobs = join(repoDir('org/tiny-bert'), 'blobs');
    mkdirSync(blobs, { recursive: true });
    symlinkSync(victim, join(blobs, ST_SHA));
    await expectHubError(loadModel('org/tiny-bert', opts()), 'Checksum', /refusing .*blobs\/[0-9a-f]{64}: it is a symlink/);
    expect(existsSync(join(repoDir('org/tiny-bert'), 'snapshots', C_MAIN, 'model.safetensors'))).toBe(false);
  });

  it('a body longer than promised stops one byte past the promise; nothing is kept', async () => {
    freshCache();
    let sent = 0;
    hub.intercept = (server, req, res) => {
      if (server !== 'hub' || req.method !== 'GET' || !isFile(req, 'config.json')) return false;
      // the HEAD promised config.json's real size; the GET streams 64 MB with no length
      res.writeHead(200, { etag: `"${gitBlobSha1(ST['config.json'])}"`, 'x-repo-commit': C_MAIN });
      const chunk = new Uint8Array(64 * 1024).fill(32);
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
      return true;
    };
    await expectHubError(loadModel('org/tiny-bert', opts()), 'TooLarge', new RegExp(`'config\\.json' is longer than the ${ST['config.json'].byteLength} bytes promised`));
    const blobs = join(repoDir('org/tiny-bert'), 'blobs');
    expect(existsSync(blobs) ? readdirSync(blobs) : []).toEqual([]);
    expect(sent).toBeLessThan(64 * 1024 * 1024); // the client hung up early
  });

  it('a text file with no size announced is capped at 50 MB; one announced above it is not fetched', async () => {
    freshCache();
    let gets = 0;
    hub.intercept = (server, req, res) => {
      if (server !== 'hub' || !isFile(req, 'tokenizer_config.json')) return false;
      const headers = { etag: `"${'c'.repeat(40)}"`, 'x-repo-commit': C_MAIN };
      if (req.method === 'HEAD') return res.writeHead(200, { ...headers, 'transfer-encoding': 'chunked' }).end(), true; // no Content-Length
      gets++;
      res.writeHead(200, headers);
      const chunk = new Uint8Array(1024 * 1024).fill(32);
      let sent = 0;
      const pump = () => {
        while (sent < 60) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return true;
    };
    await expectHubError(resolveModelFolder('org/tiny-bert', opts({ parts: 'tokenizer' })), 'TooLarge', /'tokenizer_config\.json' is more than the 52428800-byte limit for a text file/);
    expect(gets).toBe(1);
    expect(readdirSync(join(repoDir('org/tiny-bert'), 'blobs')).some((f) => f.startsWith('c'.repeat(40)))).toBe(false);

    freshCache();
    hub.intercept = (server, req, res) => {
      if (server !== 'hub' || !isFile(req, 'config.json')) return false;
      if (req.method === 'GET') gets++;
      res.writeHead(200, { etag: `"${'d'.repeat(40)}"`, 'x-repo-commit': C_MAIN, 'content-length': String(300 * 1024 * 1024) }).end();
      return true;
    };
    gets = 0;
    await expectHubError(loadModel('org/tiny-bert', opts()), 'TooLarge', /'config\.json' is more than the 52428800-byte limit for a text file \(the Hub announces 314572800 bytes\)/);
    expect(gets).toBe(0);
  });

  it('a body shorter than promised: one retry, then "the server sent N of M bytes"', async () => {
    freshCache();
    const config = ST['config.json'];
    const half = config.subarray(0, config.byteLength >> 1);
    let gets = 0;
    hub.intercept = (server, req, res) => {
      if (server !== 'hub' || req.method !== 'GET' || !isFile(req, 'config.json')) return false;
      gets++;
      res.writeHead(200, { etag: `"${gitBlobSha1(config)}"`, 'x-repo-commit': C_MAIN, 'content-length': String(half.byteLength) }).end(half);
      return true;
    };
    await expectHubError(loadModel('org/tiny-bert', opts()), 'Network', new RegExp(`'config\\.json': the server sent ${half.byteLength} of ${config.byteLength} bytes`));
    expect(gets).toBe(2);
  });

  it('a storage host that cuts every transfer: one resume, then "the server sent N of M bytes"', async () => {
    freshCache();
    const bytes = ST['model.safetensors'];
    let gets = 0;
    hub.intercept = (server, req, res) => {
      if (server !== 'cdn') return false;
      gets++;
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = { 'content-length': String(bytes.byteLength - start) };
      if (start > 0) headers['content-range'] = `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}`;
      res.writeHead(start > 0 ? 206 : 200, headers);
      res.write(bytes.subarray(start, start + 1000), () => setTimeout(() => req.socket.destroy(), 20));
      return true;
    };
    await expectHubError(loadModel('org/tiny-bert', opts()), 'Network', new RegExp(`'model\\.safetensors': the server sent 2000 of ${bytes.byteLength} bytes`));
    expect(gets).toBe(2);
  });
  it('a Content-Length above the promise is refused before the body is read', async () => {
    freshCache();
    hub.intercept = (server, req, res) => {
      if (server !== 'hub' || req.method !== 'GET' || !isFile(req, 'config.json')) return false;
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(new Uint8Array(1024));
      return true;
    };
    await expectHubError(loadModel('org/tiny-bert', opts()), 'TooLarge', /'config\.json' is longer than the \d+ bytes promised \(the server announces 10485760 bytes\)/);
  });
});

describe('one way to load: loadModel / loadTokenizer / loadPipeline / modelFiles', () => {
  const demo = resolve(import.meta.dirname, '..', 'weights', 'demo');

  it('a source that is neither a folder nor a well-formed id: one line, no request', async () => {
    freshCache();
    process.env.HF_ENDPOINT = hub.endpoint;
    try {
      for (const bad of ['./weights/nope', '/no/such/model', 'a/b/c', 'has space', 'org/../x', 'weights/nope/']) {
        for (const load of [loadModel, loadTokenizer, loadPipeline, modelFiles]) {
          const e = await (load as (s: string, o: object) => Promise<unknown>)(bad, { cacheDir }).then(() => undefined, (err: unknown) => err);
          expect(e, `${load.name}(${bad})`).toBeInstanceOf(BertTsError);
          expect((e as Error).message).toBe(`${bad} is not a folder and not a model id`);
        }
      }
    } finally {
      delete process.env.HF_ENDPOINT;
    }
    // untrusted text stays one line
    const e = await loadModel('a\nb/c', { cacheDir }).then(() => undefined, (err: unknown) => err);
    expect((e as Error).message).toBe('"a\\nb/c" is not a folder and not a model id');
    expect(hub.log).toEqual([]);
  });

  it("a well-formed id the Hub does not have: the Hub's answer, and that no such folder exists either", async () => {
    freshCache();
    const e = await expectHubError(loadPipeline('weights/nope', opts()), 'RepoNotFound', /^weights\/nope: repository not found/);
    expect(e.hint).toMatch(/there is no folder weights\/nope here$/);
    expect(hub.requests().length).toBe(1);
  });

  it('loadModel gives a BertModel and loadPipeline a BertPipeline, from the Node and the browser entry alike', async () => {
    const browser = await import('../src/load/browser.ts');
    const files = Object.fromEntries(readdirSync(demo).map((f) => [f, new Uint8Array(readFileSync(join(demo, f)))]));
    const fetchFn = (async (url: RequestInfo | URL) => {
      const name = String(url).replace('https://m.test/demo/', '');
      return files[name] ? new Response(files[name], { headers: { 'content-length': String(files[name].length) } }) : new Response('no', { status: 404 });
    }) as typeof fetch;
    const fromFolder = await loadModel(demo);
    const fromUrlInNode = await loadModel('https://m.test/demo/', { fetch: fetchFn });
    const fromBrowser = await browser.loadModel('https://m.test/demo/', { fetch: fetchFn });
    const ids = { inputIds: [[2, 10, 11, 3]] };
    const out = fromFolder.forward(ids).lastHiddenState.data.slice();
    for (const m of [fromUrlInNode, fromBrowser]) {
      expect(m).toBeInstanceOf(BertModel);
      expect(Array.from(m.forward(ids).lastHiddenState.data)).toEqual(Array.from(out));
    }
    const pipelines = [await loadPipeline(demo), await browser.loadPipeline('https://m.test/demo/', { fetch: fetchFn })];
    for (const p of pipelines) {
      expect(p).toBeInstanceOf(BertPipeline);
      expect(p.tokenizer.encode('the capital of france').inputIds).toEqual(pipelines[0].tokenizer.encode('the capital of france').inputIds);
    }
    // a folder's files are read in place: the seam says where they are; they also stream through it
    const folder = await modelFiles(demo);
    expect(folder.dir).toBe(demo);
    const report = await checkGoldenCase(await loadPipeline(folder), folder);
    expect(report.ok && report.idsMatch).toBe(true);
    expect(await folder.open('no-such-file.json')).toBeUndefined();
  });

  it('a Hub id, online: loadPipeline brings the sentence-transformers settings along', async () => {
    freshCache();
    const nlp = await loadPipeline('sentence-transformers/tiny-st', opts());
    expect(nlp.embedDefaults).toMatchObject({ pooling: 'mean', normalize: true, maxSeqLength: 64 });
    const v = nlp.embed('a b c');
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const tokenizer = await loadTokenizer('sentence-transformers/tiny-st', opts());
    expect(tokenizer.encode('a b').inputIds).toEqual(nlp.tokenizer.encode('a b').inputIds);
  });
});

describe('the browser loader against the loopback Hub', () => {
  it('sends the token to the Hub, and fetch drops it on the redirect to the storage host', async () => {
    hub.log.length = 0;
    const browser = await import('../src/load/browser.ts');
    const model = await browser.loadModel('org/private-bert', { endpoint: hub.endpoint, token: 'hf_secret' });
    expect(model.config.hiddenSize).toBe(32);
    expect(hub.requests('hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
    expect(hub.requests('cdn').length).toBeGreaterThan(0);
    for (const r of hub.requests('cdn')) expect(r.authorization).toBeUndefined();
  });
});

describe('the browser loader: a model id the Hub does not have', () => {
  it("gets the Hub's answer, not 'no config.json'", async () => {
    const browser = await import('../src/load/browser.ts');
    await expect(browser.loadPipeline('org/nope', { endpoint: hub.endpoint })).rejects.toThrow(/^org\/nope: repository not found, or private and needs a token \(HTTP 401 RepoNotFound\)$/);
    await expect(browser.loadModel('org/tiny-bert', { endpoint: hub.endpoint, revision: 'no-such-branch' })).rejects.toThrow(/^org\/tiny-bert: no such revision \(HTTP 404 RevisionNotFound\)$/);
  });
});

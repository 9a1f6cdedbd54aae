// `bert-ts serve`'s server against a hostile page: DNS rebinding (the Host
// header), files a model does not need, symlinks out of the folder, reads that
// fail (the server stays up), and a port out of range. In-process, loopback only.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { startViewerServer, type ViewerServer } from '../src/cli/commands/serve.ts';
import { hostAllowed } from '../src/cli/serve/host-check.ts';
import { listedFiles } from '../src/cli/serve/model-file-list.ts';
import { runToExit } from '../src/cli/run.ts';
import { BertTsError } from '../src/errors.ts';

// fs/promises' open, with a switch to make the next open or read of a file fail
// (as root, chmod 000 cannot make a file unreadable)
const failures = vi.hoisted(() => ({ open: undefined as string | undefined, read: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fsp.open = async (path, ...rest) => {
    if (failures.open !== undefined && String(path).endsWith(failures.open)) {
      failures.open = undefined;
      throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES', syscall: 'open' });
    }
    const fh = await fsp.open(path, ...rest);
    if (failures.read !== undefined && String(path).endsWith(failures.read)) {
      failures.read = undefined;
      fh.createReadStream = () => {
        let sent = false;
        return new Readable({
          read() {
            if (sent) return this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
            sent = true;
            this.push(Buffer.from('{"a'));
          },
        }) as never;
      };
    }
    return fh;
  };
  return { ...fsp, open, default: { ...fsp, open } };
});

let tmp: string;
let server: ViewerServer;
let port: number;

interface Answer {
  status: number;
  body: string;
}

/** A GET with the Host header we choose (fetch forbids setting it). */
function get(path: string, host = `127.0.0.1:${port}`): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** A GET whose response may be cut: resolves with what arrived, or 'reset'. */
function getRaw(path: string): Promise<Answer | 'reset'> {
  return get(path).catch(() => 'reset' as const);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bert-ts-serve-'));
  const web = join(tmp, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(join(web, 'worker.js'), '// worker');
  writeFileSync(join(tmp, 'outside.txt'), 'a secret outside every model folder');
  symlinkSync(join(tmp, 'outside.txt'), join(web, 'main.js'));

  // a plain model folder with things beside the model
  const m = join(tmp, 'plain');
  mkdirSync(join(m, '1_Pooling'), { recursive: true });
  mkdirSync(join(m, 'sub'));
  writeFileSync(join(m, 'config.json'), '{"model_type":"bert"}');
  writeFileSync(join(m, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors', c: '../outside.safetensors' } }));
  writeFileSync(join(m, 'model-00001-of-00002.safetensors'), 'shard one');
  writeFileSync(join(m, 'model-00002-of-00002.safetensors'), 'shard two');
  writeFileSync(join(m, 'model-00003-of-00002.safetensors'), 'a shard the index does not name');
  writeFileSync(join(m, 'modules.json'), JSON.stringify([{ idx: 0, path: '', type: 'sentence_transformers.models.Transformer' }, { idx: 1, path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]));
  writeFileSync(join(m, '1_Pooling', 'config.json'), '{"pooling_mode_mean_tokens":true}');
  writeFileSync(join(m, '1_Pooling', 'notes.txt'), 'not a module file');
  writeFileSync(join(m, 'notes_private.txt'), 'private notes');
  writeFileSync(join(m, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----');
  writeFileSync(join(m, 'sub', 'tokenizer.json'), '{"model":{}}');
  symlinkSync(join(m, 'sub', 'tokenizer.json'), join(m, 'tokenizer.json')); // inside: followed
  symlinkSync('/etc/hostname', join(m, 'vocab.txt')); // out: refused
  symlinkSync('../outside.txt', join(m, 'special_tokens_map.json')); // out, relative: refused
  execFileSync('mkfifo', [join(m, 'tokenizer_config.json')]); // a FIFO must not hang the server
  writeFileSync(join(m, 'added_tokens.json'), '{}');

  const old = join(tmp, 'old');
  mkdirSync(join(old, '0_BERT'), { recursive: true });
  writeFileSync(join(old, 'modules.json'), JSON.stringify([{ path: '0_BERT', type: 'sentence_transformers.models.BERT' }, { path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]));

  // a snapshot of the Hugging Face cache: files are symlinks into ../../blobs
  const repo = join(tmp, 'hub', 'models--org--name');
  const snap = join(repo, 'snapshots', 'c'.repeat(40));
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(snap, { recursive: true });
  writeFileSync(join(repo, 'blobs', 'e1'), '{"model_type":"bert","hub":true}');
  symlinkSync('../../blobs/e1', join(snap, 'config.json'));
  symlinkSync('../../../../outside.txt', join(snap, 'vocab.txt'));
  symlinkSync('../../refs/main', join(snap, 'tokenizer.json')); // in the repo, not in blobs/
  mkdirSync(join(repo, 'refs'));
  writeFileSync(join(repo, 'refs', 'main'), 'c'.repeat(40));

  server = await startViewerServer({ webRoot: web, models: [{ name: 'plain', dir: m }, { name: 'cached', dir: snap }], port: 0, allowHosts: ['my-proxy.local'] });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('bert-ts serve: the Host header (DNS rebinding)', () => {
  it('answers localhost, 127.0.0.1 and [::1] with its port, and names given with allowHosts', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`, 'my-proxy.local', `my-proxy.local:${port}`]) {
      expect((await get('/models/plain/config.json', host)).status, host).toBe(200);
    }
  });
  it('answers 403 to any other Host, or one of ours with another port', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', 'localhost', `127.0.0.2:${port}`, `[::2]:${port}`, `localhost:${port}@evil`]) {
      const r = await get('/models/plain/config.json', host);
      expect(r.status, host).toBe(403);
      expect(r.body).not.toContain('model_type');
    }
    expect((await get('/models.json', `evil.example:${port}`)).status).toBe(403);
    expect((await get('/', `evil.example:${port}`)).status).toBe(403);
    // HTTP/1.0 without a Host header
    const raw = await new Promise<string>((ok, fail) => {
      const s = connect(port, '127.0.0.1', () => s.end('GET /models/plain/config.json HTTP/1.0\r\n\r\n'));
      let text = '';
      s.on('data', (c) => (text += String(c)));
      s.on('end', () => ok(text));
      s.on('error', fail);
    });
    expect(raw).toMatch(/^HTTP\/1\.[01] 403/);
  });
  it('hostAllowed, as a function', () => {
    expect(hostAllowed('localhost:8000', 8000)).toBe(true);
    expect(hostAllowed('localhost:8001', 8000)).toBe(false);
    expect(hostAllowed(undefined, 8000)).toBe(false);
    expect(hostAllowed('Proxy.Example:443', 8000, ['proxy.example'])).toBe(true);
    expect(hostAllowed('proxy.example.evil:443', 8000, ['proxy.example'])).toBe(false);
  });
});

describe('bert-ts serve: only the files a model needs', () => {
  it('serves config, weights, the shards the index names, the tokenizer and module files', async () => {
    for (const f of ['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'modules.json', '1_Pooling/config.json', 'tokenizer.json', 'added_tokens.json']) {
      expect((await get(`/models/plain/${f}`)).status, f).toBe(200);
    }
    expect((await get('/models/plain/tokenizer.json')).body).toBe('{"model":{}}'); // a symlink that stays inside
  });
  it('answers 404 for anything else in the folder', async () => {
    for (const f of ['notes_private.txt', 'id_rsa', 'model-00003-of-00002.safetensors', '1_Pooling/notes.txt', 'sub/tokenizer.json', '..%2Foutside.txt', '%2E%2E/outside.txt', '.git/config', 'outside.safetensors']) {
      const r = await get(`/models/plain/${f}`);
      expect(r.status, f).toBe(404);
      expect(r.body).not.toMatch(/secret|private notes|OPENSSH/);
    }
    const names = await listedFiles(join(tmp, 'plain'));
    expect(names.has('model-00003-of-00002.safetensors')).toBe(false);
    expect([...names].some((n) => n.includes('..'))).toBe(false);
  });
  it('does not follow a symlink out of the folder (absolute or relative), nor one in the web root', async () => {
    for (const f of ['vocab.txt', 'special_tokens_map.json']) {
      const r = await get(`/models/plain/${f}`);
      expect(r.status, f).toBe(404);
      expect(r.body).not.toContain('secret');
    }
    expect((await get('/main.js')).status).toBe(404);
  });
  it('a Hugging Face cache snapshot: symlinks into its blobs/ are followed, others are not', async () => {
    const r = await get('/models/cached/config.json');
    expect(r.status).toBe(200);
    expect(r.body).toContain('"hub":true');
    expect((await get('/models/cached/vocab.txt')).status).toBe(404);
    expect((await get('/models/cached/tokenizer.json')).status).toBe(404);
  });
  it("the old sentence-transformers layout: the model files in the Transformer module's folder", async () => {
    const names = await listedFiles(join(tmp, 'old'));
    expect(names.has('0_BERT/config.json') && names.has('0_BERT/vocab.txt') && names.has('0_BERT/model.safetensors')).toBe(true);
    expect(names.has('0_BERT/notes.txt')).toBe(false);
    expect(names.has('1_Pooling/model.safetensors')).toBe(false);
  });
  it('a FIFO where a file belongs is 404, and does not hang the server', async () => {
    expect((await get('/models/plain/tokenizer_config.json')).status).toBe(404);
    expect((await get('/models/plain/config.json')).status).toBe(200);
  });
});

describe('bert-ts serve: a read that fails never stops the server', () => {
  it('an unreadable file is 500, and the next request is served', async () => {
    failures.open = join('plain', 'added_tokens.json');
    const r = await get('/models/plain/added_tokens.json');
    expect(r.status).toBe(500);
    expect(r.body).toContain('EACCES');
    expect((await get('/models/plain/added_tokens.json')).status).toBe(200);
  });
  it('a read error after the headers cuts that response only', async () => {
    failures.read = join('plain', 'config.json');
    const r = await getRaw('/models/plain/config.json');
    expect(r === 'reset' || r.body.length < '{"model_type":"bert"}'.length).toBe(true);
    const again = await get('/models/plain/config.json');
    expect(again).toEqual({ status: 200, body: '{"model_type":"bert"}' });
  });
  it('a file deleted after it was listed is 404', async () => {
    const path = join(tmp, 'plain', 'model-00002-of-00002.safetensors');
    rmSync(path);
    expect((await get('/models/plain/model-00002-of-00002.safetensors')).status).toBe(404);
    writeFileSync(path, 'shard two');
    expect((await get('/models/plain/model-00002-of-00002.safetensors')).status).toBe(200);
  });
});

describe('bert-ts serve: the port', () => {
  const sink = () => {
    let text = '';
    return { stream: new Writable({ write: (c, _e, done) => ((text += String(c)), done()) }), text: () => text };
  };
  it('--port out of range is a usage error (exit 2, one line), before anything starts', async () => {
    for (const bad of ['99999', '65536', '-1', 'http', '1.5']) {
      const out = sink();
      const err = sink();
      const code = await runToExit(['serve', `--port=${bad}`], { stdin: Readable.from([]), stdout: out.stream, stderr: err.stream });
      expect(code, bad).toBe(2);
      expect(err.text()).toMatch(/^bert-ts: error: serve: --port must be/);
      expect(err.text()).not.toMatch(/\n\s+at /);
    }
  });
  it('startViewerServer refuses a port out of range with a BertTsError', () => {
    expect(() => startViewerServer({ webRoot: join(tmp, 'web'), models: [], port: 99999 })).toThrow(BertTsError);
  });
});

// Loading from URLs, Hub ids and File objects (src/browser/), run in Node
// (which has fetch, streams and File) against a fake fetch over weights/demo:
// bytes arrive in small chunks, so the safetensors header is split across them.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BertTsError } from '../src/errors.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { readSafetensors, openCheckpoint } from '../src/tensor/safetensors-fs.ts';
import { serializeSafetensors } from '../src/tensor/safetensors.ts';
import { loadModel, loadPipeline, modelFiles } from '../src/load/browser.ts';
import { hubFiles, isUrl, pickedFiles, readBytes, urlFiles } from '../src/load/model-files.ts';
import { streamSafetensors } from '../src/load/stream-safetensors.ts';
import type { ProgressEvent } from '../src/load-options.ts';
import { checkGoldenCase } from '../src/browser/golden.ts';
import { readGoldenInputs } from '../src/golden/golden-case.ts';
import type { TensorMemory } from '../src/tensor/alloc.ts';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, 'weights', 'demo');
const demoFiles = Object.fromEntries(readdirSync(demo).map((f) => [f, new Uint8Array(readFileSync(join(demo, f)))]));

/** A ReadableStream of `bytes`: four chunks of 3 bytes (splitting the 8-byte header length), then chunks of `chunk` bytes. */
function chunked(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  let n = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      const size = n++ < 4 ? 3 : chunk;
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

interface FakeOptions { chunk?: number; length?: boolean; headers?: (url: string) => Record<string, string>; status?: (url: string) => number }

/** A fetch serving `files` under http://models.test/<prefix>: 404 for anything else. */
function fakeFetch(prefix: string, files: Record<string, Uint8Array>, opts: FakeOptions = {}) {
  const seen: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    seen.push(url);
    const status = opts.status?.(url) ?? 200;
    const name = url.startsWith(prefix) ? url.slice(prefix.length) : undefined;
    const body = name === undefined ? undefined : files[name];
    if (status !== 200) return new Response('no', { status, headers: opts.headers?.(url) });
    if (!body) return new Response('not found', { status: 404 });
    const headers: Record<string, string> = { ...(opts.headers?.(url) ?? {}) };
    if (opts.length !== false) headers['content-length'] = String(body.length);
    return new Response(chunked(body, opts.chunk ?? 613), { status: 200, headers });
  }) as typeof fetch;
  return { fetch: fetchFn, seen };
}

function sameOutputs(a: ReturnType<typeof loadBertModel>, b: ReturnType<typeof loadBertModel>): void {
  const inputs = readGoldenInputs(join(demo, 'inputs.json'));
  const x = a.forward(inputs, { mlm: true, nsp: true });
  const y = b.forward(inputs, { mlm: true, nsp: true });
  const same = (p: Float32Array, q: Float32Array) => p.length === q.length && p.every((v, i) => v === q[i]);
  expect(same(y.lastHiddenState.data, x.lastHiddenState.data)).toBe(true);
  expect(same(y.mlmLogits!.data, x.mlmLogits!.data)).toBe(true);
}

describe('model sources', () => {
  it('tells URLs from Hub ids', () => {
    for (const s of ['https://x.org/m', 'http://127.0.0.1:8000/m/', '/weights/demo', './demo', '../m', 'blob:https://x/1']) expect(isUrl(s)).toBe(true);
    for (const s of ['bert-base-uncased', 'google-bert/bert-base-uncased', 'weights/demo']) expect(isUrl(s)).toBe(false);
  });

  it('maps a Hub id to {endpoint}/{id}/resolve/{revision}/{file}', async () => {
    const f = fakeFetch('https://hub.test/org/demo/resolve/v1.0/', demoFiles);
    const files = hubFiles('org/demo', { endpoint: 'https://hub.test/', revision: 'v1.0', fetch: f.fetch });
    expect(files.folder).toBe('demo');
    expect(new TextDecoder().decode(await readBytes(files, 'config.json'))).toContain('"hidden_size": 64');
    expect(f.seen).toEqual(['https://hub.test/org/demo/resolve/v1.0/config.json']);
    const g = fakeFetch('https://huggingface.co/name/resolve/main/', demoFiles);
    await readBytes(await modelFiles('name', { fetch: g.fetch }), 'vocab.txt');
    expect(g.seen).toEqual(['https://huggingface.co/name/resolve/main/vocab.txt']);
  });

  it('refuses a string that is neither a URL nor a Hub id, in one line with a hint', () => {
    for (const bad of ['a/b/c', 'org/../x', 'has space']) {
      const e = (() => { try { hubFiles(bad); } catch (err) { return err; } })() as BertTsError;
      expect(e).toBeInstanceOf(BertTsError);
      expect(e.message).toContain('is not a URL and not a model id');
      expect(e.hint).toContain("'org/name'");
    }
  });

  it('reads File objects by name, a picked folder included', async () => {
    const files = Object.entries(demoFiles).map(([n, b]) => {
      const f = new File([b], n);
      Object.defineProperty(f, 'webkitRelativePath', { value: `models/demo/${n}` });
      return f;
    });
    const picked = pickedFiles(files);
    expect(picked.folder).toBe('demo');
    expect(await picked.open('nope.json')).toBeUndefined();
    expect(Array.from((await readBytes(picked, 'config.json'))!)).toEqual(Array.from(demoFiles['config.json']));
  });

  it('reports HTTP errors with the Hub error code and a hint; a 404 is an absent file', async () => {
    const gated = fakeFetch('https://hub.test/', demoFiles, { status: () => 403, headers: () => ({ 'x-error-code': 'GatedRepo' }) });
    await expect(readBytes(urlFiles('https://hub.test/', { fetch: gated.fetch }), 'config.json')).rejects.toThrow(/HTTP 403 \(GatedRepo\)/);
    const f = fakeFetch('https://m.test/', demoFiles);
    expect(await readBytes(urlFiles('https://m.test', { fetch: f.fetch }), 'tokenizer.json')).toBeUndefined();
  });
});

describe('a hostile server (browser reader)', () => {
  /** A fetch answering every URL with `total` bytes of spaces, announcing `announced` (or nothing); counts the bytes pulled. */
  function endless(total: number, announced: number | null) {
    const pulled = { bytes: 0 };
    const fetchFn = (async () => {
      const chunk = new Uint8Array(64 * 1024).fill(32);
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulled.bytes >= total) return c.close();
          pulled.bytes += chunk.length;
          c.enqueue(chunk);
        },
      }, { highWaterMark: 0 });
      return new Response(body, { status: 200, headers: announced === null ? {} : { 'content-length': String(announced) } });
    }) as typeof fetch;
    return { fetch: fetchFn, pulled };
  }
  it('stops one chunk past the announced size', async () => {
    const f = endless(200 * 1024 * 1024, 472);
    await expect(readBytes(urlFiles('https://m.test/', { fetch: f.fetch }), 'config.json')).rejects.toThrow(/more bytes arrived than the 472 announced/);
    expect(f.pulled.bytes).toBeLessThanOrEqual(2 * 64 * 1024);
  });
  it('caps a text file at 50 MB, announced or not', async () => {
    const unsized = endless(300 * 1024 * 1024, null);
    await expect(loadModel('https://m.test/', { fetch: unsized.fetch })).rejects.toThrow(/more than the 52428800-byte limit for a text file/);
    expect(unsized.pulled.bytes).toBeLessThanOrEqual(50 * 1024 * 1024 + 2 * 64 * 1024);
    const big = endless(300 * 1024 * 1024, 300 * 1024 * 1024);
    await expect(loadModel('https://m.test/', { fetch: big.fetch })).rejects.toThrow(/314572800 bytes is more than the 52428800-byte limit/);
    expect(big.pulled.bytes).toBeLessThanOrEqual(2 * 64 * 1024);
  });
  it('a body shorter than announced says how much arrived', async () => {
    const f = endless(64 * 1024, 100 * 1024);
    await expect(readBytes(urlFiles('https://m.test/', { fetch: f.fetch }), 'vocab.txt')).rejects.toThrow(/the server sent 65536 of 102400 bytes/);
  });
});

describe('loadModel', () => {
  it('loads from a URL in small chunks, with progress, to the same model as loadBertModel', async () => {
    const f = fakeFetch('https://m.test/demo/', demoFiles, { chunk: 613 });
    const events: ProgressEvent[] = [];
    const { model, tokenizer } = await loadPipeline('https://m.test/demo', { fetch: f.fetch, onProgress: (p) => events.push(p) });
    expect(model.config.hiddenSize).toBe(64);
    expect(tokenizer.encode('Paris is the capital of [MASK].').inputIds).toEqual(readGoldenInputs(join(demo, 'inputs.json')).inputIds[2].slice(0, 9));
    sameOutputs(loadBertModel(demo), model);
    const weights = events.filter((e) => e.file === 'model.safetensors') as Extract<ProgressEvent, { loaded: number }>[];
    const size = demoFiles['model.safetensors'].length;
    expect(weights.length).toBeGreaterThan(100);
    expect(weights.every((e, i) => i === 0 || e.loaded >= weights[i - 1].loaded)).toBe(true);
    expect(weights.at(-1)).toEqual({ status: 'done', repo: 'https://m.test/demo/', file: 'model.safetensors', loaded: size, total: size });
    expect(weights.slice(0, -1).every((e) => e.total === size && e.status === 'progress')).toBe(true);
  });

  it('without Content-Length (a compressed response) still loads', async () => {
    const f = fakeFetch('https://m.test/', demoFiles, { length: false, chunk: 4096 });
    sameOutputs(loadBertModel(demo), await loadModel('https://m.test/', { fetch: f.fetch }));
  });

  it('loads a sharded checkpoint (model.safetensors.index.json and its shards)', async () => {
    const whole = readSafetensors(join(demo, 'model.safetensors'));
    const names = whole.names();
    const half = Math.ceil(names.length / 2);
    const shard = (list: string[]) => serializeSafetensors(list.map((n) => ({ name: n, shape: whole.info(n)!.shape, data: whole.float32(n) })));
    const weightMap: Record<string, string> = {};
    names.forEach((n, i) => (weightMap[n] = i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors'));
    const { 'model.safetensors': _, ...rest } = demoFiles;
    const files = {
      ...rest,
      'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ metadata: {}, weight_map: weightMap })),
      'model-00001-of-00002.safetensors': shard(names.slice(0, half)),
      'model-00002-of-00002.safetensors': shard(names.slice(half)),
    };
    const f = fakeFetch('https://m.test/', files, { chunk: 1000 });
    sameOutputs(loadBertModel(demo), await loadModel('https://m.test/', { fetch: f.fetch }));
  });

  it('names the missing file: no config.json, no weights', async () => {
    const { 'config.json': _c, ...noConfig } = demoFiles;
    await expect(loadModel('https://m.test/', { fetch: fakeFetch('https://m.test/', noConfig).fetch })).rejects.toThrow('https://m.test/: no config.json');
    const { 'model.safetensors': _m, ...noWeights } = demoFiles;
    await expect(loadModel('https://m.test/', { fetch: fakeFetch('https://m.test/', noWeights).fetch })).rejects.toThrow(/has neither model\.safetensors nor model\.safetensors\.index\.json/);
  });

  it('loads from File objects', async () => {
    const files = Object.entries(demoFiles).map(([n, b]) => new File([b], n));
    sameOutputs(loadBertModel(demo), await loadModel(files));
  });
});

describe('streamSafetensors', () => {
  const bytes = demoFiles['model.safetensors'];
  const stream = (b: Uint8Array, size: number | null, chunk = 613) => ({ name: 'model.safetensors', where: 'https://m.test/model.safetensors', size, body: chunked(b, chunk) });

  it('writes the file straight into the given memory: one allocation of the file size, tensors are views there', async () => {
    const buffer = new ArrayBuffer(bytes.length + 64);
    const sizes: number[] = [];
    const memory: TensorMemory = { name: 'test', bytes: (n) => (sizes.push(n), new Uint8Array(buffer, 16, n)) };
    const file = await streamSafetensors(stream(bytes, bytes.length), memory);
    expect(sizes).toEqual([bytes.length]);
    const reference = openCheckpoint(demo);
    for (const name of file.names()) {
      const t = file.float32(name);
      expect(t.buffer).toBe(buffer);
      expect(Array.from(t)).toEqual(Array.from(reference.float32(name)));
    }
  });

  it('fails in one line naming the file: corrupt header, cut short, too long', async () => {
    const corrupt = bytes.slice();
    corrupt[10] = 0xff;
    await expect(streamSafetensors(stream(corrupt, corrupt.length), undefined)).rejects.toThrow(/^https:\/\/m\.test\/model\.safetensors: header is not valid/);
    await expect(streamSafetensors(stream(bytes.subarray(0, 5000), bytes.length), undefined)).rejects.toThrow(/got 5000 of \d+ bytes/);
    await expect(streamSafetensors(stream(bytes, bytes.length - 10), undefined)).rejects.toThrow(/more bytes arrived than the \d+ announced|data section/);
    await expect(streamSafetensors(stream(bytes.subarray(0, 3), null), undefined)).rejects.toThrow(/too short to hold the 8-byte header length/);
  });
});

describe('checkGoldenCase', () => {
  it("runs weights/demo's golden case from a URL: ids from its texts, every output OK", async () => {
    const source = await modelFiles('https://m.test/', { fetch: fakeFetch('https://m.test/', demoFiles, { chunk: 65536 }).fetch });
    const report = await checkGoldenCase(await loadPipeline(source), source);
    expect(report.idsMatch).toBe(true);
    expect(report.ok).toBe(true);
    expect(report.tensors.map((t) => t.name).sort()).toEqual(['attentions', 'embeddings', 'hidden_states', 'last_hidden_state', 'mlm_logits', 'nsp_logits', 'pooler_output']);
  });

  it('fails the case when an output is wrong (a negative control)', async () => {
    const golden = readSafetensors(join(demo, 'golden.safetensors'));
    const tensors = golden.names().map((n) => ({ name: n, shape: golden.info(n)!.shape, data: golden.float32(n).slice() }));
    tensors.find((t) => t.name === 'pooler_output')!.data[3] += 0.01;
    const files = { ...demoFiles, 'golden.safetensors': serializeSafetensors(tensors) };
    const source = await modelFiles('https://m.test/', { fetch: fakeFetch('https://m.test/', files, { chunk: 65536 }).fetch });
    const report = await checkGoldenCase(await loadPipeline(source), source);
    expect(report.ok).toBe(false);
    expect(report.tensors.filter((t) => !t.ok).map((t) => t.name)).toEqual(['pooler_output']);
  });
});

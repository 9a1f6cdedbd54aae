// A loopback imitation of the Hugging Face Hub's file protocol, for tests (no network):
//   HEAD/GET /{repo}/resolve/{revision}/{file}
//     small file → 200, ETag "<git blob sha1>", X-Repo-Commit, Content-Length, body on GET
//     LFS file (*.safetensors, *.bin) → 302 to a SECOND loopback server ("the CDN", another
//       host:port) with X-Linked-Etag "<sha256>", X-Linked-Size, X-Repo-Commit
//     errors → X-Error-Code RepoNotFound / RevisionNotFound / EntryNotFound / GatedRepo
//   the CDN serves GET /lfs/{sha256} with Range (206 + Content-Range).
// Every request is logged (method, path, range, authorization) so tests can count them,
// and hooks cut a transfer mid-file or corrupt one.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RepoFixture {
  /** commit sha → files (path → bytes) */
  commits: Record<string, Record<string, Uint8Array>>;
  /** branch or tag → commit sha */
  refs: Record<string, string>;
  /** private: needs `Authorization: Bearer <token>`; gated: the same, with GatedRepo */
  access?: { kind: 'private' | 'gated'; token: string };
}

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const isLfs = (file: string) => /\.(safetensors|bin|onnx)$/.test(file);

export class LoopbackHub {
  readonly repos = new Map<string, RepoFixture>();
  readonly log: LoggedRequest[] = [];
  /** cut the next CDN transfer of this sha256 after `bytes` bytes (once) */
  cut: { sha: string; bytes: number } | undefined;
  /** serve these bytes instead of the real ones for a sha256 (a corrupt CDN) */
  corrupt = new Map<string, Uint8Array>();
  /** a renamed repository: old id → new id, answered with a relative 307 as the Hub does */
  renamed = new Map<string, string>();
  /** delay every CDN chunk by this many ms (to hold two downloads side by side) */
  slowCdnMs = 0;
  /** a hostile server: answers a request itself when it returns true (after the request is logged) */
  intercept: ((server: 'hub' | 'cdn', req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  private hub!: Server;
  private cdn!: Server;
  private blobs = new Map<string, Uint8Array>();

  get endpoint(): string {
    return `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
  }
  get cdnOrigin(): string {
    return `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
  }

  addRepo(id: string, repo: RepoFixture): void {
    this.repos.set(id, repo);
    for (const files of Object.values(repo.commits)) {
      for (const [file, bytes] of Object.entries(files)) if (isLfs(file)) this.blobs.set(sha256(bytes), bytes);
    }
  }

  requests(server?: 'hub' | 'cdn'): LoggedRequest[] {
    return this.log.filter((r) => server === undefined || r.server === server);
  }

  async start(): Promise<this> {
    this.hub = createServer((req, res) => this.serveHub(req, res));
    this.cdn = createServer((req, res) => void this.serveCdn(req, res));
    await Promise.all([this.hub, this.cdn].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    return this;
  }

  async close(): Promise<void> {
    for (const s of [this.hub, this.cdn]) s.closeAllConnections();
    await Promise.all([this.hub, this.cdn].map((s) => new Promise((r) => s.close(r))));
  }

  private record(server: 'hub' | 'cdn', req: IncomingMessage): void {
    this.log.push({ server, method: req.method ?? '', path: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });
  }

  private serveHub(req: IncomingMessage, res: ServerResponse): void {
    this.record('hub', req);
    if (this.intercept?.('hub', req, res)) return;
    const url = new URL(req.url ?? '/', this.endpoint);
    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const fail = (status: number, code?: string, commit?: string) => {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (code) headers['x-error-code'] = code;
      if (commit) headers['x-repo-commit'] = commit;
      res.writeHead(status, headers).end(code ?? 'error');
    };
    if (!m) return fail(404);
    const [repoId, revision, file] = [decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3].split('/').map(decodeURIComponent).join('/')];
    const movedTo = this.renamed.get(repoId);
    if (movedTo) return void res.writeHead(307, { location: `/${movedTo}/resolve/${m[2]}/${m[3]}`, 'x-repo-commit': 'ignored-by-the-client' }).end();
    const repo = this.repos.get(repoId);
    if (!repo) return fail(401, 'RepoNotFound'); // the Hub answers 401 to an anonymous request for an unknown repo
    if (repo.access && req.headers.authorization !== `Bearer ${repo.access.token}`) {
      return repo.access.kind === 'gated' ? fail(403, 'GatedRepo') : fail(401, 'RepoNotFound');
    }
    const commit = repo.refs[revision] ?? (repo.commits[revision] ? revision : undefined);
    if (!commit) return fail(404, 'RevisionNotFound');
    const bytes = repo.commits[commit][file];
    if (!bytes) return fail(404, 'EntryNotFound', commit);
    if (isLfs(file)) {
      const sha = sha256(bytes);
      res.writeHead(302, {
        location: `${this.cdnOrigin}/lfs/${sha}`,
        'x-repo-commit': commit,
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(bytes.byteLength),
        etag: `"${gitBlobSha1(new TextEncoder().encode(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha}\nsize ${bytes.byteLength}\n`))}"`,
      });
      return void res.end();
    }
    res.writeHead(200, { etag: `"${gitBlobSha1(bytes)}"`, 'x-repo-commit': commit, 'content-length': String(bytes.byteLength), 'accept-ranges': 'bytes' });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  private async serveCdn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.record('cdn', req);
    if (this.intercept?.('cdn', req, res)) return;
    const sha = /^\/lfs\/([0-9a-f]{64})$/.exec(req.url ?? '')?.[1];
    const real = sha ? this.blobs.get(sha) : undefined;
    if (!sha || !real) return void res.writeHead(404).end();
    const bytes = this.corrupt.get(sha) ?? real;
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) start = Number(range[1]);
    if (start >= bytes.byteLength && bytes.byteLength > 0) return void res.writeHead(416, { 'content-range': `bytes */${bytes.byteLength}` }).end();
    const body = bytes.subarray(start);
    const headers: Record<string, string> = { etag: `"${sha}"`, 'content-length': String(body.byteLength), 'accept-ranges': 'bytes' };
    if (range) headers['content-range'] = `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    const cut = this.cut?.sha === sha ? this.cut : undefined;
    if (cut) this.cut = undefined;
    const limit = cut ? Math.max(0, cut.bytes - start) : body.byteLength; // bytes sent before the cut
    const chunk = 4096;
    for (let at = 0; at < Math.min(limit, body.byteLength); at += chunk) {
      const end = Math.min(at + chunk, limit, body.byteLength);
      if (!res.write(body.subarray(at, end))) await new Promise((r) => res.once('drain', r));
      if (this.slowCdnMs > 0) await new Promise((r) => setTimeout(r, this.slowCdnMs));
    }
    if (cut) {
      await new Promise((r) => setTimeout(r, 30));
      req.socket.destroy(); // the connection drops mid-file
      return;
    }
    res.end();
  }
}

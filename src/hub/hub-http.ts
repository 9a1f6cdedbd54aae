/**
 * The Hub's file protocol, as huggingface_hub speaks it:
 *   HEAD {endpoint}/{repo}/resolve/{revision}/{file}   (no automatic redirects)
 *     → X-Repo-Commit: the commit the revision points at;
 *       ETag (git blob sha1) or, for an LFS file, a 302 to its storage with
 *       X-Linked-Etag (its sha256) and X-Linked-Size;
 *     redirects within the Hub's origin (a renamed repository) are followed; one to
 *     another origin (`https://cdn…`, or protocol-relative `//otherhost/…`) is where
 *     the bytes are: it is not followed here, and the GET goes there without the token.
 * The token is only ever sent to the origin of the URL it was given for.
 */
import { httpError, networkError, HubError } from './hub-errors.ts';

export interface FileMetadata {
  commit: string;
  /** ETag without quotes or W/: the blob's name in the cache */
  etag: string;
  /** where to GET the bytes */
  location: string;
  /** bytes, when the Hub said (X-Linked-Size or Content-Length) */
  size: number | undefined;
}

declare const __VERSION__: string | undefined;
const USER_AGENT = `bert-ts/${typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0'}; node/${process.versions.node}`;

/** Seconds to wait for a metadata answer / between two chunks of a download (huggingface_hub: 10). */
export const ETAG_TIMEOUT_MS = 1000 * Number(process.env.HF_HUB_ETAG_TIMEOUT || 10);
export const DOWNLOAD_TIMEOUT_MS = 1000 * Number(process.env.HF_HUB_DOWNLOAD_TIMEOUT || 10);

export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** Do two absolute URLs share an origin (scheme, host and port)? The token never crosses one. */
export function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

export function hubHeaders(token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/** huggingface_hub's _normalize_etag: `W/"abc"` → `abc`. */
export function normalizeEtag(etag: string | null): string | undefined {
  if (etag === null) return undefined;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;
}

export interface RequestContext {
  repo: string;
  revision: string;
  file: string;
  token: string | undefined;
}

/**
 * HEAD the file; follow relative redirects only. A server without HEAD (405/501)
 * is asked with a GET whose body is dropped.
 */
export async function fileMetadata(url: string, ctx: RequestContext): Promise<FileMetadata> {
  const headers = { ...hubHeaders(ctx.token), 'accept-encoding': 'identity' };
  let at = url;
  // headers of a relative redirect (a renamed repository) stand in for ones the final answer lacks
  const carried = new Headers();
  for (let hops = 0; ; hops++) {
    let res: Response;
    try {
      res = await fetch(at, { method: 'HEAD', headers, redirect: 'manual', signal: AbortSignal.timeout(ETAG_TIMEOUT_MS) });
      if (res.status === 405 || res.status === 501) {
        res = await fetch(at, { method: 'GET', headers, redirect: 'manual', signal: AbortSignal.timeout(ETAG_TIMEOUT_MS) });
        await res.body?.cancel();
      }
    } catch (e) {
      throw networkError(at, e);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      const next = new URL(location, at);
      if (sameOrigin(next.href, at) && hops < 10) {
        for (const h of ['x-repo-commit', 'x-linked-etag', 'x-linked-size']) if (res.headers.has(h)) carried.set(h, res.headers.get(h)!);
        at = next.href;
        continue;
      }
      return metadataOf(res, carried, next.href, ctx);
    }
    if (!res.ok) throw httpError(res, ctx.repo, ctx.revision, ctx.file, Boolean(ctx.token));
    return metadataOf(res, carried, at, ctx);
  }
}

function metadataOf(res: Response, carried: Headers, location: string, ctx: RequestContext): FileMetadata {
  const header = (name: string) => res.headers.get(name) ?? carried.get(name);
  const commit = header('x-repo-commit') ?? undefined;
  const etag = normalizeEtag(header('x-linked-etag') ?? res.headers.get('etag'));
  const sizeText = header('x-linked-size') ?? res.headers.get('content-length');
  const size = sizeText !== null && /^\d+$/.test(sizeText) ? Number(sizeText) : undefined;
  if (commit === undefined || etag === undefined) {
    throw new HubError(
      'HttpError',
      `${ctx.repo}@${ctx.revision}: the answer for '${ctx.file}' has no ${commit === undefined ? 'X-Repo-Commit' : 'ETag'} header`,
      'HF_ENDPOINT must point at a Hugging Face Hub (or a mirror that speaks its protocol)',
      res.status,
    );
  }
  return { commit, etag, location, size };
}

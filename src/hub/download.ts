/**
 * Download one blob into the cache, as huggingface_hub's _download_to_tmp_and_move:
 * bytes go to blobs/{etag}.incomplete (appended, so an interrupted download resumes
 * with `Range: bytes={have}-`), and the file is renamed to blobs/{etag} only when it
 * is complete: the size the Hub announced, and for an LFS file the sha256 its ETag
 * names. A corrupt download is deleted; nothing broken ever reaches blobs/ or snapshots/.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream, lstatSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError, httpError, networkError } from './hub-errors.ts';
import { DOWNLOAD_TIMEOUT_MS, type RequestContext } from './hub-http.ts';
import { SHA256 } from './cache-layout.ts';
import { MAX_TEXT_FILE_BYTES, isTextFile } from '../text-limit.ts';
import { sameOrigin } from './hub-http.ts';

export interface BlobDownload {
  url: string;
  headers: Record<string, string>;
  blobPath: string;
  etag: string;
  /** bytes the Hub announced, if it did */
  size: number | undefined;
  ctx: RequestContext;
  /** bytes of the file so far (resumed bytes included), and the total when known */
  onBytes?: (loaded: number, total: number | undefined) => void;
}

/** Redirects a download follows (the CDN's own). */
const MAX_REDIRECTS = 10;

/**
 * What is at `path` without following a symlink: 'missing', 'file' (a regular
 * file), or an error. A symlink or anything else planted in blobs/ could make
 * a download write outside the cache, or a load read outside it.
 */
export function blobKind(path: string, ctx: RequestContext): 'missing' | 'file' {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  if (st.isFile()) return 'file';
  throw new HubError('Checksum', `${ctx.repo}: refusing ${path}: it is ${st.isSymbolicLink() ? 'a symlink' : 'not a regular file'}, and the cache's blobs/ holds regular files only`, 'delete it (something other than a download put it there), then run the command again');
}

export async function downloadBlob(d: BlobDownload): Promise<void> {
  if (blobKind(d.blobPath, d.ctx) === 'file') return;
  const incomplete = d.blobPath + '.incomplete';
  const limit = byteLimit(d);
  const checked = SHA256.test(d.etag); // an LFS file: its ETag is its sha256
  let hash = checked ? createHash('sha256') : undefined;
  let have = blobKind(incomplete, d.ctx) === 'file' ? lstatSync(incomplete).size : 0;
  if (d.size !== undefined && have > d.size) {
    rmSync(incomplete, { force: true });
    have = 0;
  }
  checkDiskSpace(dirname(d.blobPath), d.size === undefined ? 0 : d.size - have);
  if (hash && have > 0) await hashFile(incomplete, hash);

  // O_NOFOLLOW: a symlink planted between the check above and this open is refused too
  const file = await openIncomplete(incomplete, d.ctx);
  try {
    // a body that ends short (cut, or ended early) gets one more request; then the answer is how much came
    let retried = false;
    while (d.size === undefined || have < d.size) {
      const before = have;
      let got: number | 'restart';
      try {
        got = await fetchInto(d, file, have, hash, limit);
      } catch (e) {
        if (!(e instanceof HubError) || e.code !== 'Network') throw e;
        have = (await file.stat()).size;
        if (have === before) throw e; // the connection gave nothing: do not hammer it
        if (retried) throw d.size === undefined ? e : shortBody(d, have);
        retried = true;
        continue; // resume with Range from what arrived
      }
      if (got === 'restart') {
        // the server would not resume at this offset: start the file again, once
        if (retried) throw shortBody(d, before);
        retried = true;
        await file.truncate(0);
        have = 0;
        hash = checked ? createHash('sha256') : undefined;
        continue;
      }
      have = got;
      if (d.size === undefined || have >= d.size) break;
      if (retried) throw shortBody(d, have);
      retried = true;
    }
  } catch (e) {
    if (e instanceof HubError && e.code === 'TooLarge') rmSync(incomplete, { force: true });
    throw e;
  } finally {
    await file.close();
  }

  const size = lstatSync(incomplete).size;
  if (d.size !== undefined && size !== d.size) {
    if (size > d.size) rmSync(incomplete, { force: true });
    throw new HubError('Checksum', `${d.ctx.repo}: '${d.ctx.file}' should be ${d.size} bytes, the download has ${size}`, 'run the command again to resume the download');
  }
  if (hash) {
    const digest = hash.digest('hex');
    if (digest !== d.etag) {
      rmSync(incomplete, { force: true });
      throw new HubError('Checksum', `${d.ctx.repo}: '${d.ctx.file}' failed its checksum (sha256 ${digest.slice(0, 12)}…, the Hub says ${d.etag.slice(0, 12)}…)`, 'the corrupt download was deleted; run the command again');
    }
  }
  renameSync(incomplete, d.blobPath);
}

/**
 * The most bytes this download may hold: the promised size (one byte more is
 * read, to see that the body is too long, and then the transfer stops); for a
 * text or JSON file, MAX_TEXT_FILE_BYTES whether or not a size was promised.
 */
function byteLimit(d: BlobDownload): number {
  const text = isTextFile(d.ctx.file);
  if (text && d.size !== undefined && d.size > MAX_TEXT_FILE_BYTES) throw tooLarge(d, `the Hub announces ${d.size} bytes`);
  return d.size ?? (text ? MAX_TEXT_FILE_BYTES : Number.POSITIVE_INFINITY);
}

function tooLarge(d: BlobDownload, why: string): HubError {
  const limit = d.size ?? MAX_TEXT_FILE_BYTES;
  const what = d.size === undefined || d.size > MAX_TEXT_FILE_BYTES ? `more than the ${MAX_TEXT_FILE_BYTES}-byte limit for a text file` : `longer than the ${limit} bytes promised`;
  return new HubError('TooLarge', `${d.ctx.repo}: '${d.ctx.file}' is ${what} (${why})`, 'the server is not a Hugging Face Hub, or is misbehaving; nothing was kept');
}

function shortBody(d: BlobDownload, got: number): HubError {
  return new HubError('Network', `${d.ctx.repo}: '${d.ctx.file}': the server sent ${got} of ${d.size} bytes`, 'run the command again later; the bytes received are kept and the download resumes');
}

async function openIncomplete(path: string, ctx: RequestContext): Promise<FileHandle> {
  try {
    return await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') blobKind(path, ctx); // says what is there
    throw e;
  }
}

/**
 * One GET from byte `have` on, appended to `file` (and to `hash`); returns the
 * bytes the file now has, or 'restart' when the server cannot resume at `have`.
 */
async function fetchInto(d: BlobDownload, file: FileHandle, have: number, hash: Hash | undefined, limit: number): Promise<number | 'restart'> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), DOWNLOAD_TIMEOUT_MS);
  const headers: Record<string, string> = { ...d.headers, 'accept-encoding': 'identity' };
  if (have > 0) headers.range = `bytes=${have}-`;
  let res: Response;
  try {
    res = await fetchFollowing(d.url, headers, controller.signal);
  } catch (e) {
    clearTimeout(timer);
    throw networkError(d.url, e);
  }
  if (have > 0 && (res.status === 416 || res.status === 200 || (res.status === 206 && !contentRangeStartsAt(res, have)))) {
    clearTimeout(timer);
    await res.body?.cancel();
    return 'restart';
  }
  if (!res.ok) {
    clearTimeout(timer);
    await res.body?.cancel();
    throw httpError(res, d.ctx.repo, d.ctx.revision, d.ctx.file, 'authorization' in d.headers);
  }
  const length = res.headers.get('content-length');
  if (length !== null && /^\d+$/.test(length) && have + Number(length) > limit) {
    // refused before a byte is read: the server announces more than was promised
    clearTimeout(timer);
    await res.body?.cancel();
    throw tooLarge(d, `the server announces ${have + Number(length)} bytes`);
  }
  const total = d.size ?? (length !== null ? have + Number(length) : undefined);
  d.onBytes?.(have, total);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), DOWNLOAD_TIMEOUT_MS);
      if (have + chunk.byteLength > limit) {
        // one byte past the promise is proof enough: stop reading, keep nothing
        await reader.cancel().catch(() => {});
        throw tooLarge(d, `more than ${limit} bytes arrived`);
      }
      await writeAll(file, chunk, d);
      hash?.update(chunk);
      have += chunk.byteLength;
      d.onBytes?.(have, total);
    }
  } catch (e) {
    if (e instanceof HubError) throw e;
    throw networkError(d.url, e);
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  return have;
}

/**
 * GET, following redirects by hand so the token never leaves the origin it was
 * given for: on a redirect to another origin (a CDN, or `//otherhost/…`) the
 * Authorization header is dropped, as the Fetch standard and huggingface_hub do.
 */
async function fetchFollowing(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  let at = url;
  let h = headers;
  for (let hops = 0; ; hops++) {
    const res = await fetch(at, { headers: h, redirect: 'manual', signal });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null || hops >= MAX_REDIRECTS) return res;
    await res.body?.cancel();
    const next = new URL(location, at).href;
    if (!sameOrigin(next, at)) {
      const { authorization: _, ...rest } = h;
      h = rest;
    }
    at = next;
  }
}

function contentRangeStartsAt(res: Response, at: number): boolean {
  const range = res.headers.get('content-range');
  return range === null || range.startsWith(`bytes ${at}-`);
}

async function writeAll(file: FileHandle, chunk: Uint8Array, d: BlobDownload): Promise<void> {
  try {
    let at = 0;
    while (at < chunk.byteLength) at += (await file.write(chunk, at)).bytesWritten;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw diskFull(dirname(d.blobPath), d.ctx.file);
    throw e;
  }
}

function diskFull(dir: string, file: string): HubError {
  return new HubError('DiskFull', `the disk is full: cannot write '${file}' into ${dir}`, 'free some space (the partial download is kept and resumes), or point HF_HUB_CACHE at a larger disk');
}

/** Refuse to start a download that cannot fit (huggingface_hub only warns; a clear stop is kinder). */
function checkDiskSpace(dir: string, needed: number): void {
  if (needed <= 0) return;
  let free: number;
  try {
    const s = statfsSync(dir);
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  if (free < needed) {
    throw new HubError('DiskFull', `the disk is full: ${needed} bytes needed in ${dir}, ${free} free`, 'free some space, or point HF_HUB_CACHE at a larger disk');
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/**
 * Download one blob into the cache, as huggingface_hub's _download_to_tmp_and_move:
 * bytes go to blobs/{etag}.incomplete (appended, so an interrupted download resumes
 * with `Range: bytes={have}-`), and the file is renamed to blobs/{etag} only when it
 * is complete: the size the Hub announced, and for an LFS file the sha256 its ETag
 * names. A corrupt download is deleted; nothing broken ever reaches blobs/ or snapshots/.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, renameSync, rmSync, statSync, statfsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError, httpError, networkError } from './hub-errors.ts';
import { DOWNLOAD_TIMEOUT_MS, type RequestContext } from './hub-http.ts';
import { SHA256 } from './cache-layout.ts';

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

/** Times a download may resume after the connection drops mid-file (huggingface_hub: 5). */
const RETRIES = 5;

export async function downloadBlob(d: BlobDownload): Promise<void> {
  if (existsSync(d.blobPath)) return;
  const incomplete = d.blobPath + '.incomplete';
  const checked = SHA256.test(d.etag); // an LFS file: its ETag is its sha256
  let hash = checked ? createHash('sha256') : undefined;
  let have = existsSync(incomplete) ? statSync(incomplete).size : 0;
  if (d.size !== undefined && have > d.size) {
    rmSync(incomplete, { force: true });
    have = 0;
  }
  checkDiskSpace(dirname(d.blobPath), d.size === undefined ? 0 : d.size - have);
  if (hash && have > 0) await hashFile(incomplete, hash);

  const file = await open(incomplete, 'a');
  try {
    for (let attempt = 0; d.size === undefined || have < d.size; attempt++) {
      const before = have;
      try {
        const got = await fetchInto(d, file, have, hash);
        if (got === 'restart') {
          // the server would not resume at this offset: start the file again
          await file.truncate(0);
          have = 0;
          hash = checked ? createHash('sha256') : undefined;
          if (attempt >= RETRIES) throw new HubError('Network', `${d.ctx.repo}: '${d.ctx.file}' could not be resumed`, 'run the command again');
          continue;
        }
        have = got;
        // a body that ended early without an error: resume while it makes progress
        if (d.size !== undefined && have < d.size && have > before && attempt < RETRIES) continue;
        break;
      } catch (e) {
        if (!(e instanceof HubError) || e.code !== 'Network' || attempt >= RETRIES) throw e;
        have = (await file.stat()).size;
        if (have === before) throw e; // the connection gave nothing: do not hammer it
      }
    }
  } finally {
    await file.close();
  }

  const size = statSync(incomplete).size;
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
 * One GET from byte `have` on, appended to `file` (and to `hash`); returns the
 * bytes the file now has, or 'restart' when the server cannot resume at `have`.
 */
async function fetchInto(d: BlobDownload, file: FileHandle, have: number, hash: Hash | undefined): Promise<number | 'restart'> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), DOWNLOAD_TIMEOUT_MS);
  const headers: Record<string, string> = { ...d.headers, 'accept-encoding': 'identity' };
  if (have > 0) headers.range = `bytes=${have}-`;
  let res: Response;
  try {
    res = await fetch(d.url, { headers, redirect: 'follow', signal: controller.signal });
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
  const total = d.size ?? (length !== null ? have + Number(length) : undefined);
  d.onBytes?.(have, total);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), DOWNLOAD_TIMEOUT_MS);
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
  }
  return have;
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

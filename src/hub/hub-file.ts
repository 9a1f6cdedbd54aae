/**
 * One file of a Hub repository, through the cache: huggingface_hub's
 * hf_hub_download (_hf_hub_download_to_cache_dir), step for step.
 *
 *   1. revision is a commit hash and snapshots/{commit}/{file} exists → that path, no request;
 *   2. offline → refs/{revision} → snapshots/{commit}/{file}, or fail: no request at all;
 *   3. HEAD the file: commit, etag, size, location. If the Hub cannot be asked
 *      (no network, 401/403, 5xx), fall back to the cached copy for the revision;
 *   4. refs/{revision} ← commit; snapshot pointer exists → done; blob exists → link it;
 *   5. else, holding the lock, download the blob and link snapshots/{commit}/{file} to it.
 * A file the Hub says is not there (EntryNotFound) is recorded in .no_exist/{commit}/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RepoCache, isCommitHash } from './cache-layout.ts';
import { blobKind, downloadBlob } from './download.ts';
import { withFileLock } from './file-lock.ts';
import { HubError } from './hub-errors.ts';
import { fileMetadata, hubHeaders, resolveUrl, sameOrigin, type FileMetadata } from './hub-http.ts';
import type { HubSettings } from './settings.ts';
import type { ProgressCallback } from '../load-options.ts';

export interface FileRequest {
  repo: string;
  file: string;
  revision: string;
  settings: HubSettings;
  onProgress?: ProgressCallback;
  /** the Hub could not be asked and the cached copy was used instead (the error it gave) */
  onFallback?: (e: HubError) => void;
}

/** The cached path of `file`, downloading it if needed; null when the repository has no such file. */
export async function hubFile(req: FileRequest): Promise<string | null> {
  const { repo, file, revision, settings: s } = req;
  const cache = new RepoCache(s.cacheDir, repo);
  const cached = (): string | null | undefined => {
    const hit = cache.lookup(revision, file);
    if (hit === 'absent') return null;
    if (hit !== undefined) req.onProgress?.({ status: 'cached', repo, file, path: hit });
    return hit;
  };

  if (isCommitHash(revision) || s.offline) {
    const hit = cached();
    if (hit !== undefined) return hit;
    if (s.offline) throw notCached(req);
  }

  let meta: FileMetadata;
  const ctx = { repo, revision, file, token: s.token };
  try {
    meta = await fileMetadata(resolveUrl(s.endpoint, repo, revision, file), ctx);
  } catch (e) {
    if (!(e instanceof HubError)) throw e;
    if (e.code === 'EntryNotFound') {
      if (e.commit !== undefined) {
        cache.markNoExist(e.commit, file);
        cache.writeRef(revision, e.commit);
      }
      return null;
    }
    if (e.code === 'RevisionNotFound') throw e;
    // the Hub could not be asked: the cached copy of this revision will do
    const hit = cached();
    if (hit !== undefined) {
      req.onFallback?.(e);
      return hit;
    }
    throw e;
  }

  const blob = cache.blobPath(meta.etag);
  const pointer = cache.pointerPath(meta.commit, file);
  mkdirSync(dirname(blob), { recursive: true });
  cache.writeRef(revision, meta.commit);
  if (existsSync(pointer)) {
    req.onProgress?.({ status: 'cached', repo, file, path: pointer });
    return pointer;
  }
  if (blobKind(blob, ctx) === 'missing') {
    const headers = hubHeaders(s.token);
    if (!sameOrigin(meta.location, s.endpoint)) delete headers.authorization; // the bytes live elsewhere (LFS storage): the token stays with the Hub
    const m = meta;
    await withFileLock(cache.lockPath(m.etag), async () => {
      if (blobKind(blob, ctx) === 'file') return; // another process finished it while we waited
      req.onProgress?.({ status: 'initiate', repo, file, loaded: 0, total: m.size });
      let last = 0;
      try {
        await downloadBlob({
          url: m.location,
          headers,
          blobPath: blob,
          etag: m.etag,
          size: m.size,
          ctx,
          onBytes: (loaded, total) => {
            last = loaded;
            req.onProgress?.({ status: 'progress', repo, file, loaded, total });
          },
        });
      } catch (e) {
        // the Hub was asked and answered: a failed transfer is not "the Hub cannot be reached"
        if (e instanceof HubError) e.duringDownload = true;
        throw e;
      }
      req.onProgress?.({ status: 'done', repo, file, loaded: m.size ?? last, total: m.size ?? last });
    });
  }
  cache.link(blob, pointer);
  return pointer;
}

/** Does the repository hold `file`? (A HEAD, or the cache when offline; nothing is downloaded.) */
export async function hubFileExists(req: FileRequest): Promise<boolean> {
  const cache = new RepoCache(req.settings.cacheDir, req.repo);
  const hit = cache.lookup(req.revision, req.file);
  if (hit !== undefined) return hit !== 'absent';
  if (req.settings.offline) return false;
  try {
    await fileMetadata(resolveUrl(req.settings.endpoint, req.repo, req.revision, req.file), { ...req, token: req.settings.token });
    return true;
  } catch (e) {
    if (e instanceof HubError && e.code === 'EntryNotFound') return false;
    throw e;
  }
}

function notCached(req: FileRequest): HubError {
  const why = req.settings.offlineReason ?? (req.settings.offline ? 'offline mode (HF_HUB_OFFLINE=1 or localFilesOnly)' : 'no network');
  return new HubError(
    'NotCached',
    `${req.repo}@${req.revision}: '${req.file}' is not in the cache ${req.settings.cacheDir} and ${why} forbids downloading it`,
    `download it first with network access (bert-ts download ${req.repo}${req.revision === 'main' ? '' : ` --revision ${req.revision}`}), or unset HF_HUB_OFFLINE`,
  );
}

/**
 * The Hugging Face cache, in the layout huggingface_hub writes (file_download.py):
 *
 *   {cacheDir}/models--{org}--{name}/
 *     blobs/{etag}                    the bytes (etag: git sha1, or sha256 for LFS files)
 *     blobs/{etag}.incomplete         a download in progress (resumed with Range)
 *     snapshots/{commit}/{file}       a relative symlink to ../../blobs/{etag} (a plain copy where
 *                                     symlinks are not allowed, as on Windows: both are read)
 *     refs/{revision}                 the commit a branch or tag pointed at when last seen
 *     .no_exist/{commit}/{file}       an empty marker: this file is not in that commit
 *   {cacheDir}/.locks/models--{org}--{name}/{etag}.lock
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BertTsError } from '../errors.ts';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;
export const SHA256 = /^[0-9a-f]{64}$/;

export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}


/** `org/name` → `models--org--name` (huggingface_hub's repo_folder_name). */
export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

/** One repository's folder in the cache. */
export class RepoCache {
  readonly folder: string;
  readonly lockFolder: string;

  constructor(readonly cacheDir: string, readonly repoId: string) {
    this.folder = join(cacheDir, repoFolderName(repoId));
    this.lockFolder = join(cacheDir, '.locks', repoFolderName(repoId));
  }

  blobPath(etag: string): string {
    return this.inside(join(this.folder, 'blobs'), etag);
  }

  lockPath(etag: string): string {
    return this.inside(this.lockFolder, `${etag}.lock`);
  }

  snapshotFolder(commit: string): string {
    return this.inside(join(this.folder, 'snapshots'), commit);
  }

  /** snapshots/{commit}/{file}; `file` may hold folders (`1_Pooling/config.json`). */
  pointerPath(commit: string, file: string): string {
    return this.inside(this.snapshotFolder(commit), ...file.split('/'));
  }

  noExistPath(commit: string, file: string): string {
    return this.inside(join(this.folder, '.no_exist', commit), ...file.split('/'));
  }

  /** The commit a revision names: itself when it is a commit hash, else refs/{revision} if cached. */
  commitFor(revision: string): string | undefined {
    if (isCommitHash(revision)) return revision;
    const ref = this.inside(join(this.folder, 'refs'), ...revision.split('/'));
    if (!existsSync(ref)) return undefined;
    const commit = readFileSync(ref, 'utf8').trim();
    return commit === '' ? undefined : commit;
  }

  /** Remember where a branch or tag points (nothing to do for a commit hash). */
  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const ref = this.inside(join(this.folder, 'refs'), ...revision.split('/'));
    if (existsSync(ref) && readFileSync(ref, 'utf8').trim() === commit) return;
    mkdirSync(dirname(ref), { recursive: true });
    writeFileSync(ref, commit); // no newline, as huggingface_hub writes it
  }

  markNoExist(commit: string, file: string): void {
    const p = this.noExistPath(commit, file);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, '');
  }

  /**
   * What the cache knows of `file` at `revision`, without a request:
   * a path, 'absent' (a .no_exist marker), or undefined (nothing known).
   */
  lookup(revision: string, file: string): string | 'absent' | undefined {
    const commit = this.commitFor(revision);
    if (commit === undefined) return undefined;
    const pointer = this.pointerPath(commit, file);
    if (existsSync(pointer)) return pointer; // follows the symlink: a dangling one is not a hit
    if (existsSync(this.noExistPath(commit, file))) return 'absent';
    return undefined;
  }

  /**
   * Point snapshots/{commit}/{file} at blobs/{etag} with a relative symlink, as
   * huggingface_hub does; where symlinks are refused, copy the blob instead.
   */
  link(blob: string, pointer: string): void {
    mkdirSync(dirname(pointer), { recursive: true });
    rmSync(pointer, { force: true });
    try {
      symlinkSync(relative(dirname(pointer), blob), pointer);
    } catch {
      copyFileSync(blob, pointer);
    }
  }

  /** join(base, ...parts), refusing names that would leave base (`..`, absolute paths). */
  private inside(base: string, ...parts: string[]): string {
    const p = resolve(base, ...parts);
    if (!p.startsWith(resolve(base) + sep)) {
      throw new BertTsError(`${this.repoId}: refusing the path '${parts.join('/')}': it leaves ${base}`);
    }
    return p;
  }
}

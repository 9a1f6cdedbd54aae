/**
 * A lock file, so two processes never write the same blob at once
 * ({cacheDir}/.locks/models--org--name/{etag}.lock, where huggingface_hub puts its own).
 *
 * Node has no flock(2), so this is a "soft" lock, as filelock's SoftFileLock and
 * huggingface_hub's lock with a lifetime: the lock is held while the file exists;
 * it is created with O_EXCL ('wx'), holds "pid hostname", and its holder touches it
 * every few seconds. A lock whose holder is gone (a dead pid on this host) or that
 * has not been touched for STALE_MS is stale and taken over. An empty lock file is
 * what Python's flock leaves behind after a download: stale once it is old.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export const STALE_MS = 20_000;
const POLL_MS = 50;

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, `${process.pid} ${hostname()}`);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the lock at `path` abandoned? (A lock that vanished counts as stale: try again.) */
export function isStale(path: string, now = Date.now()): boolean {
  let text: string;
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch {
    return true;
  }
  const [pid, host] = text.split(' ');
  if (host === hostname() && /^\d+$/.test(pid) && Number(pid) !== process.pid && !processAlive(Number(pid))) return true;
  return now - mtime > STALE_MS;
}

/** Run fn while holding the lock at `path`; onWait is called once if another process holds it. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  let waited = false;
  while (!tryCreate(path)) {
    if (isStale(path)) {
      rmSync(path, { force: true });
      continue;
    }
    if (!waited) onWait?.();
    waited = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // the lock was taken over as stale; the download still checks its bytes
    }
  }, STALE_MS / 4);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    rmSync(path, { force: true });
  }
}

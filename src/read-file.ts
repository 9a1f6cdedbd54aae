/**
 * Reading the files a user names (Node): config.json, tokenizer files,
 * safetensors, golden inputs. Each problem is one BertTsError naming the path:
 *   - a FIFO, socket or device is refused WITHOUT blocking (stat first, then
 *     open with O_NONBLOCK and check again with fstat: a FIFO swapped in
 *     between cannot hang us either);
 *   - a symlink loop is reported as one, a dangling symlink as one;
 *   - a folder where a file belongs, permission problems, too-large files and
 *     invalid UTF-8 get their own line.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { BertTsError, quote } from './errors.ts';

/** The largest text file (config, tokenizer.json, vocab.txt, inputs.json) read into a string. Change it here. */
export const FILE_LIMITS = { maxTextBytes: 256 * 1024 * 1024 };

export type PathKind = 'file' | 'folder' | 'missing';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function systemError(path: string, e: unknown, doing: string): BertTsError {
  const code = errno(e);
  if (code === 'ELOOP') return new BertTsError(`${path}: symlink loop (too many levels of symbolic links)`, 'fix the symlink so it points at a real file');
  if (code === 'EACCES' || code === 'EPERM') return new BertTsError(`${path}: permission denied`, 'check the file permissions');
  if (code === 'ENAMETOOLONG') return new BertTsError(`${quote(path)}: file name too long`);
  return new BertTsError(`${path}: cannot ${doing} (${code ?? (e as Error)?.message ?? String(e)})`);
}

/** What is at `path` (following symlinks): a regular file, a folder, or nothing. Anything else is an error. */
export function pathKind(path: string): PathKind {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (isSymlink(path)) throw new BertTsError(`${path}: dangling symlink (its target does not exist)`, 'fix the symlink or download the file again');
      return 'missing';
    }
    throw systemError(path, e, 'stat');
  }
  if (st.isDirectory()) return 'folder';
  if (st.isFile()) return 'file';
  throw notRegular(path, st);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function notRegular(path: string, st: Stats): BertTsError {
  const kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  return new BertTsError(`${path}: is ${kind}, not a regular file`, 'point at a regular file');
}

/**
 * Open a regular file for reading: never blocks (no FIFO), never returns a
 * folder. `what` names the expected content in the "is a folder" error.
 */
export function openRegularFile(path: string, what = 'file'): { fd: number; size: number } {
  const kind = pathKind(path);
  if (kind === 'missing') throw new BertTsError(`${path}: no such file`);
  if (kind === 'folder') throw new BertTsError(`${path}: is a folder, not a ${what}`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (errno(e) === 'ENOENT') throw new BertTsError(`${path}: no such file`);
    if (errno(e) === 'EISDIR') throw new BertTsError(`${path}: is a folder, not a ${what}`);
    throw systemError(path, e, 'open');
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    if (st.isDirectory()) throw new BertTsError(`${path}: is a folder, not a ${what}`);
    throw notRegular(path, st);
  }
  return { fd, size: st.size };
}

/** Read `bytes.length` bytes of fd (a regular file) from byte `position` (default: its start) into bytes. */
export function readFully(fd: number, bytes: Uint8Array, path: string, position = 0): Uint8Array {
  const CHUNK = 1 << 30; // Linux caps a single read(2) a little below 2 GiB
  let at = 0;
  while (at < bytes.length) {
    let n: number;
    try {
      n = readSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at), position + at);
    } catch (e) {
      throw systemError(path, e, 'read');
    }
    if (n === 0) throw new BertTsError(`${path}: file shrank while being read (got ${at} of ${bytes.length} bytes)`);
    at += n;
  }
  return bytes;
}

/** A whole text file as a string (UTF-8, strictly decoded; a BOM is kept, as Python's 'utf-8' codec keeps it). */
export function readTextFile(path: string, what = 'text file'): string {
  const { fd, size } = openRegularFile(path, what);
  try {
    if (size > FILE_LIMITS.maxTextBytes) {
      throw new BertTsError(`${path}: ${size} bytes is larger than the ${FILE_LIMITS.maxTextBytes}-byte limit for a ${what}`, 'raise FILE_LIMITS.maxTextBytes if the file is genuine');
    }
    const bytes = readFully(fd, new Uint8Array(size), path);
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new BertTsError(`${path}: not valid UTF-8`, `a ${what} must be UTF-8 text`);
    }
  } finally {
    closeSync(fd);
  }
}

/** A JSON file, parsed (any JSON value); a syntax error is one line naming the file. */
export function readJsonFile(path: string, what = 'JSON file'): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BertTsError(`${path}: not valid JSON (${String((e as Error)?.message).split('\n')[0].slice(0, 160)})`);
  }
}

/** Every file under a folder, following symlinks (a Hub snapshot's files are links to blobs), as '/'-separated paths relative to it, sorted. */
export function listFolderFiles(dir: string, root = dir): { file: string; bytes: number }[] {
  const out: { file: string; bytes: number }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFolderFiles(p, root));
    else out.push({ file: relative(root, p).split('\\').join('/'), bytes: st.size });
  }
  return out;
}

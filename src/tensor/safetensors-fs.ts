import { closeSync, constants, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BertTsError, quote } from '../errors.ts';
import { openRegularFile, pathKind, readFully, readTextFile } from '../read-file.ts';
import type { TensorMemory } from './alloc.ts';
import { isIntegerDType } from './dtype.ts';
import {
  parseSafetensors,
  parseSafetensorsHeader,
  parseSafetensorsIndex,
  safetensorsHeaderLength,
  safetensorsHeader,
  MAX_HEADER_BYTES,
  SafetensorsFile,
  ShardedSafetensors,
  tensorBytesToWrite,
  type TensorToWrite,
  type SafetensorsHeader,
  type TensorInfo,
  type TensorSource,
} from './safetensors.ts';

/**
 * Node file access for safetensors: read a file into one buffer, write one,
 * open a model folder (single file or sharded).
 */

export interface ReadOptions {
  /**
   * Read into a SharedArrayBuffer (the default), so worker threads can see the
   * weights without copying them. false: a plain ArrayBuffer.
   */
  shared?: boolean;
  /**
   * Place the float tensors in this memory (e.g. wasm memory, through
   * a heap arena's tensorMemory(), so the kernels read them in place). A file
   * whose float tensors are all F32 is read straight into it, and its tensors
   * are views there (still one copy of the file); F16 / BF16 files are read as
   * usual and each tensor is converted into it.
   */
  memory?: TensorMemory;
  /**
   * Read only the header now, and each tensor from disk when it is asked for
   * (into fresh memory): the file is never in memory whole. For a loader that
   * converts every tensor and keeps none of the originals (dtype 'q8').
   */
  onDemand?: boolean;
}

/** A safetensors file whose tensors are read from disk one at a time, when asked for (ReadOptions.onDemand). */
class OnDemandSafetensorsFile extends SafetensorsFile {
  protected override tensorBytes(t: TensorInfo): Uint8Array {
    const { fd } = openFile(this.file);
    try {
      return readFully(fd, new Uint8Array(t.end - t.begin), this.file, t.begin);
    } finally {
      closeSync(fd);
    }
  }
}

/** The most read(2) moves at once; Linux caps a single read a little below 2 GiB. */
const CHUNK = 1 << 30;

/**
 * Read and validate a safetensors file. The file is read straight into one
 * buffer of its exact size (no readFileSync + copy), so peak memory is one copy
 * of the file; aligned F32 tensors are then views into that buffer.
 */
export function readSafetensors(path: string, options: ReadOptions = {}): SafetensorsFile {
  const shared = options.shared ?? true;
  const { fd, size } = openFile(path);
  try {
    if (options.onDemand) {
      const h = readHeader(fd, size, path);
      return new OnDemandSafetensorsFile(path, new Uint8Array(0), h.metadata, h.dataStart, h.tensors, options.memory);
    }
    // With a memory: parse the header first, then read the whole file into that
    // memory when every float tensor is F32 and 4-byte aligned (its tensors are
    // then views there); otherwise read as usual and convert each tensor into it.
    const header = options.memory ? readHeader(fd, size, path) : undefined;
    const place = header !== undefined && header.tensors.every((t) => (t.dtype === 'F32' ? t.begin % 4 === 0 : isIntegerDType(t.dtype)));
    let bytes: Uint8Array;
    try {
      if (place) bytes = options.memory!.bytes(size);
      else bytes = new Uint8Array(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
    } catch (e) {
      const hint = place
        ? `the ${options.memory!.name} memory cannot hold it (wasm32 memory is at most 4 GiB); choose setBackend('js') before loading`
        : 'the file is too large for one buffer in this runtime; use a sharded checkpoint';
      throw new BertTsError(`${path}: cannot allocate ${size} bytes to read it (${(e as Error).message})`, hint);
    }
    readStart(fd, bytes, path);
    const memory = place ? undefined : options.memory;
    if (header) return new SafetensorsFile(path, bytes, header.metadata, header.dataStart, header.tensors, memory);
    return parseSafetensors(bytes, path, { memory });
  } finally {
    closeSync(fd);
  }
}

/** Read and validate the header of the open file (size bytes) without reading its data. */
function readHeader(fd: number, size: number, path: string): SafetensorsHeader {
  const first = readStart(fd, new Uint8Array(Math.min(8, size)), path);
  const n = safetensorsHeaderLength(first);
  // a length the parser will refuse: let it say why, from the 8 bytes
  if (n < 0 || n > MAX_HEADER_BYTES || 8 + n > size) return parseSafetensorsHeader(first, size, path);
  return parseSafetensorsHeader(readStart(fd, new Uint8Array(8 + n), path), size, path);
}

/** Fill `bytes` with the file's first bytes.length bytes; returns bytes. */
function readStart(fd: number, bytes: Uint8Array, path: string): Uint8Array {
  return readFully(fd, bytes, path);
}

/**
 * Write tensors (F32, or any dtype as raw bytes; optional string→string
 * metadata) as a safetensors file byte-identical to what Python's
 * `safetensors.torch.save_file` writes for the same tensors (see
 * safetensorsHeader). The data is written straight from each tensor's bytes,
 * without assembling the file in memory.
 */
export function writeSafetensors(path: string, tensors: readonly TensorToWrite[], metadata?: Record<string, string>): void {
  const { header, order } = safetensorsHeader(tensors, metadata);
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO with no reader fails (ENXIO) instead of blocking forever
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NONBLOCK ?? 0), 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENXIO') throw new BertTsError(`${path}: is a FIFO (named pipe) with no reader`, 'write to a regular file');
    if (code === 'ELOOP') throw new BertTsError(`${path}: symlink loop (too many levels of symbolic links)`);
    throw new BertTsError(`${path}: cannot create (${code ?? (e as Error).message})`);
  }
  try {
    writeAll(fd, header);
    for (const t of order) writeAll(fd, tensorBytesToWrite(t));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    const why = code === 'ENOSPC' ? 'no space left on the device' : code === 'EDQUOT' ? 'disk quota exceeded' : code;
    throw new BertTsError(`${path}: cannot write (${why})`, code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space or write elsewhere' : undefined);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.byteLength) {
    at += writeSync(fd, bytes, at, Math.min(CHUNK, bytes.byteLength - at));
  }
}

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface OpenOptions {
  /** where to place the float tensors: see ReadOptions.memory */
  memory?: TensorMemory;
  /** read each tensor from disk when asked for: see ReadOptions.onDemand */
  onDemand?: boolean;
}

/**
 * Open a model folder's weights: `model.safetensors`, or when absent the shards
 * listed in `model.safetensors.index.json`, merged into one TensorSource.
 */
export function openCheckpoint(dir: string, options: OpenOptions = {}): TensorSource {
  const read = { memory: options.memory, onDemand: options.onDemand };
  if (pathKind(dir) !== 'folder') {
    throw new BertTsError(`${dir}: no such folder`, `expected a model folder containing ${SINGLE_FILE} (or ${INDEX_FILE} and its shards)`);
  }
  const single = join(dir, SINGLE_FILE);
  if (pathKind(single) === 'file') return readSafetensors(single, read);

  const indexPath = join(dir, INDEX_FILE);
  if (pathKind(indexPath) !== 'file') {
    const present = readdirSync(dir);
    const torch = present.find((f) => f === 'pytorch_model.bin' || f === 'pytorch_model.bin.index.json');
    throw new BertTsError(
      `${dir}: has neither ${SINGLE_FILE} nor ${INDEX_FILE}`,
      torch !== undefined
        ? `found ${torch}: PyTorch pickles are not read; convert with transformers: model.save_pretrained(dir, safe_serialization=True)`
        : `expected ${SINGLE_FILE}, or ${INDEX_FILE} with the shard files it lists`,
    );
  }
  const weightMap = parseSafetensorsIndex(readTextFile(indexPath, 'safetensors index'), indexPath);
  const shards = new Map<string, SafetensorsFile>();
  for (const shardName of new Set(Object.values(weightMap))) {
    const shardPath = join(dir, shardName);
    if (pathKind(shardPath) === 'missing') {
      throw new BertTsError(`${indexPath}: shard file ${quote(shardName)} is missing from ${dir}`, 'download every shard the index lists');
    }
    shards.set(shardName, readSafetensors(shardPath, read));
  }
  return new ShardedSafetensors(indexPath, weightMap, shards);
}

/** Open a safetensors file: a regular file only (a FIFO is refused without blocking; see read-file.ts). */
function openFile(path: string): { fd: number; size: number } {
  if (pathKind(path) === 'folder') throw new BertTsError(`${path}: is a folder, not a safetensors file`, 'use openCheckpoint for a model folder');
  return openRegularFile(path, 'safetensors file');
}

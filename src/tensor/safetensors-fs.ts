import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BertTsError } from './errors.ts';
import type { TensorMemory } from './alloc.ts';
import { isDType, isIntegerDType } from './dtype.ts';
import {
  parseSafetensors,
  parseSafetensorsIndex,
  safetensorsHeader,
  MAX_HEADER_BYTES,
  SafetensorsFile,
  ShardedSafetensors,
  type F32TensorToWrite,
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
   * matmul.ts's weightMemory(), so the wasm kernels read them in place). A file
   * whose float tensors are all F32 is read straight into it, and its tensors
   * are views there (still one copy of the file); F16 / BF16 files are read as
   * usual and each tensor is converted into it.
   */
  memory?: TensorMemory;
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
  const fd = openOrFail(path);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new BertTsError(`${path}: is a folder, not a safetensors file`, 'use openCheckpoint for a model folder');
    const size = stat.size;
    const place = options.memory !== undefined && onlyF32(fd, size);
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
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, Math.min(CHUNK, size - at), at);
      if (n === 0) throw new BertTsError(`${path}: file shrank while being read (got ${at} of ${size} bytes)`);
      at += n;
    }
    return parseSafetensors(bytes, path, { memory: place ? undefined : options.memory });
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the header names no float dtype but F32 (integers are fine), every
 * F32 tensor aligned: then the file's bytes can be the tensors' home. A peek at the header only; a
 * header this cannot read gives false, and parseSafetensors reports it.
 */
function onlyF32(fd: number, size: number): boolean {
  if (size < 8) return false;
  const head = new Uint8Array(8);
  readSync(fd, head, 0, 8, 0);
  const dv = new DataView(head.buffer);
  const n = dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
  if (n > MAX_HEADER_BYTES || 8 + n > size) return false;
  const text = new Uint8Array(n);
  if (readSync(fd, text, 0, n, 8) !== n) return false;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(text));
  } catch {
    return false;
  }
  if (typeof header !== 'object' || header === null) return false;
  // Every F32 tensor must also start 4-byte aligned, or it would be copied out
  // of the memory (into JS memory) instead of viewed in place.
  if ((8 + n) % 4 !== 0) return false;
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, data_offsets: at } = (entry ?? {}) as { dtype?: unknown; data_offsets?: unknown };
    if (!isDType(dtype) || (dtype !== 'F32' && !isIntegerDType(dtype))) return false;
    if (dtype === 'F32' && !(Array.isArray(at) && at[0] % 4 === 0)) return false;
  }
  return true;
}

/**
 * Write F32 tensors (and optional string→string metadata) as a safetensors file
 * byte-identical to what Python's `safetensors.torch.save_file` writes for the
 * same tensors (sorted by name; see safetensorsHeader). The data is written
 * straight from each Float32Array, without assembling the file in memory.
 */
export function writeSafetensors(path: string, tensors: readonly F32TensorToWrite[], metadata?: Record<string, string>): void {
  const { header, order } = safetensorsHeader(tensors, metadata);
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new BertTsError(`${path}: cannot create (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    writeAll(fd, header);
    for (const t of order) writeAll(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
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
}

/**
 * Open a model folder's weights: `model.safetensors`, or when absent the shards
 * listed in `model.safetensors.index.json`, merged into one TensorSource.
 */
export function openCheckpoint(dir: string, options: OpenOptions = {}): TensorSource {
  const read = { memory: options.memory };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BertTsError(`${dir}: no such folder`, `expected a model folder containing ${SINGLE_FILE} (or ${INDEX_FILE} and its shards)`);
  }
  const single = join(dir, SINGLE_FILE);
  if (existsSync(single)) return readSafetensors(single, read);

  const indexPath = join(dir, INDEX_FILE);
  if (!existsSync(indexPath)) {
    const present = readdirSync(dir);
    const torch = present.find((f) => f === 'pytorch_model.bin' || f === 'pytorch_model.bin.index.json');
    throw new BertTsError(
      `${dir}: has neither ${SINGLE_FILE} nor ${INDEX_FILE}`,
      torch !== undefined
        ? `found ${torch}: PyTorch pickles are not read; convert with transformers: model.save_pretrained(dir, safe_serialization=True)`
        : `expected ${SINGLE_FILE}, or ${INDEX_FILE} with the shard files it lists`,
    );
  }
  const weightMap = parseSafetensorsIndex(readFileSync(indexPath, 'utf8'), indexPath);
  const shards = new Map<string, SafetensorsFile>();
  for (const shardName of new Set(Object.values(weightMap))) {
    const shardPath = join(dir, shardName);
    if (!existsSync(shardPath)) {
      throw new BertTsError(`${indexPath}: shard file ${shardName} is missing from ${dir}`, 'download every shard the index lists');
    }
    shards.set(shardName, readSafetensors(shardPath, read));
  }
  return new ShardedSafetensors(indexPath, weightMap, shards);
}

function openOrFail(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BertTsError(`${path}: no such file`);
    if (code === 'EISDIR') throw new BertTsError(`${path}: is a folder, not a safetensors file`, 'use openCheckpoint for a model folder');
    throw new BertTsError(`${path}: cannot open (${code ?? (e as Error).message})`);
  }
}

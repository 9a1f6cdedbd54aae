import { DTYPES, DTYPE_SIZE, decodeFloat32, decodeInts, isDType, isIntegerDType, type DType } from './dtype.ts';
import { BertTsError, quote, quoteJson } from '../errors.ts';
import { HeaderJsonError, JsonFloat, parseHeaderJson, type HeaderJson } from './header-json.ts';
import type { TensorMemory } from './alloc.ts';
import { numel, shapeString } from './tensor.ts';

/**
 * The safetensors format, read and written without Node APIs (the browser uses this too).
 *
 *   bytes [0, 8)        N, the header length: unsigned 64-bit little-endian
 *   bytes [8, 8+N)      UTF-8 JSON object:
 *                         { "__metadata__"?: { string: string },
 *                           "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, … }
 *                       padded with spaces so that 8 + N is a multiple of 8
 *   bytes [8+N, EOF)    the data section; each tensor's bytes are
 *                       [8+N+begin, 8+N+end), row-major, little-endian
 *
 * A valid file's tensors tile the data section exactly: sorted by offset they
 * start at 0, each begins where the previous ends, the last ends at EOF, and
 * each spans numel(shape) × sizeof(dtype) bytes. We check all of it, because a
 * hostile or truncated file must fail here with one line naming the file and
 * the problem, not later inside a kernel.
 */

export type { DType } from './dtype.ts';

/** A tensor's header entry. begin / end are ABSOLUTE byte offsets in the file buffer. */
export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** One file or a merged sharded checkpoint. */
export interface TensorSource {
  readonly files: string[];
  /** Tensor names, in file order (by offset; shards in index order). */
  names(): string[];
  info(name: string): (TensorInfo & { file: string }) | undefined;
  /** Any numeric dtype → Float32Array: a view when F32 and aligned, else a new array. */
  float32(name: string): Float32Array;
  /** An integer tensor (e.g. position_ids), flattened, exactly. */
  ints(name: string): number[];
  /** The tensor's bytes as stored (little-endian, its own dtype): e.g. a quantized file's int8 weights. */
  raw(name: string): Uint8Array;
}

/** The reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

const FORMAT_HINT = 'the file is truncated, corrupt or not a safetensors file; download or export it again';

export class SafetensorsFile implements TensorSource {
  readonly file: string;
  /** The whole file. Tensor views share its buffer. */
  readonly bytes: Uint8Array;
  readonly metadata: Record<string, string>;
  /** Byte offset of the data section in `bytes` (8 + header length). */
  readonly dataStart: number;
  /**
   * Where float32() puts the tensors it returns (see ParseOptions), or
   * undefined: aligned F32 are views of `bytes`, the rest fresh arrays.
   */
  readonly memory: TensorMemory | undefined;
  private readonly tensors: Map<string, TensorInfo>;

  /** Use parseSafetensors() (or parseSafetensorsHeader), which validate; this only stores. */
  constructor(
    file: string, bytes: Uint8Array, metadata: Record<string, string>, dataStart: number, tensors: TensorInfo[], memory?: TensorMemory,
  ) {
    this.file = file;
    this.bytes = bytes;
    this.metadata = metadata;
    this.dataStart = dataStart;
    this.memory = memory;
    this.tensors = new Map(tensors.map((t) => [t.name, t]));
  }

  get files(): string[] {
    return [this.file];
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): (TensorInfo & { file: string }) | undefined {
    const t = this.tensors.get(name);
    return t === undefined ? undefined : { ...t, shape: t.shape.slice(), file: this.file };
  }

  /** The tensor's raw bytes, as a view of the file buffer. */
  raw(name: string): Uint8Array {
    return this.tensorBytes(this.require(name));
  }

  /** Where a tensor's bytes come from: the file buffer (a subclass may read them from disk on demand). */
  protected tensorBytes(t: TensorInfo): Uint8Array {
    return this.bytes.subarray(t.begin, t.end);
  }

  float32(name: string): Float32Array {
    const t = this.require(name);
    return decodeFloat32(t.dtype, this.tensorBytes(t), this.memory);
  }

  ints(name: string): number[] {
    const t = this.require(name);
    if (!isIntegerDType(t.dtype)) {
      throw new BertTsError(`${this.file}: tensor ${quote(name)} has dtype ${t.dtype}, expected an integer dtype`);
    }
    return decodeInts(t.dtype, this.tensorBytes(t), `${this.file}: tensor ${quote(name)}`);
  }

  private require(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (t === undefined) {
      throw new BertTsError(`${this.file}: no tensor named ${quote(name)}`, `the file has ${this.tensors.size} tensors; is this the right checkpoint?`);
    }
    return t;
  }
}

// ---------------------------------------------------------------------------
// Reading

export interface ParseOptions {
  /**
   * Put every tensor float32() returns in this memory (converted from F16 /
   * BF16, or copied from F32), e.g. wasm memory for the wasm kernels. Not
   * needed when `bytes` already lies there: aligned F32 tensors are views.
   */
  memory?: TensorMemory;
}

/** Parse and validate a whole safetensors file held in `bytes`. `file` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, file: string, options: ParseOptions = {}): SafetensorsFile {
  const { metadata, dataStart, tensors } = parseSafetensorsHeader(bytes, bytes.byteLength, file);
  return new SafetensorsFile(file, bytes, metadata, dataStart, tensors, options.memory);
}

/** What a safetensors header says: metadata, where the data starts, the tensors (offsets from the file's start). */
export interface SafetensorsHeader {
  metadata: Record<string, string>;
  dataStart: number;
  tensors: TensorInfo[];
}

/**
 * The length of the JSON header a safetensors file's first 8 bytes give (u64
 * little-endian), or -1 when there are fewer than 8 bytes.
 */
export function safetensorsHeaderLength(bytes: Uint8Array): number {
  if (bytes.byteLength < 8) return -1;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 8);
  // u64 as two u32 halves: exact up to 2^53, and anything that large is refused anyway.
  return dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
}

/**
 * Parse and validate the header of a safetensors file of `fileLength` bytes:
 * `head` holds the file's first bytes, at least 8 + the header length of them
 * (or the whole file). Every check against the data section uses fileLength,
 * so the file's data need not be read yet: readSafetensors parses the header
 * before it decides where to read the data to.
 */
export function parseSafetensorsHeader(head: Uint8Array, fileLength: number, file: string): SafetensorsHeader {
  const fail = (problem: string): never => {
    throw new BertTsError(`${file}: ${problem}`, FORMAT_HINT);
  };

  const headerLength = safetensorsHeaderLength(head);
  if (headerLength < 0) fail(`file is ${fileLength} bytes, too short to hold the 8-byte header length`);
  if (headerLength > MAX_HEADER_BYTES) {
    fail(`header length ${headerLength} is absurd (the limit is ${MAX_HEADER_BYTES} bytes)`);
  }
  if (8 + headerLength > fileLength) {
    fail(`header length ${headerLength} goes beyond the end of the file (${fileLength} bytes)`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = fileLength - dataStart;

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(head.subarray(8, dataStart));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: HeaderJson;
  try {
    header = parseHeaderJson(text);
  } catch (e) {
    if (!(e instanceof HeaderJsonError)) throw e;
    return fail(`header is not valid JSON (${e.message})`);
  }
  if (!(header instanceof Map)) return fail(`header is not a JSON object but ${describe(header)}`);

  let metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, entry] of header) {
    if (name === '__metadata__') {
      metadata = checkMetadata(entry, fail);
      continue;
    }
    const what = `tensor ${quote(name)}`;
    if (!(entry instanceof Map)) return fail(`${what} is not an object with dtype, shape and data_offsets but ${describe(entry)}`);
    const dtype = entry.get('dtype');
    const shape = entry.get('shape');
    const offsets = entry.get('data_offsets');
    if (!isDType(dtype)) fail(`${what} has unknown dtype ${quoteJson(dtype)} (known: ${DTYPES.join(', ')})`);
    if (!isIntegerList(shape)) fail(`${what} has shape ${quoteJson(shape)}, which is not a list of non-negative integers`);
    if (!isIntegerList(offsets) || offsets.length !== 2) {
      fail(`${what} has data_offsets ${quoteJson(offsets)}, which are not two non-negative integers [begin, end]`);
    }
    const [begin, end] = offsets as number[];
    const dt = dtype as DType;
    const dims = shape as number[];
    if (end < begin) fail(`${what} has data_offsets [${begin}, ${end}]: end is before begin`);
    // Above 2^53 the product is inexact, but then it also exceeds any real span, so the check still fails.
    const expected = numel(dims) * DTYPE_SIZE[dt];
    if (end - begin !== expected) {
      fail(`${what} has dtype ${dt} and shape ${shapeString(dims)} = ${expected} bytes, but its offsets span ${end - begin} bytes`);
    }
    if (end > dataLength) {
      fail(`${what} has data_offsets [${begin}, ${end}] out of range: the data section is ${dataLength} bytes`);
    }
    tensors.push({ name, dtype: dt, shape: dims, begin, end });
  }

  // The tensors must tile [0, dataLength): no overlap, no gap, nothing after the last.
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorInfo | undefined;
  for (const t of tensors) {
    if (t.begin < covered) {
      fail(`tensor ${quote(t.name)} [${t.begin}, ${t.end}] overlaps tensor ${quote(previous!.name)} [${previous!.begin}, ${previous!.end}]`);
    }
    if (t.begin > covered) {
      fail(`data bytes [${covered}, ${t.begin}) before tensor ${quote(t.name)} are not covered by any tensor`);
    }
    covered = t.end;
    previous = t;
  }
  if (covered < dataLength) {
    fail(`${dataLength - covered} trailing bytes after the last tensor (the tensors cover ${covered} of ${dataLength} data bytes)`);
  }

  for (const t of tensors) {
    t.begin += dataStart;
    t.end += dataStart;
  }
  return { metadata, dataStart, tensors };
}

function checkMetadata(entry: HeaderJson, fail: (problem: string) => never): Record<string, string> {
  if (!(entry instanceof Map)) return fail(`__metadata__ must map strings to strings, but it is ${describe(entry)}`);
  for (const [key, value] of entry) {
    if (typeof value !== 'string') {
      fail(`__metadata__ must map strings to strings, but key ${quote(key)} holds ${describe(value)}`);
    }
  }
  // fromEntries defines own properties, so even a key named "__proto__" survives.
  return Object.fromEntries(entry) as Record<string, string>;
}

function isPlainObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isIntegerList(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((d) => Number.isSafeInteger(d) && d >= 0);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof JsonFloat) return `a number (${quote(x.text)}, not an integer)`;
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  return `a ${typeof x} (${quoteJson(x)})`;
}

// ---------------------------------------------------------------------------
// Sharded checkpoints

/**
 * Parse `model.safetensors.index.json`: { "metadata"?: {...}, "weight_map": { tensor: shard file } }.
 * Shard names must be plain file names in the same folder (no paths: a hostile
 * index must not make us read elsewhere).
 */
export function parseSafetensorsIndex(text: string, file: string): Record<string, string> {
  const hint = 'the index is corrupt; download model.safetensors.index.json again';
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch (e) {
    throw new BertTsError(`${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`, hint);
  }
  if (!isPlainObject(index)) throw new BertTsError(`${file}: not a JSON object but ${describe(index)}`, hint);
  const map = (index as Record<string, unknown>).weight_map;
  if (!isPlainObject(map)) throw new BertTsError(`${file}: weight_map is missing or not an object`, hint);
  const entries = Object.entries(map as Record<string, unknown>);
  for (const [name, shard] of entries) {
    if (typeof shard !== 'string') {
      throw new BertTsError(`${file}: weight_map entry ${quote(name)} is ${describe(shard)}, expected a shard file name`, hint);
    }
    if (shard === '' || shard === '.' || shard === '..' || /[/\\]/.test(shard)) {
      throw new BertTsError(`${file}: weight_map entry ${quote(name)} names shard ${quote(shard)}, which is not a plain file name`, hint);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * A sharded checkpoint as one TensorSource. The index says which shard holds
 * each tensor; we check that it does, and that no tensor is in two shards.
 * Tensors a shard holds but the index forgets are still served (the files are
 * the truth about data, the index only about where to look).
 */
export class ShardedSafetensors implements TensorSource {
  readonly indexFile: string;
  readonly shards: SafetensorsFile[];
  private readonly owner = new Map<string, SafetensorsFile>();

  /** `shards` maps each shard file name used in the weight map to the parsed file. */
  constructor(indexFile: string, weightMap: Record<string, string>, shards: Map<string, SafetensorsFile>) {
    this.indexFile = indexFile;
    this.shards = [...shards.values()];
    for (const shard of this.shards) {
      for (const name of shard.names()) {
        const other = this.owner.get(name);
        if (other !== undefined) {
          throw new BertTsError(`${indexFile}: tensor ${quote(name)} is in two shards, ${other.file} and ${shard.file}`, 'the checkpoint is inconsistent; download it again');
        }
        this.owner.set(name, shard);
      }
    }
    for (const [name, shardName] of Object.entries(weightMap)) {
      const shard = shards.get(shardName);
      if (shard === undefined) throw new BertTsError(`${indexFile}: shard ${quote(shardName)} for tensor ${quote(name)} was not loaded`);
      if (this.owner.get(name) !== shard) {
        throw new BertTsError(`${indexFile}: lists tensor ${quote(name)} in ${shard.file}, but that shard has no such tensor`, 'the index and the shards disagree; download the checkpoint again');
      }
    }
  }

  get files(): string[] {
    return this.shards.map((s) => s.file);
  }

  names(): string[] {
    return [...this.owner.keys()];
  }

  info(name: string): (TensorInfo & { file: string }) | undefined {
    return this.owner.get(name)?.info(name);
  }

  float32(name: string): Float32Array {
    return this.require(name).float32(name);
  }

  ints(name: string): number[] {
    return this.require(name).ints(name);
  }

  raw(name: string): Uint8Array {
    return this.require(name).raw(name);
  }

  private require(name: string): SafetensorsFile {
    const shard = this.owner.get(name);
    if (shard === undefined) throw new BertTsError(`${this.indexFile}: no tensor named ${quote(name)} in any shard`);
    return shard;
  }
}

// ---------------------------------------------------------------------------
// Writing: F32 tensors (what the golden tools need), or any dtype as raw bytes
// (a quantized checkpoint's int8 weights beside its F16 / F32 tensors)

export interface F32TensorToWrite {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/** A tensor given as its stored bytes (little-endian) and dtype. */
export interface RawTensorToWrite {
  name: string;
  shape: readonly number[];
  dtype: DType;
  bytes: Uint8Array;
}

export type TensorToWrite = F32TensorToWrite | RawTensorToWrite;

/**
 * The Rust writer's order of dtypes (its Dtype enum); tensors are written by
 * descending dtype, then by name, so the largest alignments come first.
 */
const DTYPE_ORDER: readonly DType[] = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];

const dtypeOf = (t: TensorToWrite): DType => ('dtype' in t ? t.dtype : 'F32');
const bytesOf = (t: TensorToWrite): Uint8Array =>
  'dtype' in t ? t.bytes : new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/**
 * The 8-byte length plus the padded JSON header, and the order the data must
 * follow. Byte-compatible with the Python/Rust `safetensors` writer, which
 * sorts tensors by dtype (descending, in its Dtype enum's order: F32 before
 * F16 before I8) and then by name, compared as UTF-8 bytes (= code point
 * order, which differs from JS's UTF-16 `<` only above U+FFFF). Compact JSON,
 * `__metadata__` first, tensor keys in dtype, shape, data_offsets order, then
 * spaces up to a multiple of 8 so the data section starts 8-byte aligned.
 */
export function safetensorsHeader(
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): { header: Uint8Array; order: TensorToWrite[]; dataLength: number } {
  // called from JavaScript too: anything but a list of { name, shape, data } is one line, not a TypeError
  if (!Array.isArray(tensors)) {
    throw new BertTsError(`cannot write safetensors: expected an array of { name, shape, data: Float32Array }, got ${describe(tensors)}`, 'pass [{ name, shape, data }, …]; an empty file is []');
  }
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new BertTsError(`cannot write __metadata__: expected an object of strings, got ${describe(metadata)}`);
  }
  const seen = new Set<string>();
  for (const t of tensors as unknown[]) {
    if (!isTensorToWrite(t)) {
      throw new BertTsError(`cannot write safetensors: ${quote(t)} is not { name: string, shape: number[], data: Float32Array } (or { name, shape, dtype, bytes: Uint8Array })`, 'each tensor needs a name, a shape and Float32Array data');
    }
  }
  for (const t of tensors) {
    if (t.name === '__metadata__') throw new BertTsError(`cannot write a tensor named '__metadata__': the name is reserved`);
    if (seen.has(t.name)) throw new BertTsError(`cannot write two tensors named ${quote(t.name)}`);
    seen.add(t.name);
    if (!isIntegerList(t.shape)) throw new BertTsError(`cannot write tensor ${quote(t.name)}: shape ${quote(t.shape)} is not a list of non-negative integers`);
    if ('dtype' in t) {
      const need = numel(t.shape) * DTYPE_SIZE[dtypeOf(t)];
      if (need !== t.bytes.byteLength) {
        throw new BertTsError(`cannot write tensor ${quote(t.name)}: shape ${shapeString(t.shape)} of ${dtypeOf(t)} needs ${need} bytes, the data has ${t.bytes.byteLength}`);
      }
    } else if (numel(t.shape) !== t.data.length) {
      throw new BertTsError(`cannot write tensor ${quote(t.name)}: shape ${shapeString(t.shape)} needs ${numel(t.shape)} elements, the data has ${t.data.length}`);
    }
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new BertTsError(`cannot write __metadata__: key ${quote(k)} holds ${describe(v)}, safetensors allows only strings`);
    }
  }

  const rank = (t: TensorToWrite) => DTYPE_ORDER.indexOf(dtypeOf(t));
  const order = [...tensors].sort((a, b) => rank(b) - rank(a) || compareCodePoints(a.name, b.name));
  const entries: string[] = [];
  if (metadata !== undefined) entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const t of order) {
    const end = offset + bytesOf(t).byteLength;
    entries.push(`${JSON.stringify(t.name)}:{"dtype":"${dtypeOf(t)}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, order, dataLength: offset };
}

function isTensorToWrite(t: unknown): t is TensorToWrite {
  if (t === null || typeof t !== 'object') return false;
  const x = t as Partial<F32TensorToWrite & RawTensorToWrite>;
  if (typeof x.name !== 'string' || !Array.isArray(x.shape)) return false;
  if ('dtype' in x) return isDType(x.dtype) && x.bytes instanceof Uint8Array;
  return x.data instanceof Float32Array;
}

/** The bytes of a tensor to write, in order (for writers that stream them). */
export function tensorBytesToWrite(t: TensorToWrite): Uint8Array {
  return bytesOf(t);
}

/** A whole safetensors file in memory (F32 or raw tensors, optional string→string metadata). */
export function serializeSafetensors(tensors: readonly TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  const { header, order, dataLength } = safetensorsHeader(tensors, metadata);
  const out = new Uint8Array(header.length + dataLength);
  out.set(header, 0);
  let at = header.length;
  for (const t of order) {
    const b = bytesOf(t);
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return (x.done ? 0 : 1) - (y.done ? 0 : 1);
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

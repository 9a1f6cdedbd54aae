import { getFloat16 } from '@petamoriken/float16';
import { allocFloat32, type TensorMemory } from './alloc.ts';
import { BertTsError } from '../errors.ts';

/**
 * The element types a safetensors header may name, and how each becomes a
 * Float32Array (weights) or a list of integers (e.g. `position_ids`).
 *
 * All multi-byte types are little-endian in the file. We read them through
 * typed-array views, which use the host's byte order: every platform Node and
 * the browsers run on is little-endian, so the two agree.
 */
export type DType =
  | 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32'
  | 'F32' | 'F64' | 'I64' | 'U64' | 'F8_E5M2' | 'F8_E4M3';

/** Bytes per element, as in the safetensors specification. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  F64: 8, I64: 8, U64: 8,
};

export const DTYPES = Object.keys(DTYPE_SIZE) as DType[];

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

const INTEGER_DTYPES: ReadonlySet<DType> = new Set<DType>(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64']);

/** BOOL and the signed / unsigned integer types (what `decodeInts` accepts). */
export function isIntegerDType(dtype: DType): boolean {
  return INTEGER_DTYPES.has(dtype);
}

// ---------------------------------------------------------------------------
// Lookup tables for the 16- and 8-bit floats. F16 has only 65536 bit patterns,
// so one table built once (256 KB) turns decoding 110M weights into one load
// per element instead of a bit-twiddling function call.

let f16Table: Float32Array | undefined;

/** F16 bit pattern → float32 value, for all 65536 patterns (subnormals, ±inf, NaN included). */
export function float16Table(): Float32Array {
  if (f16Table === undefined) {
    const table = new Float32Array(65536);
    const view = new DataView(new ArrayBuffer(2));
    for (let bits = 0; bits < 65536; bits++) {
      view.setUint16(0, bits, true);
      table[bits] = getFloat16(view, 0, true);
    }
    f16Table = table;
  }
  return f16Table;
}

let e4m3Table: Float32Array | undefined;

/**
 * F8_E4M3 (the "FN" variant PyTorch calls float8_e4m3fn): 1 sign, 4 exponent
 * bits with bias 7, 3 mantissa bits. No infinities; S.1111.111 is NaN, so the
 * largest value is 448. Exponent 0 is subnormal: m/8 · 2^-6.
 */
function float8E4M3Table(): Float32Array {
  if (e4m3Table === undefined) {
    const table = new Float32Array(256);
    for (let bits = 0; bits < 256; bits++) {
      const sign = bits & 0x80 ? -1 : 1;
      const exp = (bits >> 3) & 0xf;
      const man = bits & 0x7;
      if (exp === 0xf && man === 0x7) table[bits] = NaN;
      else if (exp === 0) table[bits] = sign * (man / 8) * 2 ** -6;
      else table[bits] = sign * (1 + man / 8) * 2 ** (exp - 7);
    }
    e4m3Table = table;
  }
  return e4m3Table;
}

// ---------------------------------------------------------------------------

/**
 * Decode one tensor's bytes (exactly its `data_offsets` range) to float32.
 *
 * F32 whose bytes start at a 4-byte-aligned offset in their buffer is returned
 * as a VIEW of that buffer (no copy): writing to it writes to the file bytes.
 * Every other case allocates one new Float32Array (shared memory where
 * available, so a worker pool can read it) and fills it in one pass. With
 * `memory`, the result is always new and lies in that memory (F32 is copied).
 * Integer types convert exactly up to 2^24; beyond that, float32 rounds.
 */
export function decodeFloat32(dtype: DType, bytes: Uint8Array, memory?: TensorMemory): Float32Array {
  const size = DTYPE_SIZE[dtype];
  const n = bytes.byteLength / size;
  const offset = bytes.byteOffset;
  const aligned = offset % size === 0;

  if (dtype === 'F32') {
    if (aligned && !memory) return new Float32Array(bytes.buffer, offset, n);
    const out = allocFloat32(n, memory);
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
    return out;
  }

  const out = allocFloat32(n, memory);
  switch (dtype) {
    case 'F16': {
      const table = float16Table();
      if (aligned) {
        const src = new Uint16Array(bytes.buffer, offset, n);
        for (let i = 0; i < n; i++) out[i] = table[src[i]];
      } else {
        const dv = new DataView(bytes.buffer, offset, bytes.byteLength);
        for (let i = 0; i < n; i++) out[i] = table[dv.getUint16(2 * i, true)];
      }
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits up, no rounding.
      const bits = new Uint32Array(out.buffer, out.byteOffset, n);
      if (aligned) {
        const src = new Uint16Array(bytes.buffer, offset, n);
        for (let i = 0; i < n; i++) bits[i] = src[i] << 16;
      } else {
        const dv = new DataView(bytes.buffer, offset, bytes.byteLength);
        for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      }
      return out;
    }
    case 'F64': {
      if (aligned) {
        const src = new Float64Array(bytes.buffer, offset, n);
        for (let i = 0; i < n; i++) out[i] = src[i];
      } else {
        const dv = new DataView(bytes.buffer, offset, bytes.byteLength);
        for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
      }
      return out;
    }
    case 'F8_E5M2': {
      // E5M2 is the high byte of an F16 (same exponent width and bias).
      const table = float16Table();
      for (let i = 0; i < n; i++) out[i] = table[bytes[i] << 8];
      return out;
    }
    case 'F8_E4M3': {
      const table = float8E4M3Table();
      for (let i = 0; i < n; i++) out[i] = table[bytes[i]];
      return out;
    }
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = bytes[i] === 0 ? 0 : 1;
      return out;
    default: {
      // Integer types: one reader per element through a DataView, which works
      // at any alignment. Rare for weights, so simplicity wins over speed.
      const dv = new DataView(bytes.buffer, offset, bytes.byteLength);
      for (let i = 0; i < n; i++) out[i] = readInteger(dtype, dv, i);
      return out;
    }
  }
}

/**
 * Decode an integer tensor (BOOL, U8 … I64, U64) to numbers, exactly.
 * `where` names the tensor for the error when a 64-bit value is beyond ±(2^53 − 1),
 * which a JavaScript number cannot hold.
 */
export function decodeInts(dtype: DType, bytes: Uint8Array, where: string): number[] {
  if (!isIntegerDType(dtype)) {
    throw new BertTsError(`${where} has dtype ${dtype}, not an integer type`);
  }
  const size = DTYPE_SIZE[dtype];
  const n = bytes.byteLength / size;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = readInteger(dtype, dv, i);
    if (!Number.isSafeInteger(v)) {
      throw new BertTsError(`${where}: element ${i} of dtype ${dtype} is beyond ±(2^53 - 1) and cannot be read exactly`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Element i of an integer tensor. 64-bit values are assembled from two 32-bit
 * halves (no BigInt, so no allocation per element): hi · 2^32 + lo is exact
 * while the result is a safe integer, and lands beyond the safe range otherwise.
 */
function readInteger(dtype: DType, dv: DataView, i: number): number {
  switch (dtype) {
    case 'BOOL': return dv.getUint8(i) === 0 ? 0 : 1;
    case 'U8': return dv.getUint8(i);
    case 'I8': return dv.getInt8(i);
    case 'I16': return dv.getInt16(2 * i, true);
    case 'U16': return dv.getUint16(2 * i, true);
    case 'I32': return dv.getInt32(4 * i, true);
    case 'U32': return dv.getUint32(4 * i, true);
    case 'I64': return dv.getInt32(8 * i + 4, true) * 4294967296 + dv.getUint32(8 * i, true);
    case 'U64': return dv.getUint32(8 * i + 4, true) * 4294967296 + dv.getUint32(8 * i, true);
    default: throw new BertTsError(`dtype ${dtype} is not an integer type`);
  }
}

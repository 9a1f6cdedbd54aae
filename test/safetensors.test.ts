import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/expect-error.ts';
import { safetensorsBytes } from './helpers/safetensors-bytes.ts';
import { DTYPE_SIZE, decodeFloat32, decodeInts, type DType } from '../src/tensor/dtype.ts';
import { BertTsError } from '../src/errors.ts';
import { openCheckpoint, readSafetensors, writeSafetensors } from '../src/tensor/safetensors-fs.ts';
import { parseSafetensors, serializeSafetensors, type TensorSource } from '../src/tensor/safetensors.ts';

const dir = mkdtempSync(join(tmpdir(), 'bert-ts-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// Helpers: hand-built files, so tests can say exactly which bytes are wrong.

interface RawTensor {
  name: string;
  dtype: string;
  shape: unknown;
  bytes: Uint8Array;
  offsets?: unknown; // override data_offsets
}

/** A file as the writer lays it out: the header padded by spaces so the data starts at `dataAt` mod 8. */
const fileBytes = (header: string, data?: Uint8Array, dataAt = 0) => safetensorsBytes(header, data, { dataAt });

/** A file holding `tensors` contiguously in the order given (offsets may be overridden). */
function buildFile(tensors: RawTensor[], opts: { metadata?: unknown; dataAt?: number; extra?: number } = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (opts.metadata !== undefined) header.__metadata__ = opts.metadata;
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: t.offsets ?? [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
    chunks.push(t.bytes);
  }
  const data = new Uint8Array(offset + (opts.extra ?? 0));
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return fileBytes(JSON.stringify(header), data, opts.dataAt ?? 0);
}

function le(Array: { new (xs: number[]): ArrayBufferView }, xs: number[]): Uint8Array {
  const a = new Array(xs);
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function i64(xs: (number | bigint)[]): Uint8Array {
  return new Uint8Array(new BigInt64Array(xs.map((x) => BigInt(x))).buffer);
}

let fileCount = 0;
function writeTmp(bytes: Uint8Array, name = `f${fileCount++}.safetensors`): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** fn must throw one BertTsError (helpers/expect-error.ts) whose message starts with `file: ` and contains every fragment. */
function expectFileError(fn: () => unknown, file: string, ...fragments: string[]): BertTsError {
  return expectError(fn, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), ...fragments);
}

function fromBytes(bytes: Uint8Array, name = 'test.safetensors') {
  return parseSafetensors(bytes, name);
}

// ---------------------------------------------------------------------------

describe('writer', () => {
  it('matches the reference writer byte for byte (test vectors of huggingface/safetensors)', () => {
    const values = new Float32Array([0, 1, 2, 3, 4, 5]);
    const a = serializeSafetensors([{ name: 'attn.0', shape: [1, 2, 3], data: values }]);
    const headerA = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(headerA.length).toBe(64); // no padding needed
    expect(a).toEqual(concat(u64(64), ascii(headerA), new Uint8Array(values.buffer)));

    // A shorter name forces 7 spaces of padding so the data stays 8-byte aligned.
    const b = serializeSafetensors([{ name: 'attn0', shape: [1, 1, 2, 3], data: values }]);
    const headerB = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ';
    expect(b).toEqual(concat(u64(72), ascii(headerB), new Uint8Array(values.buffer)));

    expect(serializeSafetensors([])).toEqual(concat(u64(8), ascii('{}      ')));
    expect(serializeSafetensors([], { framework: 'pt' })).toEqual(
      concat(u64(40), ascii('{"__metadata__":{"framework":"pt"}}     ')),
    );
  });

  it('sorts tensors by name like the reference writer, data contiguous', () => {
    const bytes = serializeSafetensors([
      { name: 'b', shape: [2], data: new Float32Array([3, 4]) },
      { name: 'a', shape: [1], data: new Float32Array([1]) },
      { name: 'scalar', shape: [], data: new Float32Array([7]) },
      { name: 'empty', shape: [0, 3], data: new Float32Array(0) },
    ]);
    const json = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    expect(json.trimEnd()).toBe(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},' +
        '"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[12,12]},' +
        '"scalar":{"dtype":"F32","shape":[],"data_offsets":[12,16]}}',
    );
  });

  it('round-trips through writeSafetensors → readSafetensors, metadata included', () => {
    const w = new Float32Array(12).map((_, i) => i * 0.5 - 3);
    const path = join(dir, 'roundtrip.safetensors');
    writeSafetensors(path, [
      { name: 'bert.embeddings.word_embeddings.weight', shape: [3, 4], data: w },
      { name: 'scalar', shape: [], data: new Float32Array([Math.PI]) },
      { name: 'empty', shape: [0], data: new Float32Array(0) },
      { name: 'nan', shape: [3], data: new Float32Array([NaN, Infinity, -0]) },
    ], { format: 'pt', note: 'ünïcode ✓' });
    const f = readSafetensors(path);
    expect(f.metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
    expect(f.names()).toEqual(['bert.embeddings.word_embeddings.weight', 'empty', 'nan', 'scalar']);
    expect(f.info('bert.embeddings.word_embeddings.weight')).toMatchObject({ dtype: 'F32', shape: [3, 4], file: path });
    expect(f.float32('bert.embeddings.word_embeddings.weight')).toEqual(w);
    expect(f.float32('scalar')).toEqual(new Float32Array([Math.PI]));
    expect(f.float32('empty').length).toBe(0);
    expect(Array.from(f.float32('nan'))).toEqual([NaN, Infinity, -0]);
    // The in-memory serializer writes the same bytes as the file writer.
    expect(serializeSafetensors([
      { name: 'bert.embeddings.word_embeddings.weight', shape: [3, 4], data: w },
      { name: 'scalar', shape: [], data: new Float32Array([Math.PI]) },
      { name: 'empty', shape: [0], data: new Float32Array(0) },
      { name: 'nan', shape: [3], data: new Float32Array([NaN, Infinity, -0]) },
    ], { format: 'pt', note: 'ünïcode ✓' })).toEqual(new Uint8Array(f.bytes));
  });

  it('writes tensors that are views into a larger buffer', () => {
    const big = new Float32Array([9, 1, 2, 9]);
    const bytes = serializeSafetensors([{ name: 'x', shape: [2], data: big.subarray(1, 3) }]);
    expect(fromBytes(bytes).float32('x')).toEqual(new Float32Array([1, 2]));
  });

  it('refuses what it cannot write', () => {
    const one = new Float32Array(1);
    expect(() => serializeSafetensors([{ name: 'x', shape: [2], data: one }])).toThrow(/shape \[2\] needs 2 elements, the data has 1/);
    expect(() => serializeSafetensors([{ name: 'x', shape: [1], data: one }, { name: 'x', shape: [1], data: one }])).toThrow(/two tensors named 'x'/);
    expect(() => serializeSafetensors([{ name: '__metadata__', shape: [1], data: one }])).toThrow(BertTsError);
    expect(() => serializeSafetensors([{ name: 'x', shape: [1.5], data: one }])).toThrow(/not a list of non-negative integers/);
    expect(() => serializeSafetensors([], { n: 1 as unknown as string })).toThrow(/only strings/);
  });
});

describe('dtype decoding', () => {
  it('F16: normal, subnormal, ±0, ±inf, NaN, max', () => {
    const bits = [0x3c00, 0xc000, 0x3555, 0x0001, 0x03ff, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7bff];
    const f = fromBytes(buildFile([{ name: 'h', dtype: 'F16', shape: [bits.length], bytes: le(Uint16Array, bits) }]));
    const got = Array.from(f.float32('h'));
    expect(got).toEqual([1, -2, Math.fround(0.333251953125), 2 ** -24, 1023 * 2 ** -24, 0, -0, Infinity, -Infinity, NaN, 65504]);
  });

  it('BF16: the top half of a float32, NaN and subnormal included', () => {
    const bits = [0x3f80, 0xc040, 0x7f80, 0xff80, 0x0001, 0x7fc0, 0x4049];
    const f = fromBytes(buildFile([{ name: 'b', dtype: 'BF16', shape: [7], bytes: le(Uint16Array, bits) }]));
    expect(Array.from(f.float32('b'))).toEqual([1, -3, Infinity, -Infinity, 2 ** -133, NaN, 3.140625]);
  });

  it('F64, integer types and BOOL to float32', () => {
    const f = fromBytes(buildFile([
      { name: 'f64', dtype: 'F64', shape: [3], bytes: le(Float64Array, [1.5, -1e300, 2 ** -30]) },
      { name: 'u8', dtype: 'U8', shape: [2], bytes: new Uint8Array([0, 255]) },
      { name: 'i8', dtype: 'I8', shape: [2], bytes: le(Int8Array, [-128, 127]) },
      { name: 'bool', dtype: 'BOOL', shape: [3], bytes: new Uint8Array([0, 1, 1]) },
      { name: 'i16', dtype: 'I16', shape: [2], bytes: le(Int16Array, [-32768, 32767]) },
      { name: 'u16', dtype: 'U16', shape: [1], bytes: le(Uint16Array, [65535]) },
      { name: 'i32', dtype: 'I32', shape: [2], bytes: le(Int32Array, [-5, 1 << 24]) },
      { name: 'u32', dtype: 'U32', shape: [1], bytes: le(Uint32Array, [4294967295]) },
      { name: 'i64', dtype: 'I64', shape: [3], bytes: i64([-1, 0, 2 ** 40]) },
      { name: 'u64', dtype: 'U64', shape: [1], bytes: new Uint8Array(new BigUint64Array([2n ** 40n + 3n]).buffer) },
      { name: 'e4m3', dtype: 'F8_E4M3', shape: [5], bytes: new Uint8Array([0x38, 0xb8, 0x7e, 0x7f, 0x01]) },
      { name: 'e5m2', dtype: 'F8_E5M2', shape: [4], bytes: new Uint8Array([0x3c, 0xc0, 0x7c, 0x01]) },
    ]));
    expect(Array.from(f.float32('f64'))).toEqual([1.5, -Infinity, 2 ** -30]);
    expect(Array.from(f.float32('u8'))).toEqual([0, 255]);
    expect(Array.from(f.float32('i8'))).toEqual([-128, 127]);
    expect(Array.from(f.float32('bool'))).toEqual([0, 1, 1]);
    expect(Array.from(f.float32('i16'))).toEqual([-32768, 32767]);
    expect(Array.from(f.float32('u16'))).toEqual([65535]);
    expect(Array.from(f.float32('i32'))).toEqual([-5, 1 << 24]);
    expect(Array.from(f.float32('u32'))).toEqual([4294967296]); // rounds in float32
    expect(Array.from(f.float32('i64'))).toEqual([-1, 0, 2 ** 40]);
    expect(Array.from(f.float32('u64'))).toEqual([2 ** 40]);
    expect(Array.from(f.float32('e4m3'))).toEqual([1, -1, 448, NaN, 2 ** -9]);
    expect(Array.from(f.float32('e5m2'))).toEqual([1, -2, Infinity, 2 ** -16]);
    expect(f.ints('u32')).toEqual([4294967295]);
    expect(f.ints('u64')).toEqual([2 ** 40 + 3]);
    expect(f.ints('bool')).toEqual([0, 1, 1]);
  });

  it('I64 position_ids as exact integers; refuses values beyond 2^53', () => {
    const ids = Array.from({ length: 512 }, (_, i) => i);
    const f = fromBytes(buildFile([
      { name: 'bert.embeddings.position_ids', dtype: 'I64', shape: [1, 512], bytes: i64(ids) },
      { name: 'edge', dtype: 'I64', shape: [3], bytes: i64([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -(2 ** 32)]) },
      { name: 'huge', dtype: 'I64', shape: [2], bytes: i64([0, 2n ** 53n]) },
      { name: 'w', dtype: 'F32', shape: [1], bytes: le(Float32Array, [1]) },
    ]));
    expect(f.ints('bert.embeddings.position_ids')).toEqual(ids);
    expect(f.ints('edge')).toEqual([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -(2 ** 32)]);
    expectFileError(() => f.ints('huge'), 'test.safetensors', "tensor 'huge'", 'element 1', '2^53');
    expectFileError(() => f.ints('w'), 'test.safetensors', "tensor 'w' has dtype F32");
  });

  it('aligned F32 is a view of the file buffer; unaligned is a copy with the same values', () => {
    const values = [1.25, -2, Math.fround(3e-7), Math.fround(1e30), -0];
    for (const dataAt of [0, 4]) {
      const f = fromBytes(buildFile([{ name: 'w', dtype: 'F32', shape: [5], bytes: le(Float32Array, values) }], { dataAt }));
      const w = f.float32('w');
      expect(w.buffer).toBe(f.bytes.buffer);
      expect(w.byteOffset).toBe(f.info('w')!.begin);
      expect(Array.from(w)).toEqual(values);
    }
    for (const dataAt of [1, 2, 3, 7]) {
      const f = fromBytes(buildFile([{ name: 'w', dtype: 'F32', shape: [5], bytes: le(Float32Array, values) }], { dataAt }));
      const w = f.float32('w');
      expect(w.buffer).not.toBe(f.bytes.buffer);
      expect(Array.from(w)).toEqual(values);
    }
  });

  it('unaligned F16, BF16, F64 and I64 decode the same as aligned', () => {
    const make = (dataAt: number) => fromBytes(buildFile([
      { name: 'h', dtype: 'F16', shape: [3], bytes: le(Uint16Array, [0x3c00, 0x0001, 0xfc00]) },
      { name: 'b', dtype: 'BF16', shape: [2], bytes: le(Uint16Array, [0x3f80, 0xc040]) },
      { name: 'd', dtype: 'F64', shape: [1], bytes: le(Float64Array, [0.1]) },
      { name: 'p', dtype: 'I64', shape: [2], bytes: i64([7, -7]) },
    ], { dataAt }));
    const aligned = make(0);
    for (const dataAt of [1, 3, 5]) {
      const f = make(dataAt);
      for (const name of ['h', 'b', 'd', 'p']) expect(f.float32(name)).toEqual(aligned.float32(name));
      expect(f.ints('p')).toEqual([7, -7]);
    }
    expect(Array.from(aligned.float32('h'))).toEqual([1, 2 ** -24, -Infinity]);
    expect(Array.from(aligned.float32('d'))).toEqual([Math.fround(0.1)]);
  });

  it('decodeFloat32 / decodeInts work on any byte range', () => {
    const bytes = new Uint8Array(10);
    bytes.set(le(Uint16Array, [0x3c00, 0x4000]), 1);
    expect(Array.from(decodeFloat32('F16', bytes.subarray(1, 5)))).toEqual([1, 2]);
    expect(decodeInts('U8', bytes.subarray(1, 3), 'x')).toEqual([0x00, 0x3c]);
    expect(() => decodeInts('F32' as DType, bytes.subarray(0, 4), 'x')).toThrow(BertTsError);
    expect(DTYPE_SIZE.BF16).toBe(2);
  });
});

describe('corrupt files: one clear error naming the file', () => {
  const good = (): RawTensor => ({ name: 'w', dtype: 'F32', shape: [2, 2], bytes: le(Float32Array, [1, 2, 3, 4]) });
  const cases: [string, () => Uint8Array, string[]][] = [
    ['file shorter than 8 bytes', () => new Uint8Array(5), ['5 bytes, too short']],
    ['header length beyond the file', () => {
      const b = buildFile([good()]);
      new DataView(b.buffer).setBigUint64(0, 4000n, true);
      return b;
    }, ['header length 4000 goes beyond the end of the file']],
    ['absurd header length', () => {
      const b = buildFile([good()]);
      new DataView(b.buffer).setBigUint64(0, 2n ** 62n, true);
      return b;
    }, ['is absurd']],
    ['invalid UTF-8', () => fileBytes('{"\xff":1}').map((x, i) => (i === 10 ? 0xff : x)), ['not valid UTF-8']],
    ['invalid JSON', () => fileBytes('{"w": {"dtype": "F32",'), ['header is not valid JSON']],
    ['header an array', () => fileBytes('[1, 2]'), ['header is not a JSON object but an array']],
    ['header a number', () => fileBytes('42'), ['header is not a JSON object but a number']],
    ['entry not an object', () => fileBytes('{"w": [1, 2]}'), ["tensor 'w' is not an object"]],
    ['unknown dtype', () => buildFile([{ ...good(), dtype: 'F12' }]), ["tensor 'w' has unknown dtype \"F12\"", 'known: BOOL']],
    ['missing dtype', () => buildFile([{ ...good(), dtype: undefined as unknown as string }]), ["tensor 'w' has unknown dtype undefined"]],
    ['shape not a list', () => buildFile([{ ...good(), shape: '2x2' }]), ["tensor 'w' has shape \"2x2\"", 'not a list of non-negative integers']],
    ['shape with a fraction', () => buildFile([{ ...good(), shape: [2, 2.5] }]), ["tensor 'w' has shape [2,2.5]"]],
    ['shape with a negative', () => buildFile([{ ...good(), shape: [-2, -2] }]), ["tensor 'w' has shape [-2,-2]"]],
    ['offsets not two integers', () => buildFile([{ ...good(), offsets: [0] }]), ["tensor 'w' has data_offsets [0]", 'not two non-negative integers']],
    ['offsets out of range', () => buildFile([{ ...good(), offsets: [16, 32] }]), ["tensor 'w' has data_offsets [16, 32] out of range", 'data section is 16 bytes']],
    ['end before begin', () => buildFile([{ ...good(), offsets: [16, 0] }]), ["tensor 'w' has data_offsets [16, 0]: end is before begin"]],
    ['byte length ≠ elements × dtype size', () => buildFile([{ ...good(), shape: [2, 3] }]), ["tensor 'w' has dtype F32 and shape [2, 3] = 24 bytes, but its offsets span 16 bytes"]],
    ['shape product overflows', () => buildFile([{ ...good(), shape: [2 ** 40, 2 ** 40] }]), ["tensor 'w' has dtype F32 and shape", 'but its offsets span 16 bytes']],
    ['overlapping tensors', () => buildFile([
      { name: 'a', dtype: 'F32', shape: [2], bytes: le(Float32Array, [1, 2]) },
      { name: 'b', dtype: 'F32', shape: [2], bytes: le(Float32Array, [3, 4]), offsets: [4, 12] },
    ], { extra: 4 }), ["tensor 'b' [4, 12] overlaps tensor 'a' [0, 8]"]],
    ['gap between tensors', () => buildFile([
      { name: 'a', dtype: 'F32', shape: [1], bytes: le(Float32Array, [1, 0]), offsets: [0, 4] },
      { name: 'b', dtype: 'F32', shape: [1], bytes: le(Float32Array, [2]), offsets: [8, 12] },
    ]), ["data bytes [4, 8) before tensor 'b' are not covered by any tensor"]],
    ['data not starting at 0', () => buildFile([{ ...good(), offsets: [4, 20] }], { extra: 4 }), ["data bytes [0, 4) before tensor 'w'"]],
    ['trailing bytes', () => buildFile([good()], { extra: 3 }), ['3 trailing bytes after the last tensor', 'cover 16 of 19']],
    ['truncated file', () => buildFile([good()]).subarray(0, -4), ["tensor 'w' has data_offsets [0, 16] out of range", 'data section is 12 bytes']],
    ['metadata not an object', () => buildFile([good()], { metadata: 'pt' }), ['__metadata__ must map strings to strings, but it is a string']],
    ['metadata value not a string', () => buildFile([good()], { metadata: { format: 'pt', epoch: 3 } }), ["__metadata__ must map strings to strings, but key 'epoch' holds a number"]],
  ];

  for (const [title, make, fragments] of cases) {
    it(title, () => {
      const path = writeTmp(make());
      const error = expectFileError(() => readSafetensors(path), path, ...fragments);
      expect(error.hint).toBeTruthy();
    });
  }

  it('the example message from the issue', () => {
    const bytes = fileBytes(JSON.stringify({
      'bert.embeddings.word_embeddings.weight': { dtype: 'F32', shape: [30522, 768], data_offsets: [0, 1000] },
    }), new Uint8Array(1000));
    expectFileError(() => parseSafetensors(bytes, 'model.safetensors'), 'model.safetensors',
      "tensor 'bert.embeddings.word_embeddings.weight' has dtype F32 and shape [30522, 768] = 93763584 bytes, but its offsets span 1000 bytes");
  });

  it('missing file, folder instead of file, missing tensor', () => {
    const missing = join(dir, 'nope.safetensors');
    expectFileError(() => readSafetensors(missing), missing, 'no such file');
    expectFileError(() => readSafetensors(dir), dir, 'is a folder');
    const path = writeTmp(buildFile([good()]));
    const f = readSafetensors(path);
    expectFileError(() => f.float32('bert.pooler.dense.weight'), path, "no tensor named 'bert.pooler.dense.weight'");
    expect(f.info('nope')).toBeUndefined();
  });

  it('accepts zero-size tensors sharing an offset and an empty header', () => {
    const f = fromBytes(buildFile([
      { name: 'z', dtype: 'F32', shape: [0, 4], bytes: new Uint8Array(0) },
      good(),
      { name: 'z2', dtype: 'I64', shape: [0], bytes: new Uint8Array(0) },
    ]));
    expect(f.float32('z').length).toBe(0);
    expect(f.ints('z2')).toEqual([]);
    expect(fromBytes(fileBytes('{}')).names()).toEqual([]);
  });

  it('keeps odd names: "__proto__" as a tensor and as a metadata key', () => {
    const header = '{"__metadata__":{"__proto__":"x"},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const f = fromBytes(fileBytes(header, le(Float32Array, [5])));
    expect(Object.keys(f.metadata)).toEqual(['__proto__']);
    expect(f.metadata.__proto__).toBe('x');
    expect(Array.from(f.float32('__proto__'))).toEqual([5]);
  });
});

describe('shared memory', () => {
  it('reads into a SharedArrayBuffer by default, a plain ArrayBuffer on request', () => {
    const path = join(dir, 'shared.safetensors');
    writeSafetensors(path, [{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }]);
    expect(readSafetensors(path).bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(readSafetensors(path).float32('w').buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(readSafetensors(path, { shared: false }).bytes.buffer).toBeInstanceOf(ArrayBuffer);
  });
});

describe('openCheckpoint', () => {
  let folderCount = 0;
  function folder(files: Record<string, Uint8Array | string>): string {
    const d = join(dir, `model${folderCount++}`);
    mkdirSync(d);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), content);
    return d;
  }
  const shard = (tensors: Record<string, number[]>) =>
    serializeSafetensors(Object.entries(tensors).map(([name, xs]) => ({ name, shape: [xs.length], data: new Float32Array(xs) })));
  const index = (weightMap: Record<string, unknown>) => JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap });

  it('opens model.safetensors', () => {
    const d = folder({ 'model.safetensors': shard({ a: [1, 2] }) });
    const source = openCheckpoint(d);
    expect(source.files).toEqual([join(d, 'model.safetensors')]);
    expect(Array.from(source.float32('a'))).toEqual([1, 2]);
  });

  it('merges a sharded checkpoint', () => {
    const d = folder({
      'model-00001-of-00002.safetensors': shard({ a: [1], b: [2, 3] }),
      'model-00002-of-00002.safetensors': serializeSafetensors([{ name: 'c', shape: [1], data: new Float32Array([4]) }]),
      'model.safetensors.index.json': index({ a: 'model-00001-of-00002.safetensors', b: 'model-00001-of-00002.safetensors', c: 'model-00002-of-00002.safetensors' }),
    });
    const source: TensorSource = openCheckpoint(d);
    expect(source.files).toEqual([join(d, 'model-00001-of-00002.safetensors'), join(d, 'model-00002-of-00002.safetensors')]);
    expect(source.names()).toEqual(['a', 'b', 'c']);
    expect(source.info('c')).toMatchObject({ dtype: 'F32', shape: [1], file: join(d, 'model-00002-of-00002.safetensors') });
    expect(Array.from(source.float32('b'))).toEqual([2, 3]);
    expect(Array.from(source.float32('c'))).toEqual([4]);
    expect(source.info('nope')).toBeUndefined();
    expectFileError(() => source.float32('nope'), join(d, 'model.safetensors.index.json'), "no tensor named 'nope' in any shard");
  });

  it('explains a folder with neither file', () => {
    const d = folder({ 'config.json': '{}' });
    const e = expectFileError(() => openCheckpoint(d), d, 'has neither model.safetensors nor model.safetensors.index.json');
    expect(e.hint).toContain('model.safetensors');
    const t = folder({ 'pytorch_model.bin': 'x' });
    expect(expectFileError(() => openCheckpoint(t), t).hint).toContain('pytorch_model.bin');
    expectFileError(() => openCheckpoint(join(dir, 'absent')), join(dir, 'absent'), 'no such folder');
  });

  it('sharded: missing shard, tensor absent in its shard, same name in two shards, bad index', () => {
    const one = 'model-00001-of-00002.safetensors';
    const two = 'model-00002-of-00002.safetensors';
    const idx = 'model.safetensors.index.json';

    let d = folder({ [one]: shard({ a: [1] }), [idx]: index({ a: one, b: two }) });
    expectFileError(() => openCheckpoint(d), join(d, idx), `shard file '${two}' is missing`);

    d = folder({ [one]: shard({ a: [1] }), [two]: shard({ c: [1] }), [idx]: index({ a: one, b: two }) });
    expectFileError(() => openCheckpoint(d), join(d, idx), `lists tensor 'b' in ${join(d, two)}, but that shard has no such tensor`);

    d = folder({ [one]: shard({ a: [1] }), [two]: shard({ a: [2] }), [idx]: index({ a: one, b: two }) });
    expectFileError(() => openCheckpoint(d), join(d, idx), `tensor 'a' is in two shards, ${join(d, one)} and ${join(d, two)}`);

    d = folder({ [idx]: '{"weight_map": ' });
    expectFileError(() => openCheckpoint(d), join(d, idx), 'not valid JSON');
    d = folder({ [idx]: '{"metadata": {}}' });
    expectFileError(() => openCheckpoint(d), join(d, idx), 'weight_map is missing');
    d = folder({ [idx]: index({ a: 3 }) });
    expectFileError(() => openCheckpoint(d), join(d, idx), "weight_map entry 'a' is a number");
    d = folder({ [idx]: index({ a: '../model.safetensors' }) });
    expectFileError(() => openCheckpoint(d), join(d, idx), 'not a plain file name');

    // A corrupt shard is reported by its own file name.
    d = folder({ [one]: shard({ a: [1] }).subarray(0, -2), [idx]: index({ a: one }) });
    expectFileError(() => openCheckpoint(d), join(d, one), 'out of range');
  });
});

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A tiny WebAssembly binary writer: just enough to emit the SIMD matmul kernel
 * of src/wasm/ at run time, so no toolchain and no binary blob enters the
 * repository. Reference: the WebAssembly core spec, "Binary Format", and the
 * fixed-width SIMD proposal's opcode table.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Instruction helpers: each returns the bytes of one instruction. */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32GeU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  /** if (no result) … [else …] end */
  if: [0x04, 0x40],
  else: [0x05],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  // SIMD (prefix 0xfd, then the opcode as unsigned LEB128); memarg = align log2, offset
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 2, ...uleb(offset)],
  v128Load32Splat: (offset = 0) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 2, ...uleb(offset)],
  /** one float32 into lane 0, zeros in lanes 1..3 */
  v128Load32Zero: (offset = 0) => [0xfd, ...uleb(0x5c), 2, ...uleb(offset)],
  /** i8x16.shuffle of two vectors, given as four float32 lanes (0..3 = first, 4..7 = second) */
  f32x4Shuffle: (a: number, b: number, c: number, d: number) =>
    [0xfd, ...uleb(0x0d), ...[a, b, c, d].flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  /** v128.const with eight int16 lanes, all v */
  i16x8Const: (v: number) => [0xfd, ...uleb(0x0c), ...new Uint8Array(new Int16Array(8).fill(v).buffer)],
  /** v128.const with four float32 lanes */
  f32x4Const: (a: number, b = a, c = a, d = a) => [0xfd, ...uleb(0x0c), ...new Uint8Array(Float32Array.of(a, b, c, d).buffer)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  f32x4Min: [0xfd, ...uleb(0xe8)],
  f32x4Max: [0xfd, ...uleb(0xe9)],
  /** pseudo-min/max (b < a ? b : a): one minps/maxps, no NaN fix-up */
  f32x4Pmin: [0xfd, ...uleb(0xea)],
  f32x4Pmax: [0xfd, ...uleb(0xeb)],
  f32x4Nearest: [0xfd, ...uleb(0x6a)],
  f32x4Ge: [0xfd, ...uleb(0x46)],
  v128And: [0xfd, ...uleb(0x4e)],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
  i32x4TruncSatF32x4S: [0xfd, ...uleb(0xf8)],
  i32x4Shl: [0xfd, ...uleb(0xab)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  /** v128.const with four int32 lanes */
  i32x4Const: (a: number, b = a, c = a, d = a) => [0xfd, ...uleb(0x0c), ...new Uint8Array(Int32Array.of(a, b, c, d).buffer)],
  i32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1b), lane],
  f32x4ConvertI32x4S: [0xfd, ...uleb(0xfa)],
  /** i32x4.dot_i16x8_s: lane i = a[2i]·b[2i] + a[2i+1]·b[2i+1] (SIMD128) */
  i32x4DotI16x8S: [0xfd, ...uleb(0xba)],
  /** i32x4.extadd_pairwise_i16x8_s: lane i = a[2i] + a[2i+1], widened */
  i32x4ExtaddPairwiseI16x8S: [0xfd, ...uleb(0x7e)],
  i16x8ExtendLowI8x16S: [0xfd, ...uleb(0x87)],
  i16x8ExtendHighI8x16S: [0xfd, ...uleb(0x88)],
  i16x8ExtendLowI8x16U: [0xfd, ...uleb(0x89)],
  i16x8ExtendHighI8x16U: [0xfd, ...uleb(0x8a)],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Min: [0x96],
  f32Max: [0x97],
  f32Nearest: [0x90],
  f32Gt: [0x5e],
  select: [0x1b],
  i32TruncF32S: [0xa8],
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i8x16Splat: [0xfd, ...uleb(0x0f)],
  i16x8NarrowI32x4S: [0xfd, ...uleb(0x85)],
  i8x16NarrowI16x8U: [0xfd, ...uleb(0x66)],
  i8x16MinU: [0xfd, ...uleb(0x77)],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Const: (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  i32And: [0x71],
  i32LtU: [0x49],
  i32GtU: [0x4b],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
};

/**
 * Relaxed SIMD (WebAssembly 2.0's relaxed-simd proposal). A module that uses
 * any of these fails to compile where they are absent, so they live in a
 * module of their own (src/wasm/kernels.ts picks the variant).
 */
export const relaxed = {
  /** f32x4.relaxed_madd(a, b, c) = a·b + c, fused where the CPU has FMA */
  f32x4Madd: [0xfd, ...uleb(0x105)],
  /** f32x4.relaxed_nmadd(a, b, c) = −(a·b) + c, fused where the CPU has FMA */
  f32x4Nmadd: [0xfd, ...uleb(0x106)],
  /**
   * i16x8.relaxed_dot_i8x16_i7x16_s(a, b): lane i = a[2i]·b[2i] + a[2i+1]·b[2i+1], a signed
   * int8, b in [0, 127] (exact then: |sum| ≤ 2·128·127 fits int16). One pmaddubsw on x64.
   */
  i16x8DotI8x16I7x16S: [0xfd, ...uleb(0x112)],
  /**
   * i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b, c): lane i = c[i] + the 4 products of a[4i..4i+3]
   * and b[…]; one vpdpbusd where V8 lowers it with VNNI. Not in any kernel: in Node 20 it drops c
   * in some register allocations and is slower than the pair above (bench/lib/ceiling.ts measures it).
   */
  i32x4DotI8x16I7x16AddS: [0xfd, ...uleb(0x113)],
};

export interface FuncDef {
  name: string;
  params: number[];
  results: number[];
  /** extra locals after the params, as [count, type] runs */
  locals: [number, number][];
  body: number[];
}

/**
 * A module importing its memory as env.memory (at least `minPages` pages of
 * 64 KiB; with `sharedMaxPages`, a shared memory of at most that many pages,
 * which threads can use together) and exporting the given functions.
 */
export function emitModule(funcs: FuncDef[], minPages: number, sharedMaxPages?: number): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  // memtype limits: 0x00 min | 0x03 min max (shared)
  const limits = sharedMaxPages === undefined ? [0x00, ...uleb(minPages)] : [0x03, ...uleb(minPages), ...uleb(sharedMaxPages)];
  const imports = [[...uleb(3), ...utf8('env'), ...uleb(6), ...utf8('memory'), 0x02, ...limits]];
  const funcIdx = funcs.map((_, i) => uleb(i));
  const exports = funcs.map((f, i) => [...uleb(f.name.length), ...utf8(f.name), 0x00, ...uleb(i)]);
  const codes = funcs.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcIdx)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}

// Fuzz the safetensors parser in memory (parseSafetensors on a buffer: no
// files, so 100,000+ inputs take seconds): every truncation of a real fixture,
// random byte mutations of real fixtures, generated header attacks, deep
// nesting. Each input parses (and then every tensor decodes) or is one
// BertTsError; never another exception, never a slow input, and memory does not grow.
import { describe, it, expect } from 'vitest';
import { safetensorsBytes } from './helpers/safetensors-bytes.ts';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSafetensors, type SafetensorsFile } from '../src/tensor/safetensors.ts';
import { isIntegerDType } from '../src/tensor/dtype.ts';
import { Rng, SCALE, SEED, count, memoryInUse, report, stats, trial, type FuzzStats } from './fuzz/harness.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const FILES = [
  'seq1-batch1/golden.safetensors',
  'seq1-batch1/model.safetensors',
  'combo-f16-nopfx-posids/model.safetensors',
  'bf16-weights/model.safetensors',
  'unaligned-header/model.safetensors',
  'sharded/model-00002-of-00002.safetensors',
  'masked-lm/model.safetensors',
].map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(FIX, f))) }));
/** The few smallest tensors of a real file, rewritten as a valid file with their real names, dtypes and bytes. */
function subset(f: { name: string; bytes: Uint8Array }, k: number): { name: string; bytes: Uint8Array } {
  const src = parseSafetensors(f.bytes, f.name);
  const picked = src.names().map((n) => src.info(n)!).sort((a, b) => a.end - a.begin - (b.end - b.begin)).slice(0, k);
  let offset = 0;
  const entries = picked.map((t) => {
    const e = `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + t.end - t.begin}]}`;
    offset += t.end - t.begin;
    return e;
  });
  const data = new Uint8Array(offset);
  let at = 0;
  for (const t of picked) {
    data.set(f.bytes.subarray(t.begin, t.end), at);
    at += t.end - t.begin;
  }
  return { name: `${f.name} (${k} smallest)`, bytes: build(`{"__metadata__":{"format":"pt"},${entries.join(',')}}`, data) };
}
/** Small files get most mutations (speed); the larger real files 3 in 100. */
const SMALL = [FILES[0], ...FILES.slice(1).map((f, i) => subset(f, 3 + (i % 4)))];

/** Parse, then decode every tensor the way the loader would. */
function parseAndRead(bytes: Uint8Array, name = 'fuzz.safetensors'): SafetensorsFile {
  const f = parseSafetensors(bytes, name);
  for (const t of f.names()) {
    const info = f.info(t)!;
    if (isIntegerDType(info.dtype)) f.ints(t);
    else f.float32(t);
  }
  f.info('__proto__');
  f.info('constructor');
  return f;
}

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length: n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

/** A file from header text and data bytes; `declared` overrides the length field. */
function build(text: string, data: Uint8Array, declared?: number): Uint8Array {
  return safetensorsBytes(text, data, { declared });
}

function truncations(s: FuzzStats): void {
  // every truncation of two real files (all of the small one, the header and a stride of the data of the larger)
  for (const f of [FILES[0], FILES[2]]) {
    const { length } = headerOf(f.bytes);
    for (let n = 0; n <= f.bytes.length; n++) {
      if (f === FILES[2] && n > 8 + length + 64 && n % 101 !== 0 && n !== f.bytes.length) continue;
      trial(s, () => `${f.name} truncated to ${n} bytes`, () => {
        parseAndRead(f.bytes.subarray(0, n));
        if (n !== f.bytes.length) throw new Error('a truncated file parsed');
      });
    }
  }
}

function mutations(s: FuzzStats, rng: Rng, n: number): void {
  for (let i = 0; i < n; i++) {
    const f = rng.chance(0.03) ? rng.pick(FILES) : rng.pick(SMALL);
    const bytes = f.bytes.slice();
    const { length } = headerOf(bytes);
    const edits: string[] = [];
    const k = rng.range(1, 6);
    for (let e = 0; e < k; e++) {
      const where = rng.int(10);
      // mostly in the header: that is where the parser decides
      const at = where < 1 ? rng.int(8) : where < 8 ? 8 + rng.int(Math.max(1, length)) : rng.int(bytes.length);
      const old = bytes[at];
      bytes[at] = rng.chance(0.5) ? rng.int(256) : rng.pick([0x22, 0x2c, 0x30, 0x31, 0x39, 0x2e, 0x65, 0x2d, 0x5b, 0x5d, 0x7b, 0x7d, 0x20, 0x00, 0xff]);
      edits.push(`[${at}] ${old}→${bytes[at]}`);
    }
    trial(s, () => `${f.name} with ${edits.join(', ')}`, () => parseAndRead(bytes));
  }
}

const DTYPES = ['F32', 'F16', 'BF16', 'I64', 'I32', 'U8', 'BOOL', 'F64', 'F8_E4M3', 'I8', 'U64', 'f32', 'F12', '', 'constructor', '__proto__'];

/** Generated headers: plausible structure with one or more fields gone wrong. */
function attacks(s: FuzzStats, rng: Rng, n: number): void {
  const num = (): string =>
    rng.pick(['0', '1', '2', '4', '8', '16', '2.0', '8e0', '1e1', '-1', '-0', '1.5', '9007199254740993', '18446744073709551616', '1e400', '0x10', '01', '"8"', 'null', 'true', '[]', '{}']);
  const shapeText = (): string => {
    const k = rng.int(10);
    if (k < 6) return `[${Array.from({ length: rng.int(4) }, () => (rng.chance(0.85) ? String(rng.range(0, 6)) : num())).join(',')}]`;
    if (k === 6) return `[${Array(rng.chance(0.1) ? 5000 : rng.range(9, 40)).fill('1').join(',')}]`;
    return rng.pick(['"2x2"', 'null', '{}', '[[2]]', '2', '[1e400]', '[2.0,2]']);
  };
  for (let i = 0; i < n; i++) {
    const tensors = rng.range(0, 5);
    const parts: string[] = [];
    let offset = 0;
    for (let t = 0; t < tensors; t++) {
      const name = rng.pick(['w', 'a.b', '__proto__', 'constructor', '__metadata__', '', 'x'.repeat(rng.chance(0.1) ? 3000 : rng.range(1, 100)), rng.text(8), `t${t}`]);
      const dtype = rng.chance(0.8) ? rng.pick(DTYPES.slice(0, 10)) : rng.pick(DTYPES);
      const shape = rng.chance(0.7) ? `[${rng.range(0, 4)}]` : shapeText();
      const size = rng.range(0, 16);
      const begin = rng.chance(0.8) ? String(offset) : num();
      const end = rng.chance(0.8) ? String(offset + size) : num();
      offset += size;
      const fields = [`"dtype":${rng.chance(0.9) ? JSON.stringify(dtype) : num()}`, `"shape":${shape}`, `"data_offsets":[${begin},${end}]`];
      if (rng.chance(0.1)) fields.push(rng.pick(fields)); // a duplicated field
      if (rng.chance(0.1)) fields.splice(rng.int(fields.length), 1);
      if (rng.chance(0.05)) fields.push(`"extra":${num()}`);
      parts.push(`${JSON.stringify(name)}:{${fields.join(',')}}`);
    }
    if (rng.chance(0.3)) parts.push(`"__metadata__":${rng.pick(['{"format":"pt"}', '{"a":1}', 'null', '[]', '"x"', '{"__proto__":"x"}', '{"a":"b","a":"c"}'])}`);
    if (rng.chance(0.1) && parts.length > 0) parts.push(rng.pick(parts)); // a duplicated tensor
    let text = rng.chance(0.95) ? `{${parts.join(',')}}` : rng.pick(['[]', 'null', '"x"', '1', '{', '', ' ', '{}}', '{"a":1}']);
    if (rng.chance(0.05)) text = text.replace(/[0-9]/, () => rng.pick(['\u0000', '\uFEFF', '\uD800']));
    const data = new Uint8Array(rng.chance(0.8) ? offset : rng.range(0, 40));
    let declared: number | undefined;
    if (rng.chance(0.05)) declared = rng.pick([0, 1, 7, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER, 100_000_001, text.length + 1, text.length - 1]);
    const bytes = build(text, data, declared);
    if (rng.chance(0.03)) bytes[8 + rng.int(Math.max(1, text.length))] = 0xff; // not UTF-8
    trial(s, () => `header ${text} + ${data.length} data bytes${declared !== undefined ? `, length field ${declared}` : ''}`, () => parseAndRead(bytes));
  }
}

function nesting(s: FuzzStats, rng: Rng, n: number): void {
  for (let i = 0; i < n; i++) {
    const depth = rng.pick([127, 128, 129, 200, 1000, 5000, 20_000, rng.range(1, 50_000)]);
    const open = rng.chance(0.5) ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    const inner = open.repeat(depth) + (rng.chance(0.2) ? '' : '1') + close.repeat(rng.chance(0.9) ? depth : rng.int(depth));
    const text = rng.pick([`{"a":${inner}}`, `{"w":{"dtype":"F32","shape":${inner},"data_offsets":[0,0]}}`, `{"__metadata__":${inner}}`, inner]);
    trial(s, () => `nesting depth ${depth}: ${text.slice(0, 60)}…`, () => parseAndRead(build(text, new Uint8Array(0))));
  }
}

describe('fuzz: safetensors parser', () => {
  it(`≥ 100,000 inputs end in a parse or one BertTsError (seed ${SEED})`, () => {
    const s = stats('safetensors');
    const rng = new Rng(SEED);
    const before = memoryInUse();
    let peak = before;
    const t0 = performance.now();
    truncations(s);
    console.log(`truncations: ${s.runs} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const sample = () => (peak = Math.max(peak, memoryInUse()));
    const phase: Record<string, number> = {};
    const timed = (name: string, f: () => void) => {
      const t = performance.now();
      f();
      phase[name] = (phase[name] ?? 0) + performance.now() - t;
    };
    for (let round = 0; round < 10; round++) {
      timed('mutations', () => mutations(s, rng, count(5000)));
      timed('attacks', () => attacks(s, rng, count(4500)));
      timed('nesting', () => nesting(s, rng, count(40)));
      sample();
    }
    console.log(Object.entries(phase).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', '));
    const grew = (peak - before) / 2 ** 20;
    report(s, `, memory in use grew by at most ${grew.toFixed(0)} MiB`);
    if (SCALE >= 1) expect(s.runs).toBeGreaterThanOrEqual(100_000);
    expect(grew).toBeLessThan(512);
  });
});

// The fuzz harness shared by test/fuzz-*.test.ts: a seeded generator, and a
// trial() that runs one input and records anything other than success or one
// BertTsError (one line, a bounded message) within a time bound.
//
//   FUZZ_SEED=N   another seed (default 14: CI is deterministic)
//   FUZZ_SCALE=k  k times as many inputs per suite (tools/fuzz.mjs sets both)
import { expect } from 'vitest';
import { BertTsError } from '../../src/errors.ts';

// Stack traces are never read here (a failure reports the message and the input),
// and capturing one per refused input is most of the cost of a fuzz run.
Error.stackTraceLimit = 2;

export const SEED = Number(process.env.FUZZ_SEED ?? 14) >>> 0;
export const SCALE = Math.max(0.01, Number(process.env.FUZZ_SCALE ?? 1));

/** How many inputs a suite runs: its CI count times FUZZ_SCALE. */
export function count(ci: number): number {
  return Math.max(1, Math.round(ci * SCALE));
}

/** The longest message a BertTsError may have: quote() caps what it embeds. */
export const MAX_MESSAGE = 1200;

/** xorshift128+ reduced to 32 bits: small, fast, and reproducible from one seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = seed ^ 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed * 31 + 7;
    for (let i = 0; i < 16; i++) this.u32();
  }
  /** xoshiro128** */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
  /** an integer in [0, n) */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** an integer in [lo, hi] */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** a short random string: ASCII, JSON-special characters, controls, CJK, astral, lone surrogates */
  text(max = 12): string {
    const n = this.int(max + 1);
    let s = '';
    for (let i = 0; i < n; i++) {
      const k = this.int(10);
      if (k < 4) s += String.fromCharCode(this.range(0x20, 0x7e));
      else if (k === 4) s += this.pick(['"', '\\', '{', '}', '[', ']', ':', ',', '#', '.']);
      else if (k === 5) s += String.fromCharCode(this.int(0x20));
      else if (k === 6) s += String.fromCharCode(this.range(0x4e00, 0x9fff));
      else if (k === 7) s += String.fromCodePoint(this.range(0x10000, 0x10ffff));
      else if (k === 8) s += String.fromCharCode(this.range(0xd800, 0xdfff));
      else s += this.pick(['[CLS]', '[SEP]', '[MASK]', '[UNK]', '##', ' ', 'é', 'İ', '\u0301']);
    }
    return s;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Values that break lax parsers: wrong types, edge numbers, prototype names, huge things. */
export const NASTY: readonly unknown[] = [
  null, true, false, 0, -0, 1, -1, 2, 3, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e9, 1e300, -1e300,
  Infinity, -Infinity, NaN, '', 'true', 'false', '0', '1', 'abc', 'gelu', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', [], [null], [1], [[1]], ['x'], {}, { a: 1 }, { __proto__: null }, 'x'.repeat(100_000),
];

export interface FuzzStats {
  name: string;
  runs: number;
  ok: number;
  refused: number;
  failures: string[];
  maxMs: number;
  started: number;
  cpu: NodeJS.CpuUsage;
}

export function stats(name: string): FuzzStats {
  return { name, runs: 0, ok: 0, refused: 0, failures: [], maxMs: 0, started: performance.now(), cpu: process.cpuUsage() };
}

/**
 * Run one input. Success and a BertTsError (one line, at most MAX_MESSAGE
 * characters) are fine; anything else, or taking longer than maxMs, is a
 * failure recorded with describe()'s account of the input.
 */
export function trial(s: FuzzStats, describe: () => string, fn: () => unknown, maxMs = 10_000): void {
  s.runs++;
  const t = performance.now();
  let problem: string | undefined;
  try {
    fn();
    s.ok++;
  } catch (e) {
    if (e instanceof BertTsError) {
      s.refused++;
      if (e.message.includes('\n')) problem = `multi-line message: ${JSON.stringify(e.message.slice(0, 200))}`;
      else if (e.message.length > MAX_MESSAGE) problem = `message of ${e.message.length} chars: ${e.message.slice(0, 200)}…`;
    } else {
      problem = `${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 300)}`;
    }
  }
  const ms = performance.now() - t;
  if (ms > s.maxMs) s.maxMs = ms;
  if (ms > maxMs) problem ??= `took ${ms.toFixed(0)} ms`;
  if (problem !== undefined && s.failures.length < 8) s.failures.push(`${problem}\n    input: ${describe().slice(0, 400)}`);
}

/** Same for an async input. */
export async function trialAsync(s: FuzzStats, describe: () => string, fn: () => Promise<unknown>, maxMs = 20_000): Promise<void> {
  s.runs++;
  const t = performance.now();
  let problem: string | undefined;
  try {
    await fn();
    s.ok++;
  } catch (e) {
    if (e instanceof BertTsError) s.refused++;
    else problem = `${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 300)}`;
  }
  const ms = performance.now() - t;
  if (ms > s.maxMs) s.maxMs = ms;
  if (ms > maxMs) problem ??= `took ${ms.toFixed(0)} ms`;
  if (problem !== undefined && s.failures.length < 8) s.failures.push(`${problem}\n    input: ${describe().slice(0, 400)}`);
}

/** Off-heap + heap bytes in use now (what a runaway allocation would grow). */
export function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Assert no failures, print the counts (the CI log is the fuzz report). */
export function report(s: FuzzStats, extra = ''): void {
  const secs = (performance.now() - s.started) / 1000;
  const used = process.cpuUsage(s.cpu);
  const cpu = (used.user + used.system) / 1e6;
  console.log(`fuzz ${s.name}: ${s.runs} inputs (${s.ok} ok, ${s.refused} refused) in ${secs.toFixed(1)} s (${cpu.toFixed(1)} s CPU), slowest ${s.maxMs.toFixed(1)} ms, seed ${SEED}${extra}`);
  expect(s.failures, `${s.name}: inputs that ended in something other than success or one BertTsError`).toEqual([]);
}

/** A short description of a value for failure reports. */
export function show(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === 'string' && v.length > 60 ? v.slice(0, 60) + '…' : v))?.slice(0, 400) ?? String(x);
  } catch {
    return String(x);
  }
}

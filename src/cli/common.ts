/**
 * Options and steps shared by the commands, so every command says the same
 * thing the same way: --model/-m, --json, --jsonl, --threads, --backend, --simd, --dtype.
 */
import { createInterface } from 'node:readline';
import { BertTsError } from '../errors.ts';
import { setBackend, type Backend } from '../runtime/backend.ts';
import { relaxedSimdSupported, wasmSimdSupported, type SimdVariant } from '../wasm/kernels.ts';
import { getSimd, setSimd } from '../runtime/simd.ts';
import { DTYPES, type DType } from '../bert/quantize-weights.ts';
import { setThreads } from '../runtime/pool.ts';
import { ARCHITECTURES } from '../bert/architecture.ts';
import { int, oneOf, str, type Io, type OptionSpec, type Parsed } from './command.ts';

export const MODEL: Record<string, OptionSpec> = {
  model: { type: 'string', short: 'm', value: 'MODEL', help: 'a model folder, or a Hub model id (org/name): from the Hugging Face cache, else downloaded into it' },
};
export const ARCHITECTURE: Record<string, OptionSpec> = {
  architecture: { type: 'string', value: 'NAME', help: `load this head instead of config.json's architectures (${ARCHITECTURES.join(', ')})` },
};
export const COMPUTE: Record<string, OptionSpec> = {
  threads: { type: 'string', value: 'N', help: 'threads for the matrix products and attention (default 1)' },
  backend: { type: 'string', value: 'B', help: 'js | wasm | auto: the kernels (default auto: WebAssembly SIMD where the runtime has it)' },
  simd: { type: 'string', value: 'V', help: 'relaxed | simd128 | auto: the wasm kernels\' instruction set (default auto: relaxed SIMD where the runtime has it; env BERT_TS_SIMD)' },
  dtype: { type: 'string', value: 'T', help: "f32 | q8: f32 is exact (the default, but for a folder bert-ts quantize wrote, which is q8); q8 runs the encoder's matrices in int8, faster and approximate (docs/performance.md)" },
};
/** COMPUTE without --dtype: for commands whose point is the exact float32 result (golden). */
export const COMPUTE_EXACT: Record<string, OptionSpec> = { threads: COMPUTE.threads, backend: COMPUTE.backend, simd: COMPUTE.simd };
export const JSON_OUT: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: "print exactly the library's result as JSON" },
};
export const JSONL: Record<string, OptionSpec> = {
  jsonl: { type: 'boolean', help: 'read one JSON object per line from stdin, write one JSON result per line' },
};

/** The model folder: required unless the command has a default. */
export function modelDir(command: string, p: Parsed): string {
  const dir = str(p, 'model');
  if (!dir) throw new BertTsError(`${command}: --model MODEL is required`, `run 'bert-ts ${command} --help'`);
  return dir;
}

export interface Compute {
  threads: number;
  backend: 'js' | 'wasm' | 'auto';
  simd: SimdVariant | 'auto';
  /** undefined: the model's own (f32; q8 for a folder bert-ts quantize wrote) */
  dtype: DType | undefined;
}

/** --threads above this is refused (one worker per thread; more than the cores never helps). */
const MAX_THREADS = 64;

/** Check --threads / --backend (before anything loads). */
export function computeOptions(command: string, p: Parsed): Compute {
  const threads = int(command, p, 'threads', 1, 1);
  if (threads > MAX_THREADS) throw new BertTsError(`${command}: --threads ${threads} is more than ${MAX_THREADS}`, 'one thread per core is the most that helps');
  const backend = oneOf(command, p, 'backend', ['js', 'wasm', 'auto'] as const, 'auto');
  if (backend === 'wasm' && !wasmSimdSupported()) throw new BertTsError(`${command}: --backend wasm: this runtime has no WebAssembly SIMD`, 'use --backend js');
  const simd = oneOf(command, p, 'simd', ['relaxed', 'simd128', 'auto'] as const, 'auto');
  if (simd === 'relaxed' && !relaxedSimdSupported()) throw new BertTsError(`${command}: --simd relaxed: this runtime has no relaxed SIMD`, 'use --simd simd128 or auto');
  const dtype = p.values.dtype === undefined ? undefined : oneOf(command, p, 'dtype', DTYPES, 'f32');
  return { threads, backend, simd, dtype };
}

/** Apply them: call before loading the model (weights go where the backend reads them). */
export async function applyCompute(c: Compute): Promise<Backend> {
  const b = setBackend(c.backend);
  if (b === 'wasm' && (c.simd !== 'auto' || process.env.BERT_TS_SIMD === undefined)) setSimd(c.simd);
  if (c.threads > 1) await setThreads(c.threads);
  return b;
}

/** The kernels that run, as a person reads it: 'js', 'wasm relaxed-SIMD' or 'wasm SIMD128'. */
export function kernelsLabel(backend: Backend): string {
  return backend === 'js' ? 'js' : `wasm ${getSimd() === 'relaxed' ? 'relaxed-SIMD' : 'SIMD128'}`;
}

/** Release the worker threads, so the process can exit. */
export async function releaseCompute(c: Compute): Promise<void> {
  if (c.threads > 1) await setThreads(1);
}

/** The lines of stdin, each parsed as a JSON object. */
export async function readJsonLines(command: string, io: Io): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let n = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    n++;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new BertTsError(`${command}: stdin line ${n} is not JSON (${(e as Error).message})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new BertTsError(`${command}: stdin line ${n} must be a JSON object`);
    out.push(v as Record<string, unknown>);
  }
  return out;
}

/** A string field of a JSON-lines object, checked. */
export function field(command: string, o: Record<string, unknown>, name: string, line: number, optional = false): string | undefined {
  const v = o[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw new BertTsError(`${command}: stdin line ${line} has no string "${name}"`);
  return v;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(JSON.stringify(value) + '\n');
}

import { BertTsError, quote } from '../errors.ts';
import { setBackend, type Backend } from '../runtime/backend.ts';
import { wasmSimdSupported } from '../wasm/kernels.ts';

/**
 * A small argument parser shared by the commands: `--name value`, `--flag`,
 * and positionals. Options not declared are refused with one clear line.
 */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export function parseArgs(
  command: string,
  args: string[],
  spec: { options?: string[]; flags?: string[] },
): ParsedArgs {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  const known = new Set(spec.options ?? []);
  const knownFlags = new Set([...(spec.flags ?? []), 'help']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (knownFlags.has(name) && eq < 0) {
        flags.add(name);
      } else if (known.has(name)) {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) throw new BertTsError(`${command}: option --${name} needs a value`);
        options.set(name, value);
      } else {
        throw new BertTsError(`${command}: unknown option ${quote(a)}`, `run 'bert-ts ${command} --help'`);
      }
    } else if (a === '-h') {
      flags.add('help');
    } else {
      positionals.push(a);
    }
  }
  return { positionals, options, flags };
}

/** A numeric option, checked: `--atol 1e-4`. */
export function numberOption(command: string, parsed: ParsedArgs, name: string, fallback: number): number {
  const raw = parsed.options.get(name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new BertTsError(`${command}: --${name} must be a non-negative number, got ${quote(raw)}`);
  return v;
}

/** An integer option ≥ min (`--seq 128`), or undefined when absent. */
export function intOption(command: string, parsed: ParsedArgs, name: string, min: number): number | undefined {
  const raw = parsed.options.get(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) {
    const what = min === 0 ? 'a non-negative integer' : `a whole number ≥ ${min}`;
    throw new BertTsError(`${command}: --${name} must be ${what}, got ${quote(raw)}`);
  }
  return v;
}

/** Help text for --backend, shared by the commands that run the model. */
export const BACKEND_HELP = "--backend  js | wasm | auto: the kernels (default auto: WebAssembly SIMD where the runtime has it, else plain TypeScript)";

/** `--backend js|wasm|auto`: select the model's kernels and return the one in use. */
export function backendOption(command: string, parsed: ParsedArgs): Backend {
  const raw = parsed.options.get('backend') ?? 'auto';
  if (raw !== 'js' && raw !== 'wasm' && raw !== 'auto') {
    throw new BertTsError(`${command}: --backend must be js, wasm or auto, got ${quote(raw)}`);
  }
  if (raw === 'wasm' && !wasmSimdSupported()) {
    throw new BertTsError(`${command}: --backend wasm: this runtime has no WebAssembly SIMD`, 'use --backend js');
  }
  return setBackend(raw);
}

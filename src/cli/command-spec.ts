// One command as data: its options (for util.parseArgs), its usage text, a
// function from parsed options to a JSON-able result, and a text formatter for
// that result. `runCommandSpec` is the glue: parse, run, print text or --json.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BertTsError } from '../errors.ts';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandSpec<R> {
  name: string;
  /** one line for the command list */
  summary: string;
  /** the full --help text */
  usage: string;
  options: OptionSpecs;
  run(values: Values, positionals: string[]): R | Promise<R>;
  /** the result for a person, lines of at most 80 columns */
  format(result: R): string;
}

export interface CommandIo {
  stdout: { write(s: string): unknown };
}

export async function runCommandSpec<R>(spec: CommandSpec<R>, args: string[], io: CommandIo = { stdout: process.stdout }): Promise<number> {
  const options: OptionSpecs = { ...spec.options, help: { type: 'boolean', short: 'h' } };
  if (!('json' in options)) options.json = { type: 'boolean' };
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new BertTsError(`${spec.name}: ${(e as Error).message.split('. ')[0]}`, `run 'bert-ts ${spec.name} --help'`);
  }
  if (parsed.values.help) {
    io.stdout.write(spec.usage.trimEnd() + '\n');
    return 0;
  }
  const result = await spec.run(parsed.values, parsed.positionals);
  io.stdout.write(parsed.values.json ? JSON.stringify(result, jsonNumbers) + '\n' : spec.format(result).trimEnd() + '\n');
  return 0;
}

/** Float32Array → plain arrays in JSON. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float32Array) : v;
}

/** A string option that must be given. */
export function required(command: string, values: Values, name: string, what: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new BertTsError(`${command}: --${name} ${what} is required`, `run 'bert-ts ${command} --help'`);
  return v;
}

/** An integer option ≥ min, or the fallback when absent. */
export function intValue(command: string, values: Values, name: string, min: number, fallback: number): number;
export function intValue(command: string, values: Values, name: string, min: number, fallback?: number): number | undefined;
export function intValue(command: string, values: Values, name: string, min: number, fallback?: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(v) || v < min) throw new BertTsError(`${command}: --${name} must be a whole number ≥ ${min}, got '${raw}'`);
  return v;
}

// One command as data: its options (util.parseArgs), positionals, help and
// examples, and the function that runs it; --help is made from the entry.
// (The same shape as the tasks branch's command table, so these commands join
// it as entries.)
import { parseArgs } from 'node:util';
import { BertTsError } from '../errors.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** the value's placeholder in help (`DIR`, `N`) */
  value?: string;
  /** may be given more than once (values in order) */
  multiple?: boolean;
  help: string;
}

export interface Io {
  stdout: { write(s: string): unknown };
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** one line for the command list */
  summary: string;
  /** the positionals as shown in usage */
  args: string;
  /** what the command does and what the positionals are, said plainly */
  argsHelp?: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  run(p: Parsed, io: Io): Promise<number>;
}

const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', help: 'this help' } };

export function parseCommandArgs(command: Command, args: string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...HELP_OPTION }).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
  );
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const quoted = /'(-[^']*)'/.exec(err.message)?.[1];
    const hint = `run 'bert-ts ${command.name} --help'`;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new BertTsError(`${command.name}: unknown option '${quoted ?? err.message}'`, hint);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([\w-]+)/.exec(err.message)?.[1];
      throw new BertTsError(`${command.name}: option --${name} ${command.options[name ?? '']?.type === 'string' ? 'needs a value' : 'takes no value'}`, hint);
    }
    throw new BertTsError(`${command.name}: ${err.message.split('. ')[0]}`, hint);
  }
}

export function commandHelp(c: Command): string {
  const line = (name: string, o: OptionSpec) => `  ${`${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`.padEnd(34)} ${o.help}`;
  return [
    `usage: bert-ts ${c.name} [options]${c.args ? ' ' + c.args : ''}`,
    `  ${c.summary}`,
    ...(c.argsHelp ? ['', ...c.argsHelp.split('\n')] : []),
    '',
    'options:',
    ...Object.entries({ ...c.options, ...HELP_OPTION }).map(([n, o]) => line(n, o)),
    ...(c.examples.length > 0 ? ['', 'examples:', ...c.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

/** Parse, print --help, or run. */
export async function runCommand(c: Command, args: string[], io: Io = { stdout: process.stdout }): Promise<number> {
  const p = parseCommandArgs(c, args);
  if (p.values.help) {
    io.stdout.write(commandHelp(c) + '\n');
    return 0;
  }
  return c.run(p, io);
}

/** A command whose work is a function from the parsed arguments to a JSON-able result, printed as text or with --json. */
export function resultCommand<R>(spec: Omit<Command, 'run'> & { compute(p: Parsed): R | Promise<R>; format(r: R): string }): Command & { compute(p: Parsed): R | Promise<R>; format(r: R): string } {
  const options: Record<string, OptionSpec> = { ...spec.options, json: { type: 'boolean', help: 'print the result as JSON' } };
  return {
    ...spec,
    options,
    async run(p, io) {
      const r = await spec.compute(p);
      io.stdout.write(p.values.json ? JSON.stringify(r, jsonNumbers) + '\n' : spec.format(r).trimEnd() + '\n');
      return 0;
    },
  };
}

/** Float32Array → plain arrays in JSON. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float32Array) : v;
}

/** A string option's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string option's values. */
export function strs(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A string option that must be given. */
export function required(command: string, p: Parsed, name: string, what: string): string {
  const v = str(p, name);
  if (v === undefined || v === '') throw new BertTsError(`${command}: --${name} ${what} is required`, `run 'bert-ts ${command} --help'`);
  return v;
}

/** An integer option ≥ min, or the fallback when absent. */
export function int(command: string, p: Parsed, name: string, min: number, fallback: number): number;
export function int(command: string, p: Parsed, name: string, min: number): number | undefined;
export function int(command: string, p: Parsed, name: string, min: number, fallback?: number): number | undefined {
  const raw = str(p, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new BertTsError(`${command}: --${name} must be ${min === 0 ? 'a non-negative integer' : `a whole number ≥ ${min}`}, got '${raw}'`);
  }
  return v;
}

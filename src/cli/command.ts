/**
 * One command table entry: the command's flags, positionals, help and
 * examples, and the function that runs it. Parsing (util.parseArgs, strict),
 * `--help` and the README's command list are all made from these entries
 * (help.ts), so they cannot drift apart.
 */
import { parseArgs } from 'node:util';
import { BertTsError, quote } from '../errors.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** may be given more than once (the values, in order) */
  multiple?: boolean;
  /** the value's placeholder in help (`DIR`, `N`) */
  value?: string;
  help: string;
}

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** 'fill-mask', or two words for a subcommand: 'golden verify' */
  name: string;
  /** one line for the command list */
  summary: string;
  /** the positionals as shown in usage, e.g. 'TEXT...' or '[TEXT]' */
  args: string;
  /** what the positionals are, said plainly */
  argsHelp?: string;
  options: Record<string, OptionSpec>;
  /** -m MODEL may be left out (the command has a default model, or another source such as --vectors): usage shows [-m MODEL] */
  modelOptional?: boolean;
  examples: string[];
  /** runs after parsing; checks its arguments before loading anything */
  run(p: Parsed, io: Io): Promise<number>;
}

export const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', help: 'this help' } };

/** util.parseArgs, strict, with its errors turned into one line naming the command. */
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
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new BertTsError(`${command.name}: unknown option ${quote(quoted ?? err.message)}`, hint);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([\w-]+)/.exec(err.message)?.[1];
      const spec = name && Object.hasOwn(command.options, name) ? command.options[name] : undefined;
      throw new BertTsError(spec?.type === 'string' ? `${command.name}: option --${name} needs a value` : `${command.name}: option --${name} takes no value`, hint);
    }
    throw new BertTsError(`${command.name}: ${err.message}`, hint);
  }
}

/** A string option's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** An integer option ≥ min, or the fallback when absent. */
export function int(command: string, p: Parsed, name: string, min: number, fallback: number): number;
export function int(command: string, p: Parsed, name: string, min: number): number | undefined;
export function int(command: string, p: Parsed, name: string, min: number, fallback?: number): number | undefined {
  const raw = str(p, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new BertTsError(`${command}: --${name} must be ${min === 0 ? 'a non-negative integer' : `a whole number ≥ ${min}`}, got ${quote(raw)}`);
  }
  return v;
}

/** A non-negative number option, or the fallback. */
export function num(command: string, p: Parsed, name: string, fallback: number): number {
  const raw = str(p, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0) throw new BertTsError(`${command}: --${name} must be a non-negative number, got ${quote(raw)}`);
  return v;
}

/** One of a few words. */
export function oneOf<T extends string>(command: string, p: Parsed, name: string, allowed: readonly T[], fallback: T): T {
  const raw = str(p, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new BertTsError(`${command}: --${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, got ${quote(raw)}`);
  }
  return raw as T;
}

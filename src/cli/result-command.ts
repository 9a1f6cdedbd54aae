// A command whose work is a function from the parsed arguments to a JSON-able
// result, printed for a person (format) or as JSON (--json): explain, serve,
// neighbours, analogy, ambiguity.
import { BertTsError } from '../errors.ts';
import { str, type Command, type Parsed } from './command.ts';
import { JSON_OUT } from './common.ts';

type ResultSpec<R> = Omit<Command, 'run'> & {
  compute(p: Parsed): R | Promise<R>;
  format(r: R): string;
  /** a warning about the result for stderr (one line), e.g. that the input was cut */
  warning?(r: R): string | undefined;
};

export function resultCommand<R>(spec: ResultSpec<R>): Command & ResultSpec<R> {
  return {
    ...spec,
    options: { ...spec.options, ...JSON_OUT },
    async run(p, io) {
      const r = await spec.compute(p);
      const warning = spec.warning?.(r);
      if (warning) io.stderr.write(`bert-ts: warning: ${warning}\n`);
      io.stdout.write(p.values.json ? JSON.stringify(r, jsonNumbers) + '\n' : spec.format(r).trimEnd() + '\n');
      return 0;
    },
  };
}

/** Float32Array → plain arrays in JSON. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float32Array) : v;
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

// bert-ts command line. Each command lives in its own file; this one only
// dispatches and turns a BertTsError into one clear line (no stack trace).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BertTsError, quote } from '../errors.ts';
import { runTokenize } from './tokenize.ts';
import { runGolden } from './golden.ts';
import { runDemo } from './demo.ts';
import { runForward } from './forward.ts';

const USAGE = `bert-ts: BERT inference in pure TypeScript

usage:
  bert-ts demo [--model DIR] [--backend B]   tokenize, forward and golden-check the model in weights/
  bert-ts forward --model DIR [--text TEXT] [--seq S] [--threads N] [--backend B]   load, run, time
  bert-ts tokenize --model DIR [--pair TEXT] TEXT
  bert-ts tokenize --model DIR --jsonl       JSON lines in ({"text", "pair"?}), JSON lines out
  bert-ts golden verify CASE_DIR [--atol A] [--rtol R] [--json]
  bert-ts golden record --model DIR --inputs inputs.json --out golden.safetensors
  bert-ts --help | --version

Run any command with --help for its options.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  tokenize: runTokenize,
  golden: runGolden,
  demo: runDemo,
  forward: runForward,
};

/** Run one command line in-process; returns the exit status, throws on bad input (a BertTsError). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version') {
    console.log(VERSION);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined; // own keys: 'constructor' is no command
  if (!run) throw new BertTsError(`unknown command ${quote(command)}`, `run 'bert-ts --help' for the list of commands`);
  return run(rest);
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

/**
 * main() as a process runs it: a BertTsError (or an I/O failure such as
 * ENOSPC) becomes one line on stderr and exit status 2; only a bug (any other
 * exception) prints a stack, with status 70.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (err: unknown) {
    if (err instanceof BertTsError) {
      console.error(`bert-ts: error: ${err.message}`);
      if (err.hint) console.error(`bert-ts: hint: ${err.hint}`);
      return 2;
    }
    const sys = err as NodeJS.ErrnoException;
    if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
      console.error(`bert-ts: error: ${sys.syscall} failed: ${sys.code}${sys.path ? ` (${sys.path})` : ''}`);
      return 2;
    }
    console.error(err);
    return 70;
  }
}

/** True when this module is the program node was started with (dist/cli.js, through any bin symlink). */
function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Find the command in the table (one word, or two for `golden verify`), parse
 * its arguments strictly, print help or run it.
 */
import { BertTsError, quote } from '../errors.ts';
import { parseCommandArgs, type Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { commandHelp, topLevelHelp } from './help.ts';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

export const processIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(topLevelHelp(COMMANDS) + '\n');
    return first === undefined ? 1 : 0;
  }
  if (first === '--version') {
    io.stdout.write(VERSION + '\n');
    return 0;
  }
  const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
  const command = two ?? COMMANDS.find((c) => c.name === first);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(first + ' '));
    if (group.length > 0) {
      if (second === undefined || second === '--help' || second === '-h') {
        io.stdout.write(group.map(commandHelp).join('\n\n') + '\n');
        return second === undefined ? 1 : 0;
      }
      throw new BertTsError(`${first}: unknown subcommand ${quote(second)}`, `use ${group.map((c) => `'bert-ts ${c.name}'`).join(' or ')}`);
    }
    throw new BertTsError(`unknown command ${quote(first)}`, "run 'bert-ts --help' for the list of commands");
  }
  const parsed = parseCommandArgs(command, argv.slice(two ? 2 : 1));
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  return command.run(parsed, io);
}

/**
 * runCli as a process runs it: a BertTsError (or an I/O failure such as
 * ENOSPC) becomes one line on stderr and exit status 2; only a bug (any other
 * exception) prints a stack, with status 70. Tests and fuzzers call this
 * in-process with their own io.
 */
export async function runToExit(argv: string[], io: Io = processIo): Promise<number> {
  try {
    return await runCli(argv, io);
  } catch (err: unknown) {
    if (err instanceof BertTsError) {
      io.stderr.write(`bert-ts: error: ${err.message}\n`);
      if (err.hint) io.stderr.write(`bert-ts: hint: ${err.hint}\n`);
      return 2;
    }
    const sys = err as NodeJS.ErrnoException;
    if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
      io.stderr.write(`bert-ts: error: ${sys.syscall} failed: ${sys.code}${sys.path ? ` (${quote(sys.path)})` : ''}\n`);
      return 2;
    }
    io.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    return 70;
  }
}

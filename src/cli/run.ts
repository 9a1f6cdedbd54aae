/**
 * Find the command in the table (one word, or two for `golden verify`), parse
 * its arguments strictly, print help or run it.
 */
import { BertTsError } from '../errors.ts';
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
      throw new BertTsError(`${first}: unknown subcommand '${second}'`, `use ${group.map((c) => `'bert-ts ${c.name}'`).join(' or ')}`);
    }
    throw new BertTsError(`unknown command '${first}'`, "run 'bert-ts --help' for the list of commands");
  }
  const parsed = parseCommandArgs(command, argv.slice(two ? 2 : 1));
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  return command.run(parsed, io);
}

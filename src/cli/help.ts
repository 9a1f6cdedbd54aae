/**
 * Help text, made from the command table only: the top-level list (which is
 * also README's command list, checked by test/cli-table.test.ts) and each
 * command's --help.
 */
import type { Command, OptionSpec } from './command.ts';
import { HELP_OPTION } from './command.ts';

/** `bert-ts fill-mask -m MODEL [options] TEXT...`: the required options and positionals. */
export function synopsis(c: Command): string {
  // demo and serve have default models, search the table's; neighbours and analogy take -m MODEL or --vectors FILE;
  // download and inspect take the model as their argument (-m works too)
  const positional = c.args.split(' ').includes('MODEL');
  const model = c.options.model && !positional ? (['demo', 'serve', 'neighbours', 'analogy', 'search'].includes(c.name) ? ' [-m MODEL]' : ' -m MODEL') : '';
  return `bert-ts ${c.name}${model} [options]${c.args ? ' ' + c.args : ''}`;
}

export function topLevelHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => synopsis(c).length));
  const lines = commands.map((c) => `  ${synopsis(c).padEnd(width)}  ${c.summary}`);
  return [
    'bert-ts: BERT inference in pure TypeScript',
    '',
    'usage:',
    ...lines,
    `  ${'bert-ts --help | --version'.padEnd(width)}  this list | the version`,
    '',
    "Every command takes --help. The text is the positional argument; for pairs, --pair is segment B.",
    'Commands that compute take --threads N and --backend js|wasm|auto; --json prints the library\'s result.',
  ].join('\n');
}

function optionLine(name: string, o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return `  ${flag.padEnd(34)} ${o.help}`;
}

export function commandHelp(c: Command): string {
  const options = { ...c.options, ...HELP_OPTION };
  return [
    `usage: ${synopsis(c)}`,
    `  ${c.summary}`,
    ...(c.argsHelp ? ['', ...c.argsHelp.split('\n')] : []),
    '',
    'options:',
    ...Object.entries(options).map(([n, o]) => optionLine(n, o)),
    ...(c.examples.length > 0 ? ['', 'examples:', ...c.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

// bert-ts nsp: next-sentence prediction (library: nextSentence).
import { BertTsError } from '../../errors.ts';
import { str } from '../command.ts';
import { field } from '../common.ts';
import { each, fmt, pipelineCommand } from '../pipeline-command.ts';

export const nspCommand = pipelineCommand({
  name: 'nsp',
  summary: 'the probability that --pair follows TEXT (next-sentence head)',
  args: 'TEXT --pair TEXT',
  argsHelp: 'TEXT is segment A (the first sentence) and --pair is segment B (the one that may follow).',
  options: { pair: { type: 'string', value: 'TEXT', help: 'segment B: the sentence that may follow TEXT' } },
  examples: ['bert-ts nsp -m weights/en "The cat sat on the mat." --pair "It fell asleep there."'],
  jsonlShape: '{"text": "...", "pair": "..."}',
  check: (_c, p) => ({ pair: str(p, 'pair') }),
  fromArgs: (p, o) => {
    if (p.positionals.length !== 1 || o.pair === undefined) throw new BertTsError('nsp: give one TEXT (segment A) and --pair TEXT (segment B)');
    return [[p.positionals[0], o.pair] as [string, string]];
  },
  fromJson: (o, line) => [field('nsp', o, 'text', line)!, field('nsp', o, 'pair', line)!] as [string, string],
  compute: (nlp, inputs: [string, string][], _o, { onTruncate }) => nlp.nextSentence(inputs, { onTruncate }),
  print: each((io, [a, b], p: number) => {
    io.stdout.write(`A: ${a}\nB: ${b}\nP(B follows A) = ${fmt(p)}\n`);
  }),
});

// bert-ts fill-mask: the likeliest tokens at each [MASK] (library: fillMask).
import { BertTsError } from '../../errors.ts';
import type { FillMaskCandidate, FillMaskResult } from '../../pipelines/fill-mask.ts';
import { int, str } from '../command.ts';
import { field } from '../common.ts';
import { each, fmt, pipelineCommand, texts } from '../pipeline-command.ts';

export const fillMaskCommand = pipelineCommand({
  name: 'fill-mask',
  summary: 'the likeliest words for each [MASK] in a text',
  args: 'TEXT...',
  argsHelp: 'TEXT: a text with one or more [MASK] tokens (the model\'s mask token); several TEXTs are batched.',
  options: {
    'top-k': { type: 'string', value: 'K', help: 'candidates per mask (default 5)' },
    targets: { type: 'string', value: 'W1,W2', help: 'only score these words (comma-separated)' },
  },
  examples: ['bert-ts fill-mask -m weights/en "The capital of France is [MASK]."', 'bert-ts fill-mask -m weights/en --targets paris,london --json "I live in [MASK]."'],
  jsonlShape: '{"text": "... [MASK] ..."}',
  check: (c, p) => {
    const targets = str(p, 'targets')?.split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (targets && targets.length === 0) throw new BertTsError(`${c}: --targets needs at least one word`);
    return { topK: int(c, p, 'top-k', 1, 5), targets };
  },
  fromArgs: (p) => texts('fill-mask', p),
  fromJson: (o, line) => field('fill-mask', o, 'text', line)!,
  compute: (nlp, inputs: string[], o, hooks) => nlp.fillMask(inputs, { ...o, ...hooks }),
  print: each((io, text, result: FillMaskResult) => {
    io.stdout.write(`${text}\n`);
    const perMask = (Array.isArray(result[0]) ? result : [result]) as FillMaskCandidate[][];
    perMask.forEach((candidates, m) => {
      if (perMask.length > 1) io.stdout.write(`  mask ${m + 1}:\n`);
      for (const c of candidates) io.stdout.write(`  ${fmt(c.score)}  ${c.token_str.padEnd(12)}  ${c.sequence}\n`);
    });
  }),
});

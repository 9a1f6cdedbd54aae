// bert-ts ner: named entities (library: ner).
import { oneOf, str } from '../command.ts';
import { field } from '../common.ts';
import { each, fmt, pipelineCommand, texts } from '../pipeline-command.ts';
import type { Aggregation, GroupedEntity, TokenEntity } from '../../pipelines/ner.ts';

export const nerCommand = pipelineCommand<string, (TokenEntity | GroupedEntity)[], { aggregation: Aggregation; ignoreLabels: string[] }>({
  name: 'ner',
  summary: 'token classification / named entities with a BertForTokenClassification model',
  args: 'TEXT...',
  argsHelp: 'TEXT: a text to tag; several TEXTs are batched. start / end are UTF-16 offsets into the text.',
  options: {
    aggregation: { type: 'string', value: 'A', help: "none | simple | first | average | max: how tokens merge into entities (default none, as transformers)" },
    'ignore-labels': { type: 'string', value: 'L1,L2', help: 'labels to drop (default O; give "" to keep all)' },
  },
  examples: ['bert-ts ner -m dslim/bert-base-NER --aggregation simple "My name is Wolfgang and I live in Berlin."'],
  jsonlShape: '{"text": "..."}',
  check: (c, p) => ({
    aggregation: oneOf(c, p, 'aggregation', ['none', 'simple', 'first', 'average', 'max'] as const, 'none' as Aggregation),
    ignoreLabels: str(p, 'ignore-labels')?.split(',').filter((l) => l !== '') ?? ['O'],
  }),
  fromArgs: (p) => texts('ner', p),
  fromJson: (o, line) => field('ner', o, 'text', line)!,
  compute: (nlp, inputs: string[], o, { onTruncate }) => nlp.ner(inputs, { ...o, onTruncate }),
  print: each((io, text: string, entities: (TokenEntity | GroupedEntity)[]) => {
    io.stdout.write(`${text}\n`);
    if (entities.length === 0) io.stdout.write('  (no entities)\n');
    for (const e of entities) {
      const label = 'entity' in e ? e.entity : e.entity_group;
      io.stdout.write(`  ${label.padEnd(8)} ${JSON.stringify(e.word).padEnd(20)} [${e.start}, ${e.end})  ${fmt(e.score)}\n`);
    }
  }),
});

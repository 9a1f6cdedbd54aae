// bert-ts classify: labels with scores (library: classify).
import { int, oneOf } from '../command.ts';
import { field } from '../common.ts';
import { each, fmt, pipelineCommand, texts } from '../pipeline-command.ts';
import type { LabelScore, ScoreFunction } from '../../pipelines/classify.ts';

export const classifyCommand = pipelineCommand({
  name: 'classify',
  summary: 'text classification / sentiment with a BertForSequenceClassification model',
  args: 'TEXT...',
  argsHelp: 'TEXT: a text to classify; several TEXTs are batched.',
  options: {
    'top-k': { type: 'string', value: 'K', help: 'labels per text, best first (default 1)' },
    function: { type: 'string', value: 'F', help: "softmax | sigmoid | none (default: from config.json's problem_type and num_labels)" },
  },
  examples: ['bert-ts classify -m weights/en-topic "What is the meaning of life?"', 'bert-ts classify -m weights/en-topic --top-k 3 --json "Never trust a computer."'],
  jsonlShape: '{"text": "..."}',
  check: (c, p) => ({
    topK: int(c, p, 'top-k', 1, 1),
    functionToApply: p.values.function === undefined ? undefined : oneOf(c, p, 'function', ['softmax', 'sigmoid', 'none'] as const, 'softmax' as ScoreFunction),
  }),
  fromArgs: (p) => texts('classify', p),
  fromJson: (o, line) => field('classify', o, 'text', line)!,
  compute: (nlp, inputs: string[], o, { onTruncate }) => nlp.classify(inputs, { ...o, onTruncate }),
  print: each((io, text, labels: LabelScore[]) => {
    io.stdout.write(`${text}\n`);
    for (const l of labels) io.stdout.write(`  ${fmt(l.score)}  ${l.label}\n`);
  }),
});

// bert-ts qa: extractive question answering (library: answer).
import { BertTsError } from '../../errors.ts';
import { int, str } from '../command.ts';
import { field } from '../common.ts';
import { each, fmt, pipelineCommand } from '../pipeline-command.ts';
import type { Answer, QaInput } from '../../pipelines/question-answering.ts';

export const qaCommand = pipelineCommand({
  name: 'qa',
  summary: 'extractive question answering with a BertForQuestionAnswering model',
  args: 'QUESTION --context TEXT',
  argsHelp: 'QUESTION is segment A and --context is segment B, as the model was trained. start / end are UTF-16 offsets into the context.',
  options: {
    context: { type: 'string', value: 'TEXT', help: 'the text that holds the answer (segment B; long texts are split into windows)' },
    'top-k': { type: 'string', value: 'K', help: 'answers to return (default 1)' },
    'max-answer-length': { type: 'string', value: 'N', help: 'longest answer in tokens (default 15)' },
    'doc-stride': { type: 'string', value: 'N', help: 'overlap of context windows in tokens (default 128, at most half a window)' },
    'max-seq-length': { type: 'string', value: 'N', help: 'tokens per window, question included (default 384 or the model maximum)' },
    'handle-impossible-answer': { type: 'boolean', help: 'allow the empty answer when no span is likely' },
  },
  examples: ['bert-ts qa -m deepset/bert-base-cased-squad2 --context "The Eiffel Tower is in Paris." "Where is the Eiffel Tower?"'],
  jsonlShape: '{"question": "...", "context": "..."}',
  check: (c, p) => ({
    topK: int(c, p, 'top-k', 1, 1),
    maxAnswerLength: int(c, p, 'max-answer-length', 1),
    docStride: int(c, p, 'doc-stride', 0),
    maxSeqLength: int(c, p, 'max-seq-length', 1),
    handleImpossibleAnswer: p.values['handle-impossible-answer'] === true,
    context: str(p, 'context'),
  }),
  fromArgs: (p, o) => {
    if (p.positionals.length !== 1 || o.context === undefined) {
      throw new BertTsError('qa: give one QUESTION and --context TEXT', 'example: bert-ts qa -m DIR --context "The Eiffel Tower is in Paris." "Where is it?"');
    }
    return [{ question: p.positionals[0], context: o.context }];
  },
  fromJson: (o, line): QaInput => ({ question: field('qa', o, 'question', line)!, context: field('qa', o, 'context', line)! }),
  compute: (nlp, inputs: QaInput[], { context: _context, ...o }) => nlp.answer(inputs, o),
  print: each((io, input, result: Answer | Answer[]) => {
    io.stdout.write(`Q: ${input.question}\n`);
    for (const a of Array.isArray(result) ? result : [result]) io.stdout.write(`  ${fmt(a.score)}  ${JSON.stringify(a.answer)}  [${a.start}, ${a.end})\n`);
  }),
});

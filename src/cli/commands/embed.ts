// bert-ts embed: sentence embeddings (library: embed).
import { oneOf, type Command } from '../command.ts';
import { field } from '../common.ts';
import { pipelineCommand, texts } from '../pipeline-command.ts';
import { cosineSimilarity } from '../../pipelines/embed.ts';
import type { Pooling } from '../../pipelines/sentence-transformers.ts';
import { CORPUS_OPTIONS, isCorpusMode, refuseCorpusOptions, runCorpusEmbed } from './embed-corpus.ts';

const checkPooling = (c: string, p: Parameters<Command['run']>[0]) => ({
  pooling: p.values.pooling === undefined ? undefined : oneOf(c, p, 'pooling', ['mean', 'cls', 'max'] as const, 'mean' as Pooling),
  normalize: p.values.normalize ? true : p.values['no-normalize'] ? false : undefined,
});

const printedEmbed = pipelineCommand({
  name: 'embed',
  summary: 'sentence embeddings (pooling and normalisation from a sentence-transformers folder)',
  args: 'TEXT...',
  argsHelp: 'TEXT: a text to embed; several TEXTs are batched and their cosine similarities printed.',
  options: {
    pooling: { type: 'string', value: 'P', help: 'mean | cls | max (default: the folder\'s 1_Pooling config, else mean)' },
    normalize: { type: 'boolean', help: 'unit-length vectors (default: when the folder has a Normalize module)' },
    'no-normalize': { type: 'boolean', help: 'raw pooled vectors even when the folder normalises' },
  },
  examples: ['bert-ts embed -m sentence-transformers/all-MiniLM-L6-v2 "A man is eating food." "A man eats."', 'bert-ts embed -m weights/en --pooling cls --json "some text"'],
  jsonlShape: '{"text": "..."}',
  check: checkPooling,
  fromArgs: (p) => texts('embed', p),
  fromJson: (o, line) => field('embed', o, 'text', line)!,
  compute: (nlp, inputs: string[], o, { onTruncate }) => nlp.embed(inputs, { ...o, onTruncate }),
  print(io, inputs, vectors: number[][]) {
    vectors.forEach((v, i) => {
      io.stdout.write(`${inputs[i]}\n  [${v.length}] ${v.slice(0, 6).map((x) => x.toFixed(4)).join(' ')} …  (norm ${Math.hypot(...v).toFixed(4)})\n`);
    });
    if (vectors.length > 1) {
      io.stdout.write('cosine similarity to the first text:\n');
      vectors.slice(1).forEach((u, j) => io.stdout.write(`  text ${j + 2}: ${cosineSimilarity(vectors[0], u).toFixed(4)}\n`));
    }
  },
});

// the same command with a corpus mode: --input FILE --output DB (embed-corpus.ts)
export const embedCommand: Command = {
  ...printedEmbed,
  summary: 'sentence embeddings: printed, or a corpus into a LanceDB table (--input FILE --output DB)',
  args: '[TEXT...]',
  argsHelp: `${printedEmbed.argsHelp}\nWith --input FILE --output DB, a corpus is embedded into a LanceDB table instead (see docs/embedding-at-scale.md).`,
  options: { ...printedEmbed.options, ...CORPUS_OPTIONS },
  examples: [...printedEmbed.examples, 'bert-ts embed -m weights/en --input corpus.jsonl --output vectors.lance --shard 0/4'],
  run(p, io) {
    if (isCorpusMode(p)) return runCorpusEmbed(p, io, checkPooling('embed', p));
    refuseCorpusOptions(p);
    return printedEmbed.run(p, io);
  },
};

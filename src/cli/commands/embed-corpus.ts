// bert-ts embed --input FILE --output DB: a corpus into a LanceDB table,
// one shard per process (library: embedCorpus).
import { BertTsError } from '../../errors.ts';
import { embedCorpus, DEFAULT_CORPUS_BATCH_SIZE, DEFAULT_WINDOW } from '../../corpus/embed-corpus.ts';
import { resolveShard } from '../../corpus/shard.ts';
import { checkCorpusInput } from '../../corpus/read-corpus.ts';
import { checkWritableDb, DEFAULT_TABLE } from '../../corpus/store.ts';
import { int, num, oneOf, str, type Io, type OptionSpec, type Parsed } from '../command.ts';
import { applyCompute, computeOptions, modelDir, printJson, releaseCompute } from '../common.ts';
import { modelFolderForCli } from '../load.ts';
import { corpusProgress, duration, progressLine } from '../corpus-progress.ts';
import type { Pooling } from '../../pipelines/sentence-transformers.ts';

export const CORPUS_OPTIONS: Record<string, OptionSpec> = {
  input: { type: 'string', short: 'i', value: 'FILE', help: 'corpus mode: JSONL ({"id": …, "text": …}) or plain text (one text a line, id = line number); - for stdin' },
  output: { type: 'string', short: 'o', value: 'DB', help: 'corpus mode: a LanceDB database (a folder, or s3://…); rows are upserted on id' },
  table: { type: 'string', value: 'NAME', help: `the table in DB (default ${DEFAULT_TABLE})` },
  format: { type: 'string', value: 'F', help: 'auto | jsonl | text (default auto: by extension, else by the first line)' },
  'id-field': { type: 'string', value: 'NAME', help: 'the JSONL field holding the id (default id)' },
  'text-field': { type: 'string', value: 'NAME', help: 'the JSONL field holding the text (default text)' },
  'batch-size': { type: 'string', value: 'N', help: `texts per forward pass, grouped by length (default ${DEFAULT_CORPUS_BATCH_SIZE})` },
  'commit-every': { type: 'string', value: 'N', help: `rows per commit to the table; a killed run keeps its committed rows (default ${DEFAULT_WINDOW})` },
  shard: { type: 'string', value: 'I/N', help: 'embed shard I of N (by a hash of the id); default: from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or CLOUD_RUN_TASK_INDEX' },
  shards: { type: 'string', value: 'N', help: 'the shard count for JOB_COMPLETION_INDEX (or set BERT_TS_SHARDS)' },
  'on-error': { type: 'string', value: 'E', help: 'fail | skip: a line that is not JSON or has no or an empty text (default fail)' },
  'no-text': { type: 'boolean', help: 'do not keep the texts in the table' },
  'progress-every': { type: 'string', value: 'S', help: 'seconds between progress lines when stderr is not a terminal (default 10; 0: none, only the summary)' },
};

const CORPUS_ONLY = Object.keys(CORPUS_OPTIONS).filter((k) => k !== 'input' && k !== 'output');

export const isCorpusMode = (p: Parsed) => p.values.input !== undefined || p.values.output !== undefined;

/** Corpus options given without --input/--output are a mistake, not something to ignore. */
export function refuseCorpusOptions(p: Parsed): void {
  const used = CORPUS_ONLY.filter((k) => p.values[k] !== undefined);
  if (used.length > 0) throw new BertTsError(`embed: --${used[0]} needs --input FILE --output DB`, "corpus mode embeds a file into a LanceDB table; without it, embed prints vectors");
}

export async function runCorpusEmbed(p: Parsed, io: Io, o: { pooling?: Pooling; normalize?: boolean }): Promise<number> {
  const name = 'embed';
  const model = modelDir(name, p);
  const input = str(p, 'input');
  const output = str(p, 'output');
  if (input === undefined) throw new BertTsError('embed: --output needs --input FILE (or --input - for stdin)');
  if (output === undefined) throw new BertTsError('embed: --input needs --output DB, a LanceDB database', 'or use --jsonl to print vectors to stdout');
  if (p.positionals.length > 0) throw new BertTsError('embed: with --input, give no positional text');
  if (p.values.jsonl) throw new BertTsError('embed: --jsonl prints vectors to stdout; with --output they go to the table', 'drop --jsonl');
  const compute = computeOptions(name, p);
  const format = oneOf(name, p, 'format', ['auto', 'jsonl', 'text'] as const, 'auto');
  const onError = oneOf(name, p, 'on-error', ['fail', 'skip'] as const, 'fail');
  const batchSize = int(name, p, 'batch-size', 1, DEFAULT_CORPUS_BATCH_SIZE);
  const window = int(name, p, 'commit-every', 1, DEFAULT_WINDOW);
  const every = num(name, p, 'progress-every', 10);
  const shard = resolveShard({ shard: str(p, 'shard'), shards: str(p, 'shards') });
  const table = str(p, 'table') ?? DEFAULT_TABLE;
  if (input !== '-') checkCorpusInput(input); // before the database folder is created
  checkWritableDb(output);
  io.stderr.write(`bert-ts: embed: shard ${shard.index + 1} of ${shard.count} (index ${shard.index}; from ${shard.source})\n`);

  await applyCompute(compute);
  const bar = await corpusProgress(io, every);
  let result;
  try {
    const folder = await modelFolderForCli(model);
    io.stderr.write(`bert-ts: embed: ${input === '-' ? 'stdin' : input} → ${output} table ${table}, model ${model}\n`);
    result = await embedCorpus({
      model,
      modelFolder: folder,
      dtype: compute.dtype,
      input: input === '-' ? (io.stdin as AsyncIterable<Uint8Array>) : input,
      db: output,
      table,
      format,
      idField: str(p, 'id-field'),
      textField: str(p, 'text-field'),
      onError,
      batchSize,
      window,
      pooling: o.pooling,
      normalize: o.normalize,
      storeText: !p.values['no-text'],
      shard,
      onWarning: (m) => io.stderr.write(`bert-ts: warning: ${m}\n`),
      onProgress: (x) => bar.update(x),
    });
  } finally {
    bar.stop();
    await releaseCompute(compute);
  }
  io.stderr.write(`bert-ts: embed: done in ${duration(result.seconds)}: ${progressLine(result)}; ${result.otherShards.toLocaleString('en-US')} lines belong to other shards\n`);
  if (p.values.json) {
    const { model: m, ...rest } = result;
    printJson(io, { ...rest, model: m.model, pooling: m.pooling, normalize: m.normalize, dim: m.dim });
  }
  return 0;
}

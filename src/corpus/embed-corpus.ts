/**
 * embedCorpus: a corpus file (or stream) → a LanceDB table of vectors, one
 * shard of it per process. Memory is bounded by the window: records are read
 * as a stream, this shard's are gathered `window` at a time (a later copy of
 * an id replaces an earlier one), embedded in batches of similar token counts, and
 * committed as one upsert while the next window is embedded.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BertTsError, quote } from '../errors.ts';
import { resolveModelFolder } from '../hub/resolve.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import { embed } from '../pipelines/embed.ts';
import { loadPipelineFolder as loadPipeline } from '../pipelines/load.ts';
import type { DType } from '../load-options.ts';
import type { Pooling } from '../pipelines/sentence-transformers.ts';
import { IdSet } from './id-set.ts';
import { modelFingerprint } from './model-fingerprint.ts';
import { checkCorpusInput, corpusSize, readCorpus, type BadLine, type CorpusFormat, type CorpusRecord, type CorpusSource } from './read-corpus.ts';
import { parseShard, shardOf, WHOLE_CORPUS, type Shard } from './shard.ts';
import { checkWritableDb, DEFAULT_TABLE, openCorpusWriter, type CorpusModelInfo, type CorpusRow } from './store.ts';

/**
 * texts per forward pass. On weights/en and a mixed-length corpus (docs/embedding-at-scale.md),
 * 16, 32 and 64 were within the machine's noise of each other and 8 a third slower; 32 is
 * also sentence-transformers' default. Larger batches cost memory (the activations).
 */
export const DEFAULT_CORPUS_BATCH_SIZE = 32;
/** records per commit (one upsert) */
export const DEFAULT_WINDOW = 1024;

export interface CorpusProgress {
  /** input lines read (all shards) */
  lines: number;
  /** this shard's records embedded and handed to the writer */
  embedded: number;
  /** rows committed to the table */
  written: number;
  /** bad lines left out (--on-error skip) */
  skipped: number;
  /** this shard's ids that appeared again (the last copy wins) */
  duplicates: number;
  /** records that belong to other shards */
  otherShards: number;
  bytes: number;
  /** the input's size, when it is a file */
  totalBytes?: number;
  /** since the model was loaded and the table opened */
  seconds: number;
}

export interface EmbedCorpusOptions {
  /** a model folder or a Hub model id; recorded in the table for search */
  model: string;
  /** the folder `model` resolves to, when the caller resolved it already */
  modelFolder?: string;
  /** 'f32' (default) or 'q8': the model's dtype (src/bert/quantize-weights.ts) */
  dtype?: DType;
  /** a file path (JSONL or text), or a stream of its bytes (e.g. process.stdin) */
  input: CorpusSource;
  /** a LanceDB database: a folder, or an object-store URI (s3://…) */
  db: string;
  table?: string;
  format?: CorpusFormat | 'auto';
  idField?: string;
  textField?: string;
  onError?: 'skip' | 'fail';
  batchSize?: number;
  window?: number;
  pooling?: Pooling;
  normalize?: boolean;
  /** keep each text in the table (default true) */
  storeText?: boolean;
  /** this process's shard: 'I/N' or a Shard (default: the whole corpus) */
  shard?: string | Shard;
  storageOptions?: Record<string, string>;
  onWarning?: (message: string) => void;
  onProgress?: (p: CorpusProgress) => void;
}

export interface EmbedCorpusResult extends CorpusProgress {
  table: string;
  shard: Shard;
  model: CorpusModelInfo;
}

/** warnings of one kind printed one by one before they are only counted */
const WARN_EACH = 20;

export async function embedCorpus(options: EmbedCorpusOptions): Promise<EmbedCorpusResult> {
  const tableName = options.table ?? DEFAULT_TABLE;
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : (options.shard ?? WHOLE_CORPUS);
  const batchSize = options.batchSize ?? DEFAULT_CORPUS_BATCH_SIZE;
  const window = options.window ?? DEFAULT_WINDOW;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BertTsError(`embedCorpus: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  if (!Number.isInteger(window) || window < 1) throw new BertTsError(`embedCorpus: window must be a whole number ≥ 1, got ${window}`);
  const warn = options.onWarning ?? (() => {});
  checkCorpusInput(options.input); // before the database folder is created
  checkWritableDb(options.db);

  const folder = options.modelFolder ?? (await resolveModelFolder(options.model));
  const nlp = loadPipeline(folder, { dtype: options.dtype });
  const info = await corpusModelInfo(options.model, folder, nlp, options);
  const writer = await openCorpusWriter(options.db, tableName, info, { storeText: options.storeText ?? true, storageOptions: options.storageOptions });

  const started = performance.now(); // after loading: rates are of embedding and writing
  const p: CorpusProgress = { lines: 0, embedded: 0, written: 0, skipped: 0, duplicates: 0, otherShards: 0, bytes: 0, totalBytes: corpusSize(options.input), seconds: 0 };
  const progress = () => {
    p.seconds = (performance.now() - started) / 1000;
    options.onProgress?.({ ...p });
  };
  const seen = new IdSet();
  let pending = new Map<string, CorpusRecord>();
  let inFlight: Promise<void> | undefined;
  let writeError: unknown;

  const flush = async () => {
    const records = [...pending.values()];
    pending = new Map();
    if (records.length === 0) return;
    // similar token counts together, so a short text pays only for its batch's longest, and
    // batches of one shape follow each other (by characters the shapes jitter, and the same
    // window took 40% longer: docs/embedding-at-scale.md); tokenizing twice costs ~2%
    const lower = nlp.embedDefaults?.doLowerCase === true;
    const tokens = new Map(records.map((r) => [r, nlp.tokenizer.encode(lower ? r.text.toLowerCase() : r.text).inputIds.length]));
    records.sort((a, b) => tokens.get(a)! - tokens.get(b)!);
    const rows: CorpusRow[] = [];
    for (let i = 0; i < records.length; i += batchSize) {
      const batch = records.slice(i, i + batchSize);
      const vectors = embed(nlp, batch.map((r) => r.text), { pooling: info.pooling, normalize: info.normalize, batchSize });
      batch.forEach((r, k) => rows.push({ id: r.id, vector: vectors[k], text: r.text }));
      p.embedded += batch.length;
      progress();
      await new Promise((r) => setImmediate(r)); // let the previous window's write and the progress timer run
    }
    await inFlight;
    if (writeError) throw writeError;
    inFlight = writer.upsert(rows).then(
      () => {
        p.written += rows.length;
        progress();
      },
      (e) => {
        writeError = e;
      },
    );
  };

  const onBadLine = (bad: BadLine) => {
    p.skipped++;
    if (p.skipped <= WARN_EACH) warn(`line ${bad.line} skipped: ${bad.reason}`);
    else if (p.skipped === WARN_EACH + 1) warn('more lines skipped; the count is in the summary');
  };
  try {
    const records = readCorpus(options.input, {
      format: options.format,
      idField: options.idField,
      textField: options.textField,
      onError: options.onError,
      onBadLine,
      onBytes: (b) => (p.bytes = b),
    });
    for await (const r of records) {
      p.lines = r.line;
      if (shard.count > 1 && shardOf(r.id, shard.count) !== shard.index) {
        p.otherShards++;
        continue;
      }
      if (!seen.add(r.id)) {
        p.duplicates++;
        if (p.duplicates <= WARN_EACH) warn(`id ${quote(r.id)} at line ${r.line} appeared before; the last one wins`);
        else if (p.duplicates === WARN_EACH + 1) warn('more duplicate ids; the count is in the summary');
        pending.delete(r.id); // re-inserted below at the end
      }
      pending.set(r.id, r);
      if (pending.size >= window) await flush();
    }
    await flush();
    await inFlight;
    if (writeError) throw writeError;
  } finally {
    await inFlight?.catch(() => {});
    writer.close();
  }
  progress();
  return { ...p, table: tableName, shard, model: info };
}

/** The model as the table records it (and checks it). */
export async function corpusModelInfo(model: string, folder: string, nlp: BertPipeline, o: { pooling?: Pooling; normalize?: boolean } = {}): Promise<CorpusModelInfo> {
  const d = nlp.embedDefaults;
  return {
    // a local folder by its absolute path, so search finds it from any working directory
    model: existsSync(model) ? resolve(model) : model,
    fingerprint: await modelFingerprint(folder),
    pooling: o.pooling ?? d?.pooling ?? 'mean',
    normalize: o.normalize ?? d?.normalize ?? false,
    dim: nlp.model.config.hiddenSize,
  };
}

/**
 * searchCorpus: the nearest texts of a table to a query by cosine similarity.
 * The query is embedded with the model, pooling and normalisation the table
 * records (another model is refused). While the table is small, or has no
 * vector index, LanceDB scans every vector (exact); once it has an index
 * ('bert-ts index') and at least INDEX_MIN_ROWS rows, the index answers
 * (approximate, re-ranked exactly on a few times k candidates).
 */
import { existsSync } from 'node:fs';
import { BertTsError, quote } from '../errors.ts';
import { resolveModelFolder } from '../hub/resolve.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import { embed } from '../pipelines/embed.ts';
import { loadPipelineFolder as loadPipeline } from '../pipelines/load.ts';
import { corpusModelInfo } from './embed-corpus.ts';
import { checkSameModel, DEFAULT_TABLE, lanceError, lancedb, openCorpusTable, type CorpusModelInfo, type LanceTable } from './store.ts';

/**
 * Below this many rows a full scan is as fast as the index (measured:
 * docs/embedding-at-scale.md), and exact, so the index is not used.
 */
export const INDEX_MIN_ROWS = 20_000;
/** IVF partitions probed and candidates re-ranked exactly (× k) when the index answers */
const NPROBES = 20;
const REFINE_FACTOR = 10;

export interface SearchHit {
  id: string;
  /** cosine similarity, 1 = same direction */
  score: number;
  /** null when the table was written with --no-text */
  text: string | null;
}

export interface SearchCorpusOptions {
  db: string;
  table?: string;
  /** results per query (default 10) */
  topK?: number;
  /** the model to embed queries with; must be the table's (default: the one it records) */
  model?: string;
  modelFolder?: string;
  /** 'auto' (default): the index when there is one and the table has ≥ INDEX_MIN_ROWS rows; 'never': always scan */
  index?: 'auto' | 'always' | 'never';
  storageOptions?: Record<string, string>;
}

export interface CorpusSearcher {
  readonly info: CorpusModelInfo;
  readonly rows: number;
  /** whether queries go through the vector index */
  readonly usesIndex: boolean;
  search(query: string, topK?: number): Promise<SearchHit[]>;
  close(): void;
}

/** Open a table for many queries (the model loads once). */
export async function openCorpusSearcher(options: SearchCorpusOptions): Promise<CorpusSearcher> {
  const db = options.db;
  const name = options.table ?? DEFAULT_TABLE;
  const { table, info, hasText } = await openCorpusTable(db, name, options.storageOptions);
  const nlp = await queryModel(db, name, info, options);
  let rows: number;
  let indexed: boolean;
  try {
    rows = await table.countRows();
    indexed = (await table.listIndices()).some((i) => i.columns.includes('vector'));
  } catch (e) {
    throw lanceError(db, `reading table ${quote(name)}`, e);
  }
  const mode = options.index ?? 'auto';
  const usesIndex = indexed && (mode === 'always' || (mode === 'auto' && rows >= INDEX_MIN_ROWS));
  const defaultK = options.topK ?? 10;
  return {
    info,
    rows,
    usesIndex,
    async search(query: string, topK = defaultK) {
      if (!Number.isInteger(topK) || topK < 1) throw new BertTsError(`search: topK must be a whole number ≥ 1, got ${topK}`);
      if (query.trim() === '') throw new BertTsError('search: the query is empty');
      const vector = embed(nlp, query, { pooling: info.pooling, normalize: info.normalize });
      return nearest(db, table, vector, topK, usesIndex, hasText);
    },
    close() {
      table.close();
    },
  };
}

/** The topK nearest rows to each query, best first. */
export async function searchCorpus(query: string, options: SearchCorpusOptions): Promise<SearchHit[]>;
export async function searchCorpus(queries: string[], options: SearchCorpusOptions): Promise<SearchHit[][]>;
export async function searchCorpus(input: string | string[], options: SearchCorpusOptions): Promise<SearchHit[] | SearchHit[][]> {
  const s = await openCorpusSearcher(options);
  try {
    if (typeof input === 'string') return await s.search(input);
    const out: SearchHit[][] = [];
    for (const q of input) out.push(await s.search(q));
    return out;
  } finally {
    s.close();
  }
}

async function queryModel(db: string, name: string, info: CorpusModelInfo, options: SearchCorpusOptions): Promise<BertPipeline> {
  const model = options.model ?? info.model;
  let folder = options.modelFolder;
  if (folder === undefined) {
    if (options.model === undefined && !existsSync(model) && !/^[\w.-]+\/[\w.-]+$/.test(model)) {
      throw new BertTsError(`${db}: table ${quote(name)} was embedded with ${quote(model)}, which is not here`, 'pass --model with a copy of that model');
    }
    folder = await resolveModelFolder(model);
  }
  const nlp = loadPipeline(folder);
  const mine = await corpusModelInfo(model, folder, nlp, { pooling: info.pooling, normalize: info.normalize });
  checkSameModel(db, name, info, mine, 'search');
  return nlp;
}

async function nearest(db: string, table: LanceTable, vector: number[], k: number, useIndex: boolean, hasText: boolean): Promise<SearchHit[]> {
  let q = table.vectorSearch(vector).distanceType('cosine').limit(k).select(hasText ? ['id', 'text', '_distance'] : ['id', '_distance']);
  q = useIndex ? q.nprobes(NPROBES).refineFactor(REFINE_FACTOR) : q.bypassVectorIndex();
  let rows: Record<string, unknown>[];
  try {
    rows = await q.toArray();
  } catch (e) {
    throw lanceError(db, 'searching', e);
  }
  return rows.map((r) => ({ id: String(r.id), score: 1 - Number(r._distance), text: hasText && typeof r.text === 'string' ? r.text : null }));
}

export interface IndexCorpusOptions {
  db: string;
  table?: string;
  /** IVF partitions (default: LanceDB's, about √rows) */
  partitions?: number;
  /** PQ sub-vectors; must divide the dimension (default: LanceDB's) */
  subVectors?: number;
  storageOptions?: Record<string, string>;
}

/** Compact the table's fragments and build (or rebuild) its IVF-PQ cosine index on vector. */
export async function indexCorpus(options: IndexCorpusOptions): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const db = options.db;
  const name = options.table ?? DEFAULT_TABLE;
  const { table, info } = await openCorpusTable(db, name, options.storageOptions);
  try {
    const rows = await table.countRows();
    if (rows < 256) throw new BertTsError(`${db}: table ${quote(name)} has ${rows} rows; an index needs at least 256 to train`, `search scans tables this small exactly (the index is used from ${INDEX_MIN_ROWS} rows)`);
    if (options.subVectors !== undefined && info.dim % options.subVectors !== 0) {
      throw new BertTsError(`index: --sub-vectors ${options.subVectors} does not divide the dimension ${info.dim}`);
    }
    const { Index } = await lancedb();
    try {
      await table.optimize();
      await table.createIndex('vector', {
        replace: true,
        config: Index.ivfPq({ distanceType: 'cosine', ...(options.partitions ? { numPartitions: options.partitions } : {}), ...(options.subVectors ? { numSubVectors: options.subVectors } : {}) }),
      });
    } catch (e) {
      throw lanceError(db, `indexing table ${quote(name)}`, e);
    }
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    table.close();
  }
}

/**
 * The LanceDB side: a table of (id utf8, vector fixed_size_list<float32>[dim],
 * text utf8 nullable), and in the schema's metadata the model, its
 * fingerprint, the pooling and normalisation the vectors were made with, so a
 * search (or another shard) can use or refuse them.
 *
 * Writes are upserts on id (LanceDB mergeInsert: update when matched, insert
 * when not), one commit per window of rows. A commit is atomic; concurrent
 * commits from other shard processes are retried by LanceDB (optimistic
 * concurrency on the table's manifest). So a shard killed part-way leaves its
 * committed windows in the table, and running it again overwrites them in
 * place and adds the rest: every id exactly once.
 *
 * LanceDB is loaded on first use (a native module: only corpus commands pay for it).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BertTsError, quote } from '../errors.ts';
import type { Pooling } from '../pipelines/sentence-transformers.ts';
import type * as LanceDb from '@lancedb/lancedb';

export type LanceTable = LanceDb.Table;

export const DEFAULT_TABLE = 'embeddings';

/** What the vectors were made with; kept in the table's schema metadata. */
export interface CorpusModelInfo {
  /** --model as given (a folder or a Hub id), for search to load it again */
  model: string;
  /** modelFingerprint() of the model folder */
  fingerprint: string;
  pooling: Pooling;
  normalize: boolean;
  dim: number;
}

const KEY = {
  model: 'bert_ts.model',
  fingerprint: 'bert_ts.model_fingerprint',
  pooling: 'bert_ts.pooling',
  normalize: 'bert_ts.normalize',
  dim: 'bert_ts.dim',
} as const;

export interface CorpusRow {
  id: string;
  vector: ArrayLike<number>;
  text: string | null;
}

let lance: Promise<typeof LanceDb> | undefined;
export function lancedb(): Promise<typeof LanceDb> {
  // LanceDB's Rust log defaults to warnings meant for its developers (deprecations, k-means
  // on small tables) that would read as problems; LANCEDB_LOG=warn brings them back
  process.env.LANCEDB_LOG ??= 'error';
  lance ??= import('@lancedb/lancedb');
  return lance;
}

/** Any LanceDB failure as one line naming the database. */
export function lanceError(db: string, what: string, e: unknown, hint?: string): BertTsError {
  if (e instanceof BertTsError) return e;
  const msg = String((e as Error)?.message ?? e).split('\n')[0];
  return new BertTsError(`${db}: ${what} failed: ${msg}`, hint);
}

const isUri = (db: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(db);

/** A local DB folder that can be created and written, checked before the model loads. */
export function checkWritableDb(db: string): void {
  if (isUri(db)) return; // object storage: LanceDB reports access errors itself
  const path = resolve(db);
  const hint = 'give --output a folder you can write (it is created if missing), or an s3:// / gs:// / az:// URI';
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new BertTsError(`${db}: is a file, not a LanceDB database folder`, hint);
  } else {
    // one level at a time: a recursive mkdir spins forever where the kernel refuses (under /proc)
    const missing: string[] = [];
    for (let dir = path; !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
    try {
      accessSync(dirname(missing[0]), constants.W_OK);
      for (const dir of missing) mkdirSync(dir);
    } catch (e) {
      throw new BertTsError(`${db}: cannot create the database folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, hint);
    }
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new BertTsError(`${db}: the database folder is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, hint);
  }
}

async function connect(db: string, storageOptions?: Record<string, string>): Promise<LanceDb.Connection> {
  const l = await lancedb();
  try {
    // a local folder by its absolute path: LanceDB reads a bare name such as 'db' as a LanceDB Cloud URI
    return await l.connect(isUri(db) ? db : resolve(db), storageOptions ? { storageOptions } : undefined);
  } catch (e) {
    throw lanceError(db, 'connecting to the database', e);
  }
}

async function schemaOf(db: string, name: string, table: LanceTable) {
  try {
    return await table.schema();
  } catch (e) {
    throw lanceError(db, `reading table ${quote(name)}'s schema`, e);
  }
}

/** The model info recorded in a table, and its vector dimension, checked for shape. */
export async function readTableInfo(db: string, name: string, table: LanceTable): Promise<{ info: CorpusModelInfo; hasText: boolean }> {
  const schema = await schemaOf(db, name, table);
  const vector = schema.fields.find((f) => f.name === 'vector');
  const id = schema.fields.find((f) => f.name === 'id');
  const dim = (vector?.type as { listSize?: number } | undefined)?.listSize;
  if (!id || !vector || typeof dim !== 'number') {
    throw new BertTsError(`${db}: table ${quote(name)} has no id and fixed-size vector columns`, "it was not written by 'bert-ts embed --output'; use another --table");
  }
  const m = schema.metadata;
  const model = m.get(KEY.model);
  const fingerprint = m.get(KEY.fingerprint);
  const pooling = m.get(KEY.pooling) as Pooling | undefined;
  if (model === undefined || fingerprint === undefined || pooling === undefined) {
    throw new BertTsError(`${db}: table ${quote(name)} records no model (no ${KEY.model} metadata)`, "it was not written by 'bert-ts embed --output'; use another --table");
  }
  return {
    info: { model, fingerprint, pooling, normalize: m.get(KEY.normalize) === 'true', dim },
    hasText: schema.fields.some((f) => f.name === 'text'),
  };
}

/** Refuse a model (or pooling) other than the table's, and a vector size other than its column's. */
export function checkSameModel(db: string, name: string, table: CorpusModelInfo, mine: CorpusModelInfo, action: string): void {
  const where = `${db}: table ${quote(name)}`;
  if (table.dim !== mine.dim) {
    throw new BertTsError(`${where} holds ${table.dim}-dimensional vectors, but ${quote(mine.model)} makes ${mine.dim}-dimensional ones`, `${action} with the table's model ${quote(table.model)}, or use another --table or database`);
  }
  if (table.fingerprint !== mine.fingerprint) {
    throw new BertTsError(`${where} was embedded with model ${quote(table.model)} (${table.fingerprint}), not ${quote(mine.model)} (${mine.fingerprint})`, `${action} with the table's model, or use another --table or database`);
  }
  if (table.pooling !== mine.pooling || table.normalize !== mine.normalize) {
    const say = (i: CorpusModelInfo) => `${i.pooling} pooling${i.normalize ? ', normalised' : ''}`;
    throw new BertTsError(`${where} was embedded with ${say(table)}, not ${say(mine)}`, `pass --pooling ${table.pooling}${table.normalize ? ' --normalize' : ' --no-normalize'}, or use another --table`);
  }
}

async function arrowSchema(info: CorpusModelInfo, withText: boolean) {
  const arrow = await import('apache-arrow');
  const fields = [
    new arrow.Field('id', new arrow.Utf8(), false),
    new arrow.Field('vector', new arrow.FixedSizeList(info.dim, new arrow.Field('item', new arrow.Float32(), true)), false),
  ];
  if (withText) fields.push(new arrow.Field('text', new arrow.Utf8(), true));
  const metadata = new Map<string, string>([
    [KEY.model, info.model],
    [KEY.fingerprint, info.fingerprint],
    [KEY.pooling, info.pooling],
    [KEY.normalize, String(info.normalize)],
    [KEY.dim, String(info.dim)],
  ]);
  return new arrow.Schema(fields, metadata);
}

/** tries of one window's commit before giving up (each after LanceDB's own retries) */
const WRITE_ATTEMPTS = 20;

export interface CorpusWriter {
  /** the table keeps texts (false when it was created with --no-text) */
  readonly hasText: boolean;
  /** upsert rows on id: one atomic commit */
  upsert(rows: CorpusRow[]): Promise<void>;
  close(): void;
}

/**
 * Open the table for writing, creating it (with the model info) if it does not
 * exist. Safe when N shard processes start at once: creation is "create if
 * absent", and each then checks the table's model against its own.
 */
export async function openCorpusWriter(db: string, name: string, info: CorpusModelInfo, options: { storeText: boolean; storageOptions?: Record<string, string> }): Promise<CorpusWriter> {
  checkWritableDb(db);
  const conn = await connect(db, options.storageOptions);
  let table: LanceTable;
  try {
    const names = await conn.tableNames();
    table = names.includes(name)
      ? await conn.openTable(name)
      : await conn.createEmptyTable(name, await arrowSchema(info, options.storeText), { mode: 'create', existOk: true });
  } catch (e) {
    throw lanceError(db, `opening table ${quote(name)} for writing`, e, 'check that the database is writable and not a file');
  }
  const recorded = await readTableInfo(db, name, table);
  checkSameModel(db, name, recorded.info, info, 'embed');
  if (options.storeText && !recorded.hasText) {
    throw new BertTsError(`${db}: table ${quote(name)} was created with --no-text and has no text column`, 'pass --no-text as well, or use another --table');
  }
  const schema = await schemaOf(db, name, table);
  const { makeArrowTable } = await lancedb();
  return {
    hasText: recorded.hasText,
    async upsert(rows: CorpusRow[]) {
      if (rows.length === 0) return;
      for (const r of rows) {
        if (r.vector.length !== info.dim) throw new BertTsError(`vector for id ${quote(r.id)} has ${r.vector.length} dimensions, the table ${info.dim}`);
      }
      const data = makeArrowTable(
        rows.map((r) => (recorded.hasText ? { id: r.id, vector: Array.from(r.vector), text: options.storeText ? r.text : null } : { id: r.id, vector: Array.from(r.vector) })),
        { schema },
      );
      // LanceDB retries a commit that lost a race a few times within 30 s; under many
      // shard writers that can run out, and a failed merge committed nothing, so try again.
      // An "incompatible transaction" names a commit made since this handle's version: the
      // retry starts from the table's latest version, or it would meet the same commit again.
      for (let attempt = 1; ; attempt++) {
        try {
          if (attempt > 1) await table.checkoutLatest();
          await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
          return;
        } catch (e) {
          if (attempt >= WRITE_ATTEMPTS || !/conflict|retr|commit|concurrent/i.test(String((e as Error)?.message))) {
            throw lanceError(db, `writing ${rows.length} rows to table ${quote(name)}${attempt > 1 ? ` (attempt ${attempt})` : ''}`, e);
          }
          await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 200));
        }
      }
    },
    close() {
      table.close();
    },
  };
}

/** Open an existing table for reading (search, index). */
export async function openCorpusTable(db: string, name: string, storageOptions?: Record<string, string>): Promise<{ table: LanceTable; info: CorpusModelInfo; hasText: boolean }> {
  if (!isUri(db) && !existsSync(db)) throw new BertTsError(`${db}: no such database`, "create it with 'bert-ts embed --input FILE --output DB'");
  const conn = await connect(db, storageOptions);
  let names: string[];
  try {
    names = await conn.tableNames();
  } catch (e) {
    throw lanceError(db, 'listing tables', e);
  }
  if (!names.includes(name)) {
    throw new BertTsError(`${db}: no table ${quote(name)}${names.length ? ` (it has ${names.map((n) => quote(n)).join(', ')})` : ' (it has none)'}`, names.length ? 'pick one with --table' : "create it with 'bert-ts embed --input FILE --output DB'");
  }
  let table: LanceTable;
  try {
    table = await conn.openTable(name);
  } catch (e) {
    throw lanceError(db, `opening table ${quote(name)}`, e);
  }
  return { table, ...(await readTableInfo(db, name, table)) };
}

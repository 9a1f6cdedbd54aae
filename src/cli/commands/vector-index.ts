// bert-ts index --db DB: build the vector index that search uses on large tables (library: indexCorpus).
import { BertTsError } from '../../errors.ts';
import { indexCorpus, INDEX_MIN_ROWS } from '../../corpus/search-corpus.ts';
import { DEFAULT_TABLE } from '../../corpus/store.ts';
import { int, str, type Command } from '../command.ts';
import { JSON_OUT, printJson } from '../common.ts';

export const indexCommand: Command = {
  name: 'index',
  summary: "compact an embedded corpus's table and build its vector index (IVF-PQ, cosine)",
  args: '',
  argsHelp: `search uses the index from ${INDEX_MIN_ROWS.toLocaleString('en-US')} rows; below that it scans every vector, exactly. Rows added later are scanned until the next index.`,
  options: {
    db: { type: 'string', value: 'DB', help: "the LanceDB database written by 'bert-ts embed --output DB'" },
    table: { type: 'string', value: 'NAME', help: `the table (default ${DEFAULT_TABLE})` },
    partitions: { type: 'string', value: 'N', help: 'IVF partitions (default: about √rows)' },
    'sub-vectors': { type: 'string', value: 'N', help: 'PQ sub-vectors, a divisor of the dimension (default: LanceDB\'s)' },
    ...JSON_OUT,
  },
  examples: ['bert-ts index --db vectors.lance'],
  async run(p, io) {
    const db = str(p, 'db');
    if (!db) throw new BertTsError('index: --db DB is required', "the database written by 'bert-ts embed --input FILE --output DB'");
    if (p.positionals.length > 0) throw new BertTsError('index: takes no positional argument');
    const r = await indexCorpus({ db, table: str(p, 'table'), partitions: int('index', p, 'partitions', 1), subVectors: int('index', p, 'sub-vectors', 1) });
    if (p.values.json) printJson(io, r);
    else io.stdout.write(`indexed ${r.rows.toLocaleString('en-US')} rows in ${r.seconds.toFixed(1)} s\n`);
    return 0;
  },
};

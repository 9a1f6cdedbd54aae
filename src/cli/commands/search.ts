// bert-ts search --db DB "query": the nearest texts by cosine similarity (library: searchCorpus).
import { BertTsError } from '../../errors.ts';
import { openCorpusSearcher } from '../../corpus/search-corpus.ts';
import { DEFAULT_TABLE } from '../../corpus/store.ts';
import { int, oneOf, str, type Command } from '../command.ts';
import { applyCompute, COMPUTE, computeOptions, JSON_OUT, printJson, releaseCompute } from '../common.ts';
import { modelFolderForCli } from '../load.ts';

export const searchCommand: Command = {
  name: 'search',
  modelOptional: true,
  summary: 'the texts of an embedded corpus nearest to a query (cosine), from a LanceDB table',
  args: 'QUERY...',
  argsHelp: 'QUERY: a text to search for; several are searched one after another.\nWith --json, each query prints one line: [{"id", "score", "text"}], best first.',
  options: {
    db: { type: 'string', value: 'DB', help: "the LanceDB database written by 'bert-ts embed --output DB'" },
    table: { type: 'string', value: 'NAME', help: `the table (default ${DEFAULT_TABLE})` },
    'top-k': { type: 'string', short: 'k', value: 'K', help: 'results per query (default 10)' },
    model: { type: 'string', short: 'm', value: 'MODEL', help: "embed queries with this model (default: the one the table records); another model than the table's is refused" },
    index: { type: 'string', value: 'WHEN', help: "auto | never | always: use the vector index of 'bert-ts index' (auto: from 20,000 rows)" },
    ...JSON_OUT,
    ...COMPUTE,
  },
  examples: ['bert-ts search --db vectors.lance "how do I reset my password?"', 'bert-ts search --db vectors.lance -k 3 --json "a cat on a mat"'],
  async run(p, io) {
    const db = str(p, 'db');
    if (!db) throw new BertTsError('search: --db DB is required', "the database written by 'bert-ts embed --input FILE --output DB'");
    if (p.positionals.length === 0) throw new BertTsError('search: give a QUERY (quote it)', "run 'bert-ts search --help'");
    const topK = int('search', p, 'top-k', 1, 10);
    const index = oneOf('search', p, 'index', ['auto', 'never', 'always'] as const, 'auto');
    const compute = computeOptions('search', p);
    await applyCompute(compute);
    try {
      const model = str(p, 'model');
      const searcher = await openCorpusSearcher({ db, table: str(p, 'table'), topK, index, model, modelFolder: model === undefined ? undefined : await modelFolderForCli(model) });
      try {
        for (const q of p.positionals) {
          const hits = await searcher.search(q);
          if (p.values.json) {
            printJson(io, hits);
            continue;
          }
          if (p.positionals.length > 1) io.stdout.write(`${q}\n`);
          hits.forEach((h, i) => io.stdout.write(`${String(i + 1).padStart(3)}. ${h.score.toFixed(4)}  ${h.id}${h.text === null ? '' : `  ${h.text.length > 100 ? h.text.slice(0, 99) + '…' : h.text}`}\n`));
          if (hits.length === 0) io.stdout.write('  (the table is empty)\n');
        }
      } finally {
        searcher.close();
      }
    } finally {
      await releaseCompute(compute);
    }
    return 0;
  },
};

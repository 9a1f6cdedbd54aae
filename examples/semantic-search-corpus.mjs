// Semantic search over a corpus file: embed it into a LanceDB table, then query it.
//   node examples/semantic-search-corpus.mjs [MODEL_DIR] [CORPUS.jsonl] ["query"]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { embedCorpus, searchCorpus } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

const DOCS = ['The cat sleeps on the warm windowsill.', 'Stock markets fell sharply on Monday.', 'A kitten is napping in the sun.', 'The central bank raised interest rates again.'];

export async function main(argv) {
  const model = modelArg(argv, 0, 'weights/en-embed', 'a BERT or sentence-transformers model');
  const input = argv[1] ?? Readable.from(DOCS.map((text, i) => JSON.stringify({ id: `doc${i}`, text }) + '\n')); // a .jsonl file, or these
  const db = join(mkdtempSync(join(tmpdir(), 'corpus-')), 'vectors.lance');
  const { written } = await embedCorpus({ model, input, db });
  const query = argv[2] ?? 'a sleeping cat';
  console.log(`${written} texts embedded; query: ${query}`);
  for (const hit of await searchCorpus(query, { db, topK: 3 })) console.log(`  ${hit.score.toFixed(3)}  ${hit.id}  ${hit.text}`);
}

runIfMain(import.meta.url, main);

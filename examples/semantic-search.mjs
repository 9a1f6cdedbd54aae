// Semantic search: embed a few documents, rank them by cosine similarity to a query.
// With a sentence-transformers folder (weights/en-embed, the default, trained by
// tools/train/; or all-MiniLM-L6-v2 …) pooling and normalisation come from its
// modules.json; with a plain BERT, mean pooling.
//   node examples/semantic-search.mjs [MODEL_DIR] ["query"]
import { loadPipeline, cosineSimilarity } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

const DOCUMENTS = [
  'The cat sleeps on the warm windowsill.',
  'Stock markets fell sharply on Monday.',
  'A kitten is napping in the sun.',
  'The recipe needs two eggs and a cup of flour.',
  'The central bank raised interest rates again.',
];

export async function main(argv) {
  const nlp = await loadPipeline(modelArg(argv, 0, 'weights/en-embed', 'a BERT or sentence-transformers model'));
  const query = argv[1] ?? 'a sleeping cat';
  const [q, ...docs] = nlp.embed([query, ...DOCUMENTS]);
  const ranked = docs.map((d, i) => ({ text: DOCUMENTS[i], score: cosineSimilarity(q, d) })).sort((a, b) => b.score - a.score);
  console.log(`query: ${query}`);
  for (const r of ranked) console.log(`  ${r.score.toFixed(3)}  ${r.text}`);
}

runIfMain(import.meta.url, main);

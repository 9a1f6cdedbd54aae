// Corpora for the corpus tests: seeded, mixed-length, a few ids numeric or non-ASCII.
import { cosineSimilarity } from '../../src/pipelines/embed.ts';
import { rng } from './random.ts';

const WORDS = (
  'the a cat dog sat ran on under mat park ball red green people eat food at home sun rain falls river city night ' +
  'music plays loud quiet book reads school teacher children learn water cold hot tea coffee morning train station ' +
  'late early doctor hospital garden flowers bloom spring winter snow mountain climb café naïve über'
).split(' ');

export interface Doc {
  id: string | number;
  text: string;
}

/** n documents with 2–40 words each; ids 'doc-i', every 17th a number, every 23rd non-ASCII. */
export function corpus(n: number, seed = 1): Doc[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const words = 2 + Math.floor(r() ** 2 * 39);
    const text = Array.from({ length: words }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    const id = i % 17 === 5 ? 100000 + i : i % 23 === 7 ? `dök-${i}-ü` : `doc-${i}`;
    return { id, text };
  });
}

export const jsonl = (docs: readonly object[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';

/** cos(a, b) in doubles: the library's cosineSimilarity (search results come from LanceDB, not from it) */
export const cosine = cosineSimilarity;

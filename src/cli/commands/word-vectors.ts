// bert-ts neighbours / analogy: static word vectors, from a GloVe / word2vec
// text file or from a model's input embedding table.
import { BertTsError } from '../../errors.ts';
import { loadForCli } from '../load.ts';
import { readWordVectors } from '../../word-vectors/read-file.ts';
import { inputEmbeddingVectors, isBracketToken } from '../../word-vectors/model-vectors.ts';
import { analogy, neighbours, type Neighbour } from '../../word-vectors/nearest.ts';
import type { WordVectors } from '../../word-vectors/word-vectors.ts';
import { int, str, type OptionSpec, type Parsed } from '../command.ts';
import { resultCommand } from '../result-command.ts';

const SOURCE_OPTIONS: Record<string, OptionSpec> = {
  vectors: { type: 'string', value: 'FILE', help: "a GloVe or word2vec text file: 'word v1 v2 …' per line, with or without a first line 'count dim'" },
  model: { type: 'string', short: 'm', value: 'DIR', help: "or a BERT folder: its input embedding table (embeddings.word_embeddings) is one static vector per token" },
  k: { type: 'string', short: 'k', value: 'N', help: 'how many answers (default 10)' },
};

interface Source {
  vectors: WordVectors;
  source: string;
  /** words never offered as answers ([CLS], [unused1] … of a BERT vocabulary) */
  skip?: (w: string) => boolean;
  /** how a word that is not one entry splits (BERT vocabularies only) */
  split?: (w: string) => string[];
}

async function openSource(command: string, p: Parsed): Promise<Source> {
  const file = str(p, 'vectors');
  const dir = str(p, 'model');
  if (typeof file === 'string' && typeof dir === 'string') throw new BertTsError(`${command}: give --vectors FILE or --model DIR, not both`);
  if (typeof file === 'string') return { vectors: readWordVectors(file), source: file };
  if (typeof dir === 'string') {
    const { model, tokenizer } = await loadForCli(dir);
    const vectors = inputEmbeddingVectors(model, tokenizer);
    return { vectors, source: `${dir} (embeddings.word_embeddings)`, skip: isBracketToken, split: (w) => tokenizer.tokenize(w) };
  }
  throw new BertTsError(`${command}: --vectors FILE or --model DIR is required`, `run 'bert-ts ${command} --help'`);
}

/** A word of the vectors, or an error that says why not (and, for BERT, what it splits into). */
function checkWord(command: string, s: Source, word: string): string {
  if (s.vectors.has(word)) return word;
  if (s.split) {
    const pieces = s.split(word);
    if (pieces.length === 1 && s.vectors.has(pieces[0])) return pieces[0];
    throw new BertTsError(
      `${command}: '${word}' is not one token of the vocabulary: it becomes ${pieces.join(' ')}`,
      'a static table has a vector per token only; try one of those tokens, or the ambiguity command for whole words in context',
    );
  }
  throw new BertTsError(`${command}: '${word}' is not in ${s.source} (${s.vectors.size} words)`, 'check the spelling and the case');
}

export interface NeighboursResult {
  source: string;
  word: string;
  neighbours: Neighbour[];
}

export const neighboursCommand = resultCommand<NeighboursResult>({
  name: 'neighbours',
  modelOptional: true,
  summary: 'the nearest words to WORD by cosine, in static word vectors',
  args: 'WORD',
  argsHelp: 'The words whose vectors have the highest cosine similarity u·v / (|u| |v|) with\nWORD\'s vector, from --vectors FILE or from a model\'s input embedding table.',
  options: SOURCE_OPTIONS,
  examples: ['bert-ts neighbours --vectors glove.6B.50d.txt bank', 'bert-ts neighbours -m weights/en -k 5 bank'],
  async compute(p) {
    if (p.positionals.length !== 1) throw new BertTsError(`neighbours: expected one WORD, got ${p.positionals.length}`, "run 'bert-ts neighbours --help'");
    const k = int('neighbours', p, 'k', 1, 10);
    const s = await openSource('neighbours', p);
    const word = checkWord('neighbours', s, p.positionals[0]);
    return { source: s.source, word, neighbours: neighbours(s.vectors, word, k, s.skip) };
  },
  format: (r) => `nearest to '${r.word}' in ${r.source}\n\n${table(r.neighbours)}`,
});

export interface AnalogyResult {
  source: string;
  query: [string, string, string];
  answers: Neighbour[];
}

export const analogyCommand = resultCommand<AnalogyResult>({
  name: 'analogy',
  modelOptional: true,
  summary: 'A − B + C ≈ ? (king − man + woman ≈ queen) in static word vectors',
  args: 'A B C',
  argsHelp: 'The words nearest to A − B + C, as gensim\'s most_similar(positive=[A, C],\nnegative=[B]) computes it: the mean of the unit vectors +Â − B̂ + Ĉ, then\ncosine similarity; A, B and C themselves are never answers.\n"man is to king as woman is to ?" is: bert-ts analogy king man woman',
  options: SOURCE_OPTIONS,
  examples: ['bert-ts analogy --vectors glove.6B.50d.txt king man woman', 'bert-ts analogy -m weights/en king man woman'],
  async compute(p) {
    if (p.positionals.length !== 3) throw new BertTsError(`analogy: expected three words A B C (A − B + C), got ${p.positionals.length}`, "run 'bert-ts analogy --help'");
    const k = int('analogy', p, 'k', 1, 10);
    const s = await openSource('analogy', p);
    const [a, b, c] = p.positionals.map((w) => checkWord('analogy', s, w));
    return { source: s.source, query: [a, b, c], answers: analogy(s.vectors, a, b, c, k, s.skip) };
  },
  format: (r) => `${r.query[0]} − ${r.query[1]} + ${r.query[2]} ≈ ?   (${r.source})\n\n${table(r.answers)}`,
});

/** rank, word, cosine and a bar, 80 columns at most */
export function table(rows: Neighbour[]): string {
  const width = Math.min(30, Math.max(4, ...rows.map((r) => [...r.word].length)));
  return rows
    .map((r, i) => {
      const bar = '█'.repeat(Math.max(0, Math.round(r.cosine * 30)));
      return `${String(i + 1).padStart(3)}  ${pad(r.word, width)}  ${r.cosine.toFixed(4).padStart(7)}  ${bar}`;
    })
    .join('\n');
}

function pad(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : s + ' '.repeat(n - chars.length);
}

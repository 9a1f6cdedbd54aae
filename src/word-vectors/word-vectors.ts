/**
 * A set of static word vectors: one fixed vector per word, whatever the
 * sentence (GloVe, word2vec, or a BERT's input embedding table). The opposite
 * of BERT's contextual vectors, which depend on the words around them.
 */
import { BertTsError } from '../errors.ts';

export class WordVectors {
  /** the word of each row */
  readonly words: readonly string[];
  /** D: the vector size */
  readonly dim: number;
  /** [N, D] one row per word */
  readonly data: Float32Array;
  /** [N] each row's Euclidean length */
  readonly norms: Float32Array;
  private readonly index = new Map<string, number>();

  constructor(words: readonly string[], data: Float32Array, dim: number) {
    if (data.length !== words.length * dim) {
      throw new BertTsError(`word vectors: ${words.length} words × ${dim} dims needs ${words.length * dim} numbers, got ${data.length}`);
    }
    this.words = words;
    this.dim = dim;
    this.data = data;
    this.norms = new Float32Array(words.length);
    for (let i = 0; i < words.length; i++) {
      // the first occurrence of a word wins, as in gensim's key_to_index
      if (!this.index.has(words[i])) this.index.set(words[i], i);
      let s = 0;
      for (let d = i * dim; d < (i + 1) * dim; d++) s += data[d] * data[d];
      this.norms[i] = Math.sqrt(s);
    }
  }

  get size(): number {
    return this.words.length;
  }

  /** the row of a word, or undefined */
  indexOf(word: string): number | undefined {
    return this.index.get(word);
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  /** [D] the vector of a word (a view) */
  vector(word: string): Float32Array {
    const i = this.index.get(word);
    if (i === undefined) throw new BertTsError(`word vectors: '${word}' is not in the vocabulary of ${this.size} words`, 'check the spelling and case (GloVe files are lowercase)');
    return this.row(i);
  }

  /** [D] row i (a view) */
  row(i: number): Float32Array {
    return this.data.subarray(i * this.dim, (i + 1) * this.dim);
  }
}

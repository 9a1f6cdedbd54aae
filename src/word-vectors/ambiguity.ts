/**
 * The ambiguity demo: one word in two (or more) senses. A static vector
 * cannot tell them apart, since the word has one row in the embedding table
 * whatever the sentence. BERT's contextual vectors can: each use of the word
 * is compared with the same word in a few context sentences, and the nearest
 * ones should share its sense.
 *
 * Every use of the word shares a large part of its vector: the word's own
 * embedding and, when it stands at the same position, the position
 * embedding, which the residual connections carry up every layer. Cosines of
 * the raw vectors are then all close to 1. So, by default, the comparison is
 * made after subtracting the mean of all the word's vectors in the demo (its
 * uses and the context sentences): what is left is what each context added.
 * (`centered: false` compares the raw vectors; both cosines are reported.)
 */
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { contextualWordVector } from './contextual.ts';
import { inputEmbeddingVectors, isBracketToken } from './model-vectors.ts';
import { cosine, nearestTo, type Neighbour } from './nearest.ts';

export interface ContextSentence {
  text: string;
  /** the sense it shows (e.g. "river"), if known */
  label?: string;
}

export interface AmbiguityOptions {
  word: string;
  /** the sentences that use the word in different senses */
  sentences: string[];
  /** the small set each use is compared with; each must contain the word */
  contexts: ContextSentence[];
  /** hidden state to read: 0 = embeddings … L = last layer (default L) */
  layer?: number;
  /** how many static neighbours to list (default 8) */
  k?: number;
  /** compare the vectors minus their mean over all sentences (default true) */
  centered?: boolean;
}

export interface AmbiguityResult {
  word: string;
  layer: number;
  /** whether `cosine` is of the centred vectors (`rawCosine` is always of the raw ones) */
  centered: boolean;
  static: {
    /** the word's tokens in the vocabulary (a static vector exists per token) */
    tokens: string[];
    /** neighbours of the (mean) token vector in the input embedding table */
    neighbours: Neighbour[];
    /** cosine between the word's static vector in sentence i and j: always 1 */
    cosines: number[][];
  };
  uses: {
    sentence: string;
    tokens: string[];
    /** the context sentences, most similar use of the word first */
    nearest: { text: string; label?: string; cosine: number; rawCosine: number }[];
    /** per labelled sense: the mean cosine with its context sentences, highest first */
    senses: { label: string; meanCosine: number }[];
  }[];
  /** cosine between the contextual vectors of use i and use j (centred as `centered` says) */
  cosines: number[][];
  /** the same, of the raw vectors */
  rawCosines: number[][];
}

/**
 * The default demo: "bank" by a river and "bank" with money. Every sentence
 * starts "the bank …", so the word has the same position everywhere and the
 * vectors differ only by what the rest of the sentence says.
 */
export const BANK_DEMO: Omit<AmbiguityOptions, 'layer' | 'k'> = {
  word: 'bank',
  sentences: ['the bank of the river was covered in grass and reeds.', 'the bank lent him money to pay his debts.'],
  contexts: [
    { label: 'river', text: 'the bank of the stream was steep and muddy.' },
    { label: 'river', text: 'the bank beside the water was covered with trees.' },
    { label: 'river', text: 'the bank along the river flooded after the rain.' },
    { label: 'money', text: 'the bank paid the merchant in gold.' },
    { label: 'money', text: 'the bank kept his money and silver.' },
    { label: 'money', text: 'the bank closed his account and took the deposit.' },
  ],
};

export function ambiguityDemo(model: BertModel, tokenizer: BertTokenizer, o: AmbiguityOptions): AmbiguityResult {
  const k = o.k ?? 8;
  // static: one vector for the word, whatever the sentence
  const table = inputEmbeddingVectors(model, tokenizer);
  const ids = tokenizer.encode(o.word, undefined, { addSpecialTokens: false }).inputIds;
  const H = table.dim;
  const staticVector = new Float32Array(H);
  for (const id of ids) {
    const row = table.row(id);
    for (let h = 0; h < H; h++) staticVector[h] += row[h] / ids.length;
  }
  const tokens = ids.map((id) => table.words[id]);
  const staticNeighbours = nearestTo(table, staticVector, k, new Set(tokens), isBracketToken);
  const ones = o.sentences.map(() => o.sentences.map(() => 1));

  // contextual: one vector per use, and per context sentence
  const uses = o.sentences.map((s) => contextualWordVector(model, tokenizer, s, o.word, o.layer));
  const contexts = o.contexts.map((c) => ({ ...c, v: contextualWordVector(model, tokenizer, c.text, o.word, o.layer).vector }));
  const centered = o.centered ?? true;
  const mean = meanVector([...uses.map((u) => u.vector), ...contexts.map((c) => c.v)], H);
  const shown = (v: Float32Array) => (centered ? v.map((x, i) => x - mean[i]) : v);
  return {
    word: o.word,
    layer: uses[0]?.layer ?? o.layer ?? model.config.numHiddenLayers,
    centered,
    static: { tokens, neighbours: staticNeighbours, cosines: ones },
    uses: uses.map((u) => {
      const nearest = contexts
        .map((c) => ({ text: c.text, ...(c.label !== undefined ? { label: c.label } : {}), cosine: cosine(shown(u.vector), shown(c.v)), rawCosine: cosine(u.vector, c.v) }))
        .sort((a, b) => b.cosine - a.cosine);
      return { sentence: u.sentence, tokens: u.tokens, nearest, senses: senseMeans(nearest) };
    }),
    cosines: uses.map((u) => uses.map((v) => cosine(shown(u.vector), shown(v.vector)))),
    rawCosines: uses.map((u) => uses.map((v) => cosine(u.vector, v.vector))),
  };
}

/** [H] the mean of the vectors */
function meanVector(vs: Float32Array[], H: number): Float32Array {
  const m = new Float32Array(H);
  for (const v of vs) for (let i = 0; i < H; i++) m[i] += v[i] / vs.length;
  return m;
}

/** The mean cosine per label, highest first (unlabelled sentences left out). */
function senseMeans(nearest: { label?: string; cosine: number }[]): { label: string; meanCosine: number }[] {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const c of nearest) {
    if (c.label === undefined) continue;
    const s = sums.get(c.label) ?? { sum: 0, n: 0 };
    s.sum += c.cosine;
    s.n++;
    sums.set(c.label, s);
  }
  return [...sums].map(([label, { sum, n }]) => ({ label, meanCosine: sum / n })).sort((a, b) => b.meanCosine - a.meanCosine);
}

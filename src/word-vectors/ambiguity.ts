/**
 * The ambiguity demo: one word in two (or more) senses. A static vector
 * cannot tell them apart, since the word has one row in the embedding table
 * whatever the sentence. BERT's contextual vectors can: each use of the word
 * is compared with the same word in a few context sentences, and the nearest
 * ones should share its sense.
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
}

export interface AmbiguityResult {
  word: string;
  layer: number;
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
    nearest: { text: string; label?: string; cosine: number }[];
    /** per labelled sense: the mean cosine with its context sentences, highest first */
    senses: { label: string; meanCosine: number }[];
  }[];
  /** cosine between the contextual vectors of use i and use j */
  cosines: number[][];
}

/**
 * The default demo: "bank" by a river and "bank" with money. The word stands
 * at different positions in the sentences, so that what the vectors share is
 * not just the position embedding.
 */
export const BANK_DEMO: Omit<AmbiguityOptions, 'layer' | 'k'> = {
  word: 'bank',
  sentences: ['we sat on the bank of the river and watched the water.', 'he took all his money to the bank to pay the debt.'],
  contexts: [
    { label: 'river', text: 'they pulled the canoe up on the muddy bank.' },
    { label: 'river', text: 'the river overflowed its bank after the heavy rain.' },
    { label: 'river', text: 'reeds grew thick along the bank of the stream.' },
    { label: 'money', text: 'the bank lent the farmer money at a high rate of interest.' },
    { label: 'money', text: 'she cashed a check at the bank.' },
    { label: 'money', text: 'the bank closed his account and kept the deposit.' },
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

  // contextual: one vector per use
  const uses = o.sentences.map((s) => contextualWordVector(model, tokenizer, s, o.word, o.layer));
  const contexts = o.contexts.map((c) => ({ ...c, v: contextualWordVector(model, tokenizer, c.text, o.word, o.layer).vector }));
  return {
    word: o.word,
    layer: uses[0]?.layer ?? o.layer ?? model.config.numHiddenLayers,
    static: { tokens, neighbours: staticNeighbours, cosines: ones },
    uses: uses.map((u) => {
      const nearest = contexts
        .map((c) => ({ text: c.text, ...(c.label !== undefined ? { label: c.label } : {}), cosine: cosine(u.vector, c.v) }))
        .sort((a, b) => b.cosine - a.cosine);
      return { sentence: u.sentence, tokens: u.tokens, nearest, senses: senseMeans(nearest) };
    }),
    cosines: uses.map((u) => uses.map((v) => cosine(u.vector, v.vector))),
  };
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

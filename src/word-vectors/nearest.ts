/**
 * Nearest neighbours by cosine similarity, and analogies, over static vectors.
 *
 *   cos(u, v) = u·v / (|u| |v|)
 *
 * An analogy a − b + c (king − man + woman ≈ queen) follows gensim's
 * most_similar(positive=[a, c], negative=[b]): the query is the mean of the
 * unit vectors (+â − b̂ + ĉ), and the three input words are left out of the
 * answers (else a, or c, is nearly always the nearest word).
 */
import { BertTsError } from '../errors.ts';
import type { WordVectors } from './word-vectors.ts';

export interface Neighbour {
  word: string;
  /** cosine similarity to the query, in [-1, 1] */
  cosine: number;
}

export function cosine(u: ArrayLike<number>, v: ArrayLike<number>): number {
  if (u.length !== v.length) throw new BertTsError(`cosine: vectors of ${u.length} and ${v.length} dimensions`);
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i++) {
    dot += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  return uu === 0 || vv === 0 ? 0 : dot / Math.sqrt(uu * vv);
}

/**
 * The k rows most similar to `query` [D], best first; rows whose word is in
 * `exclude`, or for which `skip` says true, are never returned. Ties keep the
 * file's order.
 */
export function nearestTo(
  vectors: WordVectors,
  query: ArrayLike<number>,
  k: number,
  exclude: ReadonlySet<string> = new Set(),
  skip?: (word: string) => boolean,
): Neighbour[] {
  const D = vectors.dim;
  if (query.length !== D) throw new BertTsError(`nearest: the query has ${query.length} dimensions, the vectors ${D}`);
  let qq = 0;
  for (let d = 0; d < D; d++) qq += query[d] * query[d];
  const qn = Math.sqrt(qq);
  const best: { i: number; c: number }[] = [];
  const data = vectors.data;
  for (let i = 0; i < vectors.size; i++) {
    const w = vectors.words[i];
    if (exclude.has(w) || (skip && skip(w))) continue;
    let dot = 0;
    const o = i * D;
    for (let d = 0; d < D; d++) dot += query[d] * data[o + d];
    const n = vectors.norms[i] * qn;
    const c = n === 0 ? 0 : dot / n;
    if (best.length === k && c <= best[k - 1].c) continue;
    let j = best.length < k ? best.length : k - 1;
    while (j > 0 && best[j - 1].c < c) j--;
    best.splice(j, 0, { i, c });
    if (best.length > k) best.pop();
  }
  return best.map(({ i, c }) => ({ word: vectors.words[i], cosine: c }));
}

/** The k nearest words to `word`, itself left out. */
export function neighbours(vectors: WordVectors, word: string, k = 10, skip?: (word: string) => boolean): Neighbour[] {
  return nearestTo(vectors, vectors.vector(word), k, new Set([word]), skip);
}

/** a − b + c (gensim's 3CosAdd on unit vectors): the k best answers, a, b and c left out. */
export function analogy(vectors: WordVectors, a: string, b: string, c: string, k = 10, skip?: (word: string) => boolean): Neighbour[] {
  const D = vectors.dim;
  const q = new Float64Array(D);
  for (const [word, sign] of [[a, 1], [b, -1], [c, 1]] as const) {
    const v = vectors.vector(word);
    const n = vectors.norms[vectors.indexOf(word)!];
    if (n === 0) continue;
    for (let d = 0; d < D; d++) q[d] += (sign * v[d]) / n;
  }
  for (let d = 0; d < D; d++) q[d] /= 3;
  return nearestTo(vectors, q, k, new Set([a, b, c]), skip);
}

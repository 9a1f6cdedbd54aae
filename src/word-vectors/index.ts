// Static and contextual word vectors, browser-safe (reading a file from disk is in read-file.ts).
export { WordVectors } from './word-vectors.ts';
export { parseWordVectors } from './read-text.ts';
export { cosine, nearestTo, neighbours, analogy, type Neighbour } from './nearest.ts';
export { inputEmbeddingVectors, isBracketToken } from './model-vectors.ts';
export { contextualWordVector, type WordInContext } from './contextual.ts';
export { ambiguityDemo, BANK_DEMO, type AmbiguityOptions, type AmbiguityResult, type ContextSentence } from './ambiguity.ts';

/**
 * A BERT's input embedding table (bert.embeddings.word_embeddings, [V, H]) as
 * static word vectors over its own vocabulary: row i is the vector of token i,
 * before position, token type, LayerNorm or any attention. It is what the
 * model knows of a token out of context.
 */
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { WordVectors } from './word-vectors.ts';

/** [CLS], [PAD], [unused12] …: bracketed tokens are no words; neighbour lists skip them. */
export function isBracketToken(token: string): boolean {
  return token.length > 2 && token.startsWith('[') && token.endsWith(']');
}

export function inputEmbeddingVectors(model: BertModel, tokenizer: BertTokenizer): WordVectors {
  const V = model.config.vocabSize;
  const words: string[] = [];
  for (let id = 0; id < V; id++) words.push(tokenizer.idToToken(id) ?? `[id ${id}]`);
  // a view, no copy: [V, H]
  return new WordVectors(words, model.weights.embeddings.word_embeddings.subarray(0, V * model.config.hiddenSize), model.config.hiddenSize);
}

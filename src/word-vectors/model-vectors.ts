/**
 * A BERT's input embedding table (bert.embeddings.word_embeddings, [V, H]) as
 * static word vectors over its own vocabulary: row i is the vector of token i,
 * before position, token type, LayerNorm or any attention. It is what the
 * model knows of a token out of context.
 */
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { WordVectors } from './word-vectors.ts';
import type { QuantizedLinear } from '../layers/quantize.ts';

/** [CLS], [PAD], [unused12] …: bracketed tokens are no words; neighbour lists skip them. */
export function isBracketToken(token: string): boolean {
  return token.length > 2 && token.startsWith('[') && token.endsWith(']');
}

export function inputEmbeddingVectors(model: BertModel, tokenizer: BertTokenizer): WordVectors {
  const V = model.config.vocabSize;
  const words: string[] = [];
  for (let id = 0; id < V; id++) words.push(tokenizer.idToToken(id) ?? `[id ${id}]`);
  const H = model.config.hiddenSize, e = model.weights.embeddings;
  // a view, no copy: [V, H] (a q8 model's int8 table is widened)
  const table = e.word_embeddings_q8 ? widen(e.word_embeddings_q8, V, H) : e.word_embeddings.subarray(0, V * H);
  return new WordVectors(words, table, H);
}

/** An int8 table [V, H] with a scale per column (quantizeTable), widened to float32. */
function widen(w: QuantizedLinear, V: number, H: number): Float32Array {
  const out = new Float32Array(V * H), c = w.inputScale!;
  for (let v = 0; v < V; v++) for (let h = 0; h < H; h++) out[v * H + h] = c[h] * w.q[v * w.Kp + h];
  return out;
}

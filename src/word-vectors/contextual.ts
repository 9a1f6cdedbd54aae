/**
 * BERT's contextual vector of a word: the encoder's output rows at the word's
 * WordPiece tokens, averaged (a word split into bank ##er has two rows). Unlike
 * a static vector it depends on the sentence: "bank" by a river and "bank"
 * with money come out as different vectors.
 */
import { BertTsError } from '../errors.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';

export interface WordInContext {
  sentence: string;
  word: string;
  /** the word's WordPiece tokens, e.g. ["bank"] or ["bank", "##er"] */
  tokens: string[];
  /** their positions in the encoded sentence ([CLS] is 0) */
  positions: number[];
  /** which hidden state: 0 = the embeddings, l = layer l's output (default: the last) */
  layer: number;
  /** [H] the mean of the hidden states at those positions */
  vector: Float32Array;
}

/**
 * Finds `word` in `sentence` (the first pre-tokenized word whose text equals
 * it, ignoring case) and returns its contextual vector at `layer` (0 = the
 * embeddings, L = the last layer's output, the default).
 */
export function contextualWordVector(model: BertModel, tokenizer: BertTokenizer, sentence: string, word: string, layer?: number): WordInContext {
  const L = model.config.numHiddenLayers;
  const at = layer ?? L;
  if (!Number.isInteger(at) || at < 0 || at > L) throw new BertTsError(`contextual vector: layer ${layer} is outside 0…${L} (0 = embeddings, ${L} = last layer)`);
  const enc = tokenizer.encode(sentence, undefined, { truncation: true });
  const positions = wordPositions(enc, sentence, word);
  if (positions.length === 0) {
    throw new BertTsError(`contextual vector: '${word}' is not a word of "${sentence}"`, 'the word must appear in the sentence on its own (not inside a longer word)');
  }
  const out = model.forward({ inputIds: [enc.inputIds], attentionMask: [enc.attentionMask], tokenTypeIds: [enc.tokenTypeIds] }, { outputHiddenStates: at < L });
  const H = model.config.hiddenSize;
  const S = enc.inputIds.length;
  // [B=1, S, H] at the chosen depth
  const hidden = at === L ? out.lastHiddenState.data : out.hiddenStates!.data.subarray(at * S * H, (at + 1) * S * H);
  const vector = new Float32Array(H);
  for (const p of positions) for (let h = 0; h < H; h++) vector[h] += hidden[p * H + h];
  for (let h = 0; h < H; h++) vector[h] /= positions.length;
  return { sentence, word, tokens: positions.map((p) => enc.tokens[p]), positions, layer: at, vector };
}

/** The positions of the first pre-tokenized word of `text` that spells `word` (case-insensitive). */
function wordPositions(enc: { wordIds: (number | null)[]; offsets: [number, number][] }, text: string, word: string): number[] {
  const target = word.toLowerCase();
  const groups = new Map<number, number[]>();
  enc.wordIds.forEach((w, p) => {
    if (w === null) return;
    const g = groups.get(w);
    if (g) g.push(p);
    else groups.set(w, [p]);
  });
  for (const ps of groups.values()) {
    const spelled = text.slice(enc.offsets[ps[0]][0], enc.offsets[ps[ps.length - 1]][1]);
    if (spelled.toLowerCase() === target) return ps;
  }
  return [];
}

/**
 * Why each token is what it is: a special token, a word of the vocabulary, a
 * WordPiece of a longer word, or [UNK]. Read from the Encoding (its word ids
 * and offsets) and the text; nothing is tokenized twice.
 */
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import type { Encoding } from '../tokenizer/encoding.ts';

export type TokenKind = 'special' | 'word' | 'piece' | 'continuation' | 'unknown' | 'padding';

export interface TokenInfo {
  position: number;
  token: string;
  id: number;
  /** segment: 0 = first text, 1 = the pair */
  type: number;
  kind: TokenKind;
  /** the word of the text the token comes from, as written */
  word?: string;
  /** where that word is in its text (the first text, or the pair): UTF-16 [start, end) */
  wordSpan?: [number, number];
  why: string;
}

const HAN = /^\p{Script=Han}$/u;

export function tokenReasons(tokenizer: BertTokenizer, enc: Encoding, text: string, pair?: string): TokenInfo[] {
  // the tokens of each (segment, word)
  const groups = new Map<string, number[]>();
  enc.wordIds.forEach((w, p) => {
    if (w === null || enc.sequenceIds[p] === null) return;
    const key = `${enc.sequenceIds[p]}:${w}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  });
  const lower = tokenizer.normalizerOptions ? (tokenizer.normalizerOptions.lowercase ?? true) : false;

  return enc.tokens.map((token, p): TokenInfo => {
    const base0 = { position: p, token, id: enc.inputIds[p], type: enc.tokenTypeIds[p] };
    const seq = enc.sequenceIds[p];
    const w = enc.wordIds[p];
    if (seq === null || w === null) return { ...base0, ...special(tokenizer, token, enc.attentionMask[p]) };
    const src = seq === 0 ? text : (pair ?? '');
    const ps = groups.get(`${seq}:${w}`)!;
    const wordSpan: [number, number] = [enc.offsets[ps[0]][0], enc.offsets[ps[ps.length - 1]][1]];
    const word = src.slice(wordSpan[0], wordSpan[1]);
    const q = JSON.stringify(word);
    const base = { ...base0, word, wordSpan };
    if (token === tokenizer.maskToken) return { ...base, kind: 'special', why: 'written in the text: the masked-LM head predicts the word here' };
    if (token === tokenizer.unkToken) {
      const long = [...word].length > 100;
      const why = long
        ? `${q} is longer than 100 characters, so WordPiece gives up: [UNK]`
        : `no vocabulary pieces spell ${q}, so the whole word is [UNK]${HAN.test(word) ? ' (each Chinese character is a word of its own, and this one is not in the vocabulary)' : ''}`;
      return { ...base, kind: 'unknown', why };
    }
    if (ps.length === 1) {
      const changed = word !== token ? ` (${normalization(word, token, lower)})` : '';
      return { ...base, kind: 'word', why: `a token of the vocabulary${changed}` };
    }
    if (ps[0] === p) {
      const pieces = ps.map((i) => enc.tokens[i]).join(' ');
      return { ...base, kind: 'piece', why: `${q} is not in the vocabulary: WordPiece takes the longest piece from its start, then ## pieces: ${pieces}` };
    }
    return { ...base, kind: 'continuation', why: `## marks a piece inside a word: continues ${q}` };
  });
}

function special(tokenizer: BertTokenizer, token: string, mask: number): { kind: TokenKind; why: string } {
  if (mask === 0 || token === tokenizer.padToken) return { kind: 'padding', why: 'padding: attention_mask 0, so no token attends to it' };
  if (token === tokenizer.clsToken) return { kind: 'special', why: 'added at the start of every input; the pooler and classifiers read its state' };
  if (token === tokenizer.sepToken) return { kind: 'special', why: 'added at the end of each text (segment)' };
  return { kind: 'special', why: 'a special token' };
}

function normalization(word: string, token: string, lower: boolean): string {
  const stripped = word.normalize('NFD').replace(/\p{Mn}/gu, '');
  if (lower && word.toLowerCase() === token) return `lowercased from ${JSON.stringify(word)}`;
  if (stripped === token || stripped.toLowerCase() === token) return `normalized from ${JSON.stringify(word)}: ${lower ? 'lowercased, ' : ''}accents stripped`;
  return `normalized from ${JSON.stringify(word)}`;
}

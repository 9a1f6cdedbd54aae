// A WordPiece vocabulary: id → token (a line of vocab.txt) and token → id.
import { BertTsError } from '../errors.ts';

export class Vocab {
  /** Token of each id. */
  readonly tokens: readonly string[];
  /** Id of each token; for a duplicated line the last one wins, as in transformers' load_vocab. */
  readonly ids: ReadonlyMap<string, number>;

  constructor(tokens: readonly string[]) {
    this.tokens = tokens;
    const ids = new Map<string, number>();
    tokens.forEach((t, i) => ids.set(t, i));
    this.ids = ids;
  }

  /**
   * Parses vocab.txt: one token per line, split on '\n' only (bert-base-chinese has a
   * token that is U+2028, which a "universal newline" split would break), never trimmed.
   * A final '\n' ends the last line rather than adding an empty token; a '\r' before it
   * is kept as part of the token, as Python's text mode with newline='\n' would.
   */
  static fromVocabTxt(contents: string, file = 'vocab.txt'): Vocab {
    const lines = contents.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new BertTsError(`${file}: the vocabulary is empty`);
    return new Vocab(lines);
  }

  /** From tokenizer.json's `model.vocab` object (token → id). */
  static fromMap(map: Record<string, number>, file = 'tokenizer.json'): Vocab {
    const tokens: string[] = [];
    for (const [t, id] of Object.entries(map)) {
      if (!Number.isInteger(id) || id < 0) throw new BertTsError(`${file}: vocabulary id of ${JSON.stringify(t)} is not a non-negative integer`);
      tokens[id] = t;
    }
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] === undefined) throw new BertTsError(`${file}: the vocabulary has no token with id ${i}`, 'ids must run from 0 without gaps');
    }
    return new Vocab(tokens);
  }

  get size(): number {
    return this.tokens.length;
  }
}

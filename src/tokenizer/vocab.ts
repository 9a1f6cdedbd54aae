// A WordPiece vocabulary: id → token (a line of vocab.txt) and token → id.
import { BertTsError, quote, quoteJson } from '../errors.ts';

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

  /**
   * From tokenizer.json's `model.vocab` object (token → id). Ids must be
   * integers running from 0 without gaps, one token each: a file where two
   * tokens share an id would encode both to it but decode to one, so it is
   * refused, as is any id ≥ the number of tokens (a gap, or 2^32).
   */
  static fromMap(map: Record<string, unknown>, file = 'tokenizer.json'): Vocab {
    const entries = Object.entries(map);
    const tokens: string[] = new Array(entries.length);
    for (const [t, id] of entries) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        throw new BertTsError(`${file}: vocabulary id of ${quote(t)} is not a non-negative integer but ${quoteJson(id)}`);
      }
      if (id >= entries.length) {
        throw new BertTsError(`${file}: vocabulary id ${id} of ${quote(t)} is beyond the ${entries.length} tokens`, 'ids must run from 0 without gaps');
      }
      if (tokens[id] !== undefined) {
        throw new BertTsError(`${file}: vocabulary tokens ${quote(tokens[id])} and ${quote(t)} share id ${id}`, 'each id must name one token');
      }
      tokens[id] = t;
    }
    return new Vocab(tokens);
  }

  get size(): number {
    return this.tokens.length;
  }
}

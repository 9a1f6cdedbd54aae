// WordPiece (tokenizers, models/wordpiece): each pre-tokenized word becomes the
// greedy longest-match-first sequence of vocabulary pieces, pieces after the first
// carrying the "##" prefix. A word with more than max_input_chars_per_word code
// points, or with any part that matches nothing, becomes a single [UNK].
//
// The vocabulary is held as two tries over UTF-16 units, one for word-initial pieces
// and one for "##" pieces with the prefix removed. Walking a trie along the word gives
// the longest match in one pass, without building a substring per candidate as the
// reference (and the naive version, `referenceTokenizeWord` below) does.
import type { Vocab } from './vocab.ts';

export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** Receives the pieces of a word: vocabulary id and [start, end) in the word's units. */
export interface PieceSink {
  ids: number[];
  starts: number[];
  ends: number[];
}

export class WordPiece {
  readonly unkToken: string;
  readonly unkId: number;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly vocab: Vocab;
  // Trie: node n has token id terminal[n] (-1: none); edges live in an open-addressing
  // hash table keyed by (node, unit).
  private terminal: Int32Array;
  private nodeCount = 2; // node 0: word-initial root; node 1: continuation root
  private edgeNode: Int32Array;
  private edgeUnit: Uint16Array;
  private edgeChild: Int32Array;
  private mask: number;

  constructor(vocab: Vocab, options: WordPieceOptions = {}) {
    this.vocab = vocab;
    this.unkToken = options.unkToken ?? '[UNK]';
    this.prefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const unkId = vocab.ids.get(this.unkToken);
    this.unkId = unkId ?? -1;

    let units = 0;
    for (const t of vocab.ids.keys()) units += t.length;
    let cap = 16;
    while (cap < units * 2) cap *= 2;
    this.mask = cap - 1;
    this.edgeNode = new Int32Array(cap).fill(-1);
    this.edgeUnit = new Uint16Array(cap);
    this.edgeChild = new Int32Array(cap);
    this.terminal = new Int32Array(units + 2).fill(-1);
    for (const [token, id] of vocab.ids) {
      this.insert(0, token, 0, id);
      if (token.length > this.prefix.length && token.startsWith(this.prefix)) this.insert(1, token, this.prefix.length, id);
    }
  }

  private slot(node: number, unit: number): number {
    const h = Math.imul(node, 0x9e3779b1) ^ Math.imul(unit + 0x3c6ef372, 0x85ebca77);
    return h ^ (h >>> 15);
  }

  private child(node: number, unit: number): number {
    const mask = this.mask;
    let i = this.slot(node, unit) & mask;
    const en = this.edgeNode;
    for (;;) {
      const n = en[i];
      if (n === node && this.edgeUnit[i] === unit) return this.edgeChild[i];
      if (n === -1) return -1;
      i = (i + 1) & mask;
    }
  }

  private insert(root: number, token: string, from: number, id: number): void {
    let node = root;
    for (let k = from; k < token.length; k++) {
      const unit = token.charCodeAt(k);
      let next = this.child(node, unit);
      if (next < 0) {
        next = this.nodeCount++;
        let i = this.slot(node, unit) & this.mask;
        while (this.edgeNode[i] !== -1) i = (i + 1) & this.mask;
        this.edgeNode[i] = node;
        this.edgeUnit[i] = unit;
        this.edgeChild[i] = next;
      }
      node = next;
    }
    this.terminal[node] = id;
  }

  /**
   * Appends the pieces of the word units[from, to) to `out`, offsets relative to
   * `from`. Returns false, appending nothing, when the word is [UNK] as a whole.
   */
  tokenizeWord(units: Uint16Array, from: number, to: number, out: PieceSink): boolean {
    // Length in code points, as the Rust code counts chars.
    let chars = to - from;
    if (chars > this.maxInputCharsPerWord) {
      for (let k = from; k < to; k++) if (units[k] >= 0xdc00 && units[k] <= 0xdfff) chars--;
      if (chars > this.maxInputCharsPerWord) return false;
    }
    const mark = out.ids.length;
    const terminal = this.terminal;
    let start = from;
    while (start < to) {
      let node = start === from ? 0 : 1;
      let bestId = -1;
      let bestEnd = -1;
      for (let k = start; k < to; k++) {
        node = this.child(node, units[k]);
        if (node < 0) break;
        const t = terminal[node];
        if (t >= 0) {
          bestId = t;
          bestEnd = k + 1;
        }
      }
      if (bestId < 0) {
        out.ids.length = mark;
        out.starts.length = mark;
        out.ends.length = mark;
        return false;
      }
      out.ids.push(bestId);
      out.starts.push(start - from);
      out.ends.push(bestEnd - from);
      start = bestEnd;
    }
    return true;
  }

  /** The plain algorithm, substring by substring, kept as the reference for tests. */
  referenceTokenizeWord(word: string): string[] {
    const chars = [...word];
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        if (this.vocab.ids.has(sub)) {
          found = sub;
          break;
        }
        end--;
      }
      if (found === undefined) return [this.unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}

/**
 * GloVe and word2vec text files: one word per line, then its numbers,
 * separated by spaces (`the 0.418 0.24968 -0.41242 …`). word2vec's files start
 * with a header line `count dim`; GloVe's have none. Both are read here: a
 * first line of exactly two integers is a header, and is checked against the
 * rest. Any malformed line is one error naming the file and the line number.
 */
import { BertTsError } from '../errors.ts';
import { WordVectors } from './word-vectors.ts';

export function parseWordVectors(text: string, file = 'vectors.txt'): WordVectors {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first === lines.length) throw new BertTsError(`${file}: no vectors (the file is empty)`);

  let expectedCount: number | undefined;
  let dim: number | undefined;
  const head = fields(lines[first]);
  if (head.length === 2 && /^\d+$/.test(head[0]) && /^\d+$/.test(head[1])) {
    expectedCount = Number(head[0]);
    dim = Number(head[1]);
    if (dim === 0) throw new BertTsError(`${file}:${first + 1}: the header says the vectors have 0 dimensions`);
    first++;
  }

  const words: string[] = [];
  const values: number[] = [];
  for (let n = first; n < lines.length; n++) {
    const f = fields(lines[n]);
    if (f.length === 0) continue;
    const where = `${file}:${n + 1}`;
    if (dim === undefined) {
      if (f.length < 2) throw new BertTsError(`${where}: a word with no numbers`, "each line is 'word v1 v2 …' (or a first line 'count dim')");
      dim = f.length - 1;
    }
    if (f.length !== dim + 1) {
      throw new BertTsError(`${where}: '${short(f[0])}' has ${f.length - 1} numbers, expected ${dim}`, "each line is 'word v1 v2 …' with the same number of values");
    }
    words.push(f[0]);
    for (let i = 1; i <= dim; i++) {
      const v = Number(f[i]);
      if (!Number.isFinite(v)) throw new BertTsError(`${where}: value ${i} of '${short(f[0])}' is not a number: '${short(f[i])}'`);
      values.push(v);
    }
  }
  if (dim === undefined || words.length === 0) throw new BertTsError(`${file}: no vectors after the header`);
  if (expectedCount !== undefined && expectedCount !== words.length) {
    throw new BertTsError(`${file}: the header says ${expectedCount} words, the file has ${words.length}`, 'the file may be truncated');
  }
  return new WordVectors(words, Float32Array.from(values), dim);
}

/** split on spaces and tabs; a trailing space or '\r' is not a field */
function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/[ \t]+/);
}

function short(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

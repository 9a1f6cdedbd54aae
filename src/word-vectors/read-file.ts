// Node: read a GloVe / word2vec text file from disk (parsing is in read-text.ts).
import { existsSync, readFileSync } from 'node:fs';
import { BertTsError } from '../errors.ts';
import { parseWordVectors } from './read-text.ts';
import type { WordVectors } from './word-vectors.ts';

export function readWordVectors(path: string): WordVectors {
  if (!existsSync(path)) throw new BertTsError(`${path}: no such file`, "give a GloVe or word2vec text file: 'word v1 v2 …' per line");
  const bytes = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new BertTsError(`${path}: a gzip file`, `unpack it first: gunzip -k ${path}`);
  }
  return parseWordVectors(bytes.toString('utf8'), path);
}

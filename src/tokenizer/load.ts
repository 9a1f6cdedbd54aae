// Loads a tokenizer from a model folder (Node only: it reads files);
// from-files.ts decides what the files mean.
import { basename, join, resolve } from 'node:path';
import { pathKind, readJsonFile, readTextFile } from '../read-file.ts';
import type { BertTokenizer } from './bert-tokenizer.ts';
import { tokenizerFromFiles } from './from-files.ts';

/** A JSON file of the folder, parsed, or undefined when absent (read-file.ts: no FIFO, typed errors). */
function readJson(path: string, what: string): unknown {
  return pathKind(path) === 'missing' ? undefined : readJsonFile(path, what);
}

/**
 * The synchronous folder loader. `name` stands in for the folder's name when
 * guessing "-cased" (a Hub cache snapshot folder is named by its commit).
 */
export function loadTokenizer(dir: string, folder: { name?: string } = {}): BertTokenizer {
  const jsonPath = join(dir, 'tokenizer.json');
  const vocabPath = join(dir, 'vocab.txt');
  const hasJson = pathKind(jsonPath) !== 'missing';
  return tokenizerFromFiles({
    folder: basename(resolve(folder.name ?? dir)),
    where: dir,
    tokenizerConfig: readJson(join(dir, 'tokenizer_config.json'), 'tokenizer config'),
    specialTokensMap: readJson(join(dir, 'special_tokens_map.json'), 'special tokens map'),
    modelConfig: readJson(join(dir, 'config.json'), 'model config'),
    tokenizerJson: hasJson ? { text: readTextFile(jsonPath, 'tokenizer.json'), file: jsonPath } : undefined,
    vocabTxt: !hasJson && pathKind(vocabPath) !== 'missing' ? readTextFile(vocabPath, 'vocabulary (vocab.txt)') : undefined,
  });
}

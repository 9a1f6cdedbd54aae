// Loads a tokenizer from a model folder (Node only: it reads files);
// from-files.ts decides what the files mean.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BertTsError } from '../errors.ts';
import type { BertTokenizer } from './bert-tokenizer.ts';
import { tokenizerFromFiles } from './from-files.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function readJson(path: string): Json | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BertTsError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export function loadTokenizer(dir: string): BertTokenizer {
  const jsonPath = join(dir, 'tokenizer.json');
  const vocabPath = join(dir, 'vocab.txt');
  const hasJson = existsSync(jsonPath);
  return tokenizerFromFiles({
    folder: basename(resolve(dir)),
    where: dir,
    tokenizerConfig: readJson(join(dir, 'tokenizer_config.json')),
    specialTokensMap: readJson(join(dir, 'special_tokens_map.json')),
    modelConfig: readJson(join(dir, 'config.json')),
    tokenizerJson: hasJson ? { text: readFileSync(jsonPath, 'utf8'), file: jsonPath } : undefined,
    vocabTxt: !hasJson && existsSync(vocabPath) ? readFileSync(vocabPath, 'utf8') : undefined,
  });
}

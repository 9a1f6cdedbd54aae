// Loads a tokenizer from a model folder (Node only: it reads files).
// (A folder without tokenizer_config.json named like "*-cased" is not lowercased.)
//   - tokenizer.json when present (what transformers' fast tokenizer prefers), with
//     tokenizer_config.json / special_tokens_map.json for what it does not hold;
//   - otherwise vocab.txt with the optional tokenizer_config.json and
//     special_tokens_map.json, defaulting as transformers' BertTokenizer does
//     (do_lower_case true, tokenize_chinese_chars true, strip_accents null).
// model_max_length comes from tokenizer_config.json; when absent (or transformers'
// "no limit" 1e30), from config.json's max_position_embeddings, else 512.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BertTsError } from '../errors.ts';
import { BertTokenizer, type AddedToken, type BertTokenizerOptions } from './bert-tokenizer.ts';

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

/** A special token as tokenizer_config.json / special_tokens_map.json write it: a string or {"content": ...}. */
function tokenString(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof v.content === 'string') return v.content;
  return undefined;
}

/**
 * transformers once kept per-model defaults for checkpoints whose folder lacks a
 * tokenizer_config.json: the "-cased" BERTs (bert-base-cased,
 * bert-base-multilingual-cased, …) do not lowercase. Without a config we read the
 * folder name the same way; everything else lowercases, BertTokenizer's default.
 */
function isCasedName(dir: string): boolean {
  const name = basename(resolve(dir)).toLowerCase();
  return /(^|[-_])cased($|[-_])/.test(name) && !name.includes('uncased');
}

/** tokenizer_config.json's added_tokens_decoder: {"<id>": {"content", "special", ...}}. */
function addedTokensDecoder(d: Json): AddedToken[] | undefined {
  if (!d || typeof d !== 'object') return undefined;
  return Object.entries(d as Record<string, Json>)
    .filter(([id, t]) => Number.isInteger(Number(id)) && t && typeof t.content === 'string')
    .map(([id, t]) => ({
      content: t.content,
      id: Number(id),
      special: Boolean(t.special),
      normalized: Boolean(t.normalized),
      lstrip: Boolean(t.lstrip),
      rstrip: Boolean(t.rstrip),
      singleWord: Boolean(t.single_word),
    }));
}

/**
 * The synchronous folder loader. `name` stands in for the folder's name when
 * guessing "-cased" (a Hub cache snapshot folder is named by its commit).
 */
export function loadTokenizer(dir: string, folder: { name?: string } = {}): BertTokenizer {
  const config = readJson(join(dir, 'tokenizer_config.json')) ?? {};
  const specialMap = readJson(join(dir, 'special_tokens_map.json')) ?? {};
  const special = (name: string) => tokenString(specialMap[name]) ?? tokenString(config[name]);
  let modelMaxLength: number | undefined = typeof config.model_max_length === 'number' && config.model_max_length < 1e15 ? config.model_max_length : undefined;
  if (modelMaxLength === undefined) {
    const modelConfig = readJson(join(dir, 'config.json'));
    if (typeof modelConfig?.max_position_embeddings === 'number') modelMaxLength = modelConfig.max_position_embeddings;
  }

  const jsonPath = join(dir, 'tokenizer.json');
  if (existsSync(jsonPath)) {
    return BertTokenizer.fromTokenizerJson(readFileSync(jsonPath, 'utf8'), {
      file: jsonPath,
      modelMaxLength,
      clsToken: special('cls_token'),
      sepToken: special('sep_token'),
      padToken: special('pad_token'),
      unkToken: special('unk_token'),
      maskToken: special('mask_token'),
    });
  }
  const vocabPath = join(dir, 'vocab.txt');
  if (!existsSync(vocabPath)) {
    throw new BertTsError(`${dir}: no tokenizer.json or vocab.txt`, 'point --model at a Hugging Face BERT folder (it holds vocab.txt or tokenizer.json)');
  }
  const options: BertTokenizerOptions = {
    doLowerCase: config.do_lower_case ?? !isCasedName(folder.name ?? dir),
    stripAccents: config.strip_accents ?? null,
    tokenizeChineseChars: config.tokenize_chinese_chars ?? true,
    neverSplit: Array.isArray(config.never_split) ? config.never_split.map(String) : undefined,
    unkToken: special('unk_token'),
    sepToken: special('sep_token'),
    padToken: special('pad_token'),
    clsToken: special('cls_token'),
    maskToken: special('mask_token'),
    addedTokens: addedTokensDecoder(config.added_tokens_decoder),
    modelMaxLength,
  };
  return BertTokenizer.fromVocab(readFileSync(vocabPath, 'utf8'), options);
}

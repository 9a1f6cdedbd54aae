// Loads a tokenizer from a model folder (Node only: it reads files).
// (A folder without tokenizer_config.json named like "*-cased" is not lowercased.)
//   - tokenizer.json when present (what transformers' fast tokenizer prefers), with
//     tokenizer_config.json / special_tokens_map.json for what it does not hold;
//   - otherwise vocab.txt with the optional tokenizer_config.json and
//     special_tokens_map.json, defaulting as transformers' BertTokenizer does
//     (do_lower_case true, tokenize_chinese_chars true, strip_accents null).
// model_max_length comes from tokenizer_config.json; when absent (or transformers'
// "no limit" 1e30), from config.json's max_position_embeddings, else 512.
import { basename, join, resolve } from 'node:path';
import { BertTsError, quote, quoteJson } from '../errors.ts';
import { pathKind, readJsonFile, readTextFile } from '../read-file.ts';
import { Fields, MAX_TOKEN_ID, type Json } from './json-fields.ts';
import { BertTokenizer, type AddedToken, type BertTokenizerOptions } from './bert-tokenizer.ts';

/** A JSON file of the folder that must hold an object, or undefined when absent. */
function readJson(path: string, what: string): Record<string, Json> | undefined {
  if (pathKind(path) === 'missing') return undefined;
  const json = readJsonFile(path, what);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BertTsError(`${path}: a ${what} must be a JSON object, found ${quoteJson(json)}`);
  }
  return json as Record<string, Json>;
}

/** A special token as tokenizer_config.json / special_tokens_map.json write it: a string or {"content": ...}. */
function tokenString(v: Json, f: Fields, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (f.isObject(v)) return f.string(f.get(v, 'content'), `${where}.content`);
  return f.fail(where, 'a string or {"content": string}', v);
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
function addedTokensDecoder(d: Json, f: Fields): AddedToken[] | undefined {
  if (d === undefined || d === null) return undefined;
  return Object.entries(f.object(d, 'added_tokens_decoder')).map(([key, t]) => {
    const where = `added_tokens_decoder[${quote(key)}]`;
    // transformers reads the key with int(): a decimal integer
    if (!/^[0-9]{1,10}$/.test(key) || Number(key) > MAX_TOKEN_ID) f.fail(`the key of ${where}`, 'a token id (a decimal integer)', key);
    f.object(t, where);
    return {
      content: f.string(f.get(t, 'content'), `${where}.content`),
      id: Number(key),
      special: f.bool(f.get(t, 'special'), `${where}.special`, false),
      normalized: f.bool(f.get(t, 'normalized'), `${where}.normalized`, false),
      lstrip: f.bool(f.get(t, 'lstrip'), `${where}.lstrip`, false),
      rstrip: f.bool(f.get(t, 'rstrip'), `${where}.rstrip`, false),
      singleWord: f.bool(f.get(t, 'single_word'), `${where}.single_word`, false),
    };
  });
}

/** transformers' "no limit" model_max_length is int(1e30); anything that large means none. */
const NO_LIMIT = 1e15;

export function loadTokenizer(dir: string): BertTokenizer {
  const configPath = join(dir, 'tokenizer_config.json');
  const mapPath = join(dir, 'special_tokens_map.json');
  const config = readJson(configPath, 'tokenizer config') ?? {};
  const specialMap = readJson(mapPath, 'special tokens map') ?? {};
  const fc = new Fields(configPath);
  const fm = new Fields(mapPath);
  const special = (name: string) => tokenString(fm.get(specialMap, name), fm, name) ?? tokenString(fc.get(config, name), fc, name);

  const maxLength = fc.get(config, 'model_max_length');
  let modelMaxLength: number | undefined;
  if (maxLength !== undefined && maxLength !== null) {
    if (typeof maxLength !== 'number' || !(maxLength >= 1) || (maxLength < NO_LIMIT && !Number.isInteger(maxLength))) {
      fc.fail('model_max_length', 'an integer ≥ 1', maxLength);
    }
    if (maxLength < NO_LIMIT) modelMaxLength = maxLength;
  }
  if (modelMaxLength === undefined) {
    const modelConfigPath = join(dir, 'config.json');
    const modelConfig = readJson(modelConfigPath, 'model config');
    const positions = new Fields(modelConfigPath).get(modelConfig, 'max_position_embeddings');
    if (positions !== undefined) modelMaxLength = new Fields(modelConfigPath).int(positions, 'max_position_embeddings', 1);
  }

  const jsonPath = join(dir, 'tokenizer.json');
  if (pathKind(jsonPath) !== 'missing') {
    return BertTokenizer.fromTokenizerJson(readTextFile(jsonPath, 'tokenizer.json'), {
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
  if (pathKind(vocabPath) === 'missing') {
    throw new BertTsError(`${dir}: no tokenizer.json or vocab.txt`, 'point --model at a Hugging Face BERT folder (it holds vocab.txt or tokenizer.json)');
  }
  const neverSplit = fc.get(config, 'never_split');
  const options: BertTokenizerOptions = {
    doLowerCase: fc.bool(fc.get(config, 'do_lower_case'), 'do_lower_case', !isCasedName(dir)),
    stripAccents: fc.optBool(fc.get(config, 'strip_accents'), 'strip_accents', null),
    tokenizeChineseChars: fc.bool(fc.get(config, 'tokenize_chinese_chars'), 'tokenize_chinese_chars', true),
    neverSplit:
      neverSplit === undefined || neverSplit === null
        ? undefined
        : fc.array(neverSplit, 'never_split').map((t: Json, i: number) => fc.string(t, `never_split[${i}]`)),
    unkToken: special('unk_token'),
    sepToken: special('sep_token'),
    padToken: special('pad_token'),
    clsToken: special('cls_token'),
    maskToken: special('mask_token'),
    addedTokens: addedTokensDecoder(fc.get(config, 'added_tokens_decoder'), fc),
    modelMaxLength,
  };
  return BertTokenizer.fromVocab(readTextFile(vocabPath, 'vocabulary (vocab.txt)'), options, vocabPath);
}

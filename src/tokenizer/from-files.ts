// Builds a tokenizer from the contents of a model's tokenizer files, without
// file access (browser-safe): load.ts reads them from a folder, src/browser/ fetches them.
//   - tokenizer.json when present (what transformers' fast tokenizer prefers), with
//     tokenizer_config.json / special_tokens_map.json for what it does not hold;
//   - otherwise vocab.txt with the optional tokenizer_config.json and
//     special_tokens_map.json, defaulting as transformers' BertTokenizer does
//     (do_lower_case true, tokenize_chinese_chars true, strip_accents null).
// model_max_length comes from tokenizer_config.json; when absent (or transformers'
// "no limit" 1e30), from config.json's max_position_embeddings, else 512.
import { BertTsError, quote, quoteJson } from '../errors.ts';
import { Fields, MAX_TOKEN_ID } from './json-fields.ts';
import { BertTokenizer, type AddedToken, type BertTokenizerOptions } from './bert-tokenizer.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The tokenizer files of one model: text as read, JSON parsed; absent files undefined. */
export interface TokenizerFiles {
  /** the model's folder name (or Hub id's name): a folder without tokenizer_config.json named "*-cased" is not lowercased */
  folder: string;
  /** where the files are, for errors */
  where: string;
  /** tokenizer.json's text, and its name for errors */
  tokenizerJson?: { text: string; file: string };
  vocabTxt?: string;
  tokenizerConfig?: Json;
  specialTokensMap?: Json;
  /** config.json (for max_position_embeddings) */
  modelConfig?: Json;
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
function isCasedName(folder: string): boolean {
  const name = folder.toLowerCase();
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

/** A JSON file's content that must be an object, or {} when absent. */
function objectOrEmpty(x: Json, file: string): Record<string, Json> {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'object' || Array.isArray(x)) throw new BertTsError(`${file}: must be a JSON object, found ${quoteJson(x)}`);
  return x;
}

/**
 * Every field is read with the type Hugging Face's readers require (see
 * json-fields.ts): do_lower_case "false", a non-numeric added-token key or a
 * model_max_length of 0 are one BertTsError naming the file and the field.
 */
export function tokenizerFromFiles(files: TokenizerFiles): BertTokenizer {
  const configPath = `${files.where}/tokenizer_config.json`;
  const mapPath = `${files.where}/special_tokens_map.json`;
  const modelConfigPath = `${files.where}/config.json`;
  const config = objectOrEmpty(files.tokenizerConfig, configPath);
  const specialMap = objectOrEmpty(files.specialTokensMap, mapPath);
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
  if (modelMaxLength === undefined && files.modelConfig !== undefined) {
    const fmc = new Fields(modelConfigPath);
    const positions = fmc.get(objectOrEmpty(files.modelConfig, modelConfigPath), 'max_position_embeddings');
    if (positions !== undefined) modelMaxLength = fmc.int(positions, 'max_position_embeddings', 1);
  }

  if (files.tokenizerJson) {
    return BertTokenizer.fromTokenizerJson(files.tokenizerJson.text, {
      file: files.tokenizerJson.file,
      modelMaxLength,
      clsToken: special('cls_token'),
      sepToken: special('sep_token'),
      padToken: special('pad_token'),
      unkToken: special('unk_token'),
      maskToken: special('mask_token'),
    });
  }
  if (files.vocabTxt === undefined) {
    throw new BertTsError(`${files.where}: no tokenizer.json or vocab.txt`, 'point --model at a Hugging Face BERT folder (it holds vocab.txt or tokenizer.json)');
  }
  const neverSplit = fc.get(config, 'never_split');
  const options: BertTokenizerOptions = {
    doLowerCase: fc.bool(fc.get(config, 'do_lower_case'), 'do_lower_case', !isCasedName(files.folder)),
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
  return BertTokenizer.fromVocab(files.vocabTxt, options, `${files.where}/vocab.txt`);
}

// Builds a tokenizer from the contents of a model's tokenizer files, without
// file access (browser-safe): load.ts reads them from a folder, src/browser/ fetches them.
//   - tokenizer.json when present (what transformers' fast tokenizer prefers), with
//     tokenizer_config.json / special_tokens_map.json for what it does not hold;
//   - otherwise vocab.txt with the optional tokenizer_config.json and
//     special_tokens_map.json, defaulting as transformers' BertTokenizer does
//     (do_lower_case true, tokenize_chinese_chars true, strip_accents null).
// model_max_length comes from tokenizer_config.json; when absent (or transformers'
// "no limit" 1e30), from config.json's max_position_embeddings, else 512.
import { BertTsError } from '../errors.ts';
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
function isCasedName(folder: string): boolean {
  const name = folder.toLowerCase();
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

export function tokenizerFromFiles(files: TokenizerFiles): BertTokenizer {
  const config = files.tokenizerConfig ?? {};
  const specialMap = files.specialTokensMap ?? {};
  const special = (name: string) => tokenString(specialMap[name]) ?? tokenString(config[name]);
  let modelMaxLength: number | undefined = typeof config.model_max_length === 'number' && config.model_max_length < 1e15 ? config.model_max_length : undefined;
  if (modelMaxLength === undefined) {
    const modelConfig = files.modelConfig;
    if (typeof modelConfig?.max_position_embeddings === 'number') modelMaxLength = modelConfig.max_position_embeddings;
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
  const options: BertTokenizerOptions = {
    doLowerCase: config.do_lower_case ?? !isCasedName(files.folder),
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
  return BertTokenizer.fromVocab(files.vocabTxt, options);
}

// Reads Hugging Face's tokenizer.json (the fast-tokenizer format) for a BERT
// tokenizer: BertNormalizer, BertPreTokenizer, a WordPiece model, a TemplateProcessing
// (or BertProcessing) post-processor, a WordPiece decoder and `added_tokens`.
// Anything else is refused by name rather than silently tokenized differently.
//
// The file's own `truncation` and `padding` settings are not applied: as in
// transformers, each call decides (see BertTokenizer.encode's options).
import { BertTsError, quote, quoteJson } from '../errors.ts';
import { Fields, MAX_TOKEN_ID, type Json } from './json-fields.ts';
import type { AddedToken } from './added-vocabulary.ts';
import type { BertTokenizerSpec } from './spec.ts';
import type { BertNormalizerOptions } from './normalizer.ts';
import { Template, type SpecialTokenIds, type TemplatePiece } from './template.ts';
import { Vocab } from './vocab.ts';

/** Values tokenizer.json does not hold, usually from tokenizer_config.json. */
export interface TokenizerJsonOverrides {
  modelMaxLength?: number;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  unkToken?: string;
  maskToken?: string;
  /** Name of the file, for error messages. */
  file?: string;
}

export function specFromTokenizerJson(json: string | object, overrides: TokenizerJsonOverrides = {}): BertTokenizerSpec {
  const file = overrides.file ?? 'tokenizer.json';
  const f = new Fields(file);
  let j: Json;
  if (typeof json === 'string') {
    try {
      j = JSON.parse(json);
    } catch (e) {
      throw new BertTsError(`${file}: not valid JSON (${String((e as Error)?.message).split('\n')[0].slice(0, 160)})`);
    }
  } else {
    j = json;
  }
  if (!f.isObject(j)) throw new BertTsError(`${file}: expected a JSON object`);

  const model = f.get(j, 'model');
  if (!f.isObject(model)) throw new BertTsError(`${file}: no "model" object`);
  const get = (o: Json, k: string) => f.get(o, k);
  // Older files (bert-base-uncased's) omit "type" in the WordPiece model.
  const modelType = get(model, 'type') ?? (get(model, 'continuing_subword_prefix') !== undefined || get(model, 'max_input_chars_per_word') !== undefined ? 'WordPiece' : undefined);
  if (modelType !== 'WordPiece') {
    throw new BertTsError(`${file}: model type ${quoteJson(get(model, 'type'))} is not supported`, 'bert-ts reads WordPiece (BERT) tokenizers only');
  }
  const vocabMap = get(model, 'vocab');
  if (!f.isObject(vocabMap)) throw new BertTsError(`${file}: the WordPiece model has no "vocab"`);
  const vocab = Vocab.fromMap(vocabMap, file);
  const unkToken = f.optString(get(model, 'unk_token'), 'model.unk_token', '[UNK]');
  const wordPiece = {
    unkToken,
    continuingSubwordPrefix: f.optString(get(model, 'continuing_subword_prefix'), 'model.continuing_subword_prefix', '##'),
    maxInputCharsPerWord: f.optInt(get(model, 'max_input_chars_per_word'), 'model.max_input_chars_per_word', 100),
  };

  const normalizer = readNormalizer(get(j, 'normalizer'), f);
  const pre = get(j, 'pre_tokenizer');
  if (pre !== undefined && pre !== null && get(pre, 'type') !== 'BertPreTokenizer') {
    throw new BertTsError(`${file}: pre_tokenizer ${quoteJson(get(pre, 'type') ?? pre)} is not supported`, 'bert-ts supports BertPreTokenizer');
  }

  const addedList = get(j, 'added_tokens');
  const addedTokens: AddedToken[] = (addedList === undefined || addedList === null ? [] : f.array(addedList, 'added_tokens')).map((t: Json, i: number) => {
    const where = `added_tokens[${i}]`;
    f.object(t, where);
    return {
      content: f.string(get(t, 'content'), `${where}.content`),
      id: f.id(get(t, 'id'), `${where}.id`),
      special: f.bool(get(t, 'special'), `${where}.special`, false),
      normalized: f.bool(get(t, 'normalized'), `${where}.normalized`, false),
      lstrip: f.bool(get(t, 'lstrip'), `${where}.lstrip`, false),
      rstrip: f.bool(get(t, 'rstrip'), `${where}.rstrip`, false),
      singleWord: f.bool(get(t, 'single_word'), `${where}.single_word`, false),
    };
  });

  const template = readPostProcessor(get(j, 'post_processor'), f);
  const dec = get(j, 'decoder');
  if (dec !== undefined && dec !== null && get(dec, 'type') !== 'WordPiece') {
    throw new BertTsError(`${file}: decoder ${quoteJson(get(dec, 'type') ?? dec)} is not supported`, 'bert-ts supports the WordPiece decoder');
  }
  const decoder = {
    prefix: f.optString(get(dec, 'prefix'), 'decoder.prefix', '##'),
    cleanup: f.bool(get(dec, 'cleanup'), 'decoder.cleanup', true),
  };
  const unk = overrides.unkToken ?? unkToken;
  // [CLS] / [SEP] as the template uses them (the first and last special of the single template).
  let cls = '[CLS]';
  let sep = '[SEP]';
  if (template) {
    const specials = template.single.filter((p) => p.kind === 'special') as { name: string }[];
    if (specials.length > 0) {
      cls = template.specialTokens.get(specials[0].name)!.tokens[0] ?? cls;
      sep = template.specialTokens.get(specials[specials.length - 1].name)!.tokens[0] ?? sep;
    }
  }
  const padding = get(j, 'padding');
  return {
    vocab,
    normalizer,
    wordPiece,
    addedTokens,
    template,
    decoder,
    specialTokens: {
      cls: overrides.clsToken ?? cls,
      sep: overrides.sepToken ?? sep,
      pad: overrides.padToken ?? f.optString(get(padding, 'pad_token'), 'padding.pad_token', '[PAD]'),
      unk,
      mask: overrides.maskToken ?? '[MASK]',
    },
    modelMaxLength: overrides.modelMaxLength ?? 512,
  };
}

function readNormalizer(n: Json, f: Fields): BertNormalizerOptions | null {
  if (n === null || n === undefined) return null;
  if (f.get(n, 'type') !== 'BertNormalizer') {
    throw new BertTsError(`${f.file}: normalizer ${quoteJson(f.get(n, 'type') ?? n)} is not supported`, 'bert-ts supports BertNormalizer');
  }
  return {
    cleanText: f.bool(f.get(n, 'clean_text'), 'normalizer.clean_text', true),
    handleChineseChars: f.bool(f.get(n, 'handle_chinese_chars'), 'normalizer.handle_chinese_chars', true),
    stripAccents: f.optBool(f.get(n, 'strip_accents'), 'normalizer.strip_accents', null),
    lowercase: f.bool(f.get(n, 'lowercase'), 'normalizer.lowercase', true),
  };
}

/** A [token, id] pair of BertProcessing. */
function tokenIdPair(x: Json, where: string, f: Fields): [string, number] {
  if (!Array.isArray(x) || x.length !== 2) f.fail(where, 'a [token, id] pair', x);
  return [f.string(x[0], `${where}[0]`), f.id(x[1], `${where}[1]`)];
}

function readPostProcessor(p: Json, f: Fields): Template | null {
  if (p === null || p === undefined) return null;
  const file = f.file;
  const type = f.get(p, 'type');
  if (type === 'BertProcessing') {
    return Template.bert(tokenIdPair(f.get(p, 'cls'), 'post_processor.cls', f), tokenIdPair(f.get(p, 'sep'), 'post_processor.sep', f));
  }
  if (type !== 'TemplateProcessing') {
    throw new BertTsError(`${file}: post_processor ${quoteJson(type ?? p)} is not supported`, 'bert-ts supports TemplateProcessing and BertProcessing');
  }
  const pieces = (list: Json, where: string): TemplatePiece[] =>
    (list === undefined ? [] : f.array(list, where)).map((x: Json, i: number) => {
      const at = `${where}[${i}]`;
      f.object(x, at);
      const special = f.get(x, 'SpecialToken');
      const sequence = f.get(x, 'Sequence');
      if (special !== undefined) {
        f.object(special, `${at}.SpecialToken`);
        return {
          kind: 'special',
          name: f.string(f.get(special, 'id'), `${at}.SpecialToken.id`),
          typeId: f.optInt(f.get(special, 'type_id'), `${at}.SpecialToken.type_id`, 0, 0, MAX_TOKEN_ID),
        };
      }
      if (sequence !== undefined) {
        f.object(sequence, `${at}.Sequence`);
        const id = f.get(sequence, 'id');
        if (id !== 'A' && id !== 'B') throw new BertTsError(`${file}: template sequence ${quoteJson(id)} is not A or B`);
        return { kind: 'sequence', sequence: id === 'A' ? 0 : 1, typeId: f.optInt(f.get(sequence, 'type_id'), `${at}.Sequence.type_id`, 0, 0, MAX_TOKEN_ID) };
      }
      throw new BertTsError(`${file}: unreadable template piece ${quoteJson(x)} at ${at}`, 'a piece is {"SpecialToken": {...}} or {"Sequence": {...}}');
    });
  const specials = new Map<string, SpecialTokenIds>();
  const table = f.get(p, 'special_tokens');
  for (const [name, s] of Object.entries(table === undefined ? {} : f.object(table, 'post_processor.special_tokens'))) {
    const where = `post_processor.special_tokens[${quote(name)}]`;
    f.object(s, where);
    const ids = f.array(f.get(s, 'ids'), `${where}.ids`).map((id: Json, i: number) => f.id(id, `${where}.ids[${i}]`));
    const tokens = f.array(f.get(s, 'tokens'), `${where}.tokens`).map((t: Json, i: number) => f.string(t, `${where}.tokens[${i}]`));
    if (ids.length !== tokens.length) {
      throw new BertTsError(`${file}: ${where} has ${ids.length} ids and ${tokens.length} tokens`, 'ids and tokens must have the same length');
    }
    specials.set(name, { ids, tokens });
  }
  const template = (): Template => new Template(pieces(f.get(p, 'single'), 'post_processor.single'), pieces(f.get(p, 'pair'), 'post_processor.pair'), specials);
  try {
    return template();
  } catch (e) {
    if (e instanceof BertTsError && !e.message.startsWith(file)) throw new BertTsError(`${file}: ${e.message}`, e.hint);
    throw e;
  }
}

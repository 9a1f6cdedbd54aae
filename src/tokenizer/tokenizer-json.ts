// Reads Hugging Face's tokenizer.json (the fast-tokenizer format) for a BERT
// tokenizer: BertNormalizer, BertPreTokenizer, a WordPiece model, a TemplateProcessing
// (or BertProcessing) post-processor, a WordPiece decoder and `added_tokens`.
// Anything else is refused by name rather than silently tokenized differently.
//
// The file's own `truncation` and `padding` settings are not applied: as in
// transformers, each call decides (see BertTokenizer.encode's options).
import { BertTsError } from '../errors.ts';
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export function specFromTokenizerJson(json: string | object, overrides: TokenizerJsonOverrides = {}): BertTokenizerSpec {
  const file = overrides.file ?? 'tokenizer.json';
  let j: Json;
  if (typeof json === 'string') {
    try {
      j = JSON.parse(json);
    } catch (e) {
      throw new BertTsError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  } else {
    j = json;
  }
  if (!j || typeof j !== 'object') throw new BertTsError(`${file}: expected a JSON object`);

  const model = j.model;
  if (!model || typeof model !== 'object') throw new BertTsError(`${file}: no "model" object`);
  // Older files (bert-base-uncased's) omit "type" in the WordPiece model.
  const modelType = model.type ?? (model.continuing_subword_prefix !== undefined || model.max_input_chars_per_word !== undefined ? 'WordPiece' : undefined);
  if (modelType !== 'WordPiece') {
    throw new BertTsError(`${file}: model type ${JSON.stringify(model.type)} is not supported`, 'bert-ts reads WordPiece (BERT) tokenizers only');
  }
  if (!model.vocab || typeof model.vocab !== 'object') throw new BertTsError(`${file}: the WordPiece model has no "vocab"`);
  const vocab = Vocab.fromMap(model.vocab, file);

  const normalizer = readNormalizer(j.normalizer, file);
  const pre = j.pre_tokenizer;
  if (pre && pre.type !== 'BertPreTokenizer') {
    throw new BertTsError(`${file}: pre_tokenizer ${JSON.stringify(pre.type)} is not supported`, 'bert-ts supports BertPreTokenizer');
  }

  const addedTokens: AddedToken[] = (j.added_tokens ?? []).map((t: Json) => ({
    content: String(t.content),
    id: Number(t.id),
    special: Boolean(t.special),
    normalized: Boolean(t.normalized),
    lstrip: Boolean(t.lstrip),
    rstrip: Boolean(t.rstrip),
    singleWord: Boolean(t.single_word),
  }));

  const template = readPostProcessor(j.post_processor, file);
  const dec = j.decoder;
  if (dec && dec.type !== 'WordPiece') {
    throw new BertTsError(`${file}: decoder ${JSON.stringify(dec.type)} is not supported`, 'bert-ts supports the WordPiece decoder');
  }
  const unk = overrides.unkToken ?? String(model.unk_token ?? '[UNK]');
  // [CLS] / [SEP] as the template uses them (the first and last special of the single template).
  let cls = '[CLS]';
  let sep = '[SEP]';
  if (template) {
    const specials = template.single.filter((p) => p.kind === 'special') as { name: string }[];
    if (specials.length > 0) {
      cls = template.specialTokens.get(specials[0].name)!.tokens[0];
      sep = template.specialTokens.get(specials[specials.length - 1].name)!.tokens[0];
    }
  }
  return {
    vocab,
    normalizer,
    wordPiece: {
      unkToken: String(model.unk_token ?? '[UNK]'),
      continuingSubwordPrefix: String(model.continuing_subword_prefix ?? '##'),
      maxInputCharsPerWord: Number(model.max_input_chars_per_word ?? 100),
    },
    addedTokens,
    template,
    decoder: { prefix: String(dec?.prefix ?? '##'), cleanup: dec ? dec.cleanup !== false : true },
    specialTokens: {
      cls: overrides.clsToken ?? cls,
      sep: overrides.sepToken ?? sep,
      pad: overrides.padToken ?? String(j.padding?.pad_token ?? '[PAD]'),
      unk,
      mask: overrides.maskToken ?? '[MASK]',
    },
    modelMaxLength: overrides.modelMaxLength ?? 512,
  };
}

function readNormalizer(n: Json, file: string): BertNormalizerOptions | null {
  if (n === null || n === undefined) return null;
  if (n.type !== 'BertNormalizer') {
    throw new BertTsError(`${file}: normalizer ${JSON.stringify(n.type)} is not supported`, 'bert-ts supports BertNormalizer');
  }
  return {
    cleanText: n.clean_text ?? true,
    handleChineseChars: n.handle_chinese_chars ?? true,
    stripAccents: n.strip_accents ?? null,
    lowercase: n.lowercase ?? true,
  };
}

function readPostProcessor(p: Json, file: string): Template | null {
  if (p === null || p === undefined) return null;
  if (p.type === 'BertProcessing') {
    return Template.bert([String(p.cls[0]), Number(p.cls[1])], [String(p.sep[0]), Number(p.sep[1])]);
  }
  if (p.type !== 'TemplateProcessing') {
    throw new BertTsError(`${file}: post_processor ${JSON.stringify(p.type)} is not supported`, 'bert-ts supports TemplateProcessing and BertProcessing');
  }
  const pieces = (list: Json[]): TemplatePiece[] =>
    list.map((x) => {
      if (x.SpecialToken) return { kind: 'special', name: String(x.SpecialToken.id), typeId: Number(x.SpecialToken.type_id ?? 0) };
      if (x.Sequence) {
        const id = x.Sequence.id;
        if (id !== 'A' && id !== 'B') throw new BertTsError(`${file}: template sequence ${JSON.stringify(id)} is not A or B`);
        return { kind: 'sequence', sequence: id === 'A' ? 0 : 1, typeId: Number(x.Sequence.type_id ?? 0) };
      }
      throw new BertTsError(`${file}: unreadable template piece ${JSON.stringify(x)}`);
    });
  const specials = new Map<string, SpecialTokenIds>();
  for (const [name, s] of Object.entries(p.special_tokens ?? {}) as [string, Json][]) {
    specials.set(name, { ids: s.ids.map(Number), tokens: s.tokens.map(String) });
  }
  return new Template(pieces(p.single ?? []), pieces(p.pair ?? []), specials);
}

// A model's files in the browser: from a base URL (fetch) or from files the
// user picked (a folder). Reads config.json, the tokenizer files and
// model.safetensors (or a sharded index and its shards).
import { BertTsError } from '../src/errors.ts';
import { BertModel } from '../src/bert/model.ts';
import { parseBertConfig } from '../src/bert/config.ts';
import { parseSafetensors, parseSafetensorsIndex, ShardedSafetensors, type SafetensorsFile, type TensorSource } from '../src/tensor/safetensors.ts';
import { BertTokenizer } from '../src/tokenizer/bert-tokenizer.ts';
import type { ModelSource } from './protocol.ts';

interface Files {
  where: string;
  /** the file's bytes, or undefined when the model has no such file */
  get(name: string): Promise<Uint8Array | undefined>;
}

function filesOf(source: ModelSource): Files {
  if ('url' in source) {
    const base = new URL(source.url.endsWith('/') ? source.url : source.url + '/', self.location.href);
    return {
      where: base.href,
      async get(name) {
        const r = await fetch(new URL(name, base));
        if (r.status === 404) return undefined;
        if (!r.ok) throw new BertTsError(`${new URL(name, base).href}: HTTP ${r.status}`);
        return new Uint8Array(await r.arrayBuffer());
      },
    };
  }
  const byName = new Map(source.files.map((f) => [f.name, f]));
  return {
    where: source.name ?? 'the picked files',
    async get(name) {
      const f = byName.get(name);
      return f ? new Uint8Array(await f.arrayBuffer()) : undefined;
    },
  };
}

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
function json(b: Uint8Array | undefined, file: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const t = text(b);
  if (t === undefined) return undefined;
  try {
    return JSON.parse(t);
  } catch (e) {
    throw new BertTsError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

export async function loadModel(source: ModelSource, progress: (what: string) => void): Promise<{ model: BertModel; tokenizer: BertTokenizer; where: string }> {
  const files = filesOf(source);
  progress('config.json');
  const configJson = json(await files.get('config.json'), 'config.json');
  if (!configJson) throw new BertTsError(`${files.where}: no config.json`, 'a model folder holds config.json, model.safetensors and vocab.txt (or tokenizer.json)');
  const config = parseBertConfig(configJson, `${files.where} config.json`);

  progress('tokenizer');
  const tc = json(await files.get('tokenizer_config.json'), 'tokenizer_config.json') ?? {};
  const special = (k: string) => (typeof tc[k] === 'string' ? tc[k] : tc[k]?.content);
  const maxLength = typeof tc.model_max_length === 'number' && tc.model_max_length < 1e15 ? tc.model_max_length : config.maxPositionEmbeddings;
  const tj = text(await files.get('tokenizer.json'));
  let tokenizer: BertTokenizer;
  if (tj !== undefined) {
    tokenizer = BertTokenizer.fromTokenizerJson(tj, { file: 'tokenizer.json', modelMaxLength: maxLength });
  } else {
    const vocab = text(await files.get('vocab.txt'));
    if (vocab === undefined) throw new BertTsError(`${files.where}: no tokenizer.json or vocab.txt`);
    tokenizer = BertTokenizer.fromVocab(vocab, {
      doLowerCase: tc.do_lower_case ?? true,
      stripAccents: tc.strip_accents ?? null,
      tokenizeChineseChars: tc.tokenize_chinese_chars ?? true,
      modelMaxLength: maxLength,
      unkToken: special('unk_token'),
      sepToken: special('sep_token'),
      padToken: special('pad_token'),
      clsToken: special('cls_token'),
      maskToken: special('mask_token'),
    });
  }

  progress('model.safetensors');
  let weights: TensorSource;
  const single = await files.get('model.safetensors');
  if (single) weights = parseSafetensors(single, 'model.safetensors');
  else {
    const index = text(await files.get('model.safetensors.index.json'));
    if (index === undefined) throw new BertTsError(`${files.where}: no model.safetensors (nor model.safetensors.index.json)`);
    const map = parseSafetensorsIndex(index, 'model.safetensors.index.json');
    const shards = new Map<string, SafetensorsFile>();
    for (const name of new Set(Object.values(map))) {
      progress(name);
      const bytes = await files.get(name);
      if (!bytes) throw new BertTsError(`${files.where}: shard ${name} is missing`);
      shards.set(name, parseSafetensors(bytes, name));
    }
    weights = new ShardedSafetensors('model.safetensors.index.json', map, shards);
  }
  return { model: BertModel.fromTensors(config, weights), tokenizer, where: files.where };
}

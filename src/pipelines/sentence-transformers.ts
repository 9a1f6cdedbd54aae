/**
 * Embedding defaults from a sentence-transformers folder, so that such a model
 * gives what sentence-transformers gives without options:
 *   modules.json                 the module list: Transformer, Pooling, Normalize, …
 *   <Pooling path>/config.json   pooling_mode_cls_token / _mean_tokens / _max_tokens
 *   sentence_bert_config.json    max_seq_length (truncation), do_lower_case
 * Browser-safe: the caller reads the files (readJson(relativePath)).
 */
import { BertTsError } from '../errors.ts';

export type Pooling = 'mean' | 'cls' | 'max';

export interface EmbedDefaults {
  pooling: Pooling;
  normalize: boolean;
  /** sentence_bert_config.json max_seq_length: inputs are truncated to it */
  maxSeqLength?: number;
  /** sentence_bert_config.json do_lower_case: texts are lowercased first */
  doLowerCase?: boolean;
}

/** The folder of the Transformer module, relative to the model folder ('' when at the top, as in current layouts). */
export function transformerFolder(readJson: (path: string) => unknown): string {
  const modules = readJson('modules.json');
  if (!Array.isArray(modules)) return '';
  const t = modules.find((m) => typeof m?.type === 'string' && /\.(Transformer|BERT)$/.test(m.type)) as { path?: unknown } | undefined;
  return typeof t?.path === 'string' ? t.path : '';
}

/** undefined when the folder has no modules.json (not a sentence-transformers model). */
export function sentenceTransformersDefaults(readJson: (path: string) => unknown): EmbedDefaults | undefined {
  const modules = readJson('modules.json');
  if (modules === undefined) return undefined;
  if (!Array.isArray(modules)) throw new BertTsError('modules.json: expected a list of modules');
  // a Dense or other module would change the vectors: refuse rather than be silently wrong
  for (const m of modules) {
    const type = typeof m?.type === 'string' ? m.type : '';
    if (!/\.(Transformer|BERT|Pooling|Normalize)$/.test(type)) {
      throw new BertTsError(`modules.json: module '${type || JSON.stringify(m)}' is not supported`, 'bert-ts runs sentence-transformers models made of Transformer (or BERT), Pooling and Normalize modules');
    }
  }
  const ofType = (suffix: string) => modules.find((m) => typeof m?.type === 'string' && m.type.endsWith(suffix)) as { path?: string } | undefined;
  const out: EmbedDefaults = { pooling: 'mean', normalize: ofType('.Normalize') !== undefined };
  const poolingModule = ofType('.Pooling');
  if (poolingModule) {
    const file = `${poolingModule.path ? poolingModule.path + '/' : ''}config.json`;
    const c = readJson(file) as Record<string, unknown> | undefined;
    if (!c) throw new BertTsError(`${file}: missing (modules.json names a Pooling module there)`);
    const modes: Pooling[] = [];
    if (c.pooling_mode_cls_token) modes.push('cls');
    if (c.pooling_mode_mean_tokens) modes.push('mean');
    if (c.pooling_mode_max_tokens) modes.push('max');
    const other = ['pooling_mode_mean_sqrt_len_tokens', 'pooling_mode_weightedmean_tokens', 'pooling_mode_lasttoken'].filter((k) => c[k]);
    if (other.length > 0 || modes.length !== 1) {
      throw new BertTsError(`${file}: pooling ${[...modes, ...other].join(' + ') || 'none'} is not supported`, 'bert-ts pools with exactly one of cls, mean or max');
    }
    out.pooling = modes[0];
  }
  // the Transformer module's own folder (old layouts: 0_BERT/) holds its sentence_bert_config.json
  const transformerPath = (ofType('.Transformer') ?? ofType('.BERT'))?.path;
  const st = (readJson('sentence_bert_config.json') ?? (transformerPath ? readJson(`${transformerPath}/sentence_bert_config.json`) : undefined)) as Record<string, unknown> | undefined;
  if (st && typeof st.max_seq_length === 'number') out.maxSeqLength = st.max_seq_length;
  if (st && st.do_lower_case === true) out.doLowerCase = true;
  return out;
}

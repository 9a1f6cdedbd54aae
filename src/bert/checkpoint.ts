/**
 * From checkpoint names to BertWeights, with every shape checked.
 *
 * The naming variants Hugging Face checkpoints come in:
 *   - a `bert.` prefix (BertFor* models) or none (BertModel, sentence-transformers);
 *     in general, whatever precedes `embeddings.word_embeddings.weight`;
 *   - LayerNorm `weight`/`bias`, or the legacy `gamma`/`beta` (the real
 *     bert-base-uncased file);
 *   - the MLM decoder stored (`cls.predictions.decoder.weight`) or tied to the
 *     word embeddings (absent from the file); its bias as `cls.predictions.bias`
 *     (or `cls.predictions.decoder.bias`, the same tensor saved twice);
 *   - the `embeddings.position_ids` buffer some files store: ignored.
 * A tensor we need and cannot find, or find with another shape, is an error
 * naming it; tensors we do not use (a classifier head, …) are returned as
 * `unused` so the caller can report them, as transformers warns about them.
 */
import { BertTsError, quote } from '../errors.ts';
import { shapeString, sameShape } from '../tensor/tensor.ts';
import type { TensorSource } from '../tensor/safetensors.ts';
import type { BertConfig } from './config.ts';
import { chooseArchitecture, parseLabels, taskHeadOf, type Architecture, type LabelConfig } from './architecture.ts';
import type { BertWeights, LayerNormWeights, LayerWeights, Linear } from './weights.ts';
import { int8Linear, type QuantizedLinear } from '../layers/quantize.ts';
import type { TensorMemory } from '../tensor/alloc.ts';
import { SCALE_SUFFIX } from './quantized-checkpoint.ts';

export interface LoadedWeights {
  weights: BertWeights;
  /** the prefix found before `embeddings.`: 'bert.' or '' (or another) */
  prefix: string;
  /** tensor names present in the file and not used by the model */
  unused: string[];
  /** the head loaded: the override, else config.architectures */
  architecture: Architecture;
  /** num_labels / id2label / problem_type (classification heads; defaults elsewhere) */
  labels: LabelConfig;
}

export interface WeightOptions {
  /** load this head instead of the one config.architectures names (e.g. 'BertModel' for the encoder alone) */
  architecture?: string;
  /**
   * applied to each encoder matrix as soon as it is read (dtype 'q8' quantizes
   * it there, so the float32 matrices never all exist at once)
   */
  encoderLinear?: (l: Linear) => Linear;
  /**
   * dtype 'q8': where int8 weights a quantized checkpoint stores (`bert-ts
   * quantize`; src/bert/quantized-checkpoint.ts) go, laid out for the kernels.
   * Without it, such a checkpoint is refused (it cannot give f32's results).
   */
  int8?: { memory?: TensorMemory };
}

const IGNORED = /(^|\.)position_ids$|(^|\.)num_batches_tracked$/;

export function loadBertWeights(config: BertConfig, source: TensorSource, options: WeightOptions = {}): LoadedWeights {
  const file = source.files.length === 1 ? source.files[0] : `${source.files[0]} (and ${source.files.length - 1} more shards)`;
  const names = new Set(source.names());
  const used = new Set<string>();
  const missing: string[] = [];
  const prefix = findPrefix(names, file);
  const { vocabSize: V, hiddenSize: H, intermediateSize: I, maxPositionEmbeddings: P, typeVocabSize: T } = config;

  const empty = new Float32Array(0);
  /** One error listing the first few missing names and how many more. */
  const throwIfMissing = (where: string): void => {
    if (missing.length === 0) return;
    const SHOW = 4;
    const shown = missing.slice(0, SHOW).map((m) => quote(m)).join(', ');
    throw new BertTsError(
      `${file}: ${missing.length} tensor${missing.length > 1 ? "s" : ""} missing (${where}) for a BERT with ${config.numHiddenLayers} layers: ${shown}${missing.length > SHOW ? ` and ${missing.length - SHOW} more` : ''}`,
      `the file uses the prefix ${quote(prefix)}; check that config.json (num_hidden_layers) belongs to this checkpoint`,
    );
  };
  /** the tensor `name` (or its legacy alias), checked against `shape` */
  const get = (name: string, shape: number[]): Float32Array => {
    let found = names.has(name) ? name : undefined;
    if (!found) {
      const legacy = name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
      if (legacy !== name && names.has(legacy)) found = legacy;
    }
    if (!found) {
      missing.push(name);
      return empty;
    }
    const info = source.info(found)!;
    if (!sameShape(info.shape, shape)) {
      throw new BertTsError(
        `${info.file}: tensor ${quote(found)} has shape ${shapeString(info.shape)}, expected ${shapeString(shape)} from config.json`,
        'check that config.json belongs to this checkpoint (hidden_size, intermediate_size, vocab_size, max_position_embeddings, type_vocab_size)',
      );
    }
    if (info.dtype === 'I8') {
      throw new BertTsError(
        `${info.file}: tensor ${quote(found)} is int8 but has no ${quote(found.replace(/weight$/, '') + SCALE_SUFFIX.slice(1))}; int8 is read only for the encoder's matrices and the word embeddings of a checkpoint \`bert-ts quantize\` wrote`,
        'quantize the original float checkpoint again with bert-ts quantize',
      );
    }
    used.add(found);
    return source.float32(found);
  };
  /** does the file store `name` as int8 (a quantized checkpoint)? */
  const isInt8 = (name: string): boolean => names.has(name) && source.info(name)!.dtype === 'I8';
  /**
   * int8 weights `name`.weight [rows, cols] and their scales `name`.weight_scale:
   * [rows, 1] (one per output channel) or, for the word embeddings, [1, cols]
   * (one per hidden dimension), as src/bert/quantized-checkpoint.ts writes them.
   */
  const int8Weights = (name: string, rows: number, cols: number, perColumn: boolean): { Wq: Int8Array; scale: Float32Array } => {
    const wName = `${name}.weight`, sName = `${name}${SCALE_SUFFIX}`;
    if (!options.int8) {
      throw new BertTsError(
        `${file}: tensor ${quote(wName)} is int8 (a checkpoint bert-ts quantize wrote) and the model is being loaded with dtype 'f32'`,
        "load it with dtype 'q8' (CLI: --dtype q8), or leave dtype unset; int8 weights cannot give f32's exact results (quantize from the original float checkpoint for those)",
      );
    }
    const wInfo = source.info(wName)!;
    if (!sameShape(wInfo.shape, [rows, cols])) {
      throw new BertTsError(`${wInfo.file}: tensor ${quote(wName)} has shape ${shapeString(wInfo.shape)}, expected ${shapeString([rows, cols])} from config.json`, 'check that config.json belongs to this checkpoint');
    }
    const want = perColumn ? [1, cols] : [rows, 1];
    const sInfo = source.info(sName);
    if (!sInfo) {
      throw new BertTsError(`${wInfo.file}: int8 tensor ${quote(wName)} has no scales (${quote(sName)}, ${shapeString(want)})`, 'the quantized checkpoint is incomplete; write it again with bert-ts quantize');
    }
    if (!sameShape(sInfo.shape, want) || (sInfo.dtype !== 'F32' && sInfo.dtype !== 'F16' && sInfo.dtype !== 'BF16')) {
      throw new BertTsError(`${sInfo.file}: tensor ${quote(sName)} is ${sInfo.dtype} ${shapeString(sInfo.shape)}, expected float scales of shape ${shapeString(want)} for ${quote(wName)}`, 'the quantized checkpoint is damaged; write it again with bert-ts quantize');
    }
    used.add(wName);
    used.add(sName);
    const raw = source.raw(wName);
    return { Wq: new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength), scale: source.float32(sName) };
  };
  /** an encoder matrix (or an untied decoder) stored in int8, with its float bias */
  const int8Matrix = (name: string, out: number, inp: number): Linear => {
    const { Wq, scale } = int8Weights(name, out, inp, false);
    const bias = get(`${name}.bias`, [out]);
    return { weight: empty, bias, q8: int8Linear(Wq, scale, bias, out, inp, options.int8?.memory) };
  };
  const linear = (name: string, out: number, inp: number): Linear => ({
    weight: get(`${name}.weight`, [out, inp]),
    bias: get(`${name}.bias`, [out]),
  });
  const layerNorm = (name: string): LayerNormWeights => ({
    weight: get(`${name}.weight`, [H]),
    bias: get(`${name}.bias`, [H]),
  });

  const p = prefix;
  // a quantized checkpoint's word embeddings: int8 with one scale per hidden dimension (quantizeTable's scheme)
  const tableInt8 = isInt8(`${p}embeddings.word_embeddings.weight`) ? int8Weights(`${p}embeddings.word_embeddings`, V, H, true) : null;
  const embeddings: BertWeights['embeddings'] = {
    word_embeddings: tableInt8 ? empty : get(`${p}embeddings.word_embeddings.weight`, [V, H]),
    position_embeddings: get(`${p}embeddings.position_embeddings.weight`, [P, H]),
    token_type_embeddings: get(`${p}embeddings.token_type_embeddings.weight`, [T, H]),
    LayerNorm: layerNorm(`${p}embeddings.LayerNorm`),
  };
  // Bound the layer count by the file before walking it: a config asking for
  // 10⁹ layers is refused here, not after 10⁹ lookups.
  const inFile = layersInFile(names, p);
  if (config.numHiddenLayers > inFile) {
    throw new BertTsError(
      `${file}: config.json asks for ${config.numHiddenLayers} encoder layers, the checkpoint holds ${inFile}${inFile > 0 ? ` (${p}encoder.layer.0 … ${inFile - 1})` : ''}`,
      `check that config.json (num_hidden_layers) belongs to this checkpoint`,
    );
  }
  throwIfMissing('the embeddings');
  const layer: LayerWeights[] = [];
  const encoderLinear = options.encoderLinear ?? ((l: Linear) => l);
  const matrix = (name: string, out: number, inp: number): Linear => {
    if (isInt8(`${name}.weight`)) return int8Matrix(name, out, inp);
    const l = linear(name, out, inp);
    return l.weight.length > 0 && l.bias.length > 0 ? encoderLinear(l) : l; // a missing tensor is reported below
  };
  for (let l = 0; l < config.numHiddenLayers; l++) {
    const n = `${p}encoder.layer.${l}`;
    layer.push({
      attention: {
        self: {
          query: matrix(`${n}.attention.self.query`, H, H),
          key: matrix(`${n}.attention.self.key`, H, H),
          value: matrix(`${n}.attention.self.value`, H, H),
        },
        output: { dense: matrix(`${n}.attention.output.dense`, H, H), LayerNorm: layerNorm(`${n}.attention.output.LayerNorm`) },
      },
      intermediate: { dense: matrix(`${n}.intermediate.dense`, I, H) },
      output: { dense: matrix(`${n}.output.dense`, H, I), LayerNorm: layerNorm(`${n}.output.LayerNorm`) },
    });
    throwIfMissing(`layer ${l}`); // stop at the first incomplete layer
  }
  const pooler = names.has(`${p}pooler.dense.weight`) ? { dense: linear(`${p}pooler.dense`, H, H) } : null;

  let predictions: BertWeights['cls']['predictions'] = null;
  if (names.has('cls.predictions.transform.dense.weight')) {
    const transform = { dense: linear('cls.predictions.transform.dense', H, H), LayerNorm: layerNorm('cls.predictions.transform.LayerNorm') };
    const tied = !names.has('cls.predictions.decoder.weight');
    const biasName = names.has('cls.predictions.bias') ? 'cls.predictions.bias' : 'cls.predictions.decoder.bias';
    if (!tied && isInt8('cls.predictions.decoder.weight')) {
      // an untied decoder a quantized checkpoint stores in int8 (its bias: cls.predictions.bias)
      const { Wq, scale } = int8Weights('cls.predictions.decoder', V, H, false);
      const bias = get(biasName, [V]);
      if (names.has('cls.predictions.decoder.bias')) used.add('cls.predictions.decoder.bias');
      predictions = { transform, decoder: { weight: empty, bias, q8: int8Linear(Wq, scale, bias, V, H, options.int8?.memory) }, tied };
    } else {
      const weight = tied ? embeddings.word_embeddings : get('cls.predictions.decoder.weight', [V, H]);
      const bias = get(biasName, [V]);
      // the same bias is often saved twice (tied parameters); it is not "unused"
      if (names.has('cls.predictions.decoder.bias')) used.add('cls.predictions.decoder.bias');
      predictions = { transform, decoder: { weight, bias }, tied };
    }
  }
  if (tableInt8) {
    // the table serves the gather and, tied, the decoder (with the decoder's bias), as q8Embeddings builds it
    const decoderBias = predictions?.tied ? predictions.decoder.bias : null;
    const table: QuantizedLinear = int8Linear(tableInt8.Wq, new Float32Array(V).fill(1), decoderBias, V, H, options.int8?.memory, tableInt8.scale);
    embeddings.word_embeddings_q8 = table;
    if (predictions?.tied) predictions = { ...predictions, decoder: { weight: empty, bias: predictions.decoder.bias, q8: table } };
  }
  const seq_relationship = names.has('cls.seq_relationship.weight') ? linear('cls.seq_relationship', 2, H) : null;

  // The task head the architecture names must be there: a plain encoder loaded
  // as a classifier is an error naming the tensors (transformers would
  // initialise them at random and only warn).
  const architecture = chooseArchitecture(config, options.architecture);
  const task = taskHeadOf(architecture);
  const labels = parseLabels(config, names.has('classifier.weight') ? source.info('classifier.weight')!.shape[0] : undefined);
  const headMissing: string[] = [];
  const head = (name: string, out: number): Linear | null => {
    const need = [`${name}.weight`, `${name}.bias`].filter((n) => !names.has(n));
    if (need.length > 0) {
      headMissing.push(...need);
      return null;
    }
    return linear(name, out, H);
  };
  const classifier = task === 'sequence-classification' || task === 'token-classification' ? head('classifier', labels.numLabels) : null;
  const qa_outputs = task === 'question-answering' ? head('qa_outputs', 2) : null;
  const wantsMlm = architecture === 'BertForMaskedLM' || architecture === 'BertForPreTraining';
  const wantsNsp = architecture === 'BertForNextSentencePrediction' || architecture === 'BertForPreTraining';
  if (options.architecture !== undefined) {
    // an explicit choice is a promise: its head must be in the file
    if (wantsMlm && !predictions) headMissing.push('cls.predictions.transform.dense.weight');
    if (wantsNsp && !seq_relationship) headMissing.push('cls.seq_relationship.weight');
  }
  if ((task === 'sequence-classification' || wantsNsp) && !pooler && (classifier || seq_relationship || options.architecture !== undefined)) {
    headMissing.push(`${p}pooler.dense.weight`);
  }
  if (headMissing.length > 0) {
    throw new BertTsError(
      `${file}: loading as ${architecture}, but the head's tensors are missing: ${headMissing.map((m) => quote(m)).join(', ')}`,
      options.architecture !== undefined
        ? `this checkpoint has no ${architecture} head; load it with architecture 'BertModel' to use the encoder alone`
        : `config.json's architectures says ${architecture}; pass architecture 'BertModel' (CLI: --architecture BertModel) to load the encoder alone`,
    );
  }

  throwIfMissing('the heads');
  const unused = [...names].filter((n) => !used.has(n) && !IGNORED.test(n)).sort();
  return {
    weights: { embeddings, encoder: { layer }, pooler, cls: { predictions, seq_relationship }, classifier, qa_outputs },
    prefix,
    unused,
    architecture,
    labels,
  };
}

/** How many encoder layers the file has tensors for: 1 + the largest N in `${prefix}encoder.layer.N.` (0 if none). */
function layersInFile(names: Set<string>, prefix: string): number {
  const head = `${prefix}encoder.layer.`;
  let count = 0;
  for (const name of names) {
    if (!name.startsWith(head)) continue;
    const dot = name.indexOf('.', head.length);
    const digits = name.slice(head.length, dot < 0 ? undefined : dot);
    if (!/^(0|[1-9][0-9]{0,8})$/.test(digits)) continue;
    count = Math.max(count, Number(digits) + 1);
  }
  return count;
}

/** The prefix before `embeddings.word_embeddings.weight`, preferring '' and 'bert.'. */
function findPrefix(names: Set<string>, file: string): string {
  const key = 'embeddings.word_embeddings.weight';
  for (const p of ['bert.', '']) if (names.has(p + key)) return p;
  const candidates = [...names].filter((n) => n.endsWith('.' + key)).map((n) => n.slice(0, -key.length));
  if (candidates.length === 0) {
    throw new BertTsError(
      `${file}: no BERT word embeddings found (no tensor named '…${key}')`,
      'is this a BERT checkpoint? expected names such as bert.embeddings.word_embeddings.weight',
    );
  }
  return candidates.sort((a, b) => a.length - b.length)[0];
}

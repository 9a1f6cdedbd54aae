/**
 * BertModel: config + read-only weights + a forward pass that mirrors
 * transformers' BertModel / BertForPreTraining (eager attention, inference).
 */
import { BertTsError } from '../errors.ts';
import { Tensor } from '../tensor/tensor.ts';
import type { TensorSource } from '../tensor/safetensors.ts';
import { parseBertConfig, type BertConfig } from './config.ts';
import { loadBertWeights } from './checkpoint.ts';
import { RunState } from './run-state.ts';
import { validateForward } from './validate-input.ts';
import { embeddingsForward } from './embeddings.ts';
import { encoderLayerForward } from './encoder.ts';
import { mlmForward, nspForward, poolerForward, qaForward, sequenceClassifierForward, tokenClassifierForward } from './heads.ts';
import { parseLabels, taskHeadOf, type Architecture, type LabelConfig, type TaskHead } from './architecture.ts';
import { probeFor } from './probe.ts';
import type { BertInput, ForwardOptions } from './input.ts';
import { Arena, heapShared, placeInHeap } from '../runtime/heap.ts';
import { releaseWeight } from '../runtime/backend.ts';
import type { BertWeights } from './weights.ts';
import { loadDType, q8Embeddings, q8Linear, type DType } from './quantize-weights.ts';
import { isQuantizedCheckpoint } from './quantized-checkpoint.ts';

export type { IdRows, BertInput, ForwardOptions } from './input.ts';

export interface BertOutput {
  lastHiddenState: Tensor; // [B, S, H]
  poolerOutput?: Tensor; // [B, H]; absent when the checkpoint has no pooler
  hiddenStates?: Tensor; // [L+1, B, S, H]
  attentions?: Tensor; // [L, B, A, S, S]
  mlmLogits?: Tensor; // [B, S, V] or [N, V]
  nspLogits?: Tensor; // [B, 2]
  logits?: Tensor; // [B, N] sequence classification, [B, S, N] token classification
  startLogits?: Tensor; // [B, S] question answering
  endLogits?: Tensor; // [B, S]
}

/** float32's most negative finite value: torch.finfo(torch.float32).min */
export const MASK_FILL = -3.4028234663852886e38;

export class BertModel {
  readonly config: BertConfig;
  readonly weights: BertWeights;
  /** tensors of the checkpoint the model does not use (a task head, …) */
  readonly unusedTensors: string[];
  /** the head loaded: from config.architectures or the caller's override */
  readonly architecture: Architecture;
  /** num_labels, id2label, problem_type (meaningful for the classification heads) */
  readonly labels: LabelConfig;
  private state: RunState | null = null;
  /** 'f32' (exact) or 'q8' (the encoder's matrices in int8: src/bert/quantize-weights.ts) */
  dtype: DType = 'f32';
  /** the run states a forward of this model is writing right now (a probe callback runs inside one) */
  private readonly busy = new Set<RunState>();
  /** the heap region of the weights, freed by dispose(); null when they live in JS memory */
  private readonly arena: Arena | null;
  private disposed = false;

  constructor(
    config: BertConfig,
    weights: BertWeights,
    unusedTensors: string[] = [],
    arena: Arena | null = null,
    head: { architecture: Architecture; labels: LabelConfig } = { architecture: 'BertModel', labels: parseLabels(config) },
  ) {
    this.config = config;
    this.weights = weights;
    this.unusedTensors = unusedTensors;
    this.arena = arena;
    this.architecture = head.architecture;
    this.labels = head.labels;
  }

  /**
   * Build from a parsed (or raw) config and any tensor source (a safetensors
   * file, shards). Where the heap is shared, weights that are not in it are
   * copied into a heap arena of the model's (freed by dispose()); `arena`: the
   * one the source already placed them in (loadBertModel).
   */
  static fromTensors(config: BertConfig | unknown, source: TensorSource, options: { arena?: Arena } & ModelOptions = {}): BertModel {
    const c = isParsed(config) ? config : parseBertConfig(config);
    const dtype = loadDType(options.dtype, isQuantizedCheckpoint(source), 'BertModel.fromTensors');
    const arena = options.arena ?? (heapShared() ? new Arena('this BertModel') : null);
    // q8: each encoder matrix goes into the arena as int8 as soon as it is read (its float32 copy is dropped)
    const memory = arena?.tensorMemory();
    const loaded = loadBertWeights(c, source, {
      architecture: options.architecture,
      encoderLinear: dtype === 'q8' ? q8Linear(memory) : undefined,
      int8: dtype === 'q8' ? { memory } : undefined,
    });
    const { unused, architecture, labels } = loaded;
    const weights = dtype === 'q8' ? q8Embeddings(loaded.weights, memory) : loaded.weights;
    const model = new BertModel(c, arena ? placeInHeap(weights, arena) : weights, unused, arena, { architecture, labels });
    model.dtype = dtype;
    return model;
  }

  /** The task head the model carries (null: none beyond MLM / NSP). */
  get taskHead(): TaskHead {
    return this.weights.classifier || this.weights.qa_outputs ? taskHeadOf(this.architecture) : null;
  }

  /**
   * Give the model's memory back: its weights' heap arena, packed weight
   * copies and run state. Using the model afterwards is a BertTsError.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state?.dispose();
    this.state = null;
    this.arena?.dispose();
    forEachArray(this.weights, releaseWeight);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get hasPooler(): boolean {
    return this.weights.pooler !== null;
  }
  get hasMlmHead(): boolean {
    return this.weights.cls.predictions !== null;
  }
  get hasNspHead(): boolean {
    return this.weights.cls.seq_relationship !== null && this.weights.pooler !== null;
  }

  /** The buffers for shape (B, S), reused while the shape stays the same. */
  runState(B: number, S: number): RunState {
    if (this.disposed) throw new BertTsError('this BertModel was disposed', 'load the model again to use it');
    if (!this.state || this.state.B !== B || this.state.S !== S) {
      this.state?.dispose(); // the heap reuses its space
      this.state = new RunState(this.config, B, S);
    }
    return this.state;
  }

  forward(input: BertInput, options: ForwardOptions = {}): BertOutput {
    if (this.disposed) throw new BertTsError('forward: this BertModel was disposed', 'load the model again to use it');
    const c = this.config;
    const w = this.weights;
    // every input and option is checked here, before the first kernel (validate-input.ts)
    const { B, S, mlmRows } = validateForward(input, options, c, this, this.state);
    // a forward from inside a probe callback would overwrite (or, for another shape,
    // free) the buffers the outer forward is still reading
    const wanted = options.state ?? this.state;
    if (wanted && this.busy.has(wanted)) {
      throw new BertTsError(
        'forward: called from inside a probe callback while this model is still running a forward on the same buffers',
        'copy what the probe needs (tensor.data.slice()) and run the second forward after the first returns, or pass it its own state: new RunState(model.config, B, S)',
      );
    }
    const st = options.state ?? this.runState(B, S);
    this.busy.add(st);
    try {
      return this.run(st, input, options, B, S, mlmRows);
    } finally {
      this.busy.delete(st);
    }
  }

  /** The forward pass proper, on buffers no one else is using. */
  private run(st: RunState, input: BertInput, options: ForwardOptions, B: number, S: number, mlmRows: Int32Array | null): BertOutput {
    const c = this.config;
    const w = this.weights;
    fillInputs(st, input);
    const { numHiddenLayers: L, hiddenSize: H, numAttentionHeads: A } = c;
    const M = B * S;

    const hiddenStates = options.outputHiddenStates ? Tensor.zeros([L + 1, B, S, H]) : undefined;
    const attentions = options.outputAttentions ? Tensor.zeros([L, B, A, S, S]) : undefined;

    const probe = options.probe;
    // x = LayerNorm(word + token type + position)
    embeddingsForward(st, w.embeddings, c, probe && probeFor(probe));
    hiddenStates?.data.set(st.hidden, 0);
    // x = BertLayer_l(x), l = 0 … L−1
    for (let l = 0; l < L; l++) {
      const probs = attentions ? attentions.data.subarray(l * B * A * S * S, (l + 1) * B * A * S * S) : null;
      encoderLayerForward(st, w.encoder.layer[l], c, probs, probe && probeFor(probe, `encoder.layer.${l}.`));
      hiddenStates?.data.set(st.hidden, (l + 1) * M * H);
    }
    const out: BertOutput = { lastHiddenState: new Tensor(st.hidden.slice(), [B, S, H]) };
    if (hiddenStates) out.hiddenStates = hiddenStates;
    if (attentions) out.attentions = attentions;

    // pooled = tanh(W · x[:, 0] + b)
    if (w.pooler) {
      out.poolerOutput = new Tensor(new Float32Array(B * H), [B, H]);
      poolerForward(out.poolerOutput.data, st, w.pooler.dense, H);
      probe?.('pooler', out.poolerOutput);
    }
    if (mlmRows) out.mlmLogits = this.mlmLogits(st, mlmRows, options.mlm === true);
    if (options.nsp) {
      if (!w.cls.seq_relationship || !out.poolerOutput) {
        throw new BertTsError('forward: nsp was requested but the checkpoint has no next-sentence head (cls.seq_relationship) and pooler');
      }
      out.nspLogits = new Tensor(new Float32Array(B * 2), [B, 2]);
      nspForward(out.nspLogits.data, st, out.poolerOutput.data, w.cls.seq_relationship, H);
    }
    if (options.taskHead) this.taskHeadForward(out, st);
    return out;
  }

  /** logits / startLogits / endLogits from the encoder's output, by the head loaded. */
  private taskHeadForward(out: BertOutput, st: RunState): void {
    const { B, S } = st;
    const H = this.config.hiddenSize;
    const N = this.labels.numLabels;
    const w = this.weights;
    const head = this.taskHead;
    if (head === 'sequence-classification' && w.classifier && out.poolerOutput) {
      out.logits = new Tensor(new Float32Array(B * N), [B, N]);
      sequenceClassifierForward(out.logits.data, st, out.poolerOutput.data, w.classifier, H, N);
    } else if (head === 'token-classification' && w.classifier) {
      out.logits = new Tensor(new Float32Array(B * S * N), [B, S, N]);
      tokenClassifierForward(out.logits.data, st, w.classifier, H, N);
    } else if (head === 'question-answering' && w.qa_outputs) {
      out.startLogits = new Tensor(new Float32Array(B * S), [B, S]);
      out.endLogits = new Tensor(new Float32Array(B * S), [B, S]);
      qaForward(out.startLogits.data, out.endLogits.data, st, w.qa_outputs, H);
    } else {
      throw new BertTsError(
        `forward: a task head was requested but the model (${this.architecture}) has no classifier or qa_outputs`,
        'load a BertForSequenceClassification, BertForTokenClassification or BertForQuestionAnswering checkpoint',
      );
    }
  }

  /** logits of the given rows (b·S + s): [B, S, V] when `all`, else [N, V] */
  private mlmLogits(st: RunState, rows: Int32Array, all: boolean): Tensor {
    const head = this.weights.cls.predictions;
    if (!head) throw new BertTsError('forward: mlm logits were requested but the checkpoint has no masked-LM head (cls.predictions)');
    const V = this.config.vocabSize;
    const shape = all ? [st.B, st.S, V] : [rows.length, V];
    const logits = new Tensor(new Float32Array(rows.length * V), shape);
    mlmForward(logits.data, st, rows, head, this.config);
    return logits;
  }
}

/** Call f on every Float32Array in a tree of weights. */
function forEachArray(tree: unknown, f: (a: Float32Array) => void): void {
  if (tree instanceof Float32Array) f(tree);
  else if (tree && typeof tree === 'object' && !ArrayBuffer.isView(tree)) for (const v of Object.values(tree)) forEachArray(v, f);
}

export interface ModelOptions {
  /** the head to load instead of config.architectures' (e.g. 'BertModel' for the encoder alone) */
  architecture?: string;
  /** 'f32' (default, exact) or 'q8': the encoder's matrices quantized to int8 at load (faster, approximate; docs/performance.md) */
  dtype?: DType;
}

function isParsed(c: unknown): c is BertConfig {
  return typeof c === 'object' && c !== null && 'activation' in c && 'headSize' in c;
}

/** Copy the inputs into the run state; the additive mask is (1 − mask) · float32 min. */
function fillInputs(st: RunState, input: BertInput): void {
  const { B, S } = st;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      const i = b * S + s;
      st.ids[i] = input.inputIds[b][s];
      st.types[i] = input.tokenTypeIds ? input.tokenTypeIds[b][s] : 0;
      st.maskAdd[i] = input.attentionMask && input.attentionMask[b][s] === 0 ? MASK_FILL : 0;
    }
  }
}

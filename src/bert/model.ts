/**
 * BertModel: config + read-only weights + a forward pass that mirrors
 * transformers' BertModel / BertForPreTraining (eager attention, inference).
 */
import { BertTsError } from '../errors.ts';
import { Tensor } from '../tensor/tensor.ts';
import { allocFloat32 } from '../tensor/alloc.ts';
import type { TensorSource } from '../tensor/safetensors.ts';
import { parseBertConfig, type BertConfig } from './config.ts';
import { loadBertWeights } from './checkpoint.ts';
import { RunState } from './run-state.ts';
import { validateForward } from './validate-input.ts';
import { embeddingsForward } from './embeddings.ts';
import { encoderLayerForward } from './encoder.ts';
import { mlmForward, nspForward, poolerForward } from './heads.ts';
import type { BertWeights } from './weights.ts';

/** Batched integer inputs, [B][S]: rows of equal length. */
export type IdRows = ArrayLike<ArrayLike<number>>;

export interface BertInput {
  inputIds: IdRows; // [B, S]
  attentionMask?: IdRows; // [B, S] 1 = token, 0 = padding; default all 1
  tokenTypeIds?: IdRows; // [B, S] segment A = 0, B = 1; default all 0
}

export interface ForwardOptions {
  /** return hiddenStates [L+1, B, S, H]: the embeddings, then every layer's output */
  outputHiddenStates?: boolean;
  /** return attentions [L, B, A, S, S]: every layer's softmax probabilities */
  outputAttentions?: boolean;
  /**
   * masked-LM logits: true → every position, [B, S, V];
   * { positions: [[b, s], …] } → only those N positions, [N, V], in that order.
   */
  mlm?: boolean | { positions: ReadonlyArray<readonly [number, number]> };
  /** next-sentence logits [B, 2] */
  nsp?: boolean;
  /** activation buffers to use (by default the model keeps one per shape) */
  state?: RunState;
}

export interface BertOutput {
  lastHiddenState: Tensor; // [B, S, H]
  poolerOutput?: Tensor; // [B, H]; absent when the checkpoint has no pooler
  hiddenStates?: Tensor; // [L+1, B, S, H]
  attentions?: Tensor; // [L, B, A, S, S]
  mlmLogits?: Tensor; // [B, S, V] or [N, V]
  nspLogits?: Tensor; // [B, 2]
}

/** float32's most negative finite value: torch.finfo(torch.float32).min */
export const MASK_FILL = -3.4028234663852886e38;

export class BertModel {
  readonly config: BertConfig;
  readonly weights: BertWeights;
  /** tensors of the checkpoint the model does not use (a task head, …) */
  readonly unusedTensors: string[];
  private state: RunState | null = null;

  constructor(config: BertConfig, weights: BertWeights, unusedTensors: string[] = []) {
    this.config = config;
    this.weights = weights;
    this.unusedTensors = unusedTensors;
  }

  /** Build from a parsed (or raw) config and any tensor source (a safetensors file, shards). */
  static fromTensors(config: BertConfig | unknown, source: TensorSource): BertModel {
    const c = isParsed(config) ? config : parseBertConfig(config);
    const { weights, unused } = loadBertWeights(c, source);
    return new BertModel(c, weights, unused);
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
    if (!this.state || this.state.B !== B || this.state.S !== S) this.state = new RunState(this.config, B, S);
    return this.state;
  }

  forward(input: BertInput, options: ForwardOptions = {}): BertOutput {
    const c = this.config;
    const w = this.weights;
    // every input and option is checked here, before the first kernel (validate-input.ts)
    const { B, S, mlmRows } = validateForward(input, options, c, this, this.state);
    const st = options.state ?? this.runState(B, S);
    fillInputs(st, input);
    const { numHiddenLayers: L, hiddenSize: H, numAttentionHeads: A } = c;
    const M = B * S;

    const hiddenStates = options.outputHiddenStates ? Tensor.zeros([L + 1, B, S, H]) : undefined;
    const attentions = options.outputAttentions ? Tensor.zeros([L, B, A, S, S]) : undefined;

    // x = LayerNorm(word + token type + position)
    embeddingsForward(st, w.embeddings, c);
    hiddenStates?.data.set(st.hidden, 0);
    // x = BertLayer_l(x), l = 0 … L−1
    for (let l = 0; l < L; l++) {
      const probs = attentions ? attentions.data.subarray(l * B * A * S * S, (l + 1) * B * A * S * S) : null;
      encoderLayerForward(st, w.encoder.layer[l], c, probs);
      hiddenStates?.data.set(st.hidden, (l + 1) * M * H);
    }
    const out: BertOutput = { lastHiddenState: new Tensor(st.hidden.slice(), [B, S, H]) };
    if (hiddenStates) out.hiddenStates = hiddenStates;
    if (attentions) out.attentions = attentions;

    // pooled = tanh(W · x[:, 0] + b)
    if (w.pooler) {
      out.poolerOutput = new Tensor(allocFloat32(B * H), [B, H]);
      poolerForward(out.poolerOutput.data, st.hidden, st.first, w.pooler.dense, B, S, H);
    }
    if (mlmRows) out.mlmLogits = this.mlmLogits(st, mlmRows, options.mlm === true);
    if (options.nsp) {
      if (!w.cls.seq_relationship || !out.poolerOutput) {
        throw new BertTsError('forward: nsp was requested but the checkpoint has no next-sentence head (cls.seq_relationship) and pooler');
      }
      out.nspLogits = new Tensor(allocFloat32(B * 2), [B, 2]);
      nspForward(out.nspLogits.data, out.poolerOutput.data, w.cls.seq_relationship, B, H);
    }
    return out;
  }

  /** logits of the given rows (b·S + s): [B, S, V] when `all`, else [N, V] */
  private mlmLogits(st: RunState, rows: Int32Array, all: boolean): Tensor {
    const head = this.weights.cls.predictions;
    if (!head) throw new BertTsError('forward: mlm logits were requested but the checkpoint has no masked-LM head (cls.predictions)');
    const V = this.config.vocabSize;
    const shape = all ? [st.B, st.S, V] : [rows.length, V];
    const logits = new Tensor(allocFloat32(rows.length * V), shape);
    mlmForward(logits.data, st.hidden, rows, head, this.config);
    return logits;
  }
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

/**
 * What BertModel.forward takes: the input rows and the options. In a file of
 * their own so that validate-input.ts (which checks them) and model.ts (which
 * runs them) both stand on them, and neither on the other.
 */
import type { RunState } from './run-state.ts';
import type { ProbeFn } from './probe.ts';

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
  /** the task head's outputs: logits (classification) or startLogits / endLogits (question answering) */
  taskHead?: boolean;
  /** activation buffers to use (by default the model keeps one, for the last shape) */
  state?: RunState;
  /**
   * called after each named step with its output (src/bert/probe.ts): a view
   * into reused buffers, valid only during the call
   */
  probe?: ProbeFn;
}

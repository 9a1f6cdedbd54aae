/**
 * Everything BertModel.forward checks before the first kernel runs: the input
 * ids, mask and token types; every option; and the memory the call would take,
 * against FORWARD_LIMITS. Each problem is one BertTsError naming it, so a bad
 * call never gets as far as a TypeError inside a kernel or an out-of-memory
 * abort half-way through the encoder.
 */
import { BertTsError, quote, quoteJson } from '../errors.ts';
import type { BertConfig } from './config.ts';
import type { BertInput, ForwardOptions, IdRows } from './input.ts';
import { RunState } from './run-state.ts';

/**
 * The most memory one forward call may allocate: activations (RunState) plus
 * the outputs asked for. A documented, changeable limit: raise it when the
 * machine has the memory, e.g. `FORWARD_LIMITS.maxBytes = 16 * 2 ** 30`.
 */
export const FORWARD_LIMITS = { maxBytes: 4 * 2 ** 30 };

/** What a model must offer for the heads an option asks for. */
export interface ModelHeads {
  hasMlmHead: boolean;
  hasNspHead: boolean;
  /** the task head loaded (classifier / qa_outputs), null for none */
  taskHead?: string | null;
  weights?: { classifier?: unknown; qa_outputs?: unknown; pooler?: unknown };
}

/**
 * Bytes one forward of [B, S] allocates: the RunState (unless `reuse`, a
 * state of that shape already exists) and each output the options ask for.
 * `mlmRows`: rows of MLM logits (B·S for mlm: true, N for N positions).
 */
export function forwardBytes(c: BertConfig, B: number, S: number, o: { outputHiddenStates?: boolean; outputAttentions?: boolean; probe?: boolean; mlmRows?: number; reuse?: boolean } = {}): number {
  const { hiddenSize: H, numHiddenLayers: L, numAttentionHeads: A, vocabSize: V } = c;
  const M = B * S;
  const state = o.reuse ? 0 : RunState.bytes(c, B, S); // the state says its own size
  let out = 4 * M * H + 4 * B * H + 8 * B; // lastHiddenState, poolerOutput, nspLogits
  if (o.outputHiddenStates) out += 4 * (L + 1) * M * H;
  if (o.outputAttentions) out += 4 * L * B * A * S * S;
  if (o.outputAttentions || o.probe) out += 4 * B * A * S * S; // the state's probs buffer
  if (o.mlmRows) out += 4 * o.mlmRows * V + 4 * o.mlmRows * (2 * H + V); // the logits, and the state's MLM row buffers
  return state + out;
}

/** Refuse a [B, S] forward (with these outputs) that would allocate more than FORWARD_LIMITS.maxBytes. */
export function checkForwardSize(c: BertConfig, B: number, S: number, o: Parameters<typeof forwardBytes>[3] = {}): void {
  const need = forwardBytes(c, B, S, o);
  if (!(need <= FORWARD_LIMITS.maxBytes)) {
    throw new BertTsError(
      `forward: [${B}, ${S}]${o.outputAttentions ? ' with attentions' : ''}${o.outputHiddenStates ? ' with hidden states' : ''}${o.mlmRows ? ` with ${o.mlmRows} rows of MLM logits` : ''} needs ${gib(need)} of buffers, above the ${gib(FORWARD_LIMITS.maxBytes)} limit`,
      'use a smaller batch or shorter sequences, ask for fewer outputs, or raise FORWARD_LIMITS.maxBytes if the machine has the memory',
    );
  }
}

/**
 * A [B, S] forward the model can run: S within max_position_embeddings and the
 * buffers within FORWARD_LIMITS. Callers that build inputs (the CLI's
 * synthetic batches) check here before building them.
 */
export function checkForwardShape(c: BertConfig, B: number, S: number): void {
  if (!Number.isSafeInteger(B) || B < 1 || !Number.isSafeInteger(S) || S < 1) throw new BertTsError(`forward: batch ${B} × sequence ${S} is not a shape`);
  if (S > c.maxPositionEmbeddings) {
    throw new BertTsError(
      `forward: sequence length ${S} is longer than the model's max_position_embeddings ${c.maxPositionEmbeddings}`,
      `truncate the input to ${c.maxPositionEmbeddings} tokens (tokenizer option maxLength)`,
    );
  }
  checkForwardSize(c, B, S);
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Check the input and the options of forward() before any kernel: returns
 * [B, S] and the MLM rows (flat b·S + s indices; null when no MLM logits).
 */
export function validateForward(input: BertInput, options: ForwardOptions, c: BertConfig, heads: ModelHeads, current: RunState | null): { B: number; S: number; mlmRows: Int32Array | null } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BertTsError(`forward: options must be an object, found ${quoteJson(options)}`);
  }
  const { B, S } = checkInput(input, c);
  for (const key of ['outputHiddenStates', 'outputAttentions', 'nsp', 'taskHead'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') throw new BertTsError(`forward: option ${key} must be true or false, found ${quoteJson(v)}`);
  }
  if (options.probe !== undefined && typeof options.probe !== 'function') {
    throw new BertTsError(`forward: option probe must be a function (step, tensor) => void, found ${quoteJson(options.probe)}`);
  }
  const mlmRows = mlmRowsOf(options.mlm, B, S);
  if (mlmRows && !heads.hasMlmHead) {
    throw new BertTsError('forward: mlm logits were requested but the checkpoint has no masked-LM head (cls.predictions)');
  }
  if (options.nsp && !heads.hasNspHead) {
    throw new BertTsError('forward: nsp was requested but the checkpoint has no next-sentence head (cls.seq_relationship) and pooler');
  }
  if (options.taskHead && !(heads.taskHead && (heads.weights?.classifier || heads.weights?.qa_outputs))) {
    throw new BertTsError(
      'forward: a task head was requested but the model has no classifier or qa_outputs',
      'load a BertForSequenceClassification, BertForTokenClassification or BertForQuestionAnswering checkpoint',
    );
  }
  if (options.taskHead && heads.taskHead === 'sequence-classification' && !heads.weights?.pooler) {
    throw new BertTsError('forward: sequence classification needs the pooler, which the checkpoint lacks');
  }
  const state = options.state;
  if (state !== undefined) {
    if (!(state instanceof RunState)) throw new BertTsError(`forward: option state must be a RunState (model.runState(B, S)), found ${quoteJson(state)}`);
    if (state.B !== B || state.S !== S) throw new BertTsError(`forward: the RunState is for [${state.B}, ${state.S}], the input is [${B}, ${S}]`);
  }
  const reuse = state !== undefined || (current !== null && current.B === B && current.S === S);
  checkForwardSize(c, B, S, { outputHiddenStates: options.outputHiddenStates, outputAttentions: options.outputAttentions, probe: options.probe !== undefined, mlmRows: mlmRows?.length, reuse });
  return { B, S, mlmRows };
}

/** mlm: true → every position; { positions: [[b, s], …] } → those rows; false / undefined → none. */
function mlmRowsOf(mlm: ForwardOptions['mlm'] | unknown, B: number, S: number): Int32Array | null {
  if (mlm === undefined || mlm === false) return null;
  if (mlm === true) {
    const rows = new Int32Array(B * S);
    for (let i = 0; i < rows.length; i++) rows[i] = i;
    return rows;
  }
  const hint = 'mlm is true (every position) or { positions: [[b, s], …] }';
  if (typeof mlm !== 'object' || mlm === null || Array.isArray(mlm)) throw new BertTsError(`forward: option mlm must be true, false or { positions }, found ${quoteJson(mlm)}`, hint);
  const positions = Object.hasOwn(mlm, 'positions') ? (mlm as { positions: unknown }).positions : undefined;
  if (!Array.isArray(positions)) throw new BertTsError(`forward: option mlm.positions must be an array of [b, s] pairs, found ${quoteJson(positions)}`, hint);
  const rows = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i] as unknown;
    if (!Array.isArray(p) || p.length !== 2) throw new BertTsError(`forward: mlm.positions[${i}] must be a [b, s] pair, found ${quoteJson(p)}`, hint);
    const [b, s] = p as unknown[];
    if (!Number.isInteger(b) || !Number.isInteger(s) || (b as number) < 0 || (b as number) >= B || (s as number) < 0 || (s as number) >= S) {
      throw new BertTsError(`forward: mlm position [${quote(b)}, ${quote(s)}] is outside the input's [${B}, ${S}]`);
    }
    rows[i] = (b as number) * S + (s as number);
  }
  return rows;
}

/**
 * The user's input: rectangular [B][S], ids in the vocabulary, token types
 * below type_vocab_size, S within the position table, mask of 0 and 1. Each
 * problem is one clear error.
 */
export function checkInput(input: BertInput, c: BertConfig): { B: number; S: number } {
  if (typeof input !== 'object' || input === null) {
    throw new BertTsError(`forward: the input must be an object { inputIds, attentionMask?, tokenTypeIds? }, found ${quoteJson(input)}`);
  }
  const ids = input.inputIds;
  if (!isRows(ids) || ids.length === 0) throw new BertTsError('forward: inputIds must be a non-empty [batch][seq] array');
  const B = ids.length;
  const first = ids[0];
  const S = isRows(first) ? first.length : 0;
  if (S === 0) throw new BertTsError('forward: inputIds rows must be non-empty arrays of token ids');
  checkForwardShape(c, B, S); // before the rows are walked: B may be 10⁹
  const check = (name: string, rows: IdRows | undefined, limit: number, what: string): void => {
    if (rows === undefined) return;
    if (!isRows(rows)) throw new BertTsError(`forward: ${name} must be a [batch][seq] array, found ${quoteJson(rows)}`);
    if (rows.length !== B) throw new BertTsError(`forward: ${name} has ${rows.length} rows, inputIds has ${B}`);
    for (let b = 0; b < B; b++) {
      const row = rows[b];
      if (!isRows(row) || row.length !== S) {
        throw new BertTsError(`forward: ${name}[${b}] has length ${isRows(row) ? row.length : quoteJson(row)}, expected ${S} (rows must have equal length: pad them)`);
      }
      for (let s = 0; s < S; s++) {
        const v = row[s];
        if (!Number.isInteger(v) || v < 0 || v >= limit) {
          throw new BertTsError(`forward: ${name}[${b}][${s}] = ${quoteJson(v)} is not ${what}`);
        }
      }
    }
  };
  check('inputIds', ids, c.vocabSize, `a token id in [0, ${c.vocabSize})`);
  check('tokenTypeIds', input.tokenTypeIds, c.typeVocabSize, `a token type in [0, ${c.typeVocabSize})`);
  check('attentionMask', input.attentionMask, 2, '0 or 1');
  return { B, S };
}

/** An array or typed array (anything else with a length, such as a string, is not rows). */
function isRows(x: unknown): x is ArrayLike<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

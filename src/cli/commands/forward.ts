// bert-ts forward: load a model folder, run forward passes, report shapes and
// timings; with --json --output NAMES, also the vectors computed.
import { BertTsError, quote } from '../../errors.ts';
import { checkForwardShape } from '../../bert/validate-input.ts';

/** --repeat above this is refused (a typo such as --repeat 1e9 must not run for days). */
const MAX_REPEAT = 1000;
import { shapeString, type Tensor } from '../../tensor/tensor.ts';
import { getThreads } from '../../runtime/pool.ts';
import type { BertInput, BertOutput } from '../../bert/model.ts';
import { toModelInput } from '../../pipelines/model-input.ts';
import { int, str, type Command } from '../command.ts';
import { ARCHITECTURE, COMPUTE, JSON_OUT, MODEL, applyCompute, computeOptions, modelDir, printJson, releaseCompute } from '../common.ts';
import { loadForCli } from '../load.ts';
import { truncationWarning } from '../pipeline-command.ts';

/** --output names (Hugging Face's) → the forward output field and the option that computes it. */
const OUTPUTS: Record<string, { field: keyof BertOutput; needs?: 'outputHiddenStates' | 'outputAttentions' | 'nsp' | 'mlm' | 'taskHead' }> = {
  last_hidden_state: { field: 'lastHiddenState' },
  pooler_output: { field: 'poolerOutput' },
  hidden_states: { field: 'hiddenStates', needs: 'outputHiddenStates' },
  attentions: { field: 'attentions', needs: 'outputAttentions' },
  mlm_logits: { field: 'mlmLogits', needs: 'mlm' },
  nsp_logits: { field: 'nspLogits', needs: 'nsp' },
  logits: { field: 'logits', needs: 'taskHead' },
  start_logits: { field: 'startLogits', needs: 'taskHead' },
  end_logits: { field: 'endLogits', needs: 'taskHead' },
};

export const forwardCommand: Command = {
  name: 'forward',
  summary: 'run the model on a text (or synthetic ids): shapes, timings, and the vectors with --json --output',
  args: '[TEXT]',
  argsHelp: 'TEXT is segment A and --pair segment B. Without TEXT, --batch rows of --seq synthetic ids are run.',
  options: {
    ...MODEL,
    pair: { type: 'string', value: 'TEXT', help: 'segment B of a pair (TEXT is segment A)' },
    batch: { type: 'string', value: 'B', help: 'without TEXT: rows of synthetic ids (default 1)' },
    seq: { type: 'string', value: 'S', help: 'without TEXT: ids per row (default 128 or the model maximum)' },
    repeat: { type: 'string', value: 'R', help: 'forward passes to time (default 3); the median is reported' },
    output: { type: 'string', value: 'NAMES', help: `with --json: also print these outputs as nested arrays (${Object.keys(OUTPUTS).join(', ')})` },
    ...JSON_OUT,
    ...ARCHITECTURE,
    ...COMPUTE,
  },
  examples: [
    'bert-ts forward -m weights/en "The cat sat on the mat."',
    'bert-ts forward -m weights/en --json --output last_hidden_state,pooler_output "Paris is nice." --pair "It is in France."',
    'bert-ts forward -m weights/en --batch 8 --seq 64 --threads 2',
  ],
  async run(p, io) {
    const c = 'forward';
    const dir = modelDir(c, p);
    const compute = computeOptions(c, p);
    const repeat = int(c, p, 'repeat', 1, 3);
    if (repeat > MAX_REPEAT) throw new BertTsError(`forward: --repeat ${repeat} is more than ${MAX_REPEAT}`, 'use bench/ for long measurements');
    const batch = int(c, p, 'batch', 1);
    const seq = int(c, p, 'seq', 1);
    if (p.positionals.length > 1) throw new BertTsError(`forward: expected at most one TEXT, got ${p.positionals.length}`, 'quote the text; give segment B with --pair');
    const text = p.positionals[0];
    if (text === undefined && str(p, 'pair') !== undefined) throw new BertTsError('forward: --pair needs a TEXT (segment A)');
    if (text !== undefined && (batch !== undefined || seq !== undefined)) throw new BertTsError('forward: --batch / --seq are for synthetic ids; give them without TEXT');
    const outputs = (str(p, 'output') ?? '').split(',').filter((n) => n !== '');
    for (const n of outputs) if (!Object.hasOwn(OUTPUTS, n)) throw new BertTsError(`forward: unknown --output ${quote(n)}`, `choose from ${Object.keys(OUTPUTS).join(', ')}`);
    if (outputs.length > 0 && !p.values.json) throw new BertTsError('forward: --output prints vectors as JSON; add --json');

    const backend = await applyCompute(compute);
    try {
      const t0 = performance.now();
      const { model, tokenizer } = await loadForCli(dir, { architecture: str(p, 'architecture'), dtype: compute.dtype, io });
      const loadMs = performance.now() - t0;
      let input: BertInput;
      if (text !== undefined) {
        const limit = Math.min(model.config.maxPositionEmbeddings, tokenizer.modelMaxLength);
        const enc = tokenizer.encode(text, str(p, 'pair'), { truncation: true, maxLength: limit });
        const whole = enc.inputIds.length < limit ? enc.inputIds.length : tokenizer.encode(text, str(p, 'pair')).inputIds.length;
        if (whole > limit) io.stderr.write(`bert-ts: warning: ${truncationWarning([{ index: 0, tokens: whole, limit }], 1)}\n`);
        input = toModelInput([enc]);
      } else {
        const B = batch ?? 1;
        const S = seq ?? Math.min(128, model.config.maxPositionEmbeddings);
        checkForwardShape(model.config, B, S); // before building B × S ids: --batch 1e9 is refused here, not by the OOM killer
        // deterministic ids spread over the vocabulary, [CLS]-like first id 101 when it exists
        const V = model.config.vocabSize;
        input = { inputIds: Array.from({ length: B }, (_, b) => Array.from({ length: S }, (_, s) => (s === 0 && V > 101 ? 101 : (b * 7919 + s * 104729) % V))) };
      }
      const options = Object.fromEntries(outputs.flatMap((n) => (OUTPUTS[n].needs ? [[OUTPUTS[n].needs, true]] : [])));
      const times: number[] = [];
      let out = model.forward(input, options);
      for (let r = 0; r < repeat; r++) {
        const t = performance.now();
        out = model.forward(input, options);
        times.push(performance.now() - t);
      }
      times.sort((x, y) => x - y);
      const result: Record<string, unknown> = {
        model: dir,
        architecture: model.architecture,
        batch: input.inputIds.length,
        seq: input.inputIds[0].length,
        threads: getThreads(),
        backend,
        dtype: model.dtype,
        loadMs: Math.round(loadMs),
        forwardMs: { median: +times[Math.floor(times.length / 2)].toFixed(1), min: +times[0].toFixed(1), max: +times[times.length - 1].toFixed(1), runs: repeat },
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        lastHiddenState: out.lastHiddenState.shape,
        poolerOutput: out.poolerOutput?.shape,
        unusedTensors: model.unusedTensors,
      };
      if (outputs.length > 0) {
        result.outputs = Object.fromEntries(
          outputs.map((n) => {
            const t = out[OUTPUTS[n].field] as Tensor | undefined;
            if (!t) throw new BertTsError(`forward: this model (${model.architecture}) produces no ${n}`);
            return [n, t.toArray()];
          }),
        );
      }
      if (p.values.json) printJson(io, result);
      else {
        const f = result.forwardMs as { median: number; min: number; max: number };
        io.stdout.write(`model ${dir} (${model.architecture}, ${model.dtype}): load ${result.loadMs} ms\n`);
        io.stdout.write(`forward [${result.batch}, ${result.seq}] on ${result.threads} thread(s), ${backend} backend: median ${f.median} ms (min ${f.min}, max ${f.max}, ${repeat} runs)\n`);
        io.stdout.write(`lastHiddenState ${shapeString(out.lastHiddenState.shape)}${out.poolerOutput ? `, poolerOutput ${shapeString(out.poolerOutput.shape)}` : ''}\n`);
        io.stdout.write(`lastHiddenState[0, 0, :6] = ${out.lastHiddenState.data.subarray(0, 6).reduce((s, x) => s + ` ${x.toFixed(4)}`, '').trim()} …\n`);
        io.stdout.write(`peak RSS ${result.peakRssMB} MB\n`);
      }
    } finally {
      await releaseCompute(compute);
    }
    return 0;
  },
};

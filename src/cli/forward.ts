// bert-ts forward: load a model folder, run forward passes, report shapes,
// timings and peak memory. For trying a checkpoint and for quick measurements
// (the benchmark suite in bench/ is the place for comparisons).
import { BertTsError } from '../errors.ts';
import { shapeString } from '../tensor/tensor.ts';
import { loadBertModel } from '../bert/load.ts';
import { loadTokenizer } from '../tokenizer/load.ts';
import { setThreads, getThreads } from '../runtime/pool.ts';
import type { BertInput } from '../bert/model.ts';
import { checkForwardShape } from '../bert/validate-input.ts';
import { BACKEND_HELP, backendOption, intOption, parseArgs, type ParsedArgs } from './args.ts';

const USAGE = `usage: bert-ts forward --model DIR [--text TEXT [--pair TEXT]] [--batch B --seq S] [--threads N] [--backend B] [--repeat R] [--json]
  --text     tokenize TEXT with the model's vocabulary (vocab.txt / tokenizer.json) and run it
  --seq/--batch  without --text: run B rows of S synthetic ids (default 1 × 128)
  --threads  threads for the matrix products and attention (default 1)
  ${BACKEND_HELP}
  --repeat   forward passes to time (default 3); the median is reported`;

/** Upper bounds of --threads and --repeat (a typo such as --repeat 1e9 must not run for days). */
const MAX_THREADS = 64;
const MAX_REPEAT = 1000;

/** A whole-number option ≥ 1 with a default. */
function count(a: ParsedArgs, name: string, fallback: number): number {
  return intOption('forward', a, name, 1) ?? fallback;
}

export async function runForward(args: string[]): Promise<number> {
  const a = parseArgs('forward', args, { options: ['model', 'text', 'pair', 'batch', 'seq', 'threads', 'backend', 'repeat'], flags: ['json'] });
  if (a.flags.has('help')) return console.log(USAGE), 0;
  const dir = a.options.get('model');
  if (!dir) throw new BertTsError('forward: --model DIR is required', USAGE.split('\n')[0]);
  const threads = count(a, 'threads', 1);
  const repeat = count(a, 'repeat', 3);
  if (threads > MAX_THREADS) throw new BertTsError(`forward: --threads ${threads} is more than ${MAX_THREADS}`, 'one thread per core is the most that helps');
  if (repeat > MAX_REPEAT) throw new BertTsError(`forward: --repeat ${repeat} is more than ${MAX_REPEAT}`, 'use bench/ for long measurements');
  const backend = backendOption('forward', a);
  if (threads > 1) await setThreads(threads);

  const t0 = performance.now();
  const model = loadBertModel(dir);
  const loadMs = performance.now() - t0;

  let input: BertInput;
  const text = a.options.get('text');
  if (text !== undefined) {
    const e = loadTokenizer(dir).encode(text, a.options.get('pair'), { truncation: true, maxLength: model.config.maxPositionEmbeddings });
    input = { inputIds: [e.inputIds], attentionMask: [e.attentionMask], tokenTypeIds: [e.tokenTypeIds] };
  } else {
    const B = count(a, 'batch', 1);
    const S = count(a, 'seq', Math.min(128, model.config.maxPositionEmbeddings));
    checkForwardShape(model.config, B, S); // before building B × S ids: --batch 1e9 is refused here, not by the OOM killer
    // deterministic ids spread over the vocabulary: [CLS]-like first id 101 when it exists
    const V = model.config.vocabSize;
    input = { inputIds: Array.from({ length: B }, (_, b) => Array.from({ length: S }, (_, s) => (s === 0 && V > 101 ? 101 : (b * 7919 + s * 104729) % V))) };
  }
  const times: number[] = [];
  let out = model.forward(input);
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    out = model.forward(input);
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  const result = {
    model: dir,
    batch: input.inputIds.length,
    seq: input.inputIds[0].length,
    threads: getThreads(),
    backend,
    loadMs: Math.round(loadMs),
    forwardMs: { median: +times[Math.floor(times.length / 2)].toFixed(1), min: +times[0].toFixed(1), max: +times[times.length - 1].toFixed(1), runs: repeat },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    lastHiddenState: out.lastHiddenState.shape,
    poolerOutput: out.poolerOutput?.shape,
    unusedTensors: model.unusedTensors,
  };
  await setThreads(1);
  if (a.flags.has('json')) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`model ${dir}: load ${result.loadMs} ms`);
    console.log(`forward [${result.batch}, ${result.seq}] on ${result.threads} thread(s), ${backend} backend: median ${result.forwardMs.median} ms (min ${result.forwardMs.min}, max ${result.forwardMs.max}, ${repeat} runs)`);
    console.log(`lastHiddenState ${shapeString(out.lastHiddenState.shape)}${out.poolerOutput ? `, poolerOutput ${shapeString(out.poolerOutput.shape)}` : ''}`);
    console.log(`peak RSS ${result.peakRssMB} MB`);
  }
  return 0;
}

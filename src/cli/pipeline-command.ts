/**
 * The shape shared by the pipeline commands (fill-mask, embed, classify, ner,
 * qa, nsp): inputs from the positional arguments or from --jsonl on stdin,
 * every argument checked before the model loads, then one library call and
 * either a readable print or --json (exactly the library's result).
 */
import { BertTsError } from '../errors.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import type { Truncation } from '../pipelines/pipeline.ts';
import { str, type Command, type Io, type OptionSpec, type Parsed } from './command.ts';
import { ARCHITECTURE, COMPUTE, JSON_OUT, JSONL, MODEL, applyCompute, computeOptions, modelDir, printJson, readJsonLines, releaseCompute } from './common.ts';
import { loadForCli } from './load.ts';

export interface PipelineCommandSpec<I, R, O> {
  name: string;
  summary: string;
  args: string;
  argsHelp: string;
  /** the command's own options (model, compute, json and jsonl are added) */
  options: Record<string, OptionSpec>;
  examples: string[];
  /** what one --jsonl line holds, for the help */
  jsonlShape: string;
  /** check the command's own options; runs before anything loads */
  check(command: string, p: Parsed): O;
  /** inputs from the positionals (checked: throw on a wrong count) */
  fromArgs(p: Parsed, o: O): I[];
  /** one input from a --jsonl object (line number for errors) */
  fromJson(o: Record<string, unknown>, line: number): I;
  /** the library call on all inputs at once (batched inside); hooks go to the library's onTruncate / onWarning */
  compute(nlp: BertPipeline, inputs: I[], o: O, hooks: CliHooks): R[];
  /** the readable output of all results */
  print(io: Io, inputs: I[], results: R[]): void;
}

export function pipelineCommand<I, R, O>(spec: PipelineCommandSpec<I, R, O>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    args: spec.args,
    argsHelp: `${spec.argsHelp}\nWith --jsonl, each stdin line is ${spec.jsonlShape}.`,
    options: { ...MODEL, ...spec.options, ...JSON_OUT, ...JSONL, ...ARCHITECTURE, ...COMPUTE },
    examples: spec.examples,
    async run(p: Parsed, io: Io): Promise<number> {
      const name = spec.name;
      const dir = modelDir(name, p);
      const compute = computeOptions(name, p);
      const o = spec.check(name, p);
      let inputs: I[];
      if (p.values.jsonl) {
        if (p.positionals.length > 0) throw new BertTsError(`${name}: --jsonl reads its inputs from stdin; give no positional text`);
        inputs = (await readJsonLines(name, io)).map((x, i) => spec.fromJson(x, i + 1));
      } else {
        inputs = spec.fromArgs(p, o);
      }
      await applyCompute(compute);
      try {
        const nlp = await loadForCli(dir, { architecture: str(p, 'architecture'), dtype: compute.dtype, io });
        const cut: Truncation[] = [];
        const hooks: CliHooks = { onTruncate: (t) => void cut.push(t), onWarning: (m) => void io.stderr.write(`bert-ts: warning: ${m}\n`) };
        const results = inputs.length > 0 ? spec.compute(nlp, inputs, o, hooks) : [];
        if (cut.length > 0) io.stderr.write(`bert-ts: warning: ${truncationWarning(cut, inputs.length)}\n`);
        if (p.values.jsonl) results.forEach((r) => printJson(io, r));
        else if (p.values.json) printJson(io, results.length === 1 ? results[0] : results);
        else spec.print(io, inputs, results);
      } finally {
        await releaseCompute(compute);
      }
      return 0;
    },
  };
}

/** What the CLI passes to the library to hear of cut inputs and replaced targets. */
export interface CliHooks {
  onTruncate: (t: Truncation) => void;
  onWarning: (message: string) => void;
}

/** One line for all the inputs that were cut to the model's limit. */
export function truncationWarning(cut: readonly Truncation[], inputs: number): string {
  const limit = cut[0].limit;
  if (inputs === 1) return `the input has ${cut[0].tokens} tokens, more than the model's limit of ${limit}: only the first ${limit} were used`;
  const shown = cut.slice(0, 5).map((t) => `input ${t.index + 1}: ${t.tokens}`).join(', ');
  return `${cut.length} of ${inputs} inputs have more tokens than the model's limit of ${limit} and were cut to it (${shown}${cut.length > 5 ? ', …' : ''})`;
}

/** At least one positional text. */
export function texts(command: string, p: Parsed, what = 'TEXT'): string[] {
  if (p.positionals.length === 0) throw new BertTsError(`${command}: give a ${what} (quote it), or --jsonl`, `run 'bert-ts ${command} --help'`);
  return p.positionals;
}

/** A print of all results from a print of one. */
export function each<I, R>(print: (io: Io, input: I, result: R) => void): (io: Io, inputs: I[], results: R[]) => void {
  return (io, inputs, results) => results.forEach((r, i) => print(io, inputs[i], r));
}

/** 0.1234 */
export const fmt = (x: number) => x.toFixed(4);

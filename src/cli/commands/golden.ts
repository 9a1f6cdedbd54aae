// bert-ts golden verify | record
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BertTsError, quote } from '../../errors.ts';
import { shapeString } from '../../tensor/tensor.ts';
import { loadModelForCli } from '../load.ts';
import { verifyGoldenCase, type VerifyReport } from '../../golden/verify.ts';
import { recordGolden } from '../../golden/record.ts';
import { readGoldenInputs } from '../../golden/golden-case.ts';
import { DEFAULT_TOLERANCE } from '../../golden/compare.ts';
import { num, str, type Command, type Io } from '../command.ts';
import { ARCHITECTURE, COMPUTE_EXACT, JSON_OUT, MODEL, applyCompute, computeOptions, kernelsLabel, printJson, releaseCompute } from '../common.ts';

export const goldenVerifyCommand: Command = {
  name: 'golden verify',
  summary: "compare the engine with a golden case's reference outputs (PyTorch), tensor by tensor",
  args: 'CASE_DIR',
  argsHelp:
    "CASE_DIR holds config.json, model.safetensors, vocab.txt, inputs.json and golden.safetensors. Every tensor of golden.safetensors\n" +
    '(embeddings, hidden_states, attentions, last_hidden_state, pooler_output, mlm_logits, nsp_logits, logits, start_logits, end_logits)\n' +
    'is compared at positions whose attention mask is 1. A tensor passes when max|ours − ref| / max|ref| ≤ rtol, or max|ours − ref| ≤ atol.\n' +
    'Exit status 0 only when every tensor passes; a tensor with no element compared, or one the model produces but the case lacks, is NOT OK.',
  options: {
    atol: { type: 'string', value: 'A', help: `absolute tolerance (default ${DEFAULT_TOLERANCE.atol})` },
    rtol: { type: 'string', value: 'R', help: `tolerance relative to the tensor's scale (default ${DEFAULT_TOLERANCE.rtol})` },
    'allow-missing': { type: 'boolean', help: 'accept a case without some tensor the model produces (default: that tensor is NOT OK)' },
    'allow-empty': { type: 'boolean', help: 'accept a tensor with no element compared, e.g. an all-zero mask (default: NOT OK)' },
    ...JSON_OUT,
    ...COMPUTE_EXACT,
  },
  examples: ['bert-ts golden verify test/fixtures/golden/seqcls-single', 'bert-ts golden verify ../shared/golden/bf16-h24 --json'],
  async run(p, io) {
    const c = 'golden verify';
    if (p.positionals.length !== 1) throw new BertTsError('golden verify: give exactly one CASE_DIR', "run 'bert-ts golden verify --help'");
    const tolerance = { atol: num(c, p, 'atol', DEFAULT_TOLERANCE.atol), rtol: num(c, p, 'rtol', DEFAULT_TOLERANCE.rtol) };
    const compute = computeOptions(c, p);
    const backend = await applyCompute(compute);
    try {
      const report = verifyGoldenCase(p.positionals[0], tolerance, undefined, { allowMissing: p.values['allow-missing'] === true, allowEmpty: p.values['allow-empty'] === true });
      if (p.values.json) printJson(io, { ...report, backend });
      else {
        io.stdout.write(`${kernelsLabel(backend)} kernels\n`);
        printReport(report, io);
      }
      return report.ok ? 0 : 1;
    } finally {
      await releaseCompute(compute);
    }
  },
};

export function printReport(report: VerifyReport, io: Io): void {
  const w = (s: string) => io.stdout.write(s + '\n');
  w(`golden case ${report.case}  (rtol ${report.tolerance.rtol}, atol ${report.tolerance.atol})`);
  const width = Math.max(0, ...report.tensors.map((t) => t.name.length));
  for (const t of report.tensors) {
    const errs = t.problem ? t.problem : `max abs err ${t.maxAbs.toExponential(2)}  max rel err ${t.maxRel.toExponential(2)}`;
    w(`  ${t.name.padEnd(width)}  ${shapeString(t.shape).padEnd(22)} ${errs}  ${t.ok ? 'OK' : 'NOT OK'}  (${t.compared} elements compared)`);
  }
  for (const name of report.ignored) w(`  ${quote(name)}: not a golden tensor name, not compared`);
  w(report.ok ? 'all tensors OK' : 'NOT OK');
}

export const goldenRecordCommand: Command = {
  name: 'golden record',
  summary: "write this engine's outputs in the golden format, for your own regression tests",
  args: '',
  argsHelp: 'Writes F32 tensors under the golden names, every part the checkpoint has (task heads included).',
  options: {
    ...MODEL,
    inputs: { type: 'string', value: 'FILE', help: 'inputs.json: {"input_ids": [[…]], "attention_mask"?, "token_type_ids"?}' },
    out: { type: 'string', value: 'FILE', help: 'the golden.safetensors to write' },
    ...JSON_OUT,
    ...ARCHITECTURE,
    ...COMPUTE_EXACT,
  },
  examples: ['bert-ts golden record -m weights/en --inputs weights/en/inputs.json --out /tmp/golden.safetensors'],
  async run(p, io) {
    const c = 'golden record';
    const need = (k: string) => {
      const v = str(p, k);
      if (!v) throw new BertTsError(`${c}: --${k} is required`, "run 'bert-ts golden record --help'");
      return v;
    };
    const dir = need('model');
    const inputsFile = need('inputs');
    const out = need('out');
    if (p.positionals.length > 0) throw new BertTsError(`${c}: takes no positional arguments, got ${quote(p.positionals[0])}`);
    if (!existsSync(inputsFile)) throw new BertTsError(`${c}: --inputs ${inputsFile}: no such file`);
    if (!existsSync(dirname(resolve(out)))) throw new BertTsError(`${c}: --out ${out}: the folder ${dirname(resolve(out))} does not exist`);
    const inputs = readGoldenInputs(inputsFile);
    const compute = computeOptions(c, p);
    await applyCompute(compute);
    try {
      const model = await loadModelForCli(dir, { architecture: str(p, 'architecture'), io });
      const written = recordGolden(model, inputs, out);
      if (p.values.json) printJson(io, { out, tensors: written });
      else io.stdout.write(`wrote ${out}: ${written.map((t) => `${t.name} ${shapeString(t.shape)}`).join(', ')}\n`);
      return 0;
    } finally {
      await releaseCompute(compute);
    }
  },
};

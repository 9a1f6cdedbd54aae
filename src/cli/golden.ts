// bert-ts golden verify | record
import { BertTsError, quote } from '../errors.ts';
import { shapeString } from '../tensor/tensor.ts';
import { loadBertModel } from '../bert/load.ts';
import { verifyGoldenCase, type VerifyReport } from '../golden/verify.ts';
import { recordGolden } from '../golden/record.ts';
import { readGoldenInputs } from '../golden/golden-case.ts';
import { DEFAULT_TOLERANCE } from '../golden/compare.ts';
import { BACKEND_HELP, backendOption, parseArgs, numberOption } from './args.ts';

const VERIFY_USAGE = 'bert-ts golden verify CASE_DIR [--atol A] [--rtol R] [--backend B] [--json] [--allow-missing] [--allow-empty]';
const RECORD_USAGE = 'bert-ts golden record --model DIR --inputs inputs.json --out golden.safetensors [--backend B]';
const USAGE = `usage:
  ${VERIFY_USAGE}
      Run the case's model (config.json + model.safetensors) on inputs.json and
      compare every tensor in golden.safetensors at positions whose attention
      mask is 1. A tensor passes when max|ours − ref| / max|ref| ≤ rtol, or
      max|ours − ref| ≤ atol. Defaults: --rtol ${DEFAULT_TOLERANCE.rtol} --atol ${DEFAULT_TOLERANCE.atol}.
      Exit status 0 only when every tensor passes. A tensor with no element
      compared, or one the model produces but the case lacks, is NOT OK unless
      --allow-empty / --allow-missing.
  ${RECORD_USAGE}
      Write this engine's outputs in the same format (F32; every part the
      checkpoint has), for your own regression tests.
  ${BACKEND_HELP}`;

export async function runGolden(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'verify') return verify(rest);
  if (sub === 'record') return record(rest);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    return sub === undefined ? 1 : 0;
  }
  throw new BertTsError(`golden: unknown subcommand ${quote(sub)}`, "use 'bert-ts golden verify' or 'bert-ts golden record'");
}

function verify(args: string[]): number {
  const a = parseArgs('golden verify', args, { options: ['atol', 'rtol', 'backend'], flags: ['json', 'allow-missing', 'allow-empty'] });
  if (a.flags.has('help')) return console.log(USAGE), 0;
  if (a.positionals.length !== 1) throw new BertTsError('golden verify: give exactly one CASE_DIR', VERIFY_USAGE);
  const backend = backendOption('golden verify', a);
  const tolerance = {
    atol: numberOption('golden verify', a, 'atol', DEFAULT_TOLERANCE.atol),
    rtol: numberOption('golden verify', a, 'rtol', DEFAULT_TOLERANCE.rtol),
  };
  const report = verifyGoldenCase(a.positionals[0], tolerance, undefined, { allowMissing: a.flags.has('allow-missing'), allowEmpty: a.flags.has('allow-empty') });
  if (a.flags.has('json')) console.log(JSON.stringify({ ...report, backend }));
  else {
    console.log(`${backend} kernels`);
    printReport(report);
  }
  return report.ok ? 0 : 1;
}

export function printReport(report: VerifyReport): void {
  console.log(`golden case ${report.case}  (rtol ${report.tolerance.rtol}, atol ${report.tolerance.atol})`);
  const width = Math.max(0, ...report.tensors.map((t) => t.name.length));
  for (const t of report.tensors) {
    const errs = t.problem ? t.problem : `max abs err ${t.maxAbs.toExponential(2)}  max rel err ${t.maxRel.toExponential(2)}`;
    console.log(`  ${t.name.padEnd(width)}  ${shapeString(t.shape).padEnd(22)} ${errs}  ${t.ok ? 'OK' : 'NOT OK'}  (${t.compared} elements compared)`);
  }
  for (const name of report.ignored) console.log(`  ${quote(name)}: not a golden tensor name, not compared`);
  console.log(report.ok ? 'all tensors OK' : 'NOT OK');
}

function record(args: string[]): number {
  const a = parseArgs('golden record', args, { options: ['model', 'inputs', 'out', 'backend'] });
  if (a.flags.has('help')) return console.log(USAGE), 0;
  backendOption('golden record', a);
  const need = (k: string) => {
    const v = a.options.get(k);
    if (!v) throw new BertTsError(`golden record: --${k} is required`, RECORD_USAGE);
    return v;
  };
  const model = loadBertModel(need('model'), {
    onUnusedTensors: (names) => console.error(`bert-ts: note: ${names.length} checkpoint tensors not used by BERT: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`),
  });
  const inputs = readGoldenInputs(need('inputs'));
  const out = need('out');
  const written = recordGolden(model, inputs, out);
  console.log(`wrote ${out}: ${written.map((t) => `${t.name} ${shapeString(t.shape)}`).join(', ')}`);
  return 0;
}

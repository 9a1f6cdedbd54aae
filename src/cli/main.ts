// bert-ts command line. Each command lives in its own file; this one only
// dispatches and turns a BertTsError into one clear line (no stack trace).
import { BertTsError } from '../errors.ts';
import { runTokenize } from './tokenize.ts';
import { runGolden } from './golden.ts';
import { runDemo } from './demo.ts';
import { runForward } from './forward.ts';
import { runDownload } from './download.ts';
import { runInspect } from './inspect.ts';

const USAGE = `bert-ts: BERT inference in pure TypeScript

usage:
  bert-ts demo [--model DIR] [--backend B]   tokenize, forward and golden-check the model in weights/
  bert-ts forward --model NAME_OR_PATH [--text TEXT] [--seq S] [--threads N] [--backend B]   load, run, time
  bert-ts tokenize --model NAME_OR_PATH [--pair TEXT] TEXT
  bert-ts tokenize --model DIR --jsonl       JSON lines in ({"text", "pair"?}), JSON lines out
  bert-ts download NAME [--revision R] [--json]   fill the Hugging Face cache, print the snapshot folder
  bert-ts inspect NAME_OR_PATH [--json]       config, heads, unused tensors, tensors, parameters, tokenizer
  bert-ts golden verify CASE_DIR [--atol A] [--rtol R] [--json]
  bert-ts golden record --model DIR --inputs inputs.json --out golden.safetensors
  bert-ts --help | --version

--model (-m) takes a model folder or a Hub model id (org/name), found in the Hugging Face
cache or downloaded into it (HF_HUB_CACHE / HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE=1).
Run any command with --help for its options.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  tokenize: runTokenize,
  golden: runGolden,
  demo: runDemo,
  forward: runForward,
  download: runDownload,
  inspect: runInspect,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version') {
    console.log(VERSION);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new BertTsError(`unknown command '${command}'`, `run 'bert-ts --help' for the list of commands`);
  return run(rest);
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof BertTsError) {
      console.error(`bert-ts: error: ${err.message}`);
      if (err.hint) console.error(`bert-ts: hint: ${err.hint}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 70;
    }
  },
);

// bert-ts command line: run the command table (run.ts), and turn a
// BertTsError into one clear line (no stack trace).
import { BertTsError } from '../errors.ts';
import { runCli } from './run.ts';

runCli(process.argv.slice(2)).then(
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

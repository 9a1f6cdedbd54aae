// bert-ts command line: run the command table (run.ts); runToExit turns a
import '../runtime/node-relaxed-simd.ts';
// BertTsError (or an I/O failure) into one clear line (no stack trace).
import { runToExit } from './run.ts';

runToExit(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

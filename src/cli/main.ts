// bert-ts command line: run the command table (run.ts); runToExit turns a
import '../runtime/node-relaxed-simd.ts';
// BertTsError (or an I/O failure) into one clear line (no stack trace).
import { runToExit } from './run.ts';

// A reader that stops early (`bert-ts … | head`) closes the pipe: the next write
// fails with EPIPE. As Unix tools do on SIGPIPE, stop quietly: no stack trace,
// nothing more to compute for output nobody reads.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: Error & { code?: string }) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

runToExit(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

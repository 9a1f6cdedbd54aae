// Shared by the examples: the model folder from argv (or a default), and
// main() run only when the file is the script node was started with.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** argv[i] or the default folder; a missing folder is one clear line. */
export function modelArg(argv, i, fallback, what) {
  const dir = argv[i] ?? fallback;
  if (!existsSync(dir)) {
    throw new Error(`${dir} not found: pass ${what} as argument ${i + 1} (a Hugging Face folder with config.json, model.safetensors and vocab.txt)`);
  }
  return dir;
}

/** Run main(argv) when this module is the one node started. */
export function runIfMain(url, main) {
  if (process.argv[1] && url === pathToFileURL(process.argv[1]).href) {
    Promise.resolve()
      .then(() => main(process.argv.slice(2)))
      .catch((e) => {
        console.error(e.message);
        process.exitCode = 1;
      });
  }
}

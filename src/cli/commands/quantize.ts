// bert-ts quantize MODEL OUT: write MODEL again with its matrices in int8
// (src/bert/quantized-checkpoint.ts has the format), so that a q8 model loads
// without quantizing and its weights file is about a quarter of the size.
import { BertTsError } from '../../errors.ts';
import { resolveModelFolder } from '../../hub/resolve.ts';
import { quantizeModelFolder, type QuantizeResult } from '../../bert/quantize-folder.ts';
import { str, type Command } from '../command.ts';
import { JSON_OUT, MODEL, printJson } from '../common.ts';
import { formatBytes, progressReporter } from '../progress-bar.ts';
import { HUB } from './download.ts';

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'write a model with its matrices in int8 (loads as --dtype q8 without quantizing; a quarter of the bytes)',
  args: 'MODEL OUT',
  argsHelp:
    'MODEL (or -m MODEL) is a model folder or a Hub model id; OUT a new folder. OUT gets model.safetensors with int8 weights and their scales, config.json with its quantization_config, and every other file of MODEL (tokenizer, sentence-transformers modules). The results equal loading MODEL with --dtype q8.',
  options: { ...MODEL, ...HUB, ...JSON_OUT },
  examples: ['bert-ts quantize weights/en path/to/en-q8', 'bert-ts fill-mask -m path/to/en-q8 "Paris is the [MASK] of France."', 'bert-ts quantize google-bert/bert-base-uncased path/to/bert-base-q8'],
  async run(p, io) {
    const model = str(p, 'model');
    const args = model !== undefined ? [model, ...p.positionals] : p.positionals;
    if (args.length !== 2) throw new BertTsError(`quantize: give MODEL and OUT, got ${args.length} argument${args.length === 1 ? '' : 's'}`, "run 'bert-ts quantize --help'");
    const [name, out] = args;
    const bar = await progressReporter();
    let dir: string;
    try {
      dir = await resolveModelFolder(name, { revision: str(p, 'revision'), cacheDir: str(p, 'cache-dir'), token: str(p, 'token'), onProgress: bar.onProgress });
    } finally {
      bar.stop();
    }
    const result: QuantizeResult = quantizeModelFolder(dir, out);
    if (p.values.json) printJson(io, result);
    else {
      io.stdout.write(
        `${result.out}: ${result.quantized} matrices in int8, ${result.tensors} tensors; weights ${formatBytes(result.bytesIn)} → ${formatBytes(result.bytesOut)}; ${result.copied.length} other files copied\n`,
      );
    }
    return 0;
  },
};

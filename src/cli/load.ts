/**
 * The one place the CLI loads a model: --model is a folder or a Hub model id,
 * resolved through the Hugging Face cache (downloading what is missing, with a
 * progress bar on stderr when it is a terminal), then loaded from that folder.
 */
import { loadPipelineFolder } from '../pipelines/load.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import { resolveModelFolder, type ModelParts } from '../hub/resolve.ts';
import type { Io } from './command.ts';
import { progressReporter } from './progress-bar.ts';

/** --model NAME_OR_PATH → a local folder (the files `parts` needs: 'model', 'tokenizer' or 'all'). */
export async function modelFolderForCli(modelArg: string, parts: ModelParts = 'all'): Promise<string> {
  const bar = await progressReporter();
  try {
    return await resolveModelFolder(modelArg, { parts, onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
}

export interface CliLoadOptions {
  architecture?: string;
  io: Io;
}

export async function loadForCli(modelArg: string, options: CliLoadOptions): Promise<BertPipeline> {
  const nlp = loadPipelineFolder(await modelFolderForCli(modelArg), { architecture: options.architecture, name: modelArg });
  const unused = nlp.model.unusedTensors;
  if (unused.length > 0) {
    options.io.stderr.write(
      `bert-ts: warning: ${unused.length} checkpoint tensor${unused.length > 1 ? 's' : ''} not used by ${nlp.model.architecture}: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}` +
        ' (a head this command does not load? see --architecture)\n',
    );
  }
  return nlp;
}

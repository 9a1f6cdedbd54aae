/**
 * The one place the CLI loads a model: a local folder today; swap in the Hub
 * resolver here and every command follows.
 */
import { loadPipeline } from '../pipelines/load.ts';
import type { BertPipeline } from '../pipelines/bert-pipeline.ts';
import type { Io } from './command.ts';

export interface CliLoadOptions {
  architecture?: string;
  io: Io;
}

export async function loadForCli(modelArg: string, options: CliLoadOptions): Promise<BertPipeline> {
  const nlp = loadPipeline(modelArg, { architecture: options.architecture });
  const unused = nlp.model.unusedTensors;
  if (unused.length > 0) {
    options.io.stderr.write(
      `bert-ts: warning: ${unused.length} checkpoint tensor${unused.length > 1 ? 's' : ''} not used by ${nlp.model.architecture}: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}` +
        ' (a head this command does not load? see --architecture)\n',
    );
  }
  return nlp;
}

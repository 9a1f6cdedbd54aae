// The command table: every bert-ts command, in the order --help lists them.
// Adding a command is adding its file and one line here.
import type { Command } from '../command.ts';
import { fillMaskCommand } from './fill-mask.ts';
import { embedCommand } from './embed.ts';
import { searchCommand } from './search.ts';
import { indexCommand } from './vector-index.ts';
import { classifyCommand } from './classify.ts';
import { nerCommand } from './ner.ts';
import { qaCommand } from './qa.ts';
import { nspCommand } from './nsp.ts';
import { forwardCommand } from './forward.ts';
import { tokenizeCommand } from './tokenize.ts';
import { demoCommand } from './demo.ts';
import { goldenRecordCommand, goldenVerifyCommand } from './golden.ts';
import { downloadCommand } from './download.ts';
import { inspectCommand } from './inspect.ts';
import { quantizeCommand } from './quantize.ts';
import { explainCommand } from './explain.ts';
import { serveCommand } from './serve.ts';
import { analogyCommand, neighboursCommand } from './word-vectors.ts';
import { ambiguityCommand } from './ambiguity.ts';

export const COMMANDS: readonly Command[] = [
  fillMaskCommand,
  embedCommand,
  searchCommand,
  indexCommand,
  classifyCommand,
  nerCommand,
  qaCommand,
  nspCommand,
  forwardCommand,
  tokenizeCommand,
  downloadCommand,
  inspectCommand,
  quantizeCommand,
  demoCommand,
  goldenVerifyCommand,
  goldenRecordCommand,
  explainCommand,
  serveCommand,
  neighboursCommand,
  analogyCommand,
  ambiguityCommand,
];

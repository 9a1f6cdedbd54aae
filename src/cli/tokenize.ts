// bert-ts tokenize: text → ids, as JSON. One text (or pair) from the command line,
// or JSON lines from stdin with --jsonl (one {"text", "pair"?} in, one encoding out).
import { createInterface } from 'node:readline';
import { BertTsError, quote } from '../errors.ts';
import { intOption, parseArgs, type ParsedArgs } from './args.ts';
import { loadTokenizer } from '../tokenizer/load.ts';
import type { BertTokenizer, EncodeOptions, Encoding } from '../tokenizer/index.ts';

const USAGE = `usage:
  bert-ts tokenize --model DIR [--pair TEXT] [options] TEXT
  bert-ts tokenize --model DIR --jsonl [options] < in.jsonl > out.jsonl

Tokenizes with the model folder's tokenizer.json, or vocab.txt (+ tokenizer_config.json),
exactly as Hugging Face's BertTokenizerFast does. Prints input_ids, token_type_ids,
attention_mask, tokens and offsets (UTF-16 [start, end) into the text the token comes from).

options:
  --model DIR           model folder (required)
  --pair TEXT           second text of a pair
  --jsonl               read {"text": ..., "pair"?: ...} per line from stdin, write one JSON object per line
  --max-length N        truncation / padding length (default: the model's max length)
  --truncation S        longest_first | only_first | only_second (off by default)
  --stride N            overlap of overflow windows (with --truncation)
  --overflow            also print the overflow windows (with --truncation)
  --padding S           longest | max_length (off by default; with --jsonl 'longest' pads each line alone)
  --no-special-tokens   no [CLS] / [SEP]
  --help                this text`;

export interface TokenizeIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
}

export async function runTokenize(args: string[], io: TokenizeIo = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  const a = parseArgs('tokenize', args, {
    options: ['model', 'pair', 'max-length', 'truncation', 'stride', 'padding'],
    flags: ['jsonl', 'overflow', 'no-special-tokens'],
  });
  if (a.flags.has('help')) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const model = a.options.get('model');
  if (!model) throw new BertTsError('tokenize: --model DIR is required', "run 'bert-ts tokenize --help'");
  const options = encodeOptions(a);
  const tokenizer = loadTokenizer(model);

  if (a.flags.has('jsonl')) {
    if (a.positionals.length > 0 || a.options.has('pair')) {
      throw new BertTsError('tokenize: --jsonl reads texts from stdin; give no TEXT or --pair');
    }
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      const { text, pair } = parseLine(line, n);
      io.stdout.write(JSON.stringify(toJson(tokenizer.encode(text, pair, options), tokenizer, options)) + '\n');
    }
    return 0;
  }

  if (a.positionals.length !== 1) {
    throw new BertTsError(`tokenize: expected one TEXT, got ${a.positionals.length}`, "quote the text, or use --jsonl; run 'bert-ts tokenize --help'");
  }
  const e = tokenizer.encode(a.positionals[0], a.options.get('pair'), options);
  io.stdout.write(JSON.stringify(toJson(e, tokenizer, options)) + '\n');
  return 0;
}

function encodeOptions(a: ParsedArgs): EncodeOptions {
  const o: EncodeOptions = { addSpecialTokens: !a.flags.has('no-special-tokens') };
  const int = (name: string) => intOption('tokenize', a, name, 0);
  o.maxLength = int('max-length');
  o.stride = int('stride');
  const t = a.options.get('truncation');
  if (t !== undefined) {
    if (t !== 'longest_first' && t !== 'only_first' && t !== 'only_second' && t !== 'true') {
      throw new BertTsError(`tokenize: --truncation must be longest_first, only_first or only_second, got ${quote(t)}`);
    }
    o.truncation = t === 'true' ? true : t;
  }
  const p = a.options.get('padding');
  if (p !== undefined) {
    if (p !== 'longest' && p !== 'max_length') throw new BertTsError(`tokenize: --padding must be longest or max_length, got ${quote(p)}`);
    o.padding = p;
  }
  if (a.flags.has('overflow')) o.returnOverflowingTokens = true;
  return o;
}

function parseLine(line: string, n: number): { text: string; pair?: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new BertTsError(`tokenize: stdin line ${n} is not JSON (${String((e as Error).message).slice(0, 160)})`, 'each line must be {"text": "...", "pair"?: "..."}');
  }
  const o = v as { text?: unknown; pair?: unknown };
  if (!o || typeof o !== 'object' || typeof o.text !== 'string') {
    throw new BertTsError(`tokenize: stdin line ${n} has no string "text"`, 'each line must be {"text": "...", "pair"?: "..."}');
  }
  if (o.pair !== undefined && o.pair !== null && typeof o.pair !== 'string') {
    throw new BertTsError(`tokenize: stdin line ${n}: "pair" must be a string`);
  }
  return { text: o.text, pair: typeof o.pair === 'string' ? o.pair : undefined };
}

/** snake_case, as transformers names the fields. */
function toJson(e: Encoding, t: BertTokenizer, o: EncodeOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    input_ids: e.inputIds,
    token_type_ids: e.tokenTypeIds,
    attention_mask: e.attentionMask,
    tokens: e.tokens,
    offsets: e.offsets,
  };
  if (o.returnOverflowingTokens) out.overflowing = e.overflowing.map((w) => toJson(w, t, { ...o, returnOverflowingTokens: false }));
  return out;
}

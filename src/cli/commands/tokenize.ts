// bert-ts tokenize: text → ids. One text (or pair) from the command line, or
// JSON lines from stdin with --jsonl (one {"text", "pair"?} in, one encoding out).
import { BertTsError } from '../../errors.ts';
import type { EncodeOptions, Encoding } from '../../tokenizer/index.ts';
import { int, oneOf, str, type Command, type Parsed } from '../command.ts';
import { JSON_OUT, JSONL, MODEL, field, modelDir, printJson, readJsonLines } from '../common.ts';
import { loadTokenizerForCli } from '../load.ts';

export const tokenizeCommand: Command = {
  name: 'tokenize',
  summary: "text → token ids, exactly as Hugging Face's BertTokenizerFast",
  args: 'TEXT',
  argsHelp:
    'TEXT is segment A; --pair TEXT is segment B. Uses the folder\'s tokenizer.json, or vocab.txt (+ tokenizer_config.json).\n' +
    'JSON fields: input_ids, token_type_ids, attention_mask, tokens, offsets (UTF-16 [start, end) into the text the token comes from).\n' +
    'With --jsonl, each stdin line is {"text": "...", "pair"?: "..."}.',
  options: {
    ...MODEL,
    pair: { type: 'string', value: 'TEXT', help: 'segment B of a pair (TEXT is segment A)' },
    'max-length': { type: 'string', value: 'N', help: "truncation / padding length (default: the model's max length)" },
    truncation: { type: 'string', value: 'S', help: 'longest_first | only_first | only_second (off by default)' },
    stride: { type: 'string', value: 'N', help: 'overlap of overflow windows (with --truncation)' },
    overflow: { type: 'boolean', help: 'also print the overflow windows (with --truncation)' },
    padding: { type: 'string', value: 'S', help: "longest | max_length (off by default; with --jsonl 'longest' pads each line alone)" },
    'no-special-tokens': { type: 'boolean', help: 'no [CLS] / [SEP]' },
    ...JSON_OUT,
    ...JSONL,
  },
  examples: ['bert-ts tokenize -m weights/en "Where is it?" --pair "Paris is nice."', 'echo \'{"text": "hello world"}\' | bert-ts tokenize -m weights/en --jsonl'],
  async run(p, io) {
    const dir = modelDir('tokenize', p);
    const options = encodeOptions(p);
    const jsonl = p.values.jsonl === true;
    if (jsonl && (p.positionals.length > 0 || str(p, 'pair') !== undefined)) throw new BertTsError('tokenize: --jsonl reads texts from stdin; give no TEXT or --pair');
    if (!jsonl && p.positionals.length !== 1) {
      throw new BertTsError(`tokenize: expected one TEXT, got ${p.positionals.length}`, "quote the text, or use --jsonl; run 'bert-ts tokenize --help'");
    }
    const lines = jsonl ? await readJsonLines('tokenize', io) : [];
    const tokenizer = await loadTokenizerForCli(dir, { io });
    if (jsonl) {
      lines.forEach((o, i) => printJson(io, toJson(tokenizer.encode(field('tokenize', o, 'text', i + 1)!, pairOf(o, i + 1), options), options)));
      return 0;
    }
    const e = tokenizer.encode(p.positionals[0], str(p, 'pair'), options);
    if (p.values.json) printJson(io, toJson(e, options));
    else {
      const shown = (w: Encoding, indent: string) => {
        io.stdout.write(`${indent}tokens: ${w.tokens.join(' ')}\n${indent}ids:    ${w.inputIds.join(' ')}\n`);
        if (w.tokenTypeIds.some((t) => t !== 0)) io.stdout.write(`${indent}types:  ${w.tokenTypeIds.join(' ')}\n`);
      };
      shown(e, '');
      e.overflowing.forEach((w, i) => (io.stdout.write(`overflow window ${i + 1}:\n`), shown(w, '  ')));
    }
    return 0;
  },
};

function pairOf(o: Record<string, unknown>, line: number): string | undefined {
  if (o.pair === null || o.pair === undefined) return undefined;
  return field('tokenize', o, 'pair', line);
}

function encodeOptions(p: Parsed): EncodeOptions {
  const c = 'tokenize';
  const o: EncodeOptions = { addSpecialTokens: !p.values['no-special-tokens'] };
  o.maxLength = int(c, p, 'max-length', 0);
  o.stride = int(c, p, 'stride', 0);
  if (str(p, 'truncation') !== undefined) o.truncation = oneOf(c, p, 'truncation', ['longest_first', 'only_first', 'only_second'] as const, 'longest_first');
  if (str(p, 'padding') !== undefined) o.padding = oneOf(c, p, 'padding', ['longest', 'max_length'] as const, 'longest');
  if (p.values.overflow) o.returnOverflowingTokens = true;
  return o;
}

/** snake_case, as transformers names the fields. */
function toJson(e: Encoding, o: EncodeOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    input_ids: e.inputIds,
    token_type_ids: e.tokenTypeIds,
    attention_mask: e.attentionMask,
    tokens: e.tokens,
    offsets: e.offsets,
  };
  if (o.returnOverflowingTokens) out.overflowing = e.overflowing.map((w) => toJson(w, { ...o, returnOverflowingTokens: false }));
  return out;
}

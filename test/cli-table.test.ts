// The command table: help and README come from it; every command follows the
// same conventions; arguments are checked before anything loads; each
// pipeline command's --json is exactly the library's result.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../src/cli/run.ts';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { commandHelp, topLevelHelp } from '../src/cli/help.ts';
import { loadPipelineFolder as loadPipeline } from '../src/pipelines/load.ts';
import { BertTsError } from '../src/errors.ts';

const root = resolve(import.meta.dirname, '..');
const FIX = join(root, 'test', 'fixtures', 'golden');

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runCli(args, { stdin: Readable.from([stdin]), stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}
const json = async (args: string[], stdin?: string) => JSON.parse((await cli([...args, '--json'], stdin)).out);

describe('the command table', () => {
  it("README's command list is the generated --help", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- commands:start -->\n```\n([\s\S]*?)```\n<!-- commands:end -->/.exec(readme);
    expect(block, 'README.md needs the generated command list between <!-- commands:start --> and <!-- commands:end -->').not.toBeNull();
    expect(block![1]).toBe(topLevelHelp(COMMANDS) + '\n');
    expect((await cli(['--help'])).out).toBe(topLevelHelp(COMMANDS) + '\n');
  });
  it('help examples use the trained models in weights/ (never the random demo) or real Hub ids (org/name)', () => {
    const shipped = new Set(['en', 'en-topic', 'zh', 'en-embed']);
    for (const c of COMMANDS) {
      for (const e of c.examples) {
        for (const m of e.matchAll(/(?:-m|--model|bert-ts (?:inspect|download)) (\S+)/g)) {
          const model = m[1];
          if (model.startsWith('weights/')) expect(shipped.has(model.split('/')[1]), `${c.name}: ${e}`).toBe(true);
          else if (!model.startsWith('path/to/')) expect(model, `${c.name}: ${e}`).toMatch(/^[\w.-]+\/[\w.-]+$/);
        }
      }
    }
  });
  it('[-m MODEL] in usage comes from the command\'s modelOptional field', () => {
    for (const c of COMMANDS) {
      const usage = commandHelp(c).split('\n')[0];
      if (c.modelOptional) expect(usage, c.name).toContain('[-m MODEL]');
      else expect(usage, c.name).not.toContain('[-m MODEL]');
    }
    expect(COMMANDS.filter((c) => c.modelOptional).map((c) => c.name).sort()).toEqual(['analogy', 'demo', 'neighbours', 'search', 'serve']);
  });
  it('every command has help, examples, -m/--model when it loads one, and --threads/--backend when it computes', async () => {
    for (const c of COMMANDS) {
      const r = await cli([...c.name.split(' '), '--help']);
      expect(r.out).toBe(commandHelp(c) + '\n');
      expect(c.examples.length).toBeGreaterThan(0);
      // tokenize, serve, neighbours, analogy, download, inspect, quantize and index run no forward pass
      if (!['tokenize', 'serve', 'neighbours', 'analogy', 'download', 'inspect', 'quantize', 'index'].includes(c.name)) for (const o of ['threads', 'backend']) expect(c.options[o], `${c.name} --${o}`).toBeDefined();
      if (c.name !== 'golden verify' && c.name !== 'index') expect(c.options.model?.short, `${c.name} -m`).toBe('m');
      expect(c.options.json, `${c.name} --json`).toBeDefined();
    }
    for (const name of ['fill-mask', 'embed', 'classify', 'ner', 'qa', 'nsp']) expect(COMMANDS.find((c) => c.name === name)!.options.jsonl).toBeDefined();
  });
  it('parses strictly: unknown options, missing values and wrong values are one clear error', async () => {
    await expect(cli(['fill-mask', '-m', FIX, '--frob', 'x'])).rejects.toThrow(/fill-mask: unknown option '--frob'/);
    await expect(cli(['fill-mask', 'x', '--model'])).rejects.toThrow(/fill-mask: option --model needs a value/);
    await expect(cli(['classify', '-m', FIX, '--top-k', 'two', 'x'])).rejects.toThrow(/--top-k must be a whole number ≥ 1, got 'two'/);
    await expect(cli(['frobnicate'])).rejects.toThrow(/unknown command 'frobnicate'/);
    await expect(cli(['golden', 'frob'])).rejects.toThrow(/golden: unknown subcommand 'frob'/);
  });
  it('checks arguments before loading anything', async () => {
    const missing = '/no/such/model';
    await expect(cli(['fill-mask', '-m', missing, '--top-k', '0', 'x'])).rejects.toThrow(/--top-k/);
    await expect(cli(['embed', '-m', missing, '--pooling', 'sum', 'x'])).rejects.toThrow(/--pooling must be mean, cls or max/);
    await expect(cli(['ner', '-m', missing, '--aggregation', 'all', 'x'])).rejects.toThrow(/--aggregation/);
    await expect(cli(['qa', '-m', missing, 'where?'])).rejects.toThrow(/--context/);
    await expect(cli(['nsp', '-m', missing, 'a'])).rejects.toThrow(/--pair/);
    await expect(cli(['forward', '-m', missing, '--threads', '0'])).rejects.toThrow(/--threads/);
    await expect(cli(['forward', '-m', missing, '--output', 'nope', '--json'])).rejects.toThrow(/unknown --output 'nope'/);
    await expect(cli(['golden', 'record', '-m', missing, '--inputs', 'x.json'])).rejects.toThrow(/--out is required/);
    await expect(cli(['golden', 'record', '-m', missing, '--inputs', '/no/inputs.json', '--out', '/tmp/x.safetensors'])).rejects.toThrow(/no such file/);
    await expect(cli(['classify', '-m', missing, '--backend', 'gpu', 'x'])).rejects.toThrow(/--backend must be js, wasm or auto, got 'gpu'/);
    // and a model that does not exist is named once the arguments are fine
    await expect(cli(['classify', '-m', missing, 'x'])).rejects.toThrow(BertTsError);
  });
});

describe('pipeline commands: --json is the library result', () => {
  it('fill-mask, one text and several; --jsonl', async () => {
    const dir = join(FIX, 'masked-lm');
    const nlp = loadPipeline(dir);
    expect(await json(['fill-mask', '-m', dir, '--top-k', '3', 'w1 [MASK] w3'])).toEqual(nlp.fillMask('w1 [MASK] w3', { topK: 3 }));
    expect(await json(['fill-mask', '-m', dir, 'w1 [MASK]', '[MASK] w2 [MASK]', '--targets', 'w5,w6'])).toEqual(nlp.fillMask(['w1 [MASK]', '[MASK] w2 [MASK]'], { targets: ['w5', 'w6'] }));
    const lines = (await cli(['fill-mask', '-m', dir, '--jsonl', '--top-k', '1'], '{"text": "w1 [MASK]"}\n\n{"text": "[MASK] w9"}\n')).out.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(nlp.fillMask(['w1 [MASK]', '[MASK] w9'], { topK: 1 }));
    const readable = (await cli(['fill-mask', '-m', dir, 'w1 [MASK]'])).out;
    expect(readable).toContain((nlp.fillMask('w1 [MASK]') as { sequence: string }[])[0].sequence);
  });
  it('embed, classify, ner, qa, nsp', async () => {
    const st = join(FIX, 'st-layout');
    expect(await json(['embed', '-m', st, 'w1 w2'])).toEqual(loadPipeline(st).embed('w1 w2'));
    expect(await json(['embed', '-m', st, '--pooling', 'cls', '--normalize', 'w1', 'w2 w3'])).toEqual(loadPipeline(st).embed(['w1', 'w2 w3'], { pooling: 'cls', normalize: true }));
    const seq = join(FIX, 'seqcls-multi');
    expect(await json(['classify', '-m', seq, '--top-k', '4', 'w1 w2'])).toEqual(loadPipeline(seq).classify('w1 w2', { topK: 4 }));
    const tok = join(FIX, 'tokcls');
    expect(await json(['ner', '-m', tok, '--aggregation', 'first', '--ignore-labels', '', 'w1 w2 w3'])).toEqual(loadPipeline(tok).ner('w1 w2 w3', { aggregation: 'first', ignoreLabels: [] }));
    const qa = join(FIX, 'qa');
    expect(await json(['qa', '-m', qa, '--context', 'w1 w2 w3 w4', '--top-k', '2', 'w5?'])).toEqual(loadPipeline(qa).answer({ question: 'w5?', context: 'w1 w2 w3 w4' }, { topK: 2 }));
    const nsp = join(FIX, 'nsp-only');
    expect(await json(['nsp', '-m', nsp, 'w1 w2', '--pair', 'w3'])).toBe(loadPipeline(nsp).nextSentence('w1 w2', 'w3'));
    const r = await cli(['classify', '-m', seq, '--architecture', 'BertForSequenceClassification', 'w1']);
    expect(r.out).toMatch(/^w1\n {2}0\.\d{4} {2}\w+\n$/);
  });
  it('an input cut to the model\'s limit is one warning line on stderr, on every pipeline command and explain', async () => {
    const long = Array(30).fill('w3').join(' '); // the fixtures take 16 positions
    const one = (n: number, limit: number) => new RegExp(`^bert-ts: warning: the input has ${n} tokens, more than the model's limit of ${limit}: only the first ${limit} (were used|are explained)\\n$`);
    for (const [args, n, limit] of [
      [['classify', '-m', join(FIX, 'seqcls-single'), long], 32, 16],
      [['embed', '-m', join(FIX, 'st-layout'), `${long} ${long} ${long}`], 92, 64],
      [['ner', '-m', join(FIX, 'tokcls'), long], 32, 16],
      [['fill-mask', '-m', join(FIX, 'masked-lm'), `[MASK] ${long}`], 33, 20],
      [['explain', '-m', join(FIX, 'masked-lm'), long], 32, 20],
      [['forward', '-m', join(FIX, 'masked-lm'), long], 32, 20],
    ] as [string[], number, number][]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.err, args.join(' ')).toMatch(one(n, limit));
      const j = await cli([...args, '--json']); // --json output keeps its shape; the warning stays on stderr
      expect(j.err).toMatch(one(n, limit));
      expect(() => JSON.parse(j.out)).not.toThrow();
    }
    const nsp = await cli(['nsp', '-m', join(FIX, 'nsp-only'), long, '--pair', long]);
    expect(nsp.err).toMatch(/^bert-ts: warning: the input has 63 tokens, more than the model's limit of 16: only the first 16 were used\n$/);
    const several = await cli(['classify', '-m', join(FIX, 'seqcls-single'), 'w1', long, long]);
    expect(several.err).toBe("bert-ts: warning: 2 of 3 inputs have more tokens than the model's limit of 16 and were cut to it (input 2: 32, input 3: 32)\n");
    expect((await cli(['classify', '-m', join(FIX, 'seqcls-single'), 'w1 w2'])).err).toBe('');
  });
  it('a [MASK] past the limit is an error saying so; a target that is not one token is a warning', async () => {
    await expect(cli(['fill-mask', '-m', join(FIX, 'masked-lm'), `${Array(30).fill('w3').join(' ')} [MASK]`])).rejects.toThrow(/^fillMask: the \[MASK\] at token 32 of input .* is past the model's limit of 20 tokens \(the text has 33\)$/);
    const t = await cli(['fill-mask', '-m', join(FIX, 'masked-lm'), '--targets', 'w1,zzzqqq', 'w1 [MASK] w2']);
    expect(t.code).toBe(0);
    expect(t.err).toMatch(/^bert-ts: warning: fillMask: target 'zzzqqq' is not a single token; using '\S+'\n$/);
  });
  it('inspect shows the input limit: the smaller of max_position_embeddings and model_max_length', async () => {
    const r = await cli(['inspect', join(root, 'weights', 'en')]);
    expect(r.out).toContain("max input  64 tokens (max_position_embeddings 64, below the tokenizer's model_max_length 128); longer inputs are cut, with a warning");
    expect((await json(['inspect', join(root, 'weights', 'en')])).maxInputTokens).toBe(64);
  });
  it('a head the command does not load is a warning on stderr', async () => {
    await expect(cli(['classify', '-m', join(FIX, 'seqcls-single'), '--architecture', 'BertModel', 'w1'])).rejects.toThrow(/no sequence-classification head/);
    const r = await cli(['embed', '-m', join(FIX, 'seqcls-single'), '--architecture', 'BertModel', 'w1']);
    expect(r.err).toMatch(/warning: 2 checkpoint tensors not used by BertModel: classifier.bias, classifier.weight/);
  });
  it('forward takes the text as the positional argument and prints vectors with --json --output', async () => {
    const dir = join(FIX, 'seqcls-single');
    const out = await json(['forward', '-m', dir, '--repeat', '1', '--output', 'last_hidden_state,pooler_output,logits', 'w1 w2', '--pair', 'w3']);
    const nlp = loadPipeline(dir);
    const e = nlp.tokenizer.encode('w1 w2', 'w3');
    const ref = nlp.model.forward({ inputIds: [e.inputIds], tokenTypeIds: [e.tokenTypeIds] }, { taskHead: true });
    expect(out.seq).toBe(6);
    expect(out.outputs.last_hidden_state).toEqual(ref.lastHiddenState.toArray());
    expect(out.outputs.pooler_output).toEqual(ref.poolerOutput!.toArray());
    expect(out.outputs.logits).toEqual(ref.logits!.toArray());
  });
});

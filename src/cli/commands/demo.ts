// bert-ts demo: the main job on the small model shipped in weights/demo —
// tokenize, forward, fill-mask, golden check. The model has random weights: it
// shows the engine working, its predictions mean nothing.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertTsError } from '../../errors.ts';
import { shapeString } from '../../tensor/tensor.ts';
import { readGoldenInputs, caseFiles } from '../../golden/golden-case.ts';
import { verifyGoldenCase } from '../../golden/verify.ts';
import { toModelInput } from '../../pipelines/model-input.ts';
import { fillMask } from '../../pipelines/fill-mask.ts';
import { str, type Command } from '../command.ts';
import { COMPUTE, JSON_OUT, applyCompute, computeOptions, printJson, releaseCompute } from '../common.ts';
import { loadForCli } from '../load.ts';
import { printReport } from './golden.ts';

/** weights/demo, found from this file whether it runs as src/cli/commands/demo.ts or dist/cli.js */
function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'weights', 'demo');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new BertTsError('demo: weights/demo not found', 'pass --model DIR');
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'tokenize, run and golden-check the model shipped in weights/demo',
  args: '',
  argsHelp: "Tokenizes the texts of DIR/inputs.json, checks the ids against the ones stored there, runs the forward pass,\nfills the masks, and verifies every output against DIR/golden.safetensors. DIR defaults to weights/demo (random weights).",
  options: {
    model: { type: 'string', short: 'm', value: 'DIR', help: 'a model folder with inputs.json and golden.safetensors (default weights/demo)' },
    ...JSON_OUT,
    ...COMPUTE,
  },
  examples: ['bert-ts demo', 'bert-ts demo --backend js --json'],
  async run(p, io) {
    if (p.positionals.length > 0) throw new BertTsError(`demo: takes no positional arguments, got '${p.positionals[0]}'`);
    const compute = computeOptions('demo', p);
    const dir = resolve(str(p, 'model') ?? defaultModelDir());
    const backend = await applyCompute(compute);
    try {
      const json = p.values.json === true;
      const say = (s: string) => json || io.stdout.write(s + '\n');
      say(`bert-ts demo on ${dir} (${backend} kernels)`);
      say('(a tiny BERT with random weights, shipped to show the engine working; its outputs mean nothing)\n');

      // 1. tokenize
      const nlp = await loadForCli(dir, { io });
      const { model, tokenizer } = nlp;
      const inputs = readGoldenInputs(caseFiles(dir).inputs);
      const texts = Array.isArray(inputs.texts) ? (inputs.texts as unknown[]) : [];
      if (texts.length === 0) throw new BertTsError(`${caseFiles(dir).inputs}: no "texts" to tokenize`);
      const batch = texts.map((t) => {
        if (typeof t === 'string') return t;
        if (Array.isArray(t) && t.length === 2 && t.every((s) => typeof s === 'string')) return [t[0], t[1]] as [string, string];
        throw new BertTsError(`${caseFiles(dir).inputs}: "texts" entries must be strings or [text, pair] pairs`);
      });
      const encodings = tokenizer.encodeBatch(batch, { padding: 'longest' });
      const tokenized = encodings.map((e, b) => {
        const stored = inputs.inputIds[b] ?? [];
        const same = stored.length === e.inputIds.length && stored.every((id, i) => id === e.inputIds[i]);
        const tokens = e.tokens.filter((_, i) => e.attentionMask[i] === 1);
        say(`text ${b}: ${JSON.stringify(batch[b])}`);
        say(`  tokens: ${tokens.join(' ')}`);
        say(`  ids:    ${same ? 'same as inputs.json' : `DIFFERENT from inputs.json (${JSON.stringify(stored)})`}`);
        return { text: batch[b], tokens, idsMatch: same };
      });
      const idsMatch = encodings.length === inputs.inputIds.length && tokenized.every((t) => t.idsMatch);

      // 2. forward
      const c = model.config;
      say(`\nmodel: L=${c.numHiddenLayers} H=${c.hiddenSize} A=${c.numAttentionHeads} I=${c.intermediateSize} V=${c.vocabSize} act=${c.hiddenAct}`);
      const t0 = performance.now();
      const out = model.forward(toModelInput(encodings), { nsp: model.hasNspHead });
      const ms = performance.now() - t0;
      say(`forward: lastHiddenState ${shapeString(out.lastHiddenState.shape)}${out.poolerOutput ? `, poolerOutput ${shapeString(out.poolerOutput.shape)}` : ''} in ${ms.toFixed(1)} ms`);

      // fill-mask on the texts with a [MASK] (random weights: the guesses are noise)
      const masked = batch.filter((t): t is string => typeof t === 'string' && t.includes(tokenizer.maskToken));
      const guesses = model.hasMlmHead && masked.length > 0 ? fillMask(nlp, masked, { topK: 3 }) : [];
      guesses.forEach((g, i) => {
        const first = (Array.isArray(g[0]) ? g[0] : g) as { tokenStr: string }[];
        say(`fill-mask ${JSON.stringify(masked[i])}: ${first.map((x) => x.tokenStr).join(', ')} (noise: random weights)`);
      });

      // 3. golden check against PyTorch's outputs for the same ids
      say('');
      const report = verifyGoldenCase(dir, undefined, model);
      if (json) printJson(io, { model: dir, backend, tokenized, idsMatch, forwardMs: +ms.toFixed(1), fillMask: guesses, golden: report });
      else {
        printReport(report, io);
        if (!idsMatch) say('tokenizer ids differ from inputs.json: NOT OK');
      }
      return report.ok && idsMatch ? 0 : 1;
    } finally {
      await releaseCompute(compute);
    }
  },
};

// bert-ts demo: the main job on the small model shipped in weights/demo —
// tokenize, forward, golden check. The model has random weights: it shows the
// engine working, its predictions mean nothing.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertTsError } from '../errors.ts';
import { shapeString } from '../tensor/tensor.ts';
import { loadBertModel } from '../bert/load.ts';
import { loadTokenizer } from '../tokenizer/load.ts';
import { readGoldenInputs, caseFiles } from '../golden/golden-case.ts';
import { verifyGoldenCase } from '../golden/verify.ts';
import { BACKEND_HELP, backendOption, parseArgs } from './args.ts';
import { printReport } from './golden.ts';

const USAGE = `usage: bert-ts demo [--model DIR] [--backend B]
  Tokenize the texts of DIR/inputs.json, check the ids against the ones stored
  there, run the forward pass and verify every output against DIR/golden.safetensors.
  DIR defaults to the demo model shipped in weights/demo (random weights).
  ${BACKEND_HELP}`;

/** weights/demo, found from this file whether it runs as src/cli/demo.ts or dist/cli.js */
function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'weights', 'demo');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new BertTsError('demo: weights/demo not found', 'pass --model DIR');
}

export async function runDemo(args: string[]): Promise<number> {
  const a = parseArgs('demo', args, { options: ['model', 'backend'] });
  if (a.flags.has('help')) return console.log(USAGE), 0;
  const dir = resolve(a.options.get('model') ?? defaultModelDir());
  const backend = backendOption('demo', a);
  console.log(`bert-ts demo on ${dir} (${backend} kernels)`);
  console.log('(a tiny BERT with random weights, shipped to show the engine working; its outputs mean nothing)\n');

  // 1. tokenize
  const tokenizer = loadTokenizer(dir);
  const inputs = readGoldenInputs(caseFiles(dir).inputs);
  const texts = Array.isArray(inputs.texts) ? (inputs.texts as unknown[]) : [];
  if (texts.length === 0) throw new BertTsError(`${caseFiles(dir).inputs}: no "texts" to tokenize`);
  const batch = texts.map((t) => {
    if (typeof t === 'string') return t;
    if (Array.isArray(t) && t.length === 2 && t.every((s) => typeof s === 'string')) return [t[0], t[1]] as [string, string];
    throw new BertTsError(`${caseFiles(dir).inputs}: "texts" entries must be strings or [text, pair] pairs`);
  });
  const encodings = tokenizer.encodeBatch(batch, { padding: 'longest' });
  let idsMatch = encodings.length === inputs.inputIds.length;
  encodings.forEach((e, b) => {
    const t = batch[b];
    console.log(`text ${b}: ${JSON.stringify(t)}`);
    console.log(`  tokens: ${e.tokens.filter((_, i) => e.attentionMask[i] === 1).join(' ')}`);
    const stored = inputs.inputIds[b] ?? [];
    const same = stored.length === e.inputIds.length && stored.every((id, i) => id === e.inputIds[i]);
    idsMatch &&= same;
    console.log(`  ids:    ${same ? 'same as inputs.json' : `DIFFERENT from inputs.json (${JSON.stringify(stored)})`}`);
  });

  // 2. forward
  const model = loadBertModel(dir);
  const c = model.config;
  console.log(`\nmodel: L=${c.numHiddenLayers} H=${c.hiddenSize} A=${c.numAttentionHeads} I=${c.intermediateSize} V=${c.vocabSize} act=${c.hiddenAct}`);
  const input = {
    inputIds: encodings.map((e) => e.inputIds),
    attentionMask: encodings.map((e) => e.attentionMask),
    tokenTypeIds: encodings.map((e) => e.tokenTypeIds),
  };
  const t0 = performance.now();
  const out = model.forward(input, { nsp: model.hasNspHead });
  const ms = performance.now() - t0;
  console.log(`forward: lastHiddenState ${shapeString(out.lastHiddenState.shape)}${out.poolerOutput ? `, poolerOutput ${shapeString(out.poolerOutput.shape)}` : ''} in ${ms.toFixed(1)} ms`);

  // fill-mask: MLM logits only at the [MASK] positions (random weights: the guesses are noise)
  const masks = encodings.flatMap((e, b) => e.inputIds.flatMap((id, s) => (id === tokenizer.maskTokenId ? [[b, s] as [number, number]] : [])));
  if (model.hasMlmHead && masks.length > 0) {
    const logits = model.forward(input, { mlm: { positions: masks } }).mlmLogits!;
    const V = c.vocabSize;
    masks.forEach(([b, s], i) => {
      const row = Array.from(logits.data.subarray(i * V, (i + 1) * V));
      const top = row.map((v, id) => [v, id] as const).sort((x, y) => y[0] - x[0]).slice(0, 3);
      console.log(`fill-mask text ${b} position ${s}: ${top.map(([, id]) => tokenizer.idToToken(id)).join(', ')} (noise: random weights)`);
    });
  }

  // 3. golden check against PyTorch's outputs for the same ids
  console.log('');
  const report = verifyGoldenCase(dir, undefined, model);
  printReport(report);
  if (!idsMatch) console.log('tokenizer ids differ from inputs.json: NOT OK');
  return report.ok && idsMatch ? 0 : 1;
}

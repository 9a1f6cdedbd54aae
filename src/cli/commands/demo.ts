// bert-ts demo (`npm start`): what the small BERTs shipped in weights/ have
// learned, shown step by step: tokens, fill-mask, next sentence, the topic
// classifier, the sentence model finding the nearest sentence, where each
// attention head looks, the golden check against PyTorch, then the Chinese
// model on 今天天气真好.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertTsError, quote } from '../../errors.ts';
import { shapeString } from '../../tensor/tensor.ts';
import { verifyGoldenCase } from '../../golden/verify.ts';
import type { VerifyReport } from '../../golden/verify.ts';
import { toModelInput } from '../../pipelines/model-input.ts';
import { fillMask, type FillMaskCandidate } from '../../pipelines/fill-mask.ts';
import { nextSentence } from '../../pipelines/next-sentence.ts';
import { classify } from '../../pipelines/classify.ts';
import { cosineSimilarity } from '../../pipelines/embed.ts';
import type { BertPipeline } from '../../pipelines/bert-pipeline.ts';
import { str, type Command, type Io } from '../command.ts';
import { COMPUTE, JSON_OUT, applyCompute, computeOptions, kernelsLabel, printJson, releaseCompute } from '../common.ts';
import type { DType } from '../../bert/quantize-weights.ts';
import { loadForCli } from '../load.ts';
import { printReport } from './golden.ts';

const EN_TOKENS = 'Tokenizers split unbelievably long words into pieces.';
const EN_FILL = [
  'She was born [MASK] 1950.',
  'They [MASK] married last year.',
  'He opened the door and [MASK] into the room.',
  'The capital of France is [MASK].',
  'Water is made of hydrogen and [MASK].',
];
const EN_NSP: [string, string][] = [
  ['The sun rises in the east.', 'It sets in the west.'],
  ['The sun rises in the east.', 'Python lists can be sorted in place.'],
];
const EN_CLASSIFY = ['My computer crashed and I lost all my files.', 'The senator voted against the new tax bill.', 'Add the flour and bake the bread for an hour.'];
const EN_QUERY = 'a sleeping cat';
const EN_SENTENCES = ['Stock markets fell sharply on Monday.', 'A kitten is napping in the sun.', 'The recipe needs two eggs and a cup of flour.', 'He fixed the old bicycle in the garage.'];
const EN_ATTENTION = { text: 'The river bank was covered with grass.', word: 'bank' };
const ZH_TEXT = '今天天气真好';
const ZH_FILL = '今天天气真[MASK]。';

/** weights/NAME, found from this file whether it runs as src/cli/commands/demo.ts or dist/cli.js */
function shippedModel(name: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'weights', name);
    if (existsSync(join(candidate, 'config.json'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** a folder as the user would type it from here */
function shown(dir: string): string {
  const inside = (r: string) => r !== '' && !r.startsWith('..') && !isAbsolute(r);
  const direct = relative(process.cwd(), dir);
  if (inside(direct)) return direct;
  // a symlinked checkout, cwd or package folder: compare where they really are
  const real = (d: string) => (existsSync(d) ? realpathSync(d) : d);
  const r = relative(real(process.cwd()), real(dir));
  return inside(r) ? r : dir;
}

function bar(p: number): string {
  return '█'.repeat(Math.round(p * 20)).padEnd(20, '·');
}

/** For one word of a text: in each layer, the token each head gives the most attention to. */
function attentionOf(nlp: BertPipeline, text: string, word: string) {
  const e = nlp.tokenizer.encode(text);
  const at = e.tokens.findIndex((t) => t === word || t === word.toLowerCase());
  if (at < 0) return undefined;
  const out = nlp.model.forward(toModelInput([e]), { outputAttentions: true });
  const att = out.attentions!; // [L, B, A, S, S]
  const [L, , A, S] = att.shape;
  const layers: string[][] = [];
  for (let l = 0; l < L; l++) {
    const heads: string[] = [];
    for (let h = 0; h < A; h++) {
      const row = ((l * A + h) * S + at) * S; // batch 0
      let best = 0;
      for (let j = 1; j < S; j++) if (att.data[row + j] > att.data[row + best]) best = j;
      heads.push(e.tokens[best]);
    }
    layers.push(heads);
  }
  return { text, word, tokens: e.tokens, position: at, layers };
}

function goldenOf(dir: string, nlp: BertPipeline): VerifyReport | undefined {
  // golden outputs are PyTorch's float32 ones: a q8 model is approximate by design, not checked against them
  if (nlp.model.dtype === 'q8') return undefined;
  if (!existsSync(join(dir, 'golden.safetensors'))) return undefined;
  return { ...verifyGoldenCase(dir, undefined, nlp.model), case: shown(dir) }; // the folder as the user would type it
}

function firstMask(r: unknown): FillMaskCandidate[] {
  const list = r as FillMaskCandidate[] | FillMaskCandidate[][];
  return (Array.isArray(list[0]) ? list[0] : list) as FillMaskCandidate[];
}

async function english(dir: string, io: Io, say: (s: string) => void, dtype: DType) {
  const nlp = await loadForCli(dir, { io, dtype });
  const c = nlp.model.config;
  say(`English model: ${shown(dir)}`);
  say(`  ${c.numHiddenLayers} layers, hidden ${c.hiddenSize}, ${c.numAttentionHeads} heads, vocabulary of ${c.vocabSize} WordPiece tokens`);

  const enc = nlp.tokenizer.encode(EN_TOKENS);
  say(`\n1. Tokens: text → WordPiece pieces → ids`);
  say(`  ${JSON.stringify(EN_TOKENS)}`);
  say(`  ${enc.tokens.join(' ')}`);
  say(`  ${enc.inputIds.join(' ')}`);

  say(`\n2. Fill-mask: the masked-LM head's P(token | context) at [MASK], top 5`);
  const fills = EN_FILL.map((t) => ({ text: t, top: firstMask(fillMask(nlp, t, { topK: 5 })) }));
  for (const f of fills) {
    say(`  ${f.text}`);
    for (const x of f.top) say(`    ${x.token_str.padEnd(14)} ${x.score.toFixed(3)} ${bar(x.score)}`);
  }

  say(`\n3. Next sentence: the NSP head's P(B follows A)`);
  const nsp = EN_NSP.map(([a, b]) => ({ a, b, isNext: nextSentence(nlp, a, b) }));
  for (const n of nsp) say(`  A: ${n.a}\n  B: ${n.b}\n    P(IsNext) = ${n.isNext.toFixed(3)} ${bar(n.isNext)}`);

  const att = attentionOf(nlp, EN_ATTENTION.text, EN_ATTENTION.word);
  if (att) {
    say(`\n4. Attention: in "${att.text}", the token each head of each layer attends to most from "${att.word}"`);
    att.layers.forEach((heads, l) => say(`  layer ${l}: ${heads.map((t, h) => `head ${h} → ${t}`).join(', ')}`));
  }
  return { nlp, result: { model: dir, tokens: { text: EN_TOKENS, tokens: enc.tokens, ids: enc.inputIds }, fillMask: fills, nextSentence: nsp, attention: att } };
}

async function topics(dir: string, io: Io, say: (s: string) => void, dtype: DType) {
  const nlp = await loadForCli(dir, { io, dtype });
  const labels = nlp.model.labels?.id2label ?? [];
  say(`\n5. Text classification (${shown(dir)}): the topic of a text, among ${labels.join(', ')}`);
  const results = EN_CLASSIFY.map((t) => ({ text: t, labels: classify(nlp, t, { topK: 3 }) }));
  for (const r of results) say(`  ${r.text}\n    ${r.labels.map((l) => `${l.label} ${l.score.toFixed(2)}`).join(', ')}`);
  const golden = goldenOf(dir, nlp);
  nlp.model.dispose();
  return { model: dir, results, golden };
}

/** The sentence-embedding model: the nearest of a few sentences to a query, by cosine of the embeddings. */
async function sentences(dir: string, io: Io, say: (s: string) => void, dtype: DType) {
  const nlp = await loadForCli(dir, { io, dtype });
  const [q, ...vs] = nlp.embed([EN_QUERY, ...EN_SENTENCES]);
  const ranked = EN_SENTENCES.map((text, i) => ({ text, cosine: cosineSimilarity(q, vs[i]) })).sort((a, b) => b.cosine - a.cosine);
  say(`\n6. Sentence embeddings (${shown(dir)}): which sentence is nearest to "${EN_QUERY}"? (cosine, ${nlp.embedDefaults?.pooling ?? 'mean'} pooling from its modules.json)`);
  for (const r of ranked) say(`  ${r.cosine.toFixed(3)} ${bar(Math.max(0, r.cosine))} ${r.text}`);
  const golden = goldenOf(dir, nlp);
  nlp.model.dispose();
  return { model: dir, query: EN_QUERY, ranked, golden };
}

async function chinese(dir: string, io: Io, say: (s: string) => void, dtype: DType) {
  const nlp = await loadForCli(dir, { io, dtype });
  const e = nlp.tokenizer.encode(ZH_TEXT);
  const out = nlp.model.forward(toModelInput([e]));
  say(`\n8. Chinese (${shown(dir)}): tokenizer("${ZH_TEXT}") → model → last_hidden_state`);
  say(`  tokens: ${e.tokens.join(' ')}   ids: ${e.inputIds.join(' ')}`);
  const h = out.lastHiddenState;
  const first = Array.from(h.data.subarray(h.shape[2], h.shape[2] + 4), (x) => x.toFixed(3));
  say(`  last_hidden_state ${shapeString(h.shape)}; "${e.tokens[1]}" starts [${first.join(', ')}, …]`);
  const fill = nlp.model.hasMlmHead ? firstMask(fillMask(nlp, ZH_FILL, { topK: 5 })) : [];
  if (fill.length) say(`  ${ZH_FILL} → ${fill.map((x) => `${x.token_str} ${x.score.toFixed(2)}`).join(', ')}`);
  const golden = goldenOf(dir, nlp);
  if (golden) say(`  golden check against PyTorch: ${golden.ok ? 'OK' : 'NOT OK'}`);
  nlp.model.dispose();
  return { model: dir, tokens: e.tokens, ids: e.inputIds, lastHiddenStateShape: h.shape, fillMask: fill, golden };
}

export const demoCommand: Command = {
  name: 'demo',
  modelOptional: true,
  summary: 'what the models shipped in weights/ have learned: tokens, fill-mask, next sentence, topics, sentence similarity, attention, golden check, Chinese',
  args: '',
  argsHelp:
    'Runs the small BERTs bert-ts trained itself (tools/train/): the English model (weights/en), its topic classifier\n' +
    '(weights/en-topic), its sentence-embedding model (weights/en-embed) and the Chinese model (weights/zh), and checks\n' +
    'every output against PyTorch\'s.',
  options: {
    model: { type: 'string', short: 'm', value: 'DIR', help: 'the English masked-LM model (default weights/en)' },
    classifier: { type: 'string', value: 'DIR', help: 'a sequence-classification model (default weights/en-topic)' },
    sentences: { type: 'string', value: 'DIR', help: 'a sentence-embedding model (default weights/en-embed)' },
    chinese: { type: 'string', value: 'DIR', help: 'a Chinese model (default weights/zh)' },
    ...JSON_OUT,
    ...COMPUTE,
  },
  examples: ['bert-ts demo', 'bert-ts demo --backend js --json'],
  async run(p, io) {
    if (p.positionals.length > 0) throw new BertTsError(`demo: takes no positional arguments, got ${quote(p.positionals[0])}`);
    const compute = computeOptions('demo', p);
    const pick = (flag: string, name: string) => {
      const given = str(p, flag);
      if (given !== undefined && !existsSync(join(resolve(given), 'config.json'))) throw new BertTsError(`demo: --${flag} ${given}: no config.json there`);
      return given !== undefined ? resolve(given) : shippedModel(name);
    };
    const enDir = pick('model', 'en');
    const topicDir = pick('classifier', 'en-topic');
    const zhDir = pick('chinese', 'zh');
    const sentDir = pick('sentences', 'en-embed');
    if (!enDir) throw new BertTsError('demo: weights/en not found', 'pass --model DIR (a BERT with a masked-LM head)');
    const backend = await applyCompute(compute);
    try {
      const json = p.values.json === true;
      const say = (s: string) => json || io.stdout.write(s + '\n');
      say(`bert-ts demo (${kernelsLabel(backend)} kernels${compute.dtype === 'q8' ? ', dtype q8' : ''}): a small BERT trained by bert-ts's own tools, and what it learned\n`);
      const en = await english(enDir, io, say, compute.dtype ?? 'f32');
      const topic = topicDir ? await topics(topicDir, io, say, compute.dtype ?? 'f32') : undefined;
      const sent = sentDir ? await sentences(sentDir, io, say, compute.dtype ?? 'f32') : undefined;
      say(`\n7. Golden check: the English model's outputs against PyTorch's (${shown(join(enDir, 'golden.safetensors'))})`);
      const golden = goldenOf(enDir, en.nlp);
      if (golden && !json) printReport(golden, io);
      if (compute.dtype === 'q8') say('  skipped: dtype q8 is approximate by design (docs/performance.md gives its accuracy); run without --dtype to check f32');
      if (topic?.golden) say(`  and the classifier's (${shown(topicDir!)}): ${topic.golden.ok ? 'OK' : 'NOT OK'}`);
      if (sent?.golden) say(`  and the sentence model's (${shown(sentDir!)}): ${sent.golden.ok ? 'OK' : 'NOT OK'}`);
      en.nlp.model.dispose();
      const zh = zhDir ? await chinese(zhDir, io, say, compute.dtype ?? 'f32') : undefined;
      const ok = (golden?.ok ?? true) && (topic?.golden?.ok ?? true) && (sent?.golden?.ok ?? true) && (zh?.golden?.ok ?? true);
      if (json) printJson(io, { backend, kernels: kernelsLabel(backend), dtype: compute.dtype, english: { ...en.result, golden }, classifier: topic, sentences: sent, chinese: zh, ok });
      return ok ? 0 : 1;
    } finally {
      await releaseCompute(compute);
    }
  },
};

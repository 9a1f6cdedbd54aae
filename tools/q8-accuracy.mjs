#!/usr/bin/env node
// What dtype 'q8' costs in accuracy: the same inputs through a model loaded as
// f32 and as q8, compared. Prints Markdown lines for docs/performance.md and
// the model cards. Uses the built library (npm run build first).
//
//   node tools/q8-accuracy.mjs --model weights/en                 # hidden states, masked-LM, cloze
//   node tools/q8-accuracy.mjs --classifier weights/en-topic --data /tmp/topic-eval.jsonl
//   node tools/q8-accuracy.mjs --embed weights/en-embed --pairs tools/train/eval/sts-en-test.tsv
//   node tools/q8-accuracy.mjs --random bench/models/bert-base    # random weights, random ids
//   node tools/q8-accuracy.mjs --outliers weights/en              # the int8 inputs' outliers, by the probe hook
//   node tools/q8-accuracy.mjs --hidden weights/zh --sentences tools/eval/q8-sentences-zh.txt   # hidden states only
//   add --card to write the figures into the model's card (DIR/README.md), in a block of their own
//
// --model:      token cosine of last_hidden_state (mean, worst) on tools/eval/q8-sentences.txt;
//               masked-LM top-1 agreement and top-5 overlap, masking each word piece of those
//               sentences in turn; the cloze set's top-5 score (tools/train/eval/cloze-en.tsv).
// --classifier: label agreement (and each dtype's accuracy) on a JSONL of {text, label}
//               (`/usr/bin/python3 -m tools.train.topic_eval_set` prints the topic model's held-out set).
// --outliers:   for every activation a q8 matrix reads (the embeddings' and each layer's
//               LayerNorm outputs, attention's context, the GELU output), seen through the
//               probe hook on the sentences: per token row, max |x| over the row's RMS (how much of
//               the per-row int8 range one dimension takes), the worst row and the dimension.
// --embed:      Spearman correlation between the f32 and the q8 cosine similarities of a TSV of
//               sentence pairs (score <TAB> sentence1 <TAB> sentence2, or sentence1 <TAB> sentence2 [<TAB> score]), and each one's
//               Spearman against the scores when given.
// --hidden:     the token cosine of --model alone (models without a masked-LM head, other languages).
// --card:       each model's lines also go into its card, between the markers Q8_BEGIN and Q8_END
//               (replaced when present, else appended); the card generators in tools/train keep that
//               block when they rewrite a card (tools/common.py, write_card).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as lib from '../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: o } = parseArgs({
  options: {
    model: { type: 'string' }, classifier: { type: 'string' }, data: { type: 'string' },
    embed: { type: 'string' }, pairs: { type: 'string' }, random: { type: 'string' }, outliers: { type: 'string' },
    hidden: { type: 'string' }, card: { type: 'boolean', default: false },
    sentences: { type: 'string', default: join(root, 'tools', 'eval', 'q8-sentences.txt') },
    cloze: { type: 'string', default: join(root, 'tools', 'train', 'eval', 'cloze-en.tsv') },
  },
});
const lines = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

const cosine = lib.cosineSimilarity;

/** Figures per model folder, printed as they come and (--card) written into DIR/README.md at the end. */
const figures = new Map();
function report(dir, line) {
  console.log(`${dir}: ${line}`);
  if (!figures.has(dir)) figures.set(dir, []);
  figures.get(dir).push(line);
}
const Q8_BEGIN = '<!-- q8 accuracy: written by tools/q8-accuracy.mjs --card; rerun it rather than editing -->';
const Q8_END = '<!-- /q8 accuracy -->';
function writeCards() {
  for (const [dir, found] of figures) {
    const path = join(dir, 'README.md');
    const card = readFileSync(path, 'utf8');
    const block = [
      Q8_BEGIN, '## q8 (int8) accuracy', '',
      "The same inputs through this model loaded with `dtype: 'q8'` (the encoder's matrices in int8, the",
      'activations quantized per row: [docs/performance.md](../../docs/performance.md#q8-int8-matrices-opt-in))',
      `and in f32, measured ${new Date().toISOString().slice(0, 10)} with \`node tools/q8-accuracy.mjs\`:`, '',
      ...found.map((l) => `- ${l}`), Q8_END,
    ].join('\n');
    const a = card.indexOf(Q8_BEGIN), b = card.indexOf(Q8_END);
    const next = a >= 0 && b > a ? card.slice(0, a) + block + card.slice(b + Q8_END.length) : `${card.replace(/\n*$/, '')}\n\n${block}\n`;
    writeFileSync(path, next);
    console.log(`wrote the q8 figures into ${path}`);
  }
}
const topK = (l, k) => Array.from(l.keys()).sort((i, j) => l[j] - l[i]).slice(0, k);
function ranks(xs) {
  const order = xs.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}
function spearman(a, b) {
  const ra = ranks(a), rb = ranks(b), n = a.length, ma = (n - 1) / 2;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - ma);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - ma) ** 2;
  }
  return num / Math.sqrt(da * db);
}
const both = async (dir) => [await lib.loadPipeline(dir), await lib.loadPipeline(dir, { dtype: 'q8' })];

/** Token cosines between two models' last hidden states on the same id rows: { mean, worst, n }. */
function tokenCosines(f, q, rows) {
  const H = f.config.hiddenSize;
  let sum = 0, n = 0, worst = 1;
  for (const ids of rows) {
    const a = f.forward({ inputIds: [ids] }).lastHiddenState.data, b = q.forward({ inputIds: [ids] }).lastHiddenState.data;
    for (let t = 0; t < ids.length; t++) {
      const c = cosine(a.subarray(t * H, (t + 1) * H), b.subarray(t * H, (t + 1) * H));
      sum += c;
      n++;
      worst = Math.min(worst, c);
    }
  }
  return { mean: sum / n, worst, n };
}
const cosineLine = (c, what) => `last hidden state, cosine to f32 per token: mean ${c.mean.toFixed(5)}, worst ${c.worst.toFixed(5)} (${c.n} tokens of ${what})`;
const pct = (a, b) => `${a}/${b} (${((100 * a) / b).toFixed(1)}%)`;

if (o.model) {
  const [f, q] = await both(o.model);
  const tok = f.tokenizer, MASK = tok.tokenToId('[MASK]');
  const rows = lines(o.sentences).map((s) => Array.from(tok.encode(s).inputIds));
  let agree = 0, total = 0, overlap = 0;
  for (const ids of rows) {
    for (let t = 1; t < ids.length - 1; t++) {
      const m = ids.slice();
      m[t] = MASK;
      const opts = { mlm: { positions: [[0, t]] } };
      const la = f.model.forward({ inputIds: [m] }, opts).mlmLogits.data, lb = q.model.forward({ inputIds: [m] }, opts).mlmLogits.data;
      const ta = topK(la, 5), tb = new Set(topK(lb, 5));
      agree += ta[0] === topK(lb, 1)[0] ? 1 : 0;
      overlap += ta.filter((i) => tb.has(i)).length / 5;
      total++;
    }
  }
  report(o.model, cosineLine(tokenCosines(f.model, q.model, rows), `${rows.length} held-out sentences`));
  report(o.model, `masked-LM, each word piece of those sentences masked in turn: top-1 agreement ${pct(agree, total)}, top-5 overlap ${((100 * overlap) / total).toFixed(1)}%`);
  const cloze = lines(o.cloze).map((l) => l.split('\t'));
  const hits = (nlp) => cloze.filter(([s, acc]) => {
    const r = nlp.fillMask(s, { topK: 5 });
    const list = Array.isArray(r[0]) ? r[0] : r;
    const words = new Set(acc.split('|').map((w) => w.trim().toLowerCase()));
    return list.some((c) => words.has(String(c.token_str ?? c.tokenStr).trim().toLowerCase()));
  }).length;
  report(o.model, `the cloze set's top-5 score: f32 ${hits(f)}/${cloze.length}, q8 ${hits(q)}/${cloze.length}`);
}
if (o.classifier) {
  const [f, q] = await both(o.classifier);
  const data = lines(o.data).map((l) => JSON.parse(l));
  const label = (nlp, t) => {
    const r = nlp.classify(t);
    return (Array.isArray(r) ? r[0] : r).label;
  };
  let agree = 0, rf = 0, rq = 0;
  for (const { text, label: want } of data) {
    const a = label(f, text), b = label(q, text);
    agree += a === b ? 1 : 0;
    rf += a === want ? 1 : 0;
    rq += b === want ? 1 : 0;
  }
  report(o.classifier, `labels on the held-out set: q8 agrees with f32 on ${pct(agree, data.length)}; accuracy f32 ${pct(rf, data.length)}, q8 ${pct(rq, data.length)}`);
}
if (o.embed) {
  const [f, q] = await both(o.embed);
  // score <TAB> sentence1 <TAB> sentence2 (tools/train/eval/sts-en-*.tsv), or sentence1 <TAB> sentence2 [<TAB> score]
  const pairs = lines(o.pairs).map((l) => l.split('\t')).map((p) => (p.length === 3 && Number.isFinite(Number(p[0])) ? [p[1], p[2], p[0]] : p));
  const sims = (nlp) => pairs.map(([a, b]) => cosine(...nlp.embed([a, b])));
  const sf = sims(f), sq = sims(q);
  const gold = pairs.every((p) => p.length > 2) ? pairs.map((p) => Number(p[2])) : null;
  report(o.embed, `sentence similarity: Spearman between the q8 and the f32 cosine similarities ${spearman(sq, sf).toFixed(4)} on ${pairs.length} pairs (${o.pairs.split('/').pop()})` +
    (gold ? `; against the human scores f32 ${spearman(sf, gold).toFixed(3)}, q8 ${spearman(sq, gold).toFixed(3)}` : ''));
}
if (o.hidden) {
  const [f, q] = await both(o.hidden);
  const rows = lines(o.sentences).map((s) => Array.from(f.tokenizer.encode(s).inputIds));
  report(o.hidden, cosineLine(tokenCosines(f.model, q.model, rows), `${rows.length} sentences, ${o.sentences.split('/').pop()}`));
}
if (o.random) {
  const f = lib.loadBertModel(o.random), q = lib.loadBertModel(o.random, { dtype: 'q8' });
  const V = f.config.vocabSize;
  let s = 99;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows = Array.from({ length: 8 }, () => Array.from({ length: 64 }, (_, t) => (t === 0 ? 101 : t === 63 ? 102 : 1000 + Math.floor(rnd() * (V - 1000)))));
  report(o.random, cosineLine(tokenCosines(f, q, rows), '8 rows of random ids'));
}
if (o.outliers) {
  const nlp = await lib.loadPipeline(o.outliers);
  const H = nlp.model.config.hiddenSize;
  const reads = /^(embeddings|encoder\.layer\.\d+\.(attention\.output|output|attention\.self\.context|intermediate))$/;
  const worst = new Map(); // step kind → { ratio, mean, rows, dim }
  for (const s of lines(o.sentences)) {
    const ids = Array.from(nlp.tokenizer.encode(s).inputIds);
    nlp.model.forward({ inputIds: [ids] }, {
      probe: (step, t) => {
        if (!reads.test(step)) return;
        const W = t.shape[t.shape.length - 1], kind = step.replace(/^encoder\.layer\.\d+\./, 'layer.');
        for (let r = 0; r < t.data.length / W; r++) {
          let max = 0, dim = 0, ss = 0;
          for (let h = 0; h < W; h++) {
            const v = Math.abs(t.data[r * W + h]);
            ss += v * v;
            if (v > max) [max, dim] = [v, h];
          }
          const ratio = max / Math.sqrt(ss / W);
          const w = worst.get(kind) ?? { ratio: 0, sum: 0, rows: 0, dim: 0, step };
          w.sum += ratio;
          w.rows++;
          if (ratio > w.ratio) Object.assign(w, { ratio, dim, step });
          worst.set(kind, w);
        }
      },
    });
  }
  for (const [kind, w] of worst) console.log(`${o.outliers}: ${kind}: max|x| / rms per row mean ${(w.sum / w.rows).toFixed(1)}, worst ${w.ratio.toFixed(1)} (dimension ${w.dim} of ${w.step}; H ${H})`);
}
if (o.card) writeCards();

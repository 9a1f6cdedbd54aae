// Tokenizer throughput: bert-ts vs Hugging Face `tokenizers` (Rust, via its Node
// binding) vs `@huggingface/tokenizers` (pure JavaScript), same text, same vocabulary,
// in one process, rounds alternating so that a noisy machine hits all three alike.
//
//   npm run build && node bench/sections/tokenizer.mjs [--mb 3] [--rounds 5] [--model DIR] [--out FILE]
//
// (bench/run.mjs runs it as its tokenizer section, as a child process.)
//
// The text is a few MB of generated lines mixing English, accented Latin, Cyrillic,
// Greek, Arabic, Hindi, CJK, Korean, emoji and punctuation. Each engine encodes every
// line with special tokens; tokens/s counts the ids it produced. bert-ts's ids are
// checked against the Rust library's before anything is timed.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { rng } from '../../tools/rng.mjs';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(here, '..', 'package.json'));
const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    model: { type: 'string', default: join(here, '..', '..', 'shared', 'hf', 'bert-base-uncased') },
    out: { type: 'string', default: join(here, 'results', 'tokenizer.json') },
    quick: { type: 'boolean', default: false },
  },
});
const MB = Number(args.quick ? 0.5 : args.mb);
const ROUNDS = Number(args.quick ? 2 : args.rounds);
const MODEL = args.model;
if (!existsSync(join(MODEL, 'tokenizer.json'))) {
  console.error(`bench/tokenizer: ${MODEL}/tokenizer.json not found (pass --model DIR with a BERT tokenizer.json)`);
  process.exit(1);
}

const { loadTokenizerFolder: loadTokenizer } = await import(join(here, '..', 'dist', 'index.js'));
const hf = require('tokenizers');
const { Tokenizer: JsTokenizer } = await import('@huggingface/tokenizers');

// --- text ----------------------------------------------------------------------
const WORDS = {
  en: 'the of and to in is was for that on with as by at from his her it are this be or an which have not had one but all were their they there been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' '),
  fr: 'été café naïve déjà à où garçon français élève forêt hôtel noël cœur œuvre très après'.split(' '),
  de: 'Grüße Straße Mädchen über schön Äpfel Zürich Öffnung Fußball weiß'.split(' '),
  ru: 'привет мир Москва книга человек время работа сказал говорить жизнь'.split(' '),
  el: 'Καλημέρα κόσμε Ελλάδα φιλοσοφία ψυχή'.split(' '),
  ar: 'مرحبا بالعالم القاهرة كتاب اللغة العربية'.split(' '),
  hi: 'नमस्ते दुनिया भारत हिन्दी भाषा'.split(' '),
  zh: '今天天气真好我们去公园散步吧中华人民共和国成立于年北京是首都'.split(''),
  ja: '日本語のテキストです カタカナ ひらがな 東京'.split(' '),
  ko: '한국어 텍스트 서울 안녕하세요 감사합니다'.split(' '),
  sym: ['!', '?', ',', '.', ';', ':', '(', ')', '"', "'", '-', '—', '…', '👍', '👍🏽', '🇫🇷', '😂', '2024', '3.14', '$5', '#tag', '@user', 'e-mail', "don't"],
};
function makeLines(bytes) {
  const r = rng(20240601);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const lines = [];
  let size = 0;
  while (size < bytes) {
    const n = 10 + Math.floor(r() * 60);
    const parts = [];
    for (let i = 0; i < n; i++) {
      const k = r();
      const lang = k < 0.6 ? 'en' : k < 0.66 ? 'fr' : k < 0.7 ? 'de' : k < 0.74 ? 'ru' : k < 0.76 ? 'el' : k < 0.79 ? 'ar' : k < 0.81 ? 'hi' : k < 0.87 ? 'zh' : k < 0.9 ? 'ja' : k < 0.92 ? 'ko' : 'sym';
      let w = pick(WORDS[lang]);
      if (lang === 'en' && r() < 0.1) w = w[0].toUpperCase() + w.slice(1);
      parts.push(w);
    }
    const line = parts.join(' ');
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return { lines, size };
}

// --- engines --------------------------------------------------------------------
const json = readFileSync(join(MODEL, 'tokenizer.json'), 'utf8');
const configPath = join(MODEL, 'tokenizer_config.json');
const config = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : {};
const parsed = JSON.parse(json);
parsed.truncation = null; // every engine encodes whole lines
parsed.padding = null;

const bertTs = loadTokenizer(MODEL);
const rust = hf.Tokenizer.fromString(JSON.stringify(parsed));
const js = new JsTokenizer(parsed, config);

const engines = {
  'bert-ts': async (lines) => {
    let n = 0;
    for (const l of lines) n += bertTs.encode(l).inputIds.length;
    return n;
  },
  // The binding's natural use: batches on its native thread pool.
  'tokenizers (Rust, encodeBatch)': async (lines) => {
    let n = 0;
    for (let i = 0; i < lines.length; i += 256) {
      for (const e of await rust.encodeBatch(lines.slice(i, i + 256))) n += e.getLength();
    }
    return n;
  },
  '@huggingface/tokenizers (JS)': async (lines) => {
    let n = 0;
    for (const l of lines) n += js.encode(l).ids.length;
    return n;
  },
};

// --- run ------------------------------------------------------------------------
const { lines, size } = makeLines(MB * 1024 * 1024);
console.log(`bench/tokenizer: ${lines.length} lines, ${(size / 1024 / 1024).toFixed(2)} MB of mixed text, ${MODEL.split('/').pop()}, ${ROUNDS} rounds`);

// Correctness first: bert-ts must give the Rust library's ids.
let mismatches = 0;
const sample = lines.filter((_, i) => i % 25 === 0);
const ref = await rust.encodeBatch(sample);
sample.forEach((l, i) => {
  const a = bertTs.encode(l).inputIds;
  const b = ref[i].getIds();
  if (a.length !== b.length || a.some((x, k) => x !== b[k])) mismatches++;
});
let jsMismatches = 0;
sample.forEach((l, i) => {
  const a = js.encode(l).ids;
  const b = ref[i].getIds();
  if (a.length !== b.length || a.some((x, k) => x !== b[k])) jsMismatches++;
});
console.log(`ids identical to tokenizers (Rust) on ${sample.length} sampled lines: bert-ts ${sample.length - mismatches}/${sample.length}, @huggingface/tokenizers ${sample.length - jsMismatches}/${sample.length}`);
if (mismatches > 0) {
  console.error('bench/tokenizer: bert-ts disagrees with the reference; not timing it');
  process.exit(1);
}

for (const run of Object.values(engines)) await run(lines.slice(0, 500)); // warm-up
const names = Object.keys(engines);
const times = Object.fromEntries(names.map((n) => [n, []]));
const tokens = {};
for (let r = 0; r < ROUNDS; r++) {
  const order = names.map((_, i) => names[(i + r) % names.length]);
  for (const name of order) {
    const t0 = performance.now();
    tokens[name] = await engines[name](lines);
    times[name].push((performance.now() - t0) / 1000);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = names.map((name) => {
  const ts = times[name];
  const tps = ts.map((t) => tokens[name] / t);
  return { engine: name, tokens: tokens[name], medianSeconds: median(ts), tokensPerSecond: median(tps), minTokensPerSecond: Math.min(...tps), maxTokensPerSecond: Math.max(...tps), mbPerSecond: size / 1024 / 1024 / median(ts) };
});
const base = rows[0].tokensPerSecond;
console.log('\nengine                              tokens/s (median)   range                 MB/s   vs bert-ts');
for (const r of rows) {
  console.log(
    `${r.engine.padEnd(36)}${(r.tokensPerSecond / 1e6).toFixed(2).padStart(7)} M         ${(r.minTokensPerSecond / 1e6).toFixed(2)}–${(r.maxTokensPerSecond / 1e6).toFixed(2)} M`.padEnd(78) +
      `${r.mbPerSecond.toFixed(2).padStart(6)}   ${(r.tokensPerSecond / base).toFixed(2)}×`,
  );
}
const out = {
  date: new Date().toISOString(),
  node: process.version,
  model: MODEL.split('/').pop(),
  textMB: size / 1024 / 1024,
  lines: lines.length,
  rounds: ROUNDS,
  idsIdenticalToRust: { bertTs: `${sample.length - mismatches}/${sample.length}`, huggingfaceJs: `${sample.length - jsMismatches}/${sample.length}` },
  results: rows.map((r) => ({ ...r, ratioToBertTs: r.tokensPerSecond / base })),
};
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, JSON.stringify(out, null, 2) + '\n');
console.log(`\nwrote ${args.out}`);

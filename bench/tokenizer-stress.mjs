// Tokenizer stress: throughput per MB on 1 MB and 10 MB texts of ASCII prose,
// CJK, and one huge word (no spaces), each encoded as ONE text (no truncation),
// to show the cost is linear in the input, and the memory the tokenizer keeps
// afterwards (its reused scratch buffers). A bench, not a timed test.
//
//   node tools/build.mjs --no-types && node bench/tokenizer-stress.mjs [--model DIR] [--sizes 1,10] [--rounds 3]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rng } from '../tools/rng.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { model: { type: 'string' }, sizes: { type: 'string', default: '1,10' }, rounds: { type: 'string', default: '3' }, kinds: { type: 'string', default: 'ascii,cjk,huge-word' } } });
const candidates = [values.model, join(here, '..', '..', 'shared', 'hf', 'bert-base-uncased'), '/work/shared/hf/bert-base-uncased', join(here, '..', 'weights', 'demo')];
const MODEL = candidates.find((d) => d && existsSync(d));
const { loadTokenizerFolder: loadTokenizer } = await import(join(here, '..', 'dist', 'index.js'));
const tok = loadTokenizer(MODEL);
const SIZES = values.sizes.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const MB = 1024 * 1024;

const WORDS = 'the of and to in is was for that on with as by at from it are this be or an which have not had one but all were their they there been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like over even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three understanding tokenization, hyphen-ated words. (parenthesised) "quoted"'.split(' ');

/** About `bytes` UTF-8 bytes of text of one kind. */
function makeText(kind, bytes) {
  const r = rng(14);
  const parts = [];
  let n = 0;
  if (kind === 'ascii') {
    while (n < bytes) {
      const w = WORDS[Math.floor(r() * WORDS.length)];
      parts.push(w);
      n += w.length + 1;
    }
    return parts.join(' ');
  }
  if (kind === 'cjk') {
    while (n < bytes) {
      parts.push(String.fromCharCode(0x4e00 + Math.floor(r() * 0x5000)));
      n += 3;
    }
    return parts.join('');
  }
  // one word: letters only, no space, no punctuation
  return 'abcdefghij'.repeat(Math.ceil(bytes / 10)).slice(0, bytes);
}

function heap() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

console.log(`tokenizer stress: ${MODEL} (vocab ${tok.vocabSize}), ${ROUNDS} rounds, median reported, node ${process.version}`);
const base = heap();
const rows = [];
for (const kind of values.kinds.split(',')) {
  for (const size of SIZES) {
    const text = makeText(kind, size * MB);
    const times = [];
    let tokens = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      const e = tok.encode(text);
      times.push(performance.now() - t);
      tokens = e.inputIds.length;
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    rows.push({ kind, size, ms, perMB: ms / size, tokens, min: times[0], max: times[times.length - 1] });
    console.log(`  ${kind.padEnd(9)} ${String(size).padStart(3)} MB  ${ms.toFixed(0).padStart(7)} ms  ${(ms / size).toFixed(0).padStart(6)} ms/MB  ${tokens.toLocaleString('en').padStart(11)} tokens  (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})`);
  }
}
console.log('linearity (ms/MB at the largest size ÷ ms/MB at the smallest; 1.0 = linear):');
for (const kind of values.kinds.split(',')) {
  const r = rows.filter((x) => x.kind === kind);
  console.log(`  ${kind.padEnd(9)} ${(r[r.length - 1].perMB / r[0].perMB).toFixed(2)}`);
}
const after = heap();
console.log(`memory kept after the runs (outputs dropped, after GC): ${((after - base) / MB).toFixed(1)} MB`);
console.log('  = the tokenizer\'s reused scratch (NormalizedText, PreTokenizedWords, piece buffers), sized by the largest text seen; it lives as long as the tokenizer.');

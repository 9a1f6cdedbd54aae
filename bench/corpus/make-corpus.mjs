// A mixed-length English corpus for the corpus measurements (docs/embedding-at-scale.md):
// sentences from the fortune files Debian ships (fortunes, fortunes-min), one to three
// sentences per line so lengths vary from a few words to past the model's 64 tokens,
// repeated with a line number when more lines are asked for than the text has.
//   node bench/corpus/make-corpus.mjs 100000 > /tmp/corpus-100k.jsonl
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../../tools/rng.mjs';

const n = Number(process.argv[2] ?? 10000);
const dir = '/usr/share/games/fortunes';
const sentences = [];
for (const f of readdirSync(dir).sort()) {
  const p = join(dir, f);
  if (!statSync(p).isFile() || /\.(dat|u8)$/.test(f)) continue;
  for (const entry of readFileSync(p, 'latin1').split('\n%\n')) {
    const flat = entry.replace(/\s+/g, ' ').trim();
    for (const s of flat.split(/(?<=[.!?])\s+/)) if (/[a-z]{3}/.test(s) && s.length < 400) sentences.push(s);
  }
}
if (sentences.length === 0) throw new Error(`no sentences under ${dir}: apt-get install fortunes`);
const r = rng(42);
const out = [];
for (let i = 0; i < n; i++) {
  const k = 1 + Math.floor(r() * r() * 3);
  const text = Array.from({ length: k }, () => sentences[Math.floor(r() * sentences.length)]).join(' ');
  out.push(JSON.stringify({ id: `d${i}`, text }));
  if (out.length === 5000) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');

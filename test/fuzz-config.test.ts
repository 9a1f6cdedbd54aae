// Fuzz config.json: the committed fixtures' configs with keys deleted, added
// or given hostile values (wrong types, 1e9 layers, Object.prototype names),
// and raw-text mutations. Each config is parsed and loaded against its own
// checkpoint, and a loaded model runs one forward: success or one BertTsError.
import { describe, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBertConfig } from '../src/bert/config.ts';
import { BertModel } from '../src/bert/model.ts';
import { openCheckpoint } from '../src/tensor/safetensors-fs.ts';
import { NASTY, Rng, SEED, count, report, show, stats, trial } from './fuzz/harness.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const CASES = readdirSync(FIX)
  .filter((d) => existsSync(join(FIX, d, 'config.json')))
  .slice(0, 12)
  .map((d) => ({ name: d, text: readFileSync(join(FIX, d, 'config.json'), 'utf8'), source: openCheckpoint(join(FIX, d)) }));

const KEYS = [
  'vocab_size', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'hidden_act', 'max_position_embeddings',
  'type_vocab_size', 'layer_norm_eps', 'pad_token_id', 'position_embedding_type', 'is_decoder', 'add_cross_attention', 'model_type', 'architectures',
  '__proto__', 'constructor', 'toString',
];
const VALUES: unknown[] = [...NASTY, 1e6, 1e9, 4, 24, 48, 200, 12, 'gelu_new', 'relu', 'absolute', 'relative_key', 'bert', 'roberta', ['BertModel'], 1e-12, 1e-5];

describe('fuzz: config.json', () => {
  it(`hostile configs load or are refused (seed ${SEED})`, () => {
    const s = stats('config.json');
    const rng = new Rng(SEED + 1);
    for (let i = 0; i < count(3000); i++) {
      const c = rng.pick(CASES);
      let raw: unknown;
      let edits: string;
      if (rng.chance(0.15)) {
        // raw text: a character replaced (a parse error is the reader's job, tested elsewhere: skip those)
        const chars = [...c.text];
        const at = rng.int(chars.length);
        chars[at] = rng.pick(['0', '9', '-', '.', 'e', '1e400', '"', 'true', ' ', '[', '{']);
        edits = `text edit at ${at}`;
        try {
          raw = JSON.parse(chars.join(''));
        } catch {
          continue;
        }
      } else {
        const obj = JSON.parse(c.text) as Record<string, unknown>;
        const k = rng.range(1, 3);
        const parts: string[] = [];
        for (let e = 0; e < k; e++) {
          const key = rng.pick(KEYS);
          if (rng.chance(0.2)) {
            delete obj[key];
            parts.push(`-${key}`);
          } else {
            const v = rng.pick(VALUES);
            Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
            parts.push(`${key}=${show(v)}`);
          }
        }
        raw = rng.chance(0.02) ? rng.pick(NASTY) : obj;
        edits = parts.join(' ');
      }
      trial(s, () => `${c.name}: ${edits}`, () => {
        const config = parseBertConfig(raw, `${c.name}/config.json`);
        const model = BertModel.fromTensors(config, c.source);
        if (rng.chance(0.2)) model.forward({ inputIds: [[1, 2, 3].map((x) => x % config.vocabSize)] });
      });
    }
    report(s);
  });
});

// Fuzz BertModel.forward's input and options, and golden cases (inputs.json
// and golden.safetensors) through verifyGoldenCase: success or one BertTsError,
// and a golden case can never come out OK with nothing compared.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBertModel } from '../src/bert/load.ts';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors-fs.ts';
import { verifyGoldenCase } from '../src/golden/verify.ts';
import { NASTY, Rng, SEED, count, report, show, stats, trial } from './fuzz/harness.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const models = ['masked-lm', 'padding-batch', 'nsp-only'].map((d) => ({ name: d, model: loadBertModel(join(FIX, d)) }));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A [B][S] grid: mostly valid values, sometimes hostile ones or ragged rows. */
function grid(rng: Rng, B: number, S: number, limit: number): unknown {
  if (rng.chance(0.05)) return rng.pick(NASTY);
  const rows: unknown[] = [];
  for (let b = 0; b < B; b++) {
    const len = rng.chance(0.05) ? rng.range(0, S + 2) : S;
    const row: unknown[] = [];
    for (let s = 0; s < len; s++) row.push(rng.chance(0.01) ? rng.pick(NASTY) : rng.int(limit + (rng.chance(0.01) ? 2 : 0)));
    rows.push(rng.chance(0.02) ? rng.pick(NASTY) : rng.chance(0.05) ? Int32Array.from(row, (x) => (typeof x === "number" ? x : 0)) : row);
  }
  return rows;
}

describe('fuzz: forward options and golden cases', () => {
  it(`forward: hostile inputs and options (seed ${SEED})`, () => {
    const s = stats('forward');
    const rng = new Rng(SEED + 5);
    for (let i = 0; i < count(3000); i++) {
      const { name, model } = rng.pick(models);
      const c = model.config;
      const B = rng.pick([0, 1, 1, 2, 3]);
      const S = rng.pick([0, 1, 2, 5, c.maxPositionEmbeddings, c.maxPositionEmbeddings + 1]);
      const input: Record<string, unknown> = { inputIds: grid(rng, B, S, c.vocabSize) };
      if (rng.chance(0.5)) input.attentionMask = grid(rng, B, S, 2);
      if (rng.chance(0.5)) input.tokenTypeIds = grid(rng, B, S, c.typeVocabSize);
      const options: Record<string, unknown> = {};
      for (const key of ['outputHiddenStates', 'outputAttentions', 'nsp', 'mlm', 'state', 'probe']) {
        if (!rng.chance(0.3)) continue;
        if (key === 'mlm') {
          options.mlm = rng.pick<unknown>([true, false, {}, { positions: [] }, { positions: [[0, 0]] }, { positions: [[0, S - 1], [B - 1, 0]] }, { positions: [null] }, { positions: 'abc' }, { positions: [[0.5, 0]] }, { positions: [[0, 0, 0]] }, ...NASTY]);
        } else if (key === 'probe') options.probe = rng.chance(0.5) ? () => {} : rng.pick(NASTY);
        else if (key === 'state') options.state = rng.chance(0.5) ? model.runState(Math.max(1, B), Math.max(1, S)) : rng.pick(NASTY);
        else options[key] = rng.chance(0.7) ? rng.chance(0.5) : rng.pick(NASTY);
      }
      const whole = rng.chance(0.02) ? rng.pick(NASTY) : input;
      const opts = rng.chance(0.02) ? rng.pick(NASTY) : options;
      trial(s, () => `${name}: forward(${show(whole)}, ${show(opts)})`, () => model.forward(whole as never, opts as never));
    }
    report(s);
  });

  it(`golden verify: hostile inputs.json and golden.safetensors (seed ${SEED})`, () => {
    const s = stats('golden cases');
    const rng = new Rng(SEED + 6);
    const base = join(FIX, 'masked-lm');
    const d = mkdtempSync(join(tmpdir(), 'bert-ts-fuzz-golden-'));
    dirs.push(d);
    cpSync(base, d, { recursive: true });
    const model = models[0].model;
    const golden = readSafetensors(join(base, 'golden.safetensors'));
    const tensors = golden.names().map((name) => ({ name, shape: golden.info(name)!.shape, data: golden.float32(name) }));
    const inputs = JSON.parse(JSON.stringify({ input_ids: [[2, 5, 3]], attention_mask: [[1, 1, 1]] }));
    let okWithNothingCompared = 0;
    for (let i = 0; i < count(250); i++) {
      // inputs.json
      const inp: Record<string, unknown> = { ...inputs };
      const B = rng.range(1, 3);
      const S = rng.range(1, 6);
      inp.input_ids = grid(rng, B, S, 200);
      if (rng.chance(0.6)) inp.attention_mask = rng.chance(0.3) ? Array.from({ length: B }, () => new Array(S).fill(0)) : grid(rng, B, S, 2);
      if (rng.chance(0.3)) inp.token_type_ids = grid(rng, B, S, 2);
      if (rng.chance(0.1)) Object.defineProperty(inp, rng.pick(['__proto__', 'constructor', 'texts']), { value: rng.pick(NASTY), enumerable: true });
      const text = rng.chance(0.05) ? rng.pick(['[]', 'null', '1', '{', '"x"']) : JSON.stringify(inp);
      writeFileSync(join(d, 'inputs.json'), text);
      // golden.safetensors: reshaped to the input, renamed, dropped
      const Bi = Array.isArray(inp.input_ids) ? inp.input_ids.length : 1;
      const Si = Array.isArray(inp.input_ids) && Array.isArray(inp.input_ids[0]) ? inp.input_ids[0].length : 1;
      const out = tensors
        .filter(() => rng.chance(0.85))
        .map((t) => {
          const shape = t.shape.map((x, k) => (x === 3 && k <= 1 ? Bi : x === 12 ? Si : x));
          const n = shape.reduce((a, b) => a * b, 1);
          const name = rng.chance(0.05) ? rng.pick(['constructor', '__proto__', 'toString', 'logits', '', 'x'.repeat(300)]) : t.name;
          return { name, shape: rng.chance(0.05) ? [n] : shape, data: new Float32Array(n).map(() => (rng.chance(0.5) ? 1e6 : NaN)) };
        });
      const seen = new Set<string>();
      const unique = out.filter((t) => !seen.has(t.name) && seen.add(t.name));
      writeSafetensors(join(d, 'golden.safetensors'), unique);
      trial(s, () => `inputs ${text.slice(0, 200)}; golden ${show(unique.map((t) => [t.name, t.shape]))}`, () => {
        const r = verifyGoldenCase(d, undefined, model, rng.chance(0.2) ? { allowMissing: true } : {});
        if (r.ok && r.tensors.some((t) => t.compared === 0)) okWithNothingCompared++;
      });
    }
    report(s);
    expect(okWithNothingCompared, 'a case came out OK with a tensor of 0 compared elements').toBe(0);
  });
});

// explain: the steps it reports are the model's own numbers, read through the probe hook.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { explain, topK, type LayerStep, type MlmStep, type TokensStep, type EmbeddingsStep } from '../src/explain/explain.ts';
import { CODE } from '../src/explain/code-refs.ts';
import { statistics } from '../src/explain/statistics.ts';
import { loadBertModel } from '../src/bert/load.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';
import { Readable } from 'node:stream';
import { runCli } from '../src/cli/run.ts';
import { loadPipelineFolder as loadPipeline } from '../src/pipelines/load.ts';
import type { ClassifierStep } from '../src/explain/explain.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO = join(ROOT, 'weights', 'demo');
const model = loadBertModel(DEMO);
const tokenizer = loadTokenizer(DEMO);
const TEXT = 'The unbelievably playful cat sat on the [MASK].';

async function cli(args: string[]): Promise<string> {
  let out = '';
  const code = await runCli(['explain', ...args], { stdin: Readable.from(['']), stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } });
  expect(code).toBe(0);
  return out;
}

describe('explain', () => {
  it('names files and functions that exist', () => {
    for (const { file, fn } of Object.values(CODE)) {
      const path = join(ROOT, file);
      expect(existsSync(path), file).toBe(true);
      const src = readFileSync(path, 'utf8');
      const [cls, method] = fn.includes('.') ? fn.split('.') : [undefined, fn];
      if (cls) expect(src, `${file}: class ${cls}`).toMatch(new RegExp(`class ${cls}\\b`));
      expect(src, `${file}: ${fn}`).toMatch(cls ? new RegExp(`^  ${method}\\(`, 'm') : new RegExp(`function ${method}\\b`));
    }
  });

  it("reports the model's own tokens, statistics, attention and predictions", () => {
    const r = explain(model, tokenizer, TEXT);
    const enc = tokenizer.encode(TEXT);
    const input = { inputIds: [enc.inputIds], attentionMask: [enc.attentionMask], tokenTypeIds: [enc.tokenTypeIds] };
    const ref = model.forward(input, { outputAttentions: true, outputHiddenStates: true, mlm: true });
    const { numHiddenLayers: L, hiddenSize: H, numAttentionHeads: A, vocabSize: V } = model.config;
    const S = enc.inputIds.length;
    expect(r.steps.map((s) => s.kind)).toEqual(['tokens', 'embeddings', ...Array(L).fill('layer'), 'pooler', 'mlm']);

    const tokens = r.steps[0] as TokensStep;
    expect(tokens.tokens.map((t) => t.token)).toEqual(enc.tokens);
    expect(tokens.tokens.map((t) => t.id)).toEqual(enc.inputIds);
    const why = Object.fromEntries(tokens.tokens.reverse().map((t) => [t.token, t]));
    tokens.tokens.reverse();
    expect(why['un'].kind).toBe('piece');
    expect(why['un'].why).toMatch(/"unbelievably" is not in the vocabulary.*un ##believ ##ably/);
    expect(why['##ably'].kind).toBe('continuation');
    expect(TEXT.slice(...why['##ably'].wordSpan!)).toBe('unbelievably');
    expect(tokens.tokens[0].wordSpan).toBeUndefined();
    expect(why['the'].why).toMatch(/lowercased from "The"/);
    expect(why['[MASK]'].kind).toBe('special');

    const emb = r.steps[1] as EmbeddingsStep;
    expect(emb.normalized.mean).toBeCloseTo(statistics(ref.hiddenStates!.at(0).data, H).mean, 6);
    expect(emb.normalized.std).toBeCloseTo(statistics(ref.hiddenStates!.at(0).data, H).std, 6);

    for (let l = 0; l < L; l++) {
      const s = r.steps[2 + l] as LayerStep;
      expect(s.layer).toBe(l);
      expect(s.shapes.perHead).toEqual([1, A, S, H / A]);
      const st = statistics(ref.hiddenStates!.at(l + 1).data, H);
      expect(s.output.max).toBeCloseTo(st.max, 5);
      expect(s.output.rowNorm).toBeCloseTo(st.rowNorm, 5);
      // each head's most-attended key is the argmax of the model's probabilities
      const probs = ref.attentions!.at(l).data; // [1, A, S, S]
      for (const h of s.heads) {
        expect(h.top).toHaveLength(S);
        for (const t of h.top) {
          const row = Array.from(probs.subarray((h.head * S + t.from) * S, (h.head * S + t.from + 1) * S));
          expect(t.p).toBe(Math.max(...row));
          expect(row[t.to]).toBe(t.p);
        }
      }
    }

    const mlm = r.steps.at(-1) as MlmStep;
    const pos = enc.tokens.indexOf('[MASK]');
    expect(mlm.masks.map((m) => m.position)).toEqual([pos]);
    const logits = Array.from(ref.mlmLogits!.data.subarray(pos * V, (pos + 1) * V));
    const best = logits.indexOf(Math.max(...logits));
    expect(mlm.masks[0].top[0].id).toBe(best);
    expect(mlm.masks[0].top[0].token).toBe(tokenizer.idToToken(best));
    expect(mlm.masks[0].top).toHaveLength(5);
    const z = logits.reduce((a, x) => a + Math.exp(x - logits[best]), 0);
    expect(mlm.masks[0].top[0].p).toBeCloseTo(1 / z, 6);
  });

  it('--layer, --token and --pair narrow or extend the steps', () => {
    const r = explain(model, tokenizer, 'the cat sat', { layer: 1, token: 'cat', pair: 'it was happy' });
    const layers = r.steps.filter((s): s is LayerStep => s.kind === 'layer');
    expect(layers.map((s) => s.layer)).toEqual([1]);
    expect(r.focus).toBe(2);
    expect(layers[0].heads.every((h) => h.top.length === 1 && h.top[0].from === 2)).toBe(true);
    const nsp = r.steps.find((s) => s.kind === 'nsp');
    expect(nsp && nsp.kind === 'nsp' && nsp.isNext > 0 && nsp.isNext < 1).toBe(true);
    expect((r.steps.find((s) => s.kind === 'tokens') as TokensStep).tokens.some((t) => t.type === 1)).toBe(true);
    expect((r.steps.find((s) => s.kind === 'mlm') as MlmStep).note).toMatch(/no \[MASK\] in the input/);
    expect(() => explain(model, tokenizer, 'the cat', { layer: 2 })).toThrow(/layer 2 does not exist: the model has layers 0…1/);
    expect(() => explain(model, tokenizer, 'the cat', { token: 'dog' })).toThrow(/no token 'dog' in the input/);
    expect(() => explain(model, tokenizer, 'the cat', { token: 9 })).toThrow(/token position 9 is outside 0…3/);
  });

  it('says why a word is [UNK]', () => {
    const r = explain(model, tokenizer, '今 cat');
    const t = (r.steps[0] as TokensStep).tokens[1];
    expect(t.token).toBe('[UNK]');
    expect(t.why).toMatch(/no vocabulary pieces spell "今".*Chinese character/);
  });

  it('runs on every shipped model and test fixture', () => {
    const dirs = [
      ...readdirSync(join(ROOT, 'weights')).map((d) => join(ROOT, 'weights', d)),
      ...readdirSync(join(ROOT, 'test', 'fixtures', 'golden')).map((d) => join(ROOT, 'test', 'fixtures', 'golden', d)),
    ].filter((d) => existsSync(join(d, 'config.json')));
    expect(dirs.length).toBeGreaterThan(20);
    for (const d of dirs) {
      const m = loadBertModel(d);
      const tok = loadTokenizer(d);
      const words = [1, 2, 3].map((i) => tok.idToToken(Math.min(m.config.vocabSize - 1, 5 + i))).join(' ');
      const r = explain(m, tok, `${words} ${tok.maskToken}`, m.config.typeVocabSize > 1 ? { pair: words } : {});
      expect(r.steps.filter((s) => s.kind === 'layer')).toHaveLength(m.config.numHiddenLayers);
      const mlm = r.steps.find((s) => s.kind === 'mlm') as MlmStep;
      if (m.hasMlmHead) expect(mlm.masks, d).toHaveLength(1);
      else expect(mlm.note).toMatch(/no masked-LM head/);
      expect(r.steps.some((s) => s.kind === 'pooler')).toBe(m.hasPooler);
    }
  });

  it("shows a sequence classifier's labels, as the classify pipeline scores them", () => {
    const dir = join(ROOT, 'test', 'fixtures', 'golden', 'seqcls-single');
    const r = explain(loadBertModel(dir), loadTokenizer(dir), 'w1 w2');
    const step = r.steps.find((s): s is ClassifierStep => s.kind === 'classifier')!;
    const ref = loadPipeline(dir).classify('w1 w2', { topK: 10 });
    expect(step.labels.map((l) => l.label)).toEqual(ref.map((l) => l.label));
    step.labels.forEach((l, i) => expect(l.p).toBeCloseTo(ref[i].score, 6));
  });

  it('topK is the k largest of softmax, best first', () => {
    const t = topK([0, 3, 1, 3.5, -2], 3);
    expect(t.map((x) => x.id)).toEqual([3, 1, 2]);
    const z = [0, 3, 1, 3.5, -2].reduce((a, x) => a + Math.exp(x), 0);
    expect(t[0].p).toBeCloseTo(Math.exp(3.5) / z, 12);
  });
});

describe('bert-ts explain', () => {
  it('prints every step with formula and code, in 80 columns', async () => {
    const text = await cli(['--model', DEMO, TEXT]);
    for (const title of ['1. TOKENS', '2. EMBEDDINGS', '3. ENCODER LAYER 0', '4. ENCODER LAYER 1', '5. POOLER', '6. MASKED-LM HEAD']) expect(text).toContain(title);
    expect(text).toContain('softmax(QKᵀ/√d + mask)');
    expect(text).toContain('P(y) = softmax(W·h + b)');
    expect(text).toContain('src/bert/encoder.ts  encoderLayerForward');
    expect(text).toMatch(/\[1, 4, 14, 16\]/);
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it('--json gives the same steps', async () => {
    const json = JSON.parse(await cli(['--model', DEMO, '--json', '--layer', '0', '--token', '3', TEXT]));
    expect(json.model).toBe(DEMO);
    expect(json.steps.map((s: { kind: string }) => s.kind)).toEqual(['tokens', 'embeddings', 'layer', 'pooler', 'mlm']);
    expect(json.steps[2].heads[0].top[0].from).toBe(3);
    expect(json.steps[4].masks[0].top[0]).toEqual(explain(model, tokenizer, TEXT).steps.find((s): s is MlmStep => s.kind === 'mlm')!.masks[0].top[0]);
  });

  it('bad usage is one clear error', async () => {
    await expect(cli([TEXT])).rejects.toThrow(/--model MODEL is required/);
    await expect(cli(['--model', DEMO])).rejects.toThrow(/expected one TEXT, got 0/);
    await expect(cli(['--model', DEMO, '--layer', 'x', TEXT])).rejects.toThrow(/--layer must be a non-negative integer, got 'x'/);
  });
});

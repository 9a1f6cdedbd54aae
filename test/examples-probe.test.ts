// examples/probe-hook.mjs prints what the model computes: each token's most
// attended token in the last layer's head 0, checked against outputAttentions.
import { describe, expect, it, vi } from 'vitest';
import { join, resolve } from 'node:path';
import { loadBertModel } from '../src/bert/load.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO = join(ROOT, 'weights', 'demo');

describe('examples/probe-hook.mjs', () => {
  it("prints each token's change per layer and its most-attended token", async () => {
    const text = 'the cat sat on the mat';
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      const { main } = await import(join(ROOT, 'examples', 'probe-hook.mjs'));
      await main([DEMO, text]);
    } finally {
      spy.mockRestore();
    }
    const model = loadBertModel(DEMO);
    const enc = loadTokenizer(DEMO).encode(text);
    const ref = model.forward({ inputIds: [enc.inputIds] }, { outputAttentions: true, outputHiddenStates: true });
    const L = model.config.numHiddenLayers;
    const S = enc.inputIds.length;
    const rows = lines.join('\n').trim().split('\n').slice(-S);
    rows.forEach((line, s) => {
      expect(line.startsWith(enc.tokens[s])).toBe(true);
      const p = Array.from(ref.attentions!.at(L - 1).data.subarray(s * S, (s + 1) * S)); // [B=1, A, S, S]: head 0, query s
      const j = p.indexOf(Math.max(...p));
      expect(line).toMatch(new RegExp(`${enc.tokens[j].replace(/[[\]]/g, '\\$&')} \\(${p[j].toFixed(2)}\\)$`));
    });
  });
});

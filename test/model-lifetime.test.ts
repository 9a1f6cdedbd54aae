// A model's lifetime and the probe hook: dispose() gives the heap back (load
// and dispose in a loop stays flat), a disposed model refuses to run, and the
// probe sees every named step with the shape the contract names.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { loadBertModel } from '../src/bert/load.ts';
import { setBackend } from '../src/runtime/backend.ts';
import { heapStats } from '../src/runtime/heap.ts';
import { setThreads, threadStats } from '../src/runtime/pool.ts';
import type { Tensor } from '../src/tensor/tensor.ts';
import { expectError } from './helpers/expect-error.ts';

const DEMO = join(resolve(import.meta.dirname, '..'), 'weights', 'demo');
const input = { inputIds: [[2, 40, 41, 42, 3], [2, 50, 3, 0, 0]], attentionMask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]] };

describe('model lifetime', () => {
  it('dispose() gives the weights and run state back; load + dispose in a loop stays flat', () => {
    const base = heapStats().liveBytes;
    let top = 0;
    for (let i = 0; i < 20; i++) {
      const model = loadBertModel(DEMO);
      model.forward(input, { mlm: true });
      model.forward({ inputIds: [[2, 3]] }); // a second shape replaces the first run state
      expect(heapStats().liveBytes).toBeGreaterThan(base);
      model.dispose();
      expect(heapStats().liveBytes).toBe(base);
      if (i === 1) top = heapStats().top;
      if (i > 1) expect(heapStats().top, `load ${i}`).toBe(top);
    }
  });

  for (const backend of ['js', 'wasm'] as const) {
    it(`forwards of varying shape on 2 threads leave the heap flat after warm-up (${backend})`, async () => {
      setBackend(backend);
      await setThreads(2, { minMacs: 0 });
      const model = loadBertModel(DEMO);
      const calls = threadStats().parallelCalls;
      let seed = 3, warm = 0;
      for (let i = 1; i <= 100; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const B = 1 + (seed % 3), S = 2 + ((seed >> 4) % 9);
        model.forward({ inputIds: Array.from({ length: B }, () => Array.from({ length: S }, (_, s) => 2 + s)) }, { mlm: { positions: [[0, 1]] } });
        if (i === 40) warm = heapStats().top;
      }
      expect(threadStats().parallelCalls).toBeGreaterThan(calls);
      expect(heapStats().top).toBeLessThanOrEqual(warm);
      model.dispose();
      await setThreads(1);
      setBackend('auto');
    });
  }

  it('a disposed model gives a clear error', () => {
    const model = loadBertModel(DEMO);
    model.dispose();
    model.dispose(); // twice is fine
    const e = expectError(() => model.forward(input), 'forward: this BertModel was disposed');
    expect(e.hint).toMatch(/load the model again/);
  });
});

describe('probe', () => {
  for (const backend of ['js', 'wasm'] as const) {
    it(`sees every named step with its shape (${backend})`, () => {
      setBackend(backend);
      const model = loadBertModel(DEMO);
      const { numHiddenLayers: L, hiddenSize: H, intermediateSize: I, numAttentionHeads: A } = model.config;
      const B = 2, S = 5;
      const seen = new Map<string, Tensor>();
      const out = model.forward(input, {
        outputHiddenStates: true, outputAttentions: true,
        probe: (name, t) => seen.set(name, { shape: t.shape, data: t.data.slice() } as Tensor),
      });
      const want: [string, number[]][] = [['embeddings.sum', [B, S, H]], ['embeddings', [B, S, H]]];
      for (let l = 0; l < L; l++) {
        const p = `encoder.layer.${l}.`;
        want.push(
          [`${p}attention.self.query`, [B, S, H]], [`${p}attention.self.key`, [B, S, H]], [`${p}attention.self.value`, [B, S, H]],
          [`${p}attention.self.probs`, [B, A, S, S]], [`${p}attention.self.context`, [B, S, H]],
          [`${p}attention.output`, [B, S, H]], [`${p}intermediate`, [B, S, I]], [`${p}output`, [B, S, H]],
        );
      }
      want.push(['pooler', [B, H]]);
      expect([...seen.keys()]).toEqual(want.map(([n]) => n));
      for (const [name, shape] of want) expect(seen.get(name)!.shape, name).toEqual(shape);
      // the steps are the outputs the model returns
      expect(Array.from(seen.get('embeddings')!.data)).toEqual(Array.from(out.hiddenStates!.at(0).data));
      for (let l = 0; l < L; l++) {
        expect(Array.from(seen.get(`encoder.layer.${l}.output`)!.data)).toEqual(Array.from(out.hiddenStates!.at(l + 1).data));
        expect(Array.from(seen.get(`encoder.layer.${l}.attention.self.probs`)!.data)).toEqual(Array.from(out.attentions!.at(l).data));
      }
      expect(Array.from(seen.get('pooler')!.data)).toEqual(Array.from(out.poolerOutput!.data));
      // without attentions asked for, the probe still gets the probabilities
      const probs: number[][] = [];
      model.forward(input, { probe: (name, t) => name.endsWith('.probs') && probs.push(Array.from(t.data)) });
      expect(probs[0]).toEqual(Array.from(out.attentions!.at(0).data));
      model.dispose();
      setBackend('auto');
    });
  }
});

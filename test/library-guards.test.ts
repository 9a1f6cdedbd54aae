// Library calls that used to go wrong quietly or with a TypeError: a forward from
// inside a probe callback, batchSize 0 or −1, and writeSafetensors with no list.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBertModel } from '../src/bert/load.ts';
import { RunState } from '../src/bert/run-state.ts';
import { forwardBytes } from '../src/bert/validate-input.ts';
import { loadPipelineFolder as loadPipeline } from '../src/pipelines/load.ts';
import { writeSafetensors } from '../src/tensor/safetensors-fs.ts';
import { serializeSafetensors } from '../src/tensor/safetensors.ts';
import { expectError } from './helpers/expect-error.ts';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, 'weights', 'demo');
const ids = [[2, 10, 11, 12, 3]];

describe('a forward from inside a probe callback', () => {
  const model = loadBertModel(demo);
  const clean = model.forward({ inputIds: ids }).lastHiddenState.data.slice();

  it('on the same model and shape is a BertTsError, and the outer result stays right', () => {
    let inner: unknown;
    const out = model.forward({ inputIds: ids }, {
      probe: (name) => {
        if (name !== 'encoder.layer.0.output' || inner !== undefined) return;
        try {
          model.forward({ inputIds: [[2, 20, 21, 22, 3]] });
          inner = 'no error';
        } catch (e) {
          inner = e;
        }
      },
    });
    expect(String((inner as Error)?.message ?? inner)).toMatch(/^forward: called from inside a probe callback while this model is still running/);
    expect(Array.from(out.lastHiddenState.data)).toEqual(Array.from(clean));
    // the model works normally afterwards
    expect(Array.from(model.forward({ inputIds: ids }).lastHiddenState.data)).toEqual(Array.from(clean));
  });

  it('with another shape too (it would free the buffers in use)', () => {
    expectError(() => model.forward({ inputIds: ids }, { probe: () => model.forward({ inputIds: [[2, 3]] }) }), 'called from inside a probe callback');
  });

  it('with its own RunState it is allowed', () => {
    let innerOut: Float32Array | undefined;
    const own = new RunState(model.config, 1, 5);
    const out = model.forward({ inputIds: ids }, {
      probe: (name) => {
        if (name === 'embeddings' && !innerOut) innerOut = model.forward({ inputIds: ids }, { state: own }).lastHiddenState.data.slice();
      },
    });
    own.dispose();
    expect(Array.from(innerOut!)).toEqual(Array.from(clean));
    expect(Array.from(out.lastHiddenState.data)).toEqual(Array.from(clean));
  });
});

describe('batchSize 0 or −1', () => {
  const nlp = loadPipeline(demo);
  const qa = loadPipeline(join(root, 'test', 'fixtures', 'golden', 'qa'));
  it('is one clear line in every pipeline that batches (and never loops forever)', () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expectError(() => nlp.fillMask(['paris is the [MASK] of france.'], { batchSize }), /^batchSize must be a whole number ≥ 1 \(the texts in one forward pass\), got /);
      expectError(() => nlp.embed(['a text'], { batchSize }), /^batchSize must be a whole number ≥ 1/);
      expectError(() => qa.answer({ question: 'who?', context: 'a b c d' }, { batchSize }), /^answer: batchSize must be a whole number ≥ 1, got /);
    }
  });
});

describe('writeSafetensors given something other than a list', () => {
  it('is a BertTsError, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bert-ts-write-'));
    try {
      const path = join(dir, 'x.safetensors');
      for (const bad of [{}, null, undefined, 'tensors', [{ name: 'a', shape: [1], data: [1] }], [null]]) {
        expectError(() => writeSafetensors(path, bad as never), /^cannot write safetensors: /);
        expect(existsSync(path)).toBe(false);
      }
      expectError(() => writeSafetensors(path, [], 'meta' as never), /^cannot write __metadata__: expected an object of strings/);
      expectError(() => serializeSafetensors({} as never), /^cannot write safetensors: expected an array/);
      writeSafetensors(path, []); // an empty file is fine
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RunState says its own size', () => {
  it('RunState.bytes is the bytes of the buffers the constructor allocates, and forwardBytes counts it', () => {
    const model = loadBertModel(demo);
    for (const [B, S] of [[1, 1], [2, 7], [3, 33]]) {
      const st = new RunState(model.config, B, S);
      const fixed = [st.ids, st.types, st.maskAdd, st.hidden, st.attnOut, st.q, st.k, st.v, st.ctx, st.tmp, st.inter, st.first];
      expect(RunState.bytes(model.config, B, S)).toBe(fixed.reduce((a, t) => a + t.byteLength, 0));
      expect(forwardBytes(model.config, B, S) - forwardBytes(model.config, B, S, { reuse: true })).toBe(RunState.bytes(model.config, B, S));
      st.dispose();
    }
  });
});

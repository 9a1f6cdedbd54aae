// examples/probe-hook.mjs runs against the library's source (bundled with
// 'bert-ts' pointing at src/index.ts), and prints what the model computes.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { loadBertModel } from '../src/bert/load.ts';
import { loadTokenizer } from '../src/tokenizer/load.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('examples/probe-hook.mjs', () => {
  it("prints each token's change per layer and its most-attended token", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bert-ts-example-'));
    try {
      const out = join(dir, 'probe-hook.mjs');
      await build({
        entryPoints: [join(ROOT, 'examples', 'probe-hook.mjs')],
        outfile: out,
        bundle: true,
        platform: 'node',
        format: 'esm',
        alias: { 'bert-ts': join(ROOT, 'src', 'index.ts') },
        logLevel: 'silent',
      });
      const text = 'the cat sat on the mat';
      const stdout = execFileSync(process.execPath, [out, join(ROOT, 'weights', 'demo'), text], { cwd: ROOT, encoding: 'utf8' });
      const model = loadBertModel(join(ROOT, 'weights', 'demo'));
      const enc = loadTokenizer(join(ROOT, 'weights', 'demo')).encode(text);
      const ref = model.forward({ inputIds: [enc.inputIds] }, { outputAttentions: true });
      const L = model.config.numHiddenLayers;
      const S = enc.inputIds.length;
      const lines = stdout.trim().split('\n').slice(-S);
      lines.forEach((line, s) => {
        expect(line.startsWith(enc.tokens[s])).toBe(true);
        const p = Array.from(ref.attentions!.at(L - 1).data.subarray(s * S, (s + 1) * S)); // head 0, query s
        const j = p.indexOf(Math.max(...p));
        expect(line).toMatch(new RegExp(`${enc.tokens[j].replace(/[[\]]/g, '\\$&')} \\(${p[j].toFixed(2)}\\)$`));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

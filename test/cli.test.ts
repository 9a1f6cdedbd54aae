// The built command line, as a user runs it: `node dist/cli.js …`.
// The bundle is built first (esbuild, no type declarations) into a temporary
// folder (test/helpers/built-cli.ts), so it matches src/ and dist/ is left alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildPackage } from './helpers/built-cli.ts';

const root = resolve(import.meta.dirname, '..');
let cli = '';

function bertTs(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  cli = join(buildPackage(), 'dist', 'cli.js');
});

describe('bert-ts CLI', () => {
  it('--help lists the commands', () => {
    const r = bertTs(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['demo', 'forward', 'tokenize', 'golden verify', 'golden record']) expect(r.stdout).toContain(`bert-ts ${c}`);
  });
  it('an unknown command or option is one clear line, no stack trace', () => {
    for (const args of [['frobnicate'], ['golden', 'verify', 'test/fixtures/golden/act-gelu', '--bogus'], ['golden', 'verify', '/no/such/case']]) {
      const r = bertTs(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^bert-ts: error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
  it('golden verify passes on a committed case', () => {
    const r = bertTs(['golden', 'verify', 'test/fixtures/golden/sharded']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/all tensors OK/);
  });
  it('a corrupt checkpoint is one clear line naming the file', () => {
    const r = bertTs(['forward', '--model', 'test/fixtures/golden', '--seq', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^bert-ts: error: .*test\/fixtures\/golden/);
  });
  it('quantize writes a folder that fill-mask and inspect read as q8, with the same answers as --dtype q8', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bert-ts-cli-quantize-')), 'en-q8');
    try {
      const q = bertTs(['quantize', 'weights/en', out, '--json']);
      expect(q.code, q.stderr).toBe(0);
      const r = JSON.parse(q.stdout);
      expect(r.quantized).toBe(4 * 6 + 1); // 4 layers of 6 matrices, and the word embeddings
      expect(r.bytesOut).toBeLessThan(r.bytesIn * 0.6);
      const a = bertTs(['fill-mask', '-m', out, 'The cat sat on the [MASK].', '--json']);
      const b = bertTs(['fill-mask', '-m', 'weights/en', '--dtype', 'q8', 'The cat sat on the [MASK].', '--json']);
      expect(a.code, a.stderr).toBe(0);
      expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
      const i = JSON.parse(bertTs(['inspect', out, '--json']).stdout);
      expect(i.tensors.find((t: { name: string }) => t.name === 'bert.encoder.layer.0.attention.self.query.weight').dtype).toBe('I8');
      const f = bertTs(['fill-mask', '-m', out, '--dtype', 'f32', 'The cat sat on the [MASK].']);
      expect(f.code).toBe(2);
      expect(f.stderr).toMatch(/^bert-ts: error: .*is int8 .*dtype 'f32'/);
      const again = bertTs(['quantize', 'weights/en', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/exists and is not an empty folder/);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
  it('forward runs a checkpoint and reports shapes and timings as JSON', () => {
    const r = bertTs(['forward', '--model', 'test/fixtures/golden/st-layout', '--seq', '8', '--batch', '2', '--repeat', '1', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.lastHiddenState).toEqual([2, 8, 32]);
    expect(out.forwardMs.median).toBeGreaterThanOrEqual(0);
  });
  it('--backend picks the kernels; both pass the golden check; a wrong name is one clear line', () => {
    for (const backend of ['js', 'wasm']) {
      const f = bertTs(['forward', '--model', 'test/fixtures/golden/st-layout', '--seq', '8', '--repeat', '1', '--threads', '2', '--backend', backend, '--json']);
      expect(f.code).toBe(0);
      expect(JSON.parse(f.stdout)).toMatchObject({ backend, threads: 2, lastHiddenState: [1, 8, 32] });
      const g = bertTs(['golden', 'verify', 'test/fixtures/golden/act-gelu', '--backend', backend]);
      expect(g.stdout).toMatch(backend === 'js' ? /^js kernels$/m : /^wasm (relaxed-SIMD|SIMD128) kernels$/m);
      expect(g.code).toBe(0);
    }
    const auto = bertTs(['forward', '--model', 'test/fixtures/golden/st-layout', '--seq', '8', '--repeat', '1', '--json']);
    expect(JSON.parse(auto.stdout).backend).toBe('wasm'); // Node 20 has WebAssembly SIMD
    const bad = bertTs(['demo', '--backend', 'gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("bert-ts: error: demo: --backend must be js, wasm or auto, got 'gpu'\n");
  });
  it('npm start job: the demo runs the trained models in weights/ and golden-checks them', () => {
    const r = bertTs(['demo']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const step of ['1. Tokens', '2. Fill-mask', '3. Next sentence', '4. Attention', '5. Text classification', '6. Sentence embeddings', '7. Golden check', '8. Chinese']) {
      expect(r.stdout).toContain(step);
    }
    expect(r.stdout).toMatch(/all tensors OK/);
    expect(r.stdout).toMatch(/今天天气真好/);
    expect(r.stdout).not.toMatch(/NOT OK/);
  });
  it('demo --json: the same steps as data', () => {
    const r = bertTs(['demo', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.english.fillMask[0].top).toHaveLength(5);
    expect(out.english.nextSentence[0].isNext).toBeGreaterThan(out.english.nextSentence[1].isNext);
    expect(out.classifier.results[0].labels[0]).toHaveProperty('label');
    // the sentence model (weights/en-embed) puts the napping kitten nearest to "a sleeping cat"
    expect(out.sentences.ranked[0].text).toBe('A kitten is napping in the sun.');
    expect(out.sentences.golden.ok).toBe(true);
    expect(out.chinese.tokens).toEqual(['[CLS]', '今', '天', '天', '气', '真', '好', '[SEP]']);
  });
  it('output piped into head ends quietly (EPIPE): no stack trace, exit 0', () => {
    // 2,000 lines of --jsonl results, far more than a pipe holds, read one line of
    const input = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ text: `w1 w${i % 50} w3` })).join('\n') + '\n';
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" tokenize -m test/fixtures/golden/masked-lm --jsonl | head -n 1; echo "status ${PIPESTATUS[0]}" >&2', process.execPath, cli], { cwd: root, encoding: 'utf8', input, timeout: 60_000 });
    expect(r.stdout.split('\n')).toHaveLength(2); // one line, and the end
    expect(r.stderr).toBe('status 0\n');
  });
});

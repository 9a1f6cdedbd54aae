// The CLI's kernel choices, as a user runs them: --simd and BERT_TS_SIMD pick
// the wasm kernel module, --dtype q8 the int8 path, and inspect and the demo
// say which runs.
import '../src/runtime/node-relaxed-simd.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { relaxedSimdSupported } from '../src/wasm/kernels.ts';
import { buildPackage } from './helpers/built-cli.ts';

const root = resolve(import.meta.dirname, '..');
let cli = '';

function bertTs(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  cli = join(buildPackage(), 'dist', 'cli.js');
});

describe('kernel variant and dtype on the CLI', () => {
  it('inspect names the kernels that run; BERT_TS_SIMD and --simd force the variant', () => {
    const auto = bertTs(['inspect', 'weights/demo']);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toMatch(relaxedSimdSupported() ? /kernels +wasm relaxed-SIMD/ : /kernels +wasm SIMD128/);
    expect(bertTs(['inspect', 'weights/demo'], { BERT_TS_SIMD: 'simd128' }).stdout).toMatch(/kernels +wasm SIMD128/);
    const bad = bertTs(['inspect', 'weights/demo'], { BERT_TS_SIMD: 'avx' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/BERT_TS_SIMD=avx is not a kernel variant/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
  it('--dtype q8 runs the int8 path and agrees with f32 on the top answer; a wrong value is a usage error', () => {
    const args = ['fill-mask', '-m', 'weights/en', '--json', 'The cat sat on the [MASK].'];
    const f32 = JSON.parse(bertTs(args).stdout), q8 = JSON.parse(bertTs([...args, '--dtype', 'q8', '--simd', 'simd128']).stdout);
    const top = (r: { score: number }[] | { score: number }[][]) => (Array.isArray(r[0]) ? (r as { score: number }[][])[0] : (r as { score: number }[]))[0];
    expect(Object.values(top(q8))).not.toEqual([]);
    expect(JSON.stringify(top(q8)).replace(/"score":[^,}]+/, '')).toBe(JSON.stringify(top(f32)).replace(/"score":[^,}]+/, ''));
    expect(Math.abs(top(q8).score - top(f32).score)).toBeLessThan(0.05);
    const bad = bertTs([...args, '--dtype', 'int4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dtype must be f32 or q8/);
  });
  it('the demo says which kernels and dtype run, and skips the golden check under q8', () => {
    const r = bertTs(['demo', '--dtype', 'q8', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dtype).toBe('q8');
    expect(out.kernels).toMatch(/^wasm (relaxed-SIMD|SIMD128)$/);
    expect(out.english.golden).toBeUndefined();
  });
});

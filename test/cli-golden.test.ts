// bert-ts golden verify / record, run in-process with captured output.
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../src/cli/run.ts';
import { Readable } from 'node:stream';
import { readSafetensors, writeSafetensors } from '../src/tensor/safetensors-fs.ts';
import { BertTsError } from '../src/errors.ts';

const CASE = resolve(import.meta.dirname, 'fixtures', 'golden', 'padding-batch');

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(['golden', ...args], { stdin: Readable.from(['']), stdout: { write: (s: string) => (out += s) }, stderr: process.stderr });
  return { code, out: out.replace(/\n$/, '') };
}

const tmp: string[] = [];
afterEach(() => tmp.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function copyCase(): string {
  const d = mkdtempSync(join(tmpdir(), 'bert-ts-golden-'));
  tmp.push(d);
  cpSync(CASE, d, { recursive: true });
  return d;
}

describe('golden verify', () => {
  it('prints each tensor with its errors and OK, and exits 0', async () => {
    const { code, out } = await run(['verify', CASE]);
    expect(code).toBe(0);
    for (const name of ['embeddings', 'hidden_states', 'attentions', 'last_hidden_state', 'pooler_output', 'mlm_logits', 'nsp_logits']) {
      expect(out).toMatch(new RegExp(`${name}\\s+\\[[\\d, ]+\\]\\s+max abs err \\S+\\s+max rel err \\S+\\s+OK`));
    }
    expect(out).toMatch(/all tensors OK/);
  });
  it('--json prints one object with the same facts', async () => {
    const { code, out } = await run(['verify', CASE, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.ok).toBe(true);
    expect(report.tensors.length).toBe(7);
    for (const t of report.tensors) expect(t).toMatchObject({ ok: true, maxAbs: expect.any(Number), maxRel: expect.any(Number) });
  });
  it('fails (exit 1, NOT OK) when a reference value is changed at a real position', async () => {
    const dir = copyCase();
    const golden = readSafetensors(join(dir, 'golden.safetensors'));
    const tensors = golden.names().map((name) => ({ name, shape: golden.info(name)!.shape, data: golden.float32(name).slice() }));
    tensors.find((t) => t.name === 'last_hidden_state')!.data[5] += 0.01;
    writeSafetensors(join(dir, 'golden.safetensors'), tensors);
    const { code, out } = await run(['verify', dir, '--rtol', '1e-4']);
    expect(code).toBe(1);
    expect(out).toMatch(/last_hidden_state .* NOT OK/);
    expect(out).toMatch(/embeddings .* OK/);
  });
  it('ignores padded positions', async () => {
    const dir = copyCase();
    const golden = readSafetensors(join(dir, 'golden.safetensors'));
    const inputs = JSON.parse(
      (await import('node:fs')).readFileSync(join(dir, 'inputs.json'), 'utf8'),
    ) as { attention_mask: number[][] };
    const b = inputs.attention_mask.findIndex((row) => row.includes(0));
    const s = inputs.attention_mask[b].indexOf(0);
    const S = inputs.attention_mask[0].length;
    const tensors = golden.names().map((name) => ({ name, shape: golden.info(name)!.shape, data: golden.float32(name).slice() }));
    const lhs = tensors.find((t) => t.name === 'last_hidden_state')!;
    const H = lhs.shape[2];
    lhs.data[(b * S + s) * H] = 1e6; // garbage at a padded position
    writeSafetensors(join(dir, 'golden.safetensors'), tensors);
    expect((await run(['verify', dir])).code).toBe(0);
  });
  it('refuses bad arguments with one clear error', async () => {
    await expect(run(['verify'])).rejects.toThrow(BertTsError);
    await expect(run(['verify', CASE, '--rtol', 'x'])).rejects.toThrow(/--rtol must be a non-negative number/);
    await expect(run(['verify', CASE, '--bogus'])).rejects.toThrow(/unknown option '--bogus'/);
    await expect(run(['verify', '/nonexistent/case'])).rejects.toThrow(BertTsError);
  });
});

describe('golden record', () => {
  it('writes every part the checkpoint has, in the golden format, and verify passes on it exactly', async () => {
    const dir = copyCase();
    const out = join(dir, 'golden.safetensors');
    rmSync(out);
    const { code } = await run(['record', '--model', dir, '--inputs', join(dir, 'inputs.json'), '--out', out]);
    expect(code).toBe(0);
    const recorded = readSafetensors(out);
    const reference = readSafetensors(join(CASE, 'golden.safetensors'));
    expect(recorded.names().sort()).toEqual(reference.names().sort());
    for (const n of reference.names()) {
      expect(recorded.info(n)!.dtype).toBe('F32');
      expect(recorded.info(n)!.shape).toEqual(reference.info(n)!.shape);
    }
    const { code: vcode, out: vout } = await run(['verify', dir, '--json']);
    expect(vcode).toBe(0);
    for (const t of JSON.parse(vout).tensors) expect(t.maxAbs).toBe(0);
  });
  it('requires its options', async () => {
    await expect(run(['record', '--model', CASE])).rejects.toThrow(/--inputs is required/);
  });
  it('reports a bad inputs.json clearly', async () => {
    const dir = copyCase();
    writeFileSync(join(dir, 'bad.json'), '{"input_ids": [[1, 2], "x"]}');
    await expect(run(['record', '--model', dir, '--inputs', join(dir, 'bad.json'), '--out', join(dir, 'o.safetensors')])).rejects.toThrow(/'input_ids' must be a non-empty \[batch\]\[seq\] array of integers/);
  });
});

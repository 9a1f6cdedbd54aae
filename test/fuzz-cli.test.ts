// Fuzz the command line in-process (runCli: what `bert-ts …` runs, minus the
// process): random commands, options and values, including hostile paths (a
// FIFO, a symlink loop, a folder, /dev/full). Every run must exit 0, 1 or 2,
// never 70 (a bug's stack trace), and print no stack.
// Not fuzzed: `tokenize --jsonl` (it reads stdin) and --threads > 1 (worker start-up).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../src/cli/main.ts';
import { setBackend } from '../src/runtime/backend.ts';
import { MAX_MESSAGE, Rng, SEED, count, report, stats, trialAsync } from './fuzz/harness.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');
const tmp = mkdtempSync(join(tmpdir(), 'bert-ts-fuzz-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fifo = join(tmp, 'fifo');
let haveFifo = true;
try {
  execFileSync('mkfifo', [fifo]);
} catch {
  haveFifo = false;
}
symlinkSync(join(tmp, 'loop-b'), join(tmp, 'loop-a'));
symlinkSync(join(tmp, 'loop-a'), join(tmp, 'loop-b'));
mkdirSync(join(tmp, 'empty'));
writeFileSync(join(tmp, 'bad.json'), '{"input_ids": [[1, 2], [3]]}');

const PATHS = [
  join(FIX, 'masked-lm'), join(FIX, 'padding-batch'), join(FIX, 'sharded'), join(FIX, 'seq1-batch1'), FIX,
  join(FIX, 'masked-lm', 'inputs.json'), join(FIX, 'masked-lm', 'config.json'), join(tmp, 'loop-a'), join(tmp, 'empty'),
  join(tmp, 'bad.json'), join(tmp, 'nope'), '', '.', '/', ...(haveFifo ? [fifo] : []),
];
const OUTS = [join(tmp, 'out.safetensors'), '/dev/full', join(tmp, 'empty'), join(tmp, 'loop-a'), join(tmp, 'no', 'such', 'dir.st'), ...(haveFifo ? [fifo] : [])];
const NUMBERS = ['1', '2', '0', '-1', '1e9', '1.5', 'abc', 'NaN', '', '4', '65', '1e-4', 'Infinity'];
const COMMANDS: Record<string, { options: Record<string, () => string>; flags: string[]; positionals?: () => string[] }> = {};

function table(rng: Rng): typeof COMMANDS {
  const path = () => rng.pick(PATHS);
  const num = () => (rng.chance(0.02) ? '9'.repeat(50_000) : rng.pick(NUMBERS));
  const text = () => rng.text(20);
  const backend = () => rng.pick(['js', 'wasm', 'auto', 'gpu', '']);
  return {
    forward: { options: { model: path, text, pair: text, batch: num, seq: num, threads: () => rng.pick(['1', '0', '-1', 'abc', '1e9', '65', '1.5']), backend, repeat: () => rng.pick(['1', '0', '2', '1e9', 'x']) }, flags: ['json', 'help'] },
    tokenize: { options: { model: path, pair: text, 'max-length': num }, flags: ['json', 'help'], positionals: () => [text()] },
    'golden verify': { options: { atol: num, rtol: num, backend }, flags: ['json', 'help', 'allow-missing', 'allow-empty'], positionals: () => [path()] },
    'golden record': { options: { model: path, inputs: path, out: () => rng.pick(OUTS), backend }, flags: ['help'] },
    golden: { options: {}, flags: ['help'], positionals: () => [rng.pick(['', 'x', 'verify', 'record', 'constructor'])] },
    demo: { options: { model: path, backend }, flags: ['help'] },
    '--help': { options: {}, flags: [] },
    '--version': { options: {}, flags: [] },
    constructor: { options: {}, flags: [] },
    __proto__x: { options: {}, flags: [] },
  };
}

function argv(rng: Rng): string[] {
  const t = table(rng);
  const names = Object.keys(t).filter((n) => n !== 'demo' || rng.chance(0.05));
  const name = rng.pick(names);
  const spec = t[name];
  const args = name === '__proto__x' ? ['__proto__'] : name.split(' ');
  for (const p of spec.positionals?.() ?? []) if (rng.chance(0.8)) args.push(p);
  const options = Object.keys(spec.options);
  for (let k = rng.int(5); k > 0; k--) {
    const r = rng.int(12);
    if (r < 8 && options.length > 0) {
      const o = rng.pick(options);
      if (rng.chance(0.2)) args.push(`--${o}=${spec.options[o]()}`);
      else args.push(`--${o}`, ...(rng.chance(0.95) ? [spec.options[o]()] : []));
    } else if (r < 10 && spec.flags.length > 0) args.push(`--${rng.pick(spec.flags)}`);
    else args.push(rng.pick(['--', '-h', '--bogus', '-x', '--model', 'extra', '--json=1', '---', rng.text(5), `--${'y'.repeat(100_000)}`, 'z'.repeat(100_000)]));
  }
  // a model is what most runs need: give one usually
  if ((name === 'forward' || name === 'tokenize' || name === 'golden record') && !args.includes('--model') && rng.chance(0.7)) args.push('--model', join(FIX, 'masked-lm'));
  if (name === 'forward' && !args.some((a) => a.startsWith('--repeat'))) args.push('--repeat', '1');
  return args;
}

describe('fuzz: CLI arguments', () => {
  it(`runCli exits 0, 1 or 2 with no stack trace (seed ${SEED})`, async () => {
    const s = stats('CLI arguments');
    const rng = new Rng(SEED + 7);
    const codes = new Map<number, number>();
    const lines: string[] = [];
    const capture = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
    const spies = [vi.spyOn(console, 'log').mockImplementation(capture), vi.spyOn(console, 'error').mockImplementation(capture), vi.spyOn(process.stdout, 'write').mockImplementation(() => true)];
    try {
      for (let i = 0; i < count(500); i++) {
        const args = argv(rng);
        lines.length = 0;
        await trialAsync(s, () => `bert-ts ${args.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
          const code = await runCli(args);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (![0, 1, 2].includes(code)) throw new Error(`exit status ${code}: ${lines.join(' | ').slice(0, 300)}`);
          const out = lines.join('\n');
          if (/\n\s+at \S+ \(/.test(out)) throw new Error(`a stack trace was printed: ${out.slice(0, 300)}`);
          for (const line of lines) if (line.startsWith('bert-ts: error:') && line.length > MAX_MESSAGE + 40) throw new Error(`an error line of ${line.length} chars: ${line.slice(0, 200)}`);
        }, 20_000);
      }
    } finally {
      spies.forEach((sp) => sp.mockRestore());
      setBackend('auto');
    }
    report(s, `, exit statuses ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(codes.get(70) ?? 0).toBe(0);
  });
});

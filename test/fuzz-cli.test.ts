// Fuzz the command line in-process (runToExit: what `bert-ts …` runs, minus the
// process): random commands, options and values, including hostile paths (a
// FIFO, a symlink loop, a folder, /dev/full). Every run must exit 0, 1 or 2,
// never 70 (a bug's stack trace), and print no stack.
// stdin is empty (so --jsonl ends at once); --threads > 1 is not fuzzed (worker start-up).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { runToExit } from '../src/cli/run.ts';
import { COMMANDS } from '../src/cli/commands/index.ts';
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

/**
 * Arguments for any command of the table (so new commands are fuzzed as they
 * land): its own options with values chosen by the option's name, its flags,
 * positionals, and noise.
 */
function argv(rng: Rng): string[] {
  const path = () => rng.pick(PATHS);
  const num = () => (rng.chance(0.02) ? '9'.repeat(50_000) : rng.pick(NUMBERS));
  const text = () => (rng.chance(0.3) ? rng.pick(['[MASK]', 'hello [MASK] world', 'a', '']) : rng.text(20));
  const valueFor = (name: string): string => {
    if (name === 'model' || name === 'inputs') return rng.chance(0.9) ? join(FIX, 'masked-lm', name === 'inputs' ? 'inputs.json' : '') : path();
    if (name === 'out') return rng.pick(OUTS);
    if (name === 'backend') return rng.pick(['js', 'wasm', 'auto', 'gpu', '']);
    if (name === 'threads') return rng.pick(['1', '0', '-1', 'abc', '1e9', '65', '1.5']); // no real worker start-ups
    if (name === 'repeat') return rng.pick(['1', '0', '2', '1e9', 'x']);
    if (name === 'architecture') return rng.pick(['BertModel', 'BertForMaskedLM', 'BertForSequenceClassification', 'constructor', 'x']);
    if (name === 'output') return rng.pick(['last_hidden_state', 'constructor', 'toString', 'pooler_output,x', '']);
    if (name === 'top-k' || name === 'max-length' || name === 'stride' || name === 'batch' || name === 'seq') return rng.chance(0.7) ? rng.pick(['1', '2', '4', '16']) : num();
    return rng.chance(0.5) ? num() : text();
  };
  const commands = COMMANDS.filter((c) => c.name !== 'demo' || rng.chance(0.05));
  const k = rng.int(20);
  if (k === 0) return [rng.pick(['--help', '--version', 'constructor', '__proto__', 'toString', 'golden', 'help', '', 'x'.repeat(100_000)])];
  if (k === 1) return ['golden', rng.pick(['', 'x', 'constructor', '--help'])];
  const command = rng.pick(commands);
  const args = command.name.split(' ');
  if (command.name === 'golden verify') args.push(rng.chance(0.7) ? join(FIX, rng.pick(['masked-lm', 'nsp-only', 'seq1-batch1'])) : path());
  else if (command.args !== '' || rng.chance(0.1)) for (let n = rng.chance(0.8) ? 1 : rng.int(3); n > 0; n--) args.push(text());
  const options = Object.entries(command.options);
  for (let n = rng.int(4); n > 0; n--) {
    const r = rng.int(20);
    if (r < 19 && options.length > 0) {
      const [name, spec] = rng.pick(options);
      if (spec.type === 'boolean') args.push(rng.chance(0.95) ? `--${name}` : `--${name}=1`);
      else if (rng.chance(0.2)) args.push(`--${name}=${valueFor(name)}`);
      else args.push(`--${name}`, ...(rng.chance(0.95) ? [valueFor(name)] : []));
    } else args.push(rng.pick(['--', '-h', '--bogus', '-x', '--model', 'extra', '--json=1', '---', rng.text(5), `--${'y'.repeat(100_000)}`, 'z'.repeat(100_000)]));
  }
  // a model is what most runs need: give one usually
  if (Object.hasOwn(command.options, 'model') && !args.includes('--model') && rng.chance(0.8)) args.push('--model', join(FIX, rng.pick(['masked-lm', 'nsp-only', 'padding-batch'])));
  if (command.name === 'forward' && !args.some((a) => a.startsWith('--repeat'))) args.push('--repeat', '1');
  return args;
}

describe('fuzz: CLI arguments', () => {
  it(`runToExit exits 0, 1 or 2 with no stack trace (seed ${SEED})`, async () => {
    const s = stats('CLI arguments');
    const rng = new Rng(SEED + 7);
    const codes = new Map<number, number>();
    const lines: string[] = [];
    const capture = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
    const spies = [vi.spyOn(console, 'log').mockImplementation(capture), vi.spyOn(console, 'error').mockImplementation(capture), vi.spyOn(console, 'warn').mockImplementation(capture)];
    const io = { stdin: Readable.from([]), stdout: { write: (x: string) => void lines.push(x) }, stderr: { write: (x: string) => void lines.push(...x.split('\n').filter((l) => l !== '')) } };
    try {
      for (let i = 0; i < count(500); i++) {
        const args = argv(rng);
        lines.length = 0;
        await trialAsync(s, () => `bert-ts ${args.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
          io.stdin = Readable.from([]);
          const code = await runToExit(args, io);
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

// Every example in examples/ runs, on the test fixtures (the models in weights/
// and real checkpoints when a user passes their folder), and prints something
// a person can read. The examples import 'bert-ts'; vitest maps it to src/.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const FIX = join(root, 'test', 'fixtures', 'golden');

async function run(name: string, argv: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    const mod = await import(join(root, 'examples', name));
    await mod.main(argv);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

/** st-layout's weights with a vocabulary that has the five characters of 今天天气真好. */
function chineseFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bert-ts-zh-'));
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(FIX, 'st-layout', f), join(dir, f));
  const vocab = readFileSync(join(FIX, 'st-layout', 'vocab.txt'), 'utf8').split('\n');
  ['今', '天', '气', '真', '好'].forEach((c, i) => (vocab[10 + i] = c));
  writeFileSync(join(dir, 'vocab.txt'), vocab.join('\n'));
  return dir;
}

afterEach(() => vi.restoreAllMocks());

const CASES: Record<string, () => { argv: string[]; expect: RegExp }> = {
  'fill-mask.mjs': () => ({ argv: [join(FIX, 'masked-lm'), 'w1 [MASK] w2'], expect: /^w1 \[MASK\] w2\n(  0\.\d{3}  \S+ +w1 \S+ w2\n?){5}$/ }),
  'classification.mjs': () => ({ argv: [join(FIX, 'seqcls-multi')], expect: /labels: sports, politics, science, arts[\s\S]*(sports|politics|science|arts) 0\.\d{3}/ }),
  'question-answering.mjs': () => ({ argv: [join(FIX, 'qa'), 'w1?', 'w2 w3 w4 w5'], expect: /Q: w1\?\ncontext: w2 w3 w4 w5\n {2}0\.\d{3}  "w[\s\S]*characters \d+–\d+/ }),
  'semantic-search.mjs': () => ({ argv: [join(FIX, 'st-layout')], expect: /query: a sleeping cat\n( {2}-?[01]\.\d{3}  .+\n?){5}$/ }),
  'semantic-search-corpus.mjs': () => ({ argv: [join(FIX, 'st-layout')], expect: /^4 texts embedded; query: a sleeping cat\n( {2}-?[01]\.\d{3}  doc\d  .+\n?){3}$/ }),
  'probe-hook.mjs': () => ({ argv: [join(FIX, 'masked-lm'), 'w1 w2 w3'], expect: /how much each token's vector changes[\s\S]*\[CLS\] +[\d.]+ +[\d.]+ +\S+ \(0\.\d\d\)/ }),
  'chinese-tokens.mjs': () => ({ argv: [join(FIX, 'st-layout'), chineseFixture()], expect: /tokens: \[CLS\] \[UNK\] \[UNK\] \[UNK\] \[UNK\] \[UNK\] \[UNK\] \[SEP\] {3}\(6 unknown[\s\S]*tokens: \[CLS\] 今 天 天 气 真 好 \[SEP\]\n {2}last_hidden_state: Tensor \[1, 8, 32\]/ }),
};

describe('examples/', () => {
  it('every example has a case here', () => {
    const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs');
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const [name, make] of Object.entries(CASES)) {
    it(`${name} runs and prints a readable result`, async () => {
      const c = make();
      expect(await run(name, c.argv)).toMatch(c.expect);
    });
  }
  // as shipped: no arguments, the default models in weights/ (what a user runs first)
  const SHIPPED: Record<string, RegExp> = {
    'fill-mask.mjs': /\[MASK\][\s\S]*(  0\.\d{3}  \S+ +.+\n?){5}$/,
    'classification.mjs': /^labels: computers, science, politics, law, food, sports, education, love\n/,
    'question-answering.mjs': /^Q: Where does Wolfgang live\?\ncontext: .*\n {2}0\.\d{3}  "Berlin"  \(characters \d+–\d+\)/,
    'semantic-search.mjs': /^query: [\s\S]*( {2}-?[01]\.\d{3}  .+\n?){5}$/,
    'probe-hook.mjs': /how much each token's vector changes/,
    'chinese-tokens.mjs': /tokens: \[CLS\] 今 天 天 气 真 好 \[SEP\]/,
    'semantic-search-corpus.mjs': /^4 texts embedded; query: a sleeping cat\n( {2}-?[01]\.\d{3}  doc\d  .+\n?){3}$/,
  };
  it('every example has a case as shipped', () => {
    expect(Object.keys(SHIPPED).sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const [name, pattern] of Object.entries(SHIPPED)) {
    it(`${name} runs as shipped, on the default models in weights/`, async () => {
      const cwd = process.cwd();
      process.chdir(root); // the defaults are relative to the checkout, as in README's instructions
      try {
        expect(await run(name, [])).toMatch(pattern);
      } finally {
        process.chdir(cwd);
      }
    });
  }
  it('a missing default model folder is one clear message', async () => {
    await expect(run('fill-mask.mjs', ['/no/such/model'])).rejects.toThrow(/\/no\/such\/model not found: pass a masked-LM model/);
  });
});

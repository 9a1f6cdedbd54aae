// README.md and docs/walkthrough/ stay true: every block that claims an output
// (a `$ bert-ts …` line and what follows it, a block marked output-of, a js block
// marked run) is run against the package built into a temporary folder, and its
// output compared (numbers within 2 units of their last printed digit or 1e-4
// relative: tools/readme-blocks.mjs). A block that must not run is marked
// <!-- block: not-run (why) -->. After a change that moves the outputs
// (retrained weights/), `node tools/readme-commands.mjs --update` rewrites them.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOCS, checkClaim, claims, fencedBlocks, lineMatches, matchLines, refreshed, shellWords } from '../tools/readme-blocks.mjs';
import { buildPackage } from './helpers/built-cli.ts';

const root = resolve(import.meta.dirname, '..');
let pkg = '';
beforeAll(() => {
  pkg = buildPackage();
});

describe('the comparison', () => {
  it('numbers agree to 2 units of their last printed digit (or 1e-4 relative); words exactly; spaces collapsed', () => {
    expect(lineMatches('  in   0.815 ███', 'in 0.816 ███')).toBe(true);
    expect(lineMatches('in 0.815', 'in 0.818')).toBe(false);
    expect(lineMatches('in 0.815', 'on 0.815')).toBe(false);
    expect(lineMatches('0.3047723759372475', '0.30477237')).toBe(true); // float32 noise in a long print
    expect(lineMatches('max abs err 1.79e-6', 'max abs err 1.80e-6')).toBe(true);
    expect(lineMatches('max abs err 1.79e-6', 'max abs err 1.79e-5')).toBe(false);
    expect(lineMatches('[1.19,-0.63,…', '[1.19,-0.63,0.5,0.7]')).toBe(true);
    expect(lineMatches('[1.19,-0.63,…', '[1.19,-0.73,0.5]')).toBe(false);
  });
  it('a … line stands for any lines; the rest must match in order, to the end', () => {
    expect(matchLines(['a', '…', 'd'], ['a', 'b', 'c', 'd']).ok).toBe(true);
    expect(matchLines(['…', 'c', '…'], ['a', 'b', 'c', 'd']).ok).toBe(true);
    expect(matchLines(['a', 'b'], ['a', 'b', 'c']).ok).toBe(false); // the output goes on
    expect(matchLines(['a', 'c'], ['a', 'b', 'c']).ok).toBe(false);
    expect(matchLines(['a', 'b', ''], ['a', 'b', '', '']).ok).toBe(true);
  });
  it('refresh: a whole block becomes the output; an excerpt keeps its shape, found by its first line\'s words', () => {
    expect(refreshed(['x 1'], 'x 2\ny 3\n')).toEqual(['x 2', 'y 3']);
    expect(refreshed(['…', '8. HEAD', '  1 cat 0.1', '…'], 'a\n9. HEAD\n  1 dog 0.3\n  2 cat 0.2\n')).toEqual(['…', '9. HEAD', '  1 dog 0.3', '…']);
    expect(refreshed(['…', 'GONE', '…'], 'a\nb\n')).toBeUndefined();
  });
  it('blocks, markers and commands are read as written', () => {
    const md = '<!-- block: not-run (needs the network) -->\n```js\nconsole.log(1);\n```\n\n```\n$ bert-ts tokenize -m "a b" \'c d\' x\nout\n$ npm start\n```\n';
    expect(fencedBlocks(md).map((b) => b.marker?.kind)).toEqual(['not-run', undefined]);
    expect(claims('x.md', md).map((c) => [c.command, c.expected])).toEqual([['bert-ts tokenize -m "a b" \'c d\' x', ['out']], ['npm start', []]]);
    expect(shellWords('bert-ts tokenize -m "a b" \'c d\' x"y"')).toEqual(['bert-ts', 'tokenize', '-m', 'a b', 'c d', 'xy']);
    expect(() => shellWords('bert-ts x | head')).toThrow(/pipes/);
    expect(() => claims('x.md', '```js\nconsole.log(2);\n```\n')).toThrow(/mark it/);
    expect(() => claims('x.md', '<!-- block: not-run -->\n```\n$ x\n```\n')).toThrow(/reason/);
  });
});

describe('README.md and docs/walkthrough/: every block that claims an output', () => {
  for (const file of DOCS) {
    const list = claims(file, readFileSync(join(root, file), 'utf8'));
    for (const c of list) {
      it(`${c.where}: ${c.command ?? 'js block'}`, () => {
        expect(checkClaim(c, { root, pkg })).toBeUndefined();
      });
    }
  }
  it('README has the blocks this test runs: npm start, the CLI session, the library', () => {
    const all = claims('README.md', readFileSync(join(root, 'README.md'), 'utf8'));
    expect(all.some((c) => c.command === 'npm start')).toBe(true);
    expect(all.filter((c) => c.command?.startsWith('bert-ts ')).length).toBeGreaterThan(10);
    expect(all.some((c) => c.kind === 'js')).toBe(true);
  });
});

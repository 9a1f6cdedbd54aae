// Every relative link in README.md and docs/ resolves inside the repository,
// #anchors included.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkLink, headingIds, linksOf } from './helpers/markdown-links.ts';

const ROOT = resolve(import.meta.dirname, '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? markdownFiles(p) : name.endsWith('.md') ? [p] : [];
  });
}

describe('documentation links', () => {
  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

  it('resolve in README.md and docs/', () => {
    expect(files.length).toBeGreaterThan(5);
    const links = files.flatMap((f) => linksOf(f, readFileSync(f, 'utf8')));
    expect(links.length).toBeGreaterThan(50);
    const broken = links.map((l) => checkLink(ROOT, l)).filter((p) => p !== null);
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('the checker finds broken files and anchors, and ignores code', () => {
    const doc = join(ROOT, 'docs', 'walkthrough', 'x.md');
    const md = [
      '# A title, with `code` & punctuation!',
      '## Same',
      '## Same',
      '[ok](README.md) [ok](#same-1) [ok](#a-title-with-code--punctuation) [ext](https://example.org/x) [no](#same-2)',
      '[gone](nowhere.md) [bad anchor](README.md#no-such-heading) ![img](missing.svg)',
      '[up](../../../outside.md) [dir](../../src/)',
      '`[not a link](nowhere.md)`',
      '```',
      '[not a link either](nowhere.md)',
      '```',
      '[ref]: also-missing.md',
      '<img src="missing.png">',
    ].join('\n');
    const problems = linksOf(doc, md).map((l) => checkLink(ROOT, l, new Map([[doc, md]]))).filter((p) => p !== null);
    expect(problems).toEqual([
      'docs/walkthrough/x.md:4: #same-2: no heading #same-2 in docs/walkthrough/x.md',
      'docs/walkthrough/x.md:5: nowhere.md: no such file',
      'docs/walkthrough/x.md:5: README.md#no-such-heading: no heading #no-such-heading in docs/walkthrough/README.md',
      'docs/walkthrough/x.md:5: missing.svg: no such file',
      'docs/walkthrough/x.md:6: ../../../outside.md: points outside the repository',
      'docs/walkthrough/x.md:11: also-missing.md: no such file',
      'docs/walkthrough/x.md:12: missing.png: no such file',
    ]);
    expect(headingIds(md)).toEqual(new Set(['a-title-with-code--punctuation', 'same', 'same-1']));
  });
});

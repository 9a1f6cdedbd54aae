// Finds the links of Markdown files and checks that each relative one resolves
// inside the repository: the file (or folder) exists, and a #anchor names a
// heading of the target file (GitHub's heading ids).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

export interface Link {
  file: string;
  line: number;
  target: string;
}

/** The text outside fenced code blocks and inline code, line by line (code replaced by spaces). */
function prose(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const m = /^\s*(```+|~~~+)/.exec(line);
    if (m) {
      if (fence === null) fence = m[1][0];
      else if (m[1][0] === fence) fence = null;
      return '';
    }
    return fence !== null ? '' : line.replace(/(`+)[^`]*?\1/g, (c) => ' '.repeat(c.length));
  });
}

export function linksOf(file: string, markdown: string): Link[] {
  const out: Link[] = [];
  prose(markdown).forEach((text, i) => {
    // [text](target "title") and ![alt](target); the text may hold `code` or nested brackets
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ file, line: i + 1, target: m[1] });
    // [label]: target
    const ref = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(text);
    if (ref) out.push({ file, line: i + 1, target: ref[1] });
    // <img src="…">, <a href="…">
    for (const m of text.matchAll(/<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)"/g)) out.push({ file, line: i + 1, target: m[1] });
  });
  return out;
}

/** GitHub's ids for the headings of a Markdown text, duplicates numbered -1, -2, … */
export function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(markdown.replace(/`([^`]*)`/g, '$1'))) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/**
 * The problems of one link, or null when it resolves. External links (scheme:)
 * are not checked. `texts` gives the contents of files not (yet) on disk.
 */
export function checkLink(root: string, link: Link, texts: ReadonlyMap<string, string> = new Map()): string | null {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null;
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const where = `${relative(root, link.file)}:${link.line}: ${target}`;
  const file = path === '' ? link.file : resolve(dirname(link.file), decodeURIComponent(path));
  if (path.startsWith('/')) return `${where}: absolute path (use a relative link)`;
  const rel = relative(root, file);
  if (rel.startsWith('..')) return `${where}: points outside the repository`;
  const text = texts.get(file);
  if (text === undefined && !existsSync(file)) return `${where}: no such file`;
  if (anchor !== undefined) {
    if (!file.endsWith('.md') || (text === undefined && statSync(file).isDirectory())) return `${where}: an anchor into a file that is not Markdown`;
    if (!headingIds(text ?? readFileSync(file, 'utf8')).has(anchor)) return `${where}: no heading #${anchor} in ${rel}`;
  }
  return null;
}

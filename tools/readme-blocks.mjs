// The blocks of README.md and docs/walkthrough/*.md that claim an output, run
// and compared (test/readme-blocks.test.ts), or rewritten with what the code
// prints now (tools/readme-commands.mjs --update).
//
// Which blocks claim an output:
// - a block whose lines start with `$ ` : each `$ bert-ts …` (or `$ npm start`)
//   line is a command, the lines after it (up to the next `$ `) its stdout;
// - a block after `<!-- block: output-of bert-ts ARGS -->` : all of it is the
//   stdout of that command;
// - a ```js block after `<!-- block: run -->` : it runs (as a module inside the
//   built package, so `import … from 'bert-ts'` works) and must exit 0 with
//   nothing on stderr; a `console.log(…);  // → TEXT` line claims that TEXT is
//   what it prints.
// A block that has `$ ` lines or console.log but must not run (it needs the
// network, a model that is not shipped, a browser) is marked
// `<!-- block: not-run (why) -->`. Any other block (formulas, file layouts,
// plain commands without output) claims nothing.
//
// Comparing: line by line, with runs of spaces collapsed and trailing spaces
// dropped. A line that is only `…` stands for any number of lines (an excerpt);
// a line ending in `…` matches any line that starts like it. Numbers agree when
// |a − b| ≤ max(2 units of the expected number's last printed digit, 1e-4·|b|):
// the engine's results differ across kernels and machines in the last float32
// bits, never more.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

export const DOCS = ['README.md', ...readdirSync(new URL('../docs/walkthrough/', import.meta.url)).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/walkthrough/${f}`)];

const MARKER = /^<!-- block: (run|not-run|output-of)\b ?(.*?) ?-->$/;

/** Every fenced block of a markdown text: its lines, where it is, and the marker above it. */
export function fencedBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    // the marker: the last non-empty line above the fence (other HTML comments may sit between)
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const m = k >= 0 ? MARKER.exec(lines[k].trim()) : null;
    blocks.push({ lang: open[1], start: i + 1, end: j, body: lines.slice(i + 1, j), marker: m ? { kind: m[1], arg: m[2] } : undefined });
    i = j;
  }
  return blocks;
}

/** Words of a shell command line: plain, "double" and 'single' quoted. No pipes, no variables. */
export function shellWords(line) {
  const words = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+))/gy;
  let m;
  let word = null;
  let last = 0;
  while ((m = re.exec(line)) !== null && m[0] !== '') {
    const gap = /^\s/.test(m[0]);
    if (gap && word !== null) {
      words.push(word);
      word = null;
    }
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] !== undefined ? m[2] : m[3];
    word = (word ?? '') + piece;
    last = re.lastIndex;
  }
  if (word !== null) words.push(word);
  if (line.slice(last).trim() !== '') throw new Error(`cannot split the command line: ${line}`);
  if (words.some((w) => /^[|<>;&]$/.test(w))) throw new Error(`pipes and redirections are not run: ${line}`);
  return words;
}

/** The claims of one file: { file, block, kind, command?, code?, expected: string[] }. */
export function claims(file, text) {
  const out = [];
  for (const b of fencedBlocks(text)) {
    const where = `${file}:${b.start}`;
    if (b.marker?.kind === 'not-run') {
      if (!b.marker.arg) throw new Error(`${where}: <!-- block: not-run --> needs a reason in parentheses`);
      continue;
    }
    if (b.marker?.kind === 'output-of') {
      out.push({ file, where, block: b, kind: 'command', command: b.marker.arg, expected: b.body, line: b.start });
      continue;
    }
    if (b.marker?.kind === 'run') {
      const expected = b.body.flatMap((l) => {
        const m = /console\.log\(.*\);?\s*\/\/ → (.*)$/.exec(l);
        return m ? [m[1]] : [];
      });
      out.push({ file, where, block: b, kind: 'js', code: b.body.join('\n'), expected, line: b.start });
      continue;
    }
    const cmds = b.body.map((l, i) => (l.startsWith('$ ') ? i : -1)).filter((i) => i >= 0);
    if (cmds.length > 0) {
      if (cmds[0] !== 0) throw new Error(`${where}: a block with $ commands must start with one`);
      cmds.forEach((at, n) => {
        const next = n + 1 < cmds.length ? cmds[n + 1] : b.body.length;
        out.push({ file, where: `${file}:${b.start + at + 1}`, block: b, kind: 'command', command: b.body[at].slice(2), expected: b.body.slice(at + 1, next), line: b.start + at + 1, range: [at + 1, next] });
      });
      continue;
    }
    if (b.body.some((l) => /console\.log\(/.test(l))) {
      throw new Error(`${where}: a block with console.log claims an output: mark it <!-- block: run --> or <!-- block: not-run (why) -->`);
    }
  }
  return out;
}

/** Runs a claim's command or code with the package built in pkg (PKG/dist/cli.js); returns stdout, stderr and status. */
export function runClaim(claim, { root, pkg }) {
  const env = { ...process.env, HF_HUB_OFFLINE: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
  if (claim.kind === 'js') {
    // inside the package folder: `import … from 'bert-ts'` resolves to the package itself
    const dir = mkdtempSync(join(pkg, '.readme-'));
    const file = join(dir, 'block.mjs');
    writeFileSync(file, claim.code);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  let words = shellWords(claim.command);
  if (words[0] === 'npm' && words[1] === 'start') words = ['bert-ts', 'demo'];
  if (words[0] !== 'bert-ts') throw new Error(`${claim.where}: only bert-ts commands (and npm start) are run, not ${words[0]}`);
  const r = spawnSync(process.execPath, [join(pkg, 'dist', 'cli.js'), ...words.slice(1)], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;
const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** Do two numbers agree, given how many decimals the expected one shows? */
function closeNumbers(expected, actual) {
  const e = Number(expected);
  const a = Number(actual);
  if (expected === actual) return true;
  if (!Number.isFinite(e) || !Number.isFinite(a)) return false;
  const exp = /e([-+]?\d+)$/i.exec(expected);
  const decimals = (/\.(\d+)/.exec(expected.replace(/e.*$/i, ''))?.[1].length ?? 0) - (exp ? Number(exp[1]) : 0);
  return Math.abs(e - a) <= Math.max(2 * 10 ** -decimals, 1e-4 * Math.abs(a));
}

/** Does an actual line match an expected one (numbers within tolerance; a trailing … is a prefix match)? */
export function lineMatches(expected, actual) {
  let e = squash(expected);
  let a = squash(actual);
  const prefix = e.endsWith('…') && e !== '…';
  if (prefix) e = e.slice(0, -1).trimEnd();
  const eText = e.split(NUMBER);
  const eNums = e.match(NUMBER) ?? [];
  if (prefix) {
    // compare only as much of the actual line as the expected one shows
    const aNums = a.match(NUMBER) ?? [];
    const aText = a.split(NUMBER);
    if (aNums.length < eNums.length) return false;
    for (let i = 0; i < eNums.length; i++) if (aText[i] !== eText[i] || !closeNumbers(eNums[i], aNums[i])) return false;
    return (aText[eNums.length] ?? '').startsWith(eText[eNums.length]);
  }
  const aText = a.split(NUMBER);
  const aNums = a.match(NUMBER) ?? [];
  if (aNums.length !== eNums.length || aText.length !== eText.length) return false;
  return aText.every((t, i) => t === eText[i]) && eNums.every((n, i) => closeNumbers(n, aNums[i]));
}

const isWildcard = (l) => l.trim() === '…';

/**
 * Matches expected lines against actual ones (both without trailing empty lines).
 * Returns the index in `actual` each expected line matched (−1 for wildcards), or
 * { at, reason } for the first expected line that does not match.
 */
export function matchLines(expected, actual) {
  const trim = (xs) => {
    const ys = [...xs];
    while (ys.length > 0 && ys[ys.length - 1].trim() === '') ys.pop();
    return ys;
  };
  const exp = trim(expected);
  const act = trim(actual);
  const where = new Array(exp.length).fill(-1);
  const go = (i, j) => {
    if (i === exp.length) return j === act.length;
    if (isWildcard(exp[i])) {
      for (let k = j; k <= act.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    if (j < act.length && lineMatches(exp[i], act[j])) {
      where[i] = j;
      return go(i + 1, j + 1);
    }
    return false;
  };
  if (go(0, 0)) return { ok: true, where };
  // the first line that does not match, for the message: walk greedily
  let j = 0;
  for (let i = 0; i < exp.length; i++) {
    if (isWildcard(exp[i])) {
      const next = exp.slice(i + 1).find((l) => !isWildcard(l));
      if (next === undefined) return { ok: false, at: i, reason: 'ok up to a final …' };
      while (j < act.length && !lineMatches(next, act[j])) j++;
      continue;
    }
    if (j >= act.length) return { ok: false, at: i, reason: `expected ${JSON.stringify(exp[i])}, but the output has ended` };
    if (!lineMatches(exp[i], act[j])) return { ok: false, at: i, reason: `expected ${JSON.stringify(exp[i])}\n     got ${JSON.stringify(act[j])}` };
    j++;
  }
  return { ok: false, at: exp.length, reason: `the output goes on: ${JSON.stringify(act[j] ?? '')}` };
}

/** Checks one claim; returns undefined when it holds, else a message. */
export function checkClaim(claim, ctx) {
  const r = runClaim(claim, ctx);
  if (r.status !== 0) return `${claim.where}: \`${claim.command ?? 'the block'}\` exited with ${r.status}: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
  if (claim.kind === 'js' && r.stderr !== '') return `${claim.where}: the block wrote to stderr: ${r.stderr.trim().split('\n')[0]}`;
  const m = matchLines(claim.expected, r.stdout.split('\n'));
  if (claim.kind === 'js' && claim.expected.length === 0) return undefined;
  return m.ok ? undefined : `${claim.where}: \`${claim.command ?? 'the block'}\`: line ${m.at + 1} of its output: ${m.reason}`;
}

/** A line's words without its numbers, for finding where an excerpt starts when the numbers (or the model) changed. */
const skeleton = (line) => squash(line).replace(NUMBER, '#');

/** An actual line shown up to as many numbers as a `…` line shows, then `…`. */
function cutLike(expected, actual) {
  const n = (squash(expected).slice(0, -1).match(NUMBER) ?? []).length;
  const re = new RegExp(NUMBER.source, 'gi');
  let end = 0;
  for (let i = 0; i < n; i++) {
    const m = re.exec(actual);
    if (!m) return undefined;
    end = m.index + m[0].length;
  }
  const tail = squash(expected).slice(0, -1).split(NUMBER)[n] ?? '';
  return actual.slice(0, end) + tail + '…';
}

/**
 * The expected lines rewritten from a fresh output: the whole output where the
 * block shows all of it. In an excerpt (… lines), each run of shown lines is
 * found again by its first line's words (numbers aside) and replaced by as many
 * lines of the output from there: numbers, tokens and scores refreshed, the
 * excerpt's shape kept. Returns undefined when a run's first line is not in the
 * output any more (rewrite that block by hand).
 */
export function refreshed(expected, stdout) {
  const actual = stdout.replace(/\n+$/, '').split('\n');
  if (!expected.some(isWildcard)) return actual;
  const out = [];
  let j = 0;
  for (let i = 0; i < expected.length; ) {
    if (isWildcard(expected[i])) {
      out.push(expected[i++]);
      continue;
    }
    let k = i;
    while (k < expected.length && !isWildcard(expected[k])) k++;
    const first = expected[i];
    const prefix = squash(first).endsWith('…');
    const want = skeleton(prefix ? squash(first).slice(0, -1) : first);
    const at = actual.findIndex((l, n) => n >= j && (prefix ? skeleton(l).startsWith(want) : skeleton(l) === want));
    if (at < 0 || at + (k - i) > actual.length) return undefined;
    for (let n = 0; n < k - i; n++) {
      const e = expected[i + n];
      const line = squash(e).endsWith('…') && !isWildcard(e) ? cutLike(e, actual[at + n]) : actual[at + n];
      if (line === undefined) return undefined;
      out.push(line);
    }
    j = at + (k - i);
    i = k;
  }
  return out;
}

/** Rewrites every output claim of the files under root with what the built package prints now. */
export function updateFiles(root, pkg, log = console.log) {
  let failed = 0;
  for (const file of DOCS) {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    // from the last claim up, so earlier line numbers stay valid
    for (const c of claims(file, text).reverse()) {
      const r = runClaim(c, { root, pkg });
      if (c.kind === 'js') {
        // each `console.log(…);  // → TEXT` gets the line it prints now (one line each)
        const printed = r.stdout.replace(/\n+$/, '').split('\n');
        if (c.expected.length === 0) continue;
        if (r.status !== 0 || printed.length !== c.expected.length) {
          failed++;
          log(`${c.where}: cannot refresh the block's // → comments (${r.status !== 0 ? `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}` : `${printed.length} lines printed for ${c.expected.length} comments`}): fix it by hand`);
          continue;
        }
        let n = 0;
        c.block.body.forEach((l, i) => {
          if (/console\.log\(.*\);?\s*\/\/ → (.*)$/.test(l)) lines[c.block.start + i] = l.replace(/\/\/ → .*$/, () => `// → ${printed[n++]}`);
        });
        continue;
      }
      const fresh = r.status === 0 ? refreshed(c.expected, r.stdout) : undefined;
      if (!fresh) {
        failed++;
        log(`${c.where}: cannot refresh \`${c.command}\` (${r.status !== 0 ? `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}` : 'an excerpt line no longer matches'}): fix it by hand`);
        continue;
      }
      const from = c.range ? c.block.start + c.range[0] : c.block.start;
      const to = c.range ? c.block.start + c.range[1] : c.block.end;
      lines.splice(from, to - from, ...fresh);
    }
    const out = lines.join('\n');
    if (out !== text) {
      writeFileSync(path, out);
      log(`${relative(root, path)}: outputs refreshed`);
    }
  }
  return failed;
}

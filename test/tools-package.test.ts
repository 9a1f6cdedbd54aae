// tools/ is one Python package, run from the repository root as modules
// (`/usr/bin/python3 -m tools.make_golden`, `-m tools.train.make en`): no script
// edits sys.path, and the generators share one random_weights and one
// placeholder_vocab (tools/common.py) instead of a copy each.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TOOLS = join(ROOT, 'tools');
const PYTHON = '/usr/bin/python3';
const SKIP = new Set(['__pycache__', 'build', 'node_modules']); // build/: tools/train's git-ignored outputs

/** Every folder under tools/ (itself included) with the .py files directly in it. */
function pythonFolders(dir: string): { dir: string; files: string[] }[] {
  const names = readdirSync(dir);
  const files = names.filter((n) => n.endsWith('.py')).map((n) => join(dir, n));
  const sub = names.filter((n) => !SKIP.has(n) && statSync(join(dir, n)).isDirectory());
  return [{ dir, files }, ...sub.flatMap((n) => pythonFolders(join(dir, n)))];
}

const folders = pythonFolders(TOOLS).filter((f) => f.files.length > 0);
const files = folders.flatMap((f) => f.files);
const rel = (p: string) => relative(ROOT, p);

describe('tools/ is one Python package', () => {
  it('every folder of Python files is a package (has __init__.py)', () => {
    expect(files.length).toBeGreaterThan(15);
    const bare = folders.filter((f) => !existsSync(join(f.dir, '__init__.py'))).map((f) => rel(f.dir));
    expect(bare, 'add an __init__.py to each').toEqual([]);
  });

  it('no script edits sys.path (imports are absolute: from tools.x import ...)', () => {
    const offenders = files.filter((f) => readFileSync(f, 'utf8').includes('sys.path')).map(rel);
    expect(offenders).toEqual([]);
  });

  it.each(['random_weights', 'placeholder_vocab'])('exactly one def %s', (name) => {
    const def = new RegExp(`^\\s*def ${name}\\(`, 'm');
    const defining = files.filter((f) => def.test(readFileSync(f, 'utf8'))).map(rel);
    expect(defining).toEqual(['tools/common.py']);
  });

  it('make.py runs each step as a module from the repository root', (ctx) => {
    if (!existsSync(PYTHON)) return ctx.skip(`${PYTHON} not found`);
    const r = spawnSync(PYTHON, ['-m', 'tools.train.make', 'en', '--dry-run'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const m = /^\$ \/usr\/bin\/python3 -m tools\.train\.(\w+) /.exec(line);
      expect(m, line).not.toBeNull();
      expect(existsSync(join(TOOLS, 'train', `${m![1]}.py`)), line).toBe(true);
    }
  });

  it('python3 -m tools.make_golden --help exits 0', (ctx) => {
    if (!existsSync(PYTHON)) return ctx.skip(`${PYTHON} not found`);
    const r = spawnSync(PYTHON, ['-m', 'tools.make_golden', '--help'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0 && /No module named 'torch'/.test(r.stderr)) return ctx.skip(`${PYTHON} has no torch (CI machines do not)`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('-m tools.make_golden');
  });
});

// The package as another project gets it: `npm pack`, then `npm install` of the
// tarball into a scratch project with no network (--offline: the dependencies come
// from npm's cache, where `npm ci` put them), then README's library example runs
// there against a loopback Hub serving the demo model under the example's model id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { LoopbackHub } from './helpers/loopback-hub.ts';

const root = resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let scratch: string;
let project: string;
let tarball: string;
let hub: LoopbackHub;

/** The README's library example: the first ```js block after the library-example marker. */
function readmeExample(): { code: string; model: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- library-example');
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error('README.md: no ```js block after <!-- library-example -->');
  const model = /loadModel\('([^']+)'/.exec(m[1])?.[1];
  if (!model) throw new Error("README.md: the library example loads no model id with loadModel('…')");
  return { code: m[1], model };
}

/**
 * A project depending on the tarball, with a package-lock.json: the tarball's own
 * entry, and bert-ts's runtime dependencies copied from our lockfile (versions,
 * URLs, integrity, paths), so `npm ci --offline` needs only the cached tarballs.
 */
function writeScratchProject(dir: string, tgz: string): void {
  const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages as Record<string, { version: string; resolved?: string; dev?: boolean }>;
  const spec = `file:${relative(dir, tgz)}`;
  const packages: Record<string, unknown> = {
    '': { name: 'scratch', dependencies: { 'bert-ts': spec } },
    'node_modules/bert-ts': {
      version: ours.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
      license: ours.license,
      dependencies: ours.dependencies,
      bin: ours.bin,
      engines: ours.engines,
    },
  };
  // every non-dev entry of our lockfile, at its own path (nested versions included), is
  // what bert-ts's runtime dependencies need: their optional per-platform builds (LanceDB's
  // native module) too, which npm installs only where they fit
  for (const [path, entry] of Object.entries(lock)) {
    if (!path.startsWith('node_modules/') || entry.dev) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // npm 11 may leave out `resolved` for registry packages; it is the registry's tarball URL
    const resolved = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved };
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { 'bert-ts': spec } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'scratch', lockfileVersion: 3, requires: true, packages }, null, 2));
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(cmd, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bert-ts-pack-'));
  // a copy of what `npm pack` packs, built here so the test never races the dist/ of other tests
  const stage = join(scratch, 'stage');
  mkdirSync(join(stage, 'tools'), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'src', 'weights', 'web']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
  for (const f of readdirSync(join(root, 'tools')).filter((n) => /\.m?[jt]s$/.test(n))) cpSync(join(root, 'tools', f), join(stage, 'tools', f)); // build.mjs and its helpers
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'));
  execFileSync(process.execPath, [join(stage, 'tools', 'build.mjs')], { cwd: stage, stdio: 'inherit' }); // with dist/types, as prepack builds it
  const packed = execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], { cwd: stage, encoding: 'utf8' });
  tarball = join(scratch, packed.trim().split('\n').pop()!);

  project = join(scratch, 'project');
  mkdirSync(project);
  writeScratchProject(project, tarball);
  // --offline: every byte from npm's cache (the lockfile spares npm the registry's metadata)
  const install = await run(npm, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  if (install.code !== 0) throw new Error(`npm ci --offline of the tarball failed:\n${install.stderr}`);

  hub = await new LoopbackHub().start();
  const demo = join(root, 'weights', 'demo');
  const files = Object.fromEntries(['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json'].map((f) => [f, new Uint8Array(readFileSync(join(demo, f)))]));
  hub.addRepo(readmeExample().model, { commits: { ['d'.repeat(40)]: files }, refs: { main: 'd'.repeat(40) } });
}, 120_000);

afterAll(async () => {
  await hub?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack → npm install (offline) → the README example', () => {
  it('the tarball holds dist, the LICENSE and the trained weights; no tools/, no test model, no prepare script', () => {
    const list = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const f of ['package/LICENSE', 'package/README.md', 'package/dist/index.js', 'package/dist/cli.js', 'package/dist/bert-ts.browser.js', 'package/weights/en/model.safetensors', 'package/src/hub/resolve.ts']) {
      expect(list).toContain(f);
    }
    expect(list.some((f) => f.startsWith('package/tools/'))).toBe(false);
    expect(list.some((f) => f.startsWith('package/weights/demo/'))).toBe(false); // random weights, for the tests only
    expect(list.some((f) => f.endsWith('.map'))).toBe(false);
    // npm 11 warns about a dependency's prepare script on install: the package has none
    expect(JSON.parse(readFileSync(join(project, 'node_modules', 'bert-ts', 'package.json'), 'utf8')).scripts?.prepare).toBeUndefined();
    // no import a bundler would follow (the runtime probes worker_threads by a name it hides from bundlers)
    expect(readFileSync(join(project, 'node_modules', 'bert-ts', 'dist', 'bert-ts.browser.js'), 'utf8')).not.toMatch(/\bfrom\s*["']node:|\b(import|require)\(\s*["']node:/);
  });

  it("README's library example runs in the scratch project", async () => {
    writeFileSync(join(project, 'example.mjs'), readmeExample().code);
    const env: NodeJS.ProcessEnv = { ...process.env, HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(scratch, 'cache') };
    delete env.HF_HUB_OFFLINE;
    const r = await run(process.execPath, ['example.mjs'], project, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\[ 1, \d+, 64 \]$/);
    expect(lines[1]).toBe('[ 1, 64 ]');
  });

  it('ESM-only, usable from CommonJS with await import(); the bin and ./browser resolve', async () => {
    writeFileSync(join(project, 'from-cjs.cjs'), "import('bert-ts').then((m) => console.log(typeof m.loadModel, typeof m.loadTokenizer));\n");
    expect((await run(process.execPath, ['from-cjs.cjs'], project)).stdout.trim()).toBe('function function');
    writeFileSync(join(project, 'browser.mjs'), "const m = await import('bert-ts/browser'); console.log(typeof m.BertModel, typeof m.resolveModelFolder);\n");
    expect((await run(process.execPath, ['browser.mjs'], project)).stdout.trim()).toBe('function undefined');
    const help = await run(join(project, 'node_modules', '.bin', 'bert-ts'), ['--help'], project);
    expect(help.stdout).toContain('bert-ts download [options] MODEL');
  });

  it('the published types compile in a strict TypeScript project without @types/node (skipLibCheck: false)', () => {
    const dir = join(scratch, 'types-project');
    mkdirSync(dir);
    symlinkSync(join(project, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, types: [], lib: ['ES2022', 'DOM'] },
      files: ['use.ts'],
    }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'types-project', private: true, type: 'module' }));
    writeFileSync(join(dir, 'use.ts'), [
      "import { loadPipeline, loadModel, loadTokenizer, BertTsError, type FillMaskCandidate } from 'bert-ts';",
      "import { BertWorker } from 'bert-ts/browser';",
      "const nlp = await loadPipeline('weights/en');",
      "const one: FillMaskCandidate[] = nlp.fillMask('Paris is the [MASK] of France.');",
      'const score: number = one[0].score;',
      "const tokenStr: string = one[0].token_str;",
      "const two: FillMaskCandidate[][] = nlp.fillMask('[MASK] is the [MASK] of France.', { topK: 2 });",
      "const many = nlp.fillMask(['a [MASK].', 'b [MASK].']);",
      "const model = await loadModel('weights/en');",
      "const tok = await loadTokenizer('weights/en');",
      'console.log(score, tokenStr, two, many, model, tok, BertTsError, BertWorker);',
      '',
    ].join('\n'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the corpus commands find LanceDB (a native module, outside the bundle) in the installed package', async () => {
    const bin = join(project, 'node_modules', '.bin', 'bert-ts');
    writeFileSync(join(project, 'corpus.txt'), 'a cat on a mat\nstock markets fell\n');
    const model = join(project, 'node_modules', 'bert-ts', 'weights', 'en-embed');
    const embedded = await run(bin, ['embed', '-m', model, '--input', 'corpus.txt', '--output', 'vectors.lance'], project);
    expect(embedded.code, embedded.stderr).toBe(0);
    const found = await run(bin, ['search', '--db', 'vectors.lance', '-k', '1', '--json', 'a cat'], project);
    expect(JSON.parse(found.stdout)).toEqual([expect.objectContaining({ id: expect.stringMatching(/^[12]$/) })]);
  });
});

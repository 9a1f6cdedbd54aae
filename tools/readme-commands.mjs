// Keeps README.md and docs/walkthrough/ true to what the code prints:
//   node tools/readme-commands.mjs            check: exit 1 and list what differs
//   node tools/readme-commands.mjs --update   rewrite it:
//     - README's command list (between <!-- commands:start --> and <!-- commands:end -->)
//       from `bert-ts --help`, which comes from the command table;
//     - every block that claims an output (tools/readme-blocks.mjs says which)
//       with what the commands print now (after retraining weights/, say).
// It builds the package into a temporary folder first (never into dist/).
// test/cli-table.test.ts and test/readme-blocks.test.ts fail when the files differ.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS, checkClaim, claims, updateFiles } from './readme-blocks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');

// the package as installed: PKG/dist, PKG/package.json, PKG/weights, PKG/node_modules
const pkg = mkdtempSync(join(tmpdir(), 'bert-ts-readme-'));
try {
  for (const f of ['package.json', 'weights', 'node_modules']) symlinkSync(join(root, f), join(pkg, f));
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs'), '--no-types', '--outdir', join(pkg, 'dist')], { stdio: 'inherit' });

  const help = execFileSync(process.execPath, [join(pkg, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /<!-- commands:start -->\n```\n[\s\S]*?```\n<!-- commands:end -->/;
  if (!block.test(readme)) throw new Error('README.md has no <!-- commands:start --> … <!-- commands:end --> block');
  const fresh = readme.replace(block, () => '<!-- commands:start -->\n```\n' + help + '```\n<!-- commands:end -->');
  let failed = 0;
  if (update) {
    if (fresh !== readme) {
      writeFileSync(join(root, 'README.md'), fresh);
      console.log('README.md: command list updated');
    }
    failed = updateFiles(root, pkg);
  } else {
    if (fresh !== readme) {
      failed++;
      console.log('README.md: the command list differs from bert-ts --help');
    }
    for (const file of DOCS) {
      for (const c of claims(file, readFileSync(join(root, file), 'utf8'))) {
        const problem = checkClaim(c, { root, pkg });
        if (problem) {
          failed++;
          console.log(problem);
        }
      }
    }
  }
  if (failed > 0) {
    console.log(update ? `${failed} block(s) need a hand` : `${failed} block(s) differ: node tools/readme-commands.mjs --update rewrites them`);
    process.exitCode = 1;
  } else if (!update) console.log('README.md and docs/walkthrough/: every block that claims an output holds');
} finally {
  rmSync(pkg, { recursive: true, force: true });
}

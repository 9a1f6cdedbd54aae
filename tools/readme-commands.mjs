// Rewrites README.md's command list (between <!-- commands:start --> and
// <!-- commands:end -->) from the built CLI's `bert-ts --help`, which comes from
// the command table. test/cli-table.test.ts fails when the two differ.
//   node tools/build.mjs && node tools/readme-commands.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const help = execFileSync(process.execPath, [`${root}dist/cli.js`, '--help'], { encoding: 'utf8' });
const readme = readFileSync(`${root}README.md`, 'utf8');
const block = /<!-- commands:start -->\n```\n[\s\S]*?```\n<!-- commands:end -->/;
if (!block.test(readme)) throw new Error('README.md has no <!-- commands:start --> … <!-- commands:end --> block');
writeFileSync(`${root}README.md`, readme.replace(block, () => '<!-- commands:start -->\n```\n' + help + '```\n<!-- commands:end -->'));
console.log('README.md: command list updated');

#!/usr/bin/env node
// `npm run package`: type-checks, bundles for production (minified, no source maps) and packs
// the extension with @vscode/vsce into corpus-annotator-VERSION.vsix. .vscodeignore decides what
// goes in (bundles, grammar, schema, language configuration, README and its images, LICENSE);
// this script then checks the result: under 2 MB, the bundles in, and no sources, tests or
// source maps.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = `${name}-${version}.vsix`;
const MAX_BYTES = 2 * 1024 * 1024;

function run(what, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${what} failed`);
    process.exit(1);
  }
}

run('type check', process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
run('bundle', process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--production']);
// --no-dependencies: the bundles hold every runtime dependency. --no-rewrite-relative-links and
// --allow-missing-repository: the README's links and images are relative to the repository and
// ship with it; there is no public repository URL to rewrite them to.
run('vsce package', process.execPath, [
  path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--no-dependencies',
  '--no-rewrite-relative-links',
  '--allow-missing-repository',
  '--out',
  vsix,
]);

const size = statSync(path.join(root, vsix)).size;
const list = spawnSync('unzip', ['-Z1', vsix], { cwd: root, encoding: 'utf8' });
const files = list.status === 0 ? list.stdout.split('\n').filter(Boolean) : [];
const unwanted = files.filter((f) => /^extension\/(client|server|test|bench|seeds|scripts|node_modules|out)\//.test(f) || /\.(ts|map)$/.test(f));
console.log(`${vsix}: ${(size / 1024).toFixed(0)} KiB, ${files.length} files`);
if (size > MAX_BYTES) {
  console.error(`package: ${vsix} is over 2 MB`);
  process.exit(1);
}
const needed = ['extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/fileWriterWorker.js'].filter((f) => !files.includes(f));
if (needed.length > 0) {
  console.error(`package: ${vsix} lacks ${needed.join(', ')}`);
  process.exit(1);
}
if (unwanted.length > 0) {
  console.error(`package: ${vsix} ships files it should not: ${unwanted.join(', ')}`);
  process.exit(1);
}

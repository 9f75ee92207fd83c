// `npm test`: builds, runs every mocha suite, and ends with the line `N passed, M failed`
// (the line CI reads). Suites: test/unit (the core), test/cli (the CLI as a child process),
// test/server (the language server over streams and stdio), then the editor suite in a real
// VS Code (scripts/test-vscode.mjs) unless --skip-editor is given.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const args = process.argv.slice(2);
const skipEditor = args.includes('--skip-editor') || process.env.CORPUS_ANNOTATOR_SKIP_EDITOR === '1';
const grep = args.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);

let passed = 0;
let failed = 0;
const finish = () => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
};

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('build failed');
  failed++;
  finish();
}

function testFiles(folder) {
  const dir = path.join(root, 'out', 'test', folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => String(f).endsWith('.test.js'))
    .map((f) => path.join(dir, String(f)))
    .sort();
}

const Mocha = require('mocha');
const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20000, ...(grep ? { grep } : {}) });
for (const folder of ['unit', 'cli', 'server']) for (const file of testFiles(folder)) mocha.addFile(file);
await new Promise((resolve) => {
  const runner = mocha.run(() => resolve());
  runner.on('pass', () => passed++);
  runner.on('fail', () => failed++);
});

/** Runs the editor suite in a real VS Code with the given launcher arguments; adds its counts. */
function runEditorSuite(args) {
  const editor = spawnSync(process.execPath, [path.join(root, 'scripts', 'test-vscode.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(editor.stdout ?? '');
  const counts = /^(\d+) passed, (\d+) failed$/m.exec([...(editor.stdout ?? '').matchAll(/^\d+ passed, \d+ failed$/gm)].pop()?.[0] ?? '');
  if (counts) {
    passed += Number(counts[1]);
    failed += Number(counts[2]);
  }
  if (editor.status !== 0 && (!counts || Number(counts[2]) === 0)) {
    console.error(`the editor suite failed to run (exit ${editor.status})`);
    failed++;
  }
}

if (!skipEditor && existsSync(path.join(root, 'scripts', 'test-vscode.mjs'))) {
  runEditorSuite([]);
  // Again in Restricted Mode (workspace trust on, folder untrusted): only the tests about it.
  runEditorSuite(['--untrusted', '--no-build', '--grep=untrusted workspace']);
}
finish();

#!/usr/bin/env node
// Runs the editor suite (test/editor) in desktop VS Code 1.100.3 through @vscode/test-electron,
// for machines that can download VS Code and show a window (or have xvfb-run). Where VS Code
// cannot be downloaded it stops at once with one line saying so; use test-vscode.mjs there.
//
//   node scripts/test-electron.mjs [FOLDER] [--timeout=SECONDS] [--grep=PATTERN] [--no-build]
//                                  [--keep] [--code=PATH/TO/code]
//
// FOLDER (default seeds/) is copied to a temp dir and opened as the workspace. --code uses an
// installed VS Code instead of downloading one. The suite cannot take screenshots here (its
// screenshot() resolves to undefined). Prints each test, then `N passed, M failed`.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EventFollower,
  ROOT,
  SUITE_INDEX,
  build,
  log,
  parseArgs,
  prepareRunDir,
  prepareWorkspace,
  printFailures,
  printSummary,
  reportUnfinished,
  runLauncher,
  readResults,
  removeHarnessFile,
  sleep,
  suiteEnv,
} from './editor-test-support.mjs';

const VSCODE_VERSION = '1.100.3';
const TEST_DIR = path.join(ROOT, '.vscode-test');
const RUN_DIR = path.join(TEST_DIR, 'run-electron');

function fail(message) {
  process.stderr.write(`test-electron: ${message}\n`);
  process.exit(1);
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Linux without a display: re-run under xvfb-run when there is one, else say what to do. */
function ensureDisplay() {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return;
  if (process.env.CORPUS_ANNOTATOR_UNDER_XVFB) fail('xvfb-run gave no DISPLAY');
  if (!hasCommand('xvfb-run')) fail('no DISPLAY for VS Code\'s window: install xvfb (apt-get install xvfb) or run this from a desktop session');
  log('no DISPLAY: running again under xvfb-run');
  const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, CORPUS_ANNOTATOR_UNDER_XVFB: '1' },
  });
  process.exit(r.status ?? 1);
}

async function vscodeExecutable(opts, testElectron) {
  if (opts.code) {
    if (!fs.existsSync(opts.code)) fail(`--code: ${opts.code} does not exist`);
    return path.resolve(opts.code);
  }
  try {
    // Uses .vscode-test/vscode-<platform>-1.100.3 when it is already there.
    return await testElectron.downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: TEST_DIR, timeout: 15_000 });
  } catch (e) {
    const cause = e?.cause?.code ?? e?.code ?? e?.message ?? String(e);
    fail(
      `cannot download VS Code ${VSCODE_VERSION} (${String(cause).split('\n')[0]}); ` +
        'on a machine without access to the VS Code download servers run `npm run test:vscode` (code-server), or pass --code=/path/to/code',
    );
  }
  return undefined;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), ['--code']);
  if (opts.help) {
    process.stdout.write('usage: node scripts/test-electron.mjs [FOLDER] [--timeout=SECONDS] [--grep=PATTERN] [--no-build] [--keep] [--code=PATH]\n');
    return 0;
  }
  const t0 = Date.now();
  const testElectron = await import('@vscode/test-electron');
  // Find out first whether VS Code can be had at all: fail in a second, not after a build.
  const executable = await vscodeExecutable(opts, testElectron);
  ensureDisplay();
  if (opts.build) await build();
  else if (!fs.existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing: run without --no-build`);

  const workspace = prepareWorkspace(opts.folder);
  prepareRunDir(RUN_DIR, { screenshots: false, grep: opts.grep });
  const args = [
    // As @vscode/test-electron's runTests passes them.
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--disable-updates',
    '--skip-welcome',
    '--skip-release-notes',
    '--disable-workspace-trust',
    '--disable-extensions', // other installed extensions; the one under development still loads
    `--extensionDevelopmentPath=${ROOT}`,
    `--extensionTestsPath=${SUITE_INDEX}`,
    `--user-data-dir=${path.join(RUN_DIR, 'user-data')}`,
    `--extensions-dir=${path.join(RUN_DIR, 'extensions')}`,
    workspace,
  ];
  log(`starting ${executable}`);
  const env = { ...process.env, ...suiteEnv(RUN_DIR, { screenshots: false, grep: opts.grep, workspace }) };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(executable, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logFile = fs.createWriteStream(path.join(RUN_DIR, 'vscode.log'));
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  process.once('SIGTERM', () => {
    stop();
    process.exit(143);
  });

  const follower = new EventFollower(RUN_DIR);
  const deadline = Date.now() + opts.timeout * 1000;
  let outcome = 'timeout';
  let exitCode;
  exited.then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    follower.poll();
    if (readResults(RUN_DIR)) {
      outcome = 'done';
      break;
    }
    if (exitCode !== undefined) {
      outcome = 'exited';
      break;
    }
    await sleep(200);
  }
  follower.poll();
  // VS Code quits by itself once run() settles; give it a moment, then make sure.
  await Promise.race([exited, sleep(10_000)]);
  stop();
  logFile.end();
  removeHarnessFile();
  if (!opts.keep) fs.rmSync(workspace, { recursive: true, force: true });

  const results = readResults(RUN_DIR);
  if (outcome === 'done' && results) {
    printFailures(follower.failures);
    log(`editor suite finished in ${((Date.now() - t0) / 1000).toFixed(1)}s (VS Code ${VSCODE_VERSION}, Electron)`);
    printSummary(results.passed, results.failed, results.pending);
    return results.failed === 0 && results.passed > 0 ? 0 : 1;
  }
  log(
    outcome === 'timeout'
      ? `the editor suite did not finish within ${opts.timeout}s`
      : `VS Code exited (${exitCode}) before the suite finished; see ${path.relative(ROOT, path.join(RUN_DIR, 'vscode.log'))}`,
  );
  return reportUnfinished(follower);
}

runLauncher(main);

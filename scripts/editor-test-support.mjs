// Shared by the two editor-test launchers (test-vscode.mjs: code-server + Chromium,
// test-electron.mjs: @vscode/test-electron). Both run the same mocha suite
// (test/editor, compiled to out/test/editor) inside a real VS Code extension host.
//
// How the suite talks to a launcher: through files in a "run directory" whose path the
// launcher hands over in the environment variable below (the extension host inherits the
// environment of the process that started VS Code), and, as a fallback, in
// out/test/editor/harness.json. In that directory the suite appends one JSON line per mocha
// event to events.jsonl, writes results.json when it is done, and asks for screenshots by
// writing requests/NNN.json and waiting for requests/NNN.done (see test/editor/harness.ts).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUITE_DIR = path.join(ROOT, 'out', 'test', 'editor');
export const SUITE_INDEX = path.join(SUITE_DIR, 'index.js');
export const HARNESS_FILE = path.join(SUITE_DIR, 'harness.json');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');
/** Environment variables read by test/editor/harness.ts. Keep the names in sync. */
export const ENV_RUN_DIR = 'CORPUS_ANNOTATOR_EDITOR_RUN_DIR';
export const ENV_SCREENSHOTS = 'CORPUS_ANNOTATOR_EDITOR_SCREENSHOTS';
export const ENV_GREP = 'CORPUS_ANNOTATOR_EDITOR_GREP';
export const ENV_WORKSPACE = 'CORPUS_ANNOTATOR_EDITOR_WORKSPACE';
export const ENV_BENCH = 'CORPUS_ANNOTATOR_EDITOR_BENCH';

export function log(msg) {
  process.stdout.write(`[editor-tests] ${msg}\n`);
}

/** Parses `[folder] [--timeout=SECONDS] [--grep=PATTERN] [--no-build] [--install-only] [--keep] [--serve] [--untrusted] [--bench[=FILE]]`. */
export function parseArgs(argv, extraFlags = []) {
  const opts = { folder: undefined, timeout: 300, grep: undefined, build: true, installOnly: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--timeout') opts.timeout = Number(value());
    else if (flag === '--grep' || flag === '-g') opts.grep = value();
    else if (flag === '--no-build') opts.build = false;
    else if (flag === '--install-only') opts.installOnly = true;
    else if (flag === '--keep') opts.keep = true;
    else if (flag === '--serve') opts.serve = true;
    else if (flag === '--untrusted') opts.untrusted = true;
    // The value only inline (--bench=FILE): a bare --bench leaves the next argument alone.
    else if (flag === '--bench') opts.bench = inline !== undefined ? inline : true;
    else if (extraFlags.includes(flag)) opts[flag.slice(2)] = inline !== undefined ? inline : argv[++i];
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else if (!a.startsWith('-') && opts.folder === undefined) opts.folder = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.timeout > 0)) throw new Error('--timeout wants a number of seconds');
  return opts;
}

function run(cmd, args, what) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')} exited ${r.status ?? r.signal})`);
  log(`${what}: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

/**
 * Bundles the extension (dist/client.js) and compiles the editor suite (out/test/editor).
 * Uses the project's scripts/bundle.mjs when it exists, else bundles client/src/extension.ts
 * with esbuild the same way (cjs, platform node, vscode external).
 */
export async function build() {
  const bundleScript = path.join(ROOT, 'scripts', 'bundle.mjs');
  if (fs.existsSync(bundleScript)) {
    run(process.execPath, [bundleScript], 'bundle (scripts/bundle.mjs)');
  } else {
    const started = Date.now();
    const esbuild = await import('esbuild');
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['client/src/extension.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      outfile: 'dist/client.js',
      sourcemap: true,
      logLevel: 'warning',
    });
    log(`bundle client/src/extension.ts -> dist/client.js: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'client.js'))) throw new Error('dist/client.js is missing after the bundle step');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/editor'], 'compile test/editor');
  if (!fs.existsSync(SUITE_INDEX)) throw new Error(`${path.relative(ROOT, SUITE_INDEX)} is missing after compiling test/editor`);
}

/** Copies the workspace folder to a fresh temp dir so tests never modify the repo. */
export function prepareWorkspace(folder) {
  const src = path.resolve(folder ?? path.join(ROOT, 'seeds'));
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new Error(`workspace folder ${src} does not exist`);
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-annotator-editor-'));
  fs.cpSync(src, dest, { recursive: true });
  log(`workspace: ${src} copied to ${dest}`);
  return dest;
}

/**
 * A fresh run directory for the suite's files. Its settings also go to
 * out/test/editor/harness.json, where the suite looks when the environment variables did not
 * reach the extension host.
 */
export function prepareRunDir(runDir, { screenshots, grep, bench }) {
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(runDir, 'requests'), { recursive: true });
  if (screenshots) {
    fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }
  fs.writeFileSync(HARNESS_FILE, JSON.stringify({ runDir, screenshots, grep, bench }, null, 2));
}

export function removeHarnessFile() {
  fs.rmSync(HARNESS_FILE, { force: true });
}

export function suiteEnv(runDir, { screenshots, grep, workspace, bench }) {
  const env = { [ENV_RUN_DIR]: runDir, [ENV_SCREENSHOTS]: screenshots ? '1' : '0' };
  if (grep) env[ENV_GREP] = grep;
  if (bench) env[ENV_BENCH] = bench;
  if (workspace) env[ENV_WORKSPACE] = workspace;
  return env;
}

/**
 * Follows events.jsonl as the suite appends to it, printing each test as it finishes.
 * `poll()` reads what is new; `summary()` gives the counts seen so far.
 */
export class EventFollower {
  constructor(runDir) {
    this.file = path.join(runDir, 'events.jsonl');
    this.offset = 0;
    this.partial = '';
    this.passed = 0;
    this.failed = 0;
    this.pending = 0;
    this.failures = [];
    this.started = false;
  }
  poll() {
    let fd;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.handle(JSON.parse(line));
    } finally {
      fs.closeSync(fd);
    }
  }
  handle(e) {
    const ms = e.duration !== undefined ? ` (${e.duration} ms)` : '';
    if (e.event === 'start') {
      this.started = true;
      log(`suite started in the extension host: ${e.total} test(s)`);
    } else if (e.event === 'pass') {
      this.passed++;
      process.stdout.write(`  ✓ ${e.fullTitle}${ms}\n`);
    } else if (e.event === 'fail') {
      this.failed++;
      this.failures.push(e);
      process.stdout.write(`  ✗ ${e.fullTitle}${ms}\n      ${String(e.error?.message ?? '').split('\n').join('\n      ')}\n`);
    } else if (e.event === 'pending') {
      this.pending++;
      process.stdout.write(`  - ${e.fullTitle} (skipped)\n`);
    } else if (e.event === 'log') {
      process.stdout.write(`    [suite] ${e.message}\n`);
    }
  }
}

/** Reads results.json if the suite has written it. */
export function readResults(runDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(runDir, 'results.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

export function printFailures(failures) {
  if (!failures.length) return;
  process.stdout.write('\nFailures:\n');
  failures.forEach((f, i) => {
    process.stdout.write(`\n${i + 1}) ${f.fullTitle}\n${f.error?.stack ?? f.error?.message ?? ''}\n`);
  });
  process.stdout.write('\n');
}

/** The closing line CI (and scripts/test.mjs) reads: exactly `N passed, M failed`. */
export function printSummary(passed, failed, pending = 0) {
  if (pending) process.stdout.write(`${pending} skipped\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
}

/** The end of a run that stopped before the suite finished: what failed so far, and the run itself as one more failure. */
export function reportUnfinished(follower) {
  printFailures(follower.failures);
  printSummary(follower.passed, follower.failed + 1, follower.pending);
  return 1;
}

/** Runs a launcher's `main` and exits with the code it returns; a thrown error is one failure. */
export function runLauncher(main) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      log(`error: ${e?.message ?? e}`);
      printSummary(0, 1);
      process.exit(1);
    },
  );
}

export function sanitizeName(name) {
  return String(name).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'screenshot';
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

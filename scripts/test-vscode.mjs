#!/usr/bin/env node
// Runs the editor suite (test/editor) inside a real VS Code extension host: code-server
// 4.100.3 (VS Code 1.100.3) served on loopback and driven by Debian's Chromium through
// playwright-core. Works offline: nothing is downloaded but npm and Debian packages.
//
//   node scripts/test-vscode.mjs [FOLDER] [--timeout=SECONDS] [--grep=PATTERN] [--no-build]
//                                [--install-only] [--keep] [--serve [--port=N]] [--bench[=FILE]]
//
// FOLDER (default seeds/) is copied to a temp dir and opened as the workspace.
// --bench         runs the benchmarks (test/editor/*.bench.ts) instead of the tests, in their
//                 own run directory (.vscode-test/bench-run); they write their figures to FILE
//                 (default bench.json in that directory). `npm run bench` runs it on the corpus
//                 of its 1 MB document (bench/bench.ts, part "editor").
// --install-only  installs code-server and the Debian packages, then stops.
// --keep          leaves the temp workspace in place.
// --serve         (npm run start:vscode) no tests: serves the workbench with the extension
//                 loaded and prints its URL, until Ctrl+C; --port picks the port.
// Prints each test as it finishes, then `N passed, M failed`; exits 1 on failure or timeout.
// Screenshots requested by the suite land in test-results/screenshots/NAME.png.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  EventFollower,
  ROOT,
  SCREENSHOT_DIR,
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
  sanitizeName,
  sleep,
  suiteEnv,
} from './editor-test-support.mjs';

const CODE_SERVER_VERSION = '4.100.3'; // ships VS Code 1.100.3; needs Node 20
const TEST_DIR = path.join(ROOT, '.vscode-test');
const CS_DIR = path.join(TEST_DIR, 'code-server');
const CS_BIN = path.join(CS_DIR, 'node_modules', '.bin', 'code-server');
const CS_MARKER = path.join(CS_DIR, `.installed-${CODE_SERVER_VERSION}`);
/** Where a run keeps its logs and VS Code's data; --bench has its own, and leaves the suite's last run alone. */
let RUN_DIR = path.join(TEST_DIR, 'run');
const CHROMIUM = '/usr/bin/chromium';
const DEBIAN_PACKAGES = [
  'libkrb5-dev', // headers for code-server's native `kerberos` module
  'ripgrep', // /usr/bin/rg stands in for @vscode/ripgrep's download (see ensureRipgrepCache)
  'chromium', // the browser that shows the workbench
  'fonts-noto-core', // Arabic glyphs in the screenshots (Noto Naskh/Sans Arabic)
];
// @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this archive in
// $TMPDIR first. The names must match the @vscode/ripgrep version code-server 4.100.3 pulls in.
const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function usage() {
  process.stdout.write(
    'usage: node scripts/test-vscode.mjs [FOLDER] [--timeout=SECONDS] [--grep=PATTERN] [--no-build] [--install-only] [--keep] [--serve [--port=N]] [--untrusted] [--bench[=FILE]]\n',
  );
}

// ---------------------------------------------------------------------------- installation

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function missingDebianPackages(pkgs) {
  return pkgs.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || r.stdout.trim() !== 'installed';
  });
}

function ensureDebianPackages() {
  const missing = missingDebianPackages(DEBIAN_PACKAGES);
  if (!missing.length) {
    log(`Debian packages present: ${DEBIAN_PACKAGES.join(' ')}`);
    return;
  }
  if (!isRoot()) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}. Install them first: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  log(`installing Debian packages: apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  if (!install()) {
    log('apt-get install failed; running apt-get update and trying again');
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
  const still = missingDebianPackages(missing);
  if (still.length) throw new Error(`Debian packages still missing after apt-get: ${still.join(' ')}`);
}

/** Puts Debian's /usr/bin/rg where @vscode/ripgrep's postinstall looks before downloading. */
function ensureRipgrepCache(tmpDir) {
  const dir = path.join(tmpDir, RIPGREP_CACHE_DIR);
  const archive = path.join(dir, RIPGREP_ARCHIVE);
  if (fs.existsSync(archive)) return;
  const rg = '/usr/bin/rg';
  if (!fs.existsSync(rg)) throw new Error(`${rg} is missing (Debian package ripgrep)`);
  const stage = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('tar', ['-czf', archive, '-C', stage, 'rg'], { stdio: 'inherit' });
  fs.rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0) throw new Error('could not create the ripgrep cache archive');
  log(`ripgrep cache: ${path.relative(ROOT, archive)} holds Debian's ${rg}`);
}

function codeServerVersion() {
  if (!fs.existsSync(CS_BIN)) return undefined;
  const r = spawnSync(CS_BIN, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  // Prints `4.100.3 <commit> with Code 1.100.3`, possibly after log lines.
  return r.status === 0 ? /^(\d+\.\d+\.\d+) [0-9a-f]{40}/m.exec(r.stdout)?.[1] : undefined;
}

async function ensureCodeServer() {
  if (fs.existsSync(CS_MARKER) && fs.existsSync(CS_BIN)) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${path.relative(ROOT, CS_DIR)}/`);
    return;
  }
  const started = Date.now();
  fs.mkdirSync(CS_DIR, { recursive: true });
  const pkgJson = path.join(CS_DIR, 'package.json');
  if (!fs.existsSync(pkgJson)) {
    fs.writeFileSync(pkgJson, JSON.stringify({ name: 'corpus-annotator-code-server', private: true }, null, 2) + '\n');
  }
  // A private TMPDIR so the ripgrep archive is found no matter what the caller's TMPDIR is.
  const tmpDir = path.join(TEST_DIR, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  ensureRipgrepCache(tmpDir);
  const logFile = path.join(TEST_DIR, 'code-server-install.log');
  const args = ['install', '--unsafe-perm', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`];
  log(`installing code-server ${CODE_SERVER_VERSION}: (cd ${path.relative(ROOT, CS_DIR)} && npm_config_yes=true TMPDIR=${path.relative(ROOT, tmpDir)} npm ${args.join(' ')})`);
  log(`this builds native modules and takes a few minutes; output goes to ${path.relative(ROOT, logFile)}`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn('npm', args, {
    cwd: CS_DIR,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      npm_config_yes: 'true',
      // code-server's postinstall refuses to run as root without it; npm 11 no longer knows
      // the option but the script reads the variable.
      npm_config_unsafe_perm: 'true',
      // npm >= 11.x skips dependencies' install scripts unless approved in allowScripts. This
      // install exists only to run code-server's postinstall, which itself runs `npm install`
      // in lib/vscode and lib/vscode/extensions (native modules: kerberos, node-pty, ...);
      // those nested installs inherit this variable. Older npm ignores it.
      npm_config_dangerously_allow_all_scripts: 'true',
      TMPDIR: tmpDir,
      TMP: tmpDir,
      TEMP: tmpDir,
    },
  });
  const heartbeat = setInterval(() => log(`  still installing code-server (${Math.round((Date.now() - started) / 1000)}s)...`), 30_000);
  const code = await new Promise((resolve) => child.on('close', (c, s) => resolve(c ?? s)));
  clearInterval(heartbeat);
  fs.closeSync(out);
  if (code !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    process.stdout.write(tail + '\n');
    if (/ripgrep|github\.com/i.test(tail)) {
      log(`hint: @vscode/ripgrep tried to download; its cache name may have changed (expected ${RIPGREP_CACHE_DIR}/${RIPGREP_ARCHIVE} under ${tmpDir})`);
    }
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${code}); full log: ${logFile}`);
  }
  const version = codeServerVersion();
  if (version !== CODE_SERVER_VERSION) throw new Error(`installed code-server reports version ${version ?? '(none)'}, wanted ${CODE_SERVER_VERSION}`);
  fs.writeFileSync(CS_MARKER, new Date().toISOString() + '\n');
  log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)}s`);
}

// ---------------------------------------------------------------------------- running

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The environment code-server (and so the extension host) gets. */
function codeServerEnv(extra) {
  const env = { ...process.env, ...extra };
  // Inside a VS Code terminal these would make code-server hand the folder to that instance
  // instead of starting its own, or make Node behave like Electron.
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'CODE_SERVER_PARENT_PID') delete env[k];
  }
  return env;
}

async function waitForHealthy(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer on port ${port} within ${timeoutMs / 1000}s`);
}

function killGroup(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops code-server and everything it started (its process group: extension hosts, ...). */
async function stopCodeServer(child) {
  if (!child) return;
  const pgid = child.pid;
  killGroup(child, 'SIGTERM');
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  const deadline = Date.now() + 5000;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
    const hard = Date.now() + 2000;
    while (groupAlive(pgid) && Date.now() < hard) await sleep(100);
  }
}

function tailFile(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function codeServerArgs(port, workspace, untrusted = false) {
  return [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    // --untrusted leaves workspace trust on, so the folder opens in Restricted Mode.
    ...(untrusted ? [] : ['--disable-workspace-trust']),
    '--extensions-dir', path.join(RUN_DIR, 'extensions'),
    '--user-data-dir', path.join(RUN_DIR, 'user-data'),
    workspace,
  ];
}

/** The workbench URL; `payload` entries become VS Code's development/test options. */
function workbenchUrl(port, workspace, tests) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(ROOT)]];
  if (tests) payload.push(['extensionTestsPath', remote(SUITE_INDEX)]);
  payload.push(['skipWelcome', 'true']);
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * `--serve` (npm run start:vscode): code-server with the extension under development loaded
 * and no tests, until Ctrl+C. Open the printed URL in a browser (tunnel the port if remote).
 */
async function serve(port, workspace, opts) {
  const csLog = path.join(RUN_DIR, 'code-server.log');
  const out = fs.openSync(csLog, 'w');
  const child = spawn(CS_BIN, codeServerArgs(port, workspace), {
    cwd: RUN_DIR,
    detached: true,
    stdio: ['ignore', out, out],
    env: codeServerEnv({}),
  });
  fs.closeSync(out);
  let stopping = false;
  const stop = async (code) => {
    stopping = true;
    await stopCodeServer(child);
    if (!opts.keep) fs.rmSync(workspace, { recursive: true, force: true });
    process.exit(code);
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  await waitForHealthy(port, child, 60_000);
  log(`code-server ${CODE_SERVER_VERSION} is serving the extension (log: ${path.relative(ROOT, csLog)})`);
  log(`workspace: ${workspace}`);
  process.stdout.write(`\n  ${workbenchUrl(port, workspace, false)}\n\n`);
  log('Ctrl+C stops it');
  const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? sig)));
  if (stopping) return new Promise(() => {}); // stop() exits when it has cleaned up
  log(`code-server exited (${code})`);
  return 1;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), ['--port']);
  if (opts.help) return usage(), 0;
  if (opts.bench && opts.serve) throw new Error('--bench and --serve do not go together');
  if (opts.bench) RUN_DIR = path.join(TEST_DIR, 'bench-run');
  const benchFile = opts.bench ? path.resolve(opts.bench === true ? path.join(RUN_DIR, 'bench.json') : opts.bench) : undefined;
  const screenshots = !opts.bench;
  const t0 = Date.now();

  ensureDebianPackages();
  await ensureCodeServer();
  if (opts.installOnly) return 0;
  if (opts.build) await build();
  else if (!fs.existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing: run without --no-build`);

  const workspace = prepareWorkspace(opts.folder);
  if (opts.serve) fs.rmSync(RUN_DIR, { recursive: true, force: true });
  else prepareRunDir(RUN_DIR, { screenshots, grep: opts.grep, bench: benchFile });
  if (benchFile) fs.rmSync(benchFile, { force: true });
  const userDataDir = path.join(RUN_DIR, 'user-data');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(path.join(RUN_DIR, 'extensions'), { recursive: true });
  // Settings that keep the workbench quiet and the screenshots stable.
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.enabled': opts.untrusted === true,
        // Never ask: an untrusted folder then simply stays in Restricted Mode.
        'security.workspace.trust.startupPrompt': 'never',
        'window.restoreWindows': 'none',
        'files.hotExit': 'off',
        'chat.disableAIFeatures': true,
      },
      null,
      2,
    ),
  );

  const port = opts.port ? Number(opts.port) : await freePort();
  if (opts.serve) return serve(port, workspace, opts);
  const csLog = path.join(RUN_DIR, 'code-server.log');
  const pageLog = path.join(RUN_DIR, 'page-console.log');
  let codeServer;
  let browser;
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
    await stopCodeServer(codeServer);
    removeHarnessFile();
    if (!opts.keep) fs.rmSync(workspace, { recursive: true, force: true });
  };
  const onSignal = (sig) => {
    log(`${sig}: stopping code-server and Chromium`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const follower = new EventFollower(RUN_DIR);
  let outcome = 'timeout';
  try {
    const csArgs = codeServerArgs(port, workspace, opts.untrusted === true);
    log(`starting code-server on 127.0.0.1:${port} (log: ${path.relative(ROOT, csLog)})`);
    const out = fs.openSync(csLog, 'w');
    codeServer = spawn(CS_BIN, csArgs, {
      cwd: RUN_DIR,
      detached: true, // own process group, so cleanup kills its extension hosts too
      stdio: ['ignore', out, out],
      env: codeServerEnv(suiteEnv(RUN_DIR, { screenshots, grep: opts.grep, workspace, bench: benchFile })),
    });
    fs.closeSync(out);
    await waitForHealthy(port, codeServer, 60_000);
    log(`code-server is up (${((Date.now() - t0) / 1000).toFixed(1)}s since start)`);

    const url = workbenchUrl(port, workspace, true);

    const { chromium } = await import('playwright-core');
    log(`opening the workbench in ${CHROMIUM} (headless)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const pageLogStream = fs.createWriteStream(pageLog);
    page.on('console', (m) => pageLogStream.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => pageLogStream.write(`[pageerror] ${e.stack ?? e.message}\n`));
    let pageCrashed = false;
    page.on('crash', () => (pageCrashed = true));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

    // Wait for results, serving screenshot requests meanwhile.
    const requestsDir = path.join(RUN_DIR, 'requests');
    const deadline = Date.now() + opts.timeout * 1000;
    const served = new Set();
    while (true) {
      follower.poll();
      for (const f of fs.readdirSync(requestsDir).filter((n) => n.endsWith('.json')).sort()) {
        if (served.has(f)) continue;
        served.add(f);
        const reqFile = path.join(requestsDir, f);
        const doneFile = reqFile.replace(/\.json$/, '.done');
        let answer;
        try {
          const req = JSON.parse(fs.readFileSync(reqFile, 'utf8'));
          const file = path.join(SCREENSHOT_DIR, `${sanitizeName(req.name)}.png`);
          await page.screenshot({ path: file, fullPage: false, timeout: 20_000 });
          answer = { path: file };
          log(`screenshot saved: ${path.relative(ROOT, file)}`);
        } catch (e) {
          answer = { error: String(e?.message ?? e) };
          log(`screenshot request ${f} failed: ${answer.error}`);
        }
        fs.writeFileSync(doneFile + '.tmp', JSON.stringify(answer));
        fs.renameSync(doneFile + '.tmp', doneFile);
      }
      if (readResults(RUN_DIR)) {
        follower.poll();
        outcome = 'done';
        break;
      }
      if (codeServer.exitCode !== null || codeServer.signalCode !== null) {
        outcome = 'code-server-exited';
        break;
      }
      if (pageCrashed) {
        outcome = 'page-crashed';
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    // One picture of the final state, whatever happened: useful when a run goes wrong. (A bench
    // run that went well leaves the suite's pictures alone.)
    if (!(benchFile && outcome === 'done')) {
      await page
        .screenshot({ path: path.join(SCREENSHOT_DIR, outcome === 'done' ? 'final.png' : `${outcome}.png`), timeout: 10_000 })
        .catch(() => {});
    }
    pageLogStream.end();
  } catch (e) {
    outcome = 'error';
    log(`error: ${e?.stack ?? e}`);
  } finally {
    await cleanup();
  }

  const results = readResults(RUN_DIR);
  const elapsed = ((Date.now() - t0) / 1000).toFixed(1);
  if (outcome === 'done' && results) {
    printFailures(follower.failures.length ? follower.failures : (results.tests ?? []).filter((t) => t.state === 'failed'));
    log(`editor ${benchFile ? 'bench' : 'suite'} finished in ${elapsed}s (workbench: code-server ${CODE_SERVER_VERSION})`);
    if (benchFile) log(`figures: ${fs.existsSync(benchFile) ? benchFile : `none written to ${benchFile}`}`);
    printSummary(results.passed, results.failed, results.pending);
    return results.failed === 0 && results.passed > 0 ? 0 : 1;
  }
  const why = {
    timeout: `the editor suite did not finish within ${opts.timeout}s`,
    'code-server-exited': 'code-server exited before the suite finished',
    'page-crashed': 'the Chromium page crashed',
    error: 'the launcher failed',
  }[outcome];
  log(`${why}; see ${path.relative(ROOT, csLog)}, ${path.relative(ROOT, pageLog)} and test-results/screenshots/`);
  if (!follower.started) {
    log('the suite never started. Last lines of the page console:');
    process.stdout.write(tailFile(pageLog, 25) + '\n');
    log('last lines of code-server.log:');
    process.stdout.write(tailFile(csLog, 15) + '\n');
  }
  return reportUnfinished(follower);
}

runLauncher(main);

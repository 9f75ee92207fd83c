#!/usr/bin/env node
// `npm start`: builds, then opens the seed corpus in VS Code with the extension loaded.
//
//   npm start [-- [--code-server] [--port=N] [--keep]]
//
// With the desktop `code` on PATH: `code --extensionDevelopmentPath=<repo> <repo>/seeds` (a new
// window, edits go to seeds/ itself). Without it (or with --code-server): code-server serves the
// workbench with the extension loaded on a temp copy of seeds/ (scripts/test-vscode.mjs --serve,
// which installs code-server the first time) and this prints the URL, opens it when there is a
// browser to open it in, and runs until Ctrl+C. --keep leaves the temp copy in place.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceCodeServer = args.includes('--code-server');
const passOn = args.filter((a) => a !== '--code-server');

function log(message) {
  process.stdout.write(`[start] ${message}\n`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  log('the build failed');
  process.exit(1);
}

if (!forceCodeServer && onPath('code')) {
  const seeds = path.join(root, 'seeds');
  log(`code --extensionDevelopmentPath=${root} ${seeds}`);
  const r = spawnSync('code', [`--extensionDevelopmentPath=${root}`, seeds], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

log(forceCodeServer ? 'serving with code-server (--code-server)' : 'no `code` on PATH: serving the workbench with code-server instead');
const child = spawn(process.execPath, [path.join(root, 'scripts', 'test-vscode.mjs'), '--serve', '--no-build', ...passOn], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let opened = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(String(chunk))?.[0];
  if (url && !opened) {
    opened = true;
    openBrowser(url);
  }
});
// Ctrl+C reaches the whole foreground group; the launcher stops code-server and cleans up.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));

/** Opens the URL where a desktop session can show it; elsewhere the printed URL is the way in. */
function openBrowser(url) {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open';
  const desktop = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!desktop || !onPath(opener)) {
    log('no desktop session here: open the URL above in a browser (forward the port when this machine is remote)');
    return;
  }
  log(`opening it with ${opener}`);
  spawn(opener, [url], { stdio: 'ignore', detached: true }).unref();
}

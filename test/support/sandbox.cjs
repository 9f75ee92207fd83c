// Preloaded by the security tests (`node -r test/support/sandbox.cjs dist/cli.js ...`): every way
// out of the process, a network connection, a DNS lookup, a listening socket, an HTTP request, a
// child process, is replaced by a function that writes the attempt to $SANDBOX_LOG and throws. The
// tests assert that nothing was attempted and that the process reached its end.
'use strict';

const fs = require('node:fs');
const log = process.env.SANDBOX_LOG;

function write(line) {
  if (log) fs.appendFileSync(log, line + '\n');
}

function trap(what) {
  return function trapped() {
    const where = (new Error().stack || '').split('\n').slice(2, 6).map((l) => l.trim()).join(' < ');
    write(`attempt ${what} at ${where}`);
    throw new Error(`sandbox: ${what} is not allowed`);
  };
}

function replace(module, names, prefix) {
  for (const name of names) if (typeof module[name] === 'function') module[name] = trap(`${prefix}.${name}`);
}

const net = require('node:net');
replace(net, ['connect', 'createConnection', 'createServer'], 'net');
net.Socket.prototype.connect = trap('net.Socket.prototype.connect');
net.Server.prototype.listen = trap('net.Server.prototype.listen');
replace(require('node:tls'), ['connect', 'createServer'], 'tls');
replace(require('node:http'), ['request', 'get', 'createServer'], 'http');
replace(require('node:https'), ['request', 'get', 'createServer'], 'https');
replace(require('node:http2'), ['connect', 'createServer', 'createSecureServer'], 'http2');
replace(require('node:dgram'), ['createSocket'], 'dgram');
const dns = require('node:dns');
replace(dns, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse'], 'dns');
replace(dns.promises, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse'], 'dns.promises');
replace(require('node:child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'child_process');
if (typeof globalThis.fetch === 'function') globalThis.fetch = trap('fetch');
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = trap('WebSocket');

// The last line of the log says the process ran to its end under the sandbox.
process.on('exit', (code) => write(`exit ${code}`));

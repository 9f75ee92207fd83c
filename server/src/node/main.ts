/**
 * The language server's entry point (bundled to dist/server.js). The transport comes from the
 * command line: `--stdio` for any editor, `--node-ipc` when VS Code starts it, `--socket=N`.
 */

import { setFlagsFromString } from 'node:v8';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from '../server';

// V8 lets the old generation grow to up to four times what survived the last full collection
// before it collects again. A reference search or an export makes tens of MB of objects that
// outlive young collections (a search of 100,000 locations: 18 MB), so over a session the
// server's RSS crept up to four times its live heap. Twice the live size is the ceiling here;
// the full collections this adds take some 50 ms each, a few per session.
setFlagsFromString('--heap-growing-percent=100');

const connection = createConnection(ProposedFeatures.all);

// A bug must not take the server down with the user's session: log it and keep answering.
process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));

startServer(connection);

/**
 * The language server's entry point (bundled to dist/server.js). The transport comes from the
 * command line: `--stdio` for any editor, `--node-ipc` when VS Code starts it, `--socket=N`.
 */

import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from '../server';

const connection = createConnection(ProposedFeatures.all);

// A bug must not take the server down with the user's session: log it and keep answering.
process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error.stack ?? String(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));

startServer(connection);

/**
 * A real LSP client for the bench: the bundled server (`node dist/server.js --stdio`) as another
 * editor runs it, JSON-RPC over the child's stdio (the approach of test/support/lspClient.ts).
 * Diagnostics are pushed (no pull capability), as Neovim and Helix have them.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  type ClientCapabilities,
  type Diagnostic,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializeRequest,
  InitializedNotification,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  type TextDocumentContentChangeEvent,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './corpora';
import { SERVER_NODE_OPTIONS } from '../server/src/launch';
import { MessageWaits } from '../test/support/messageWaits';

export const SERVER_BUNDLE = path.join(ROOT, 'dist', 'server.js');

export const uriOf = (file: string): string => pathToFileURL(file).href;

const CAPABILITIES: ClientCapabilities = {
  general: { positionEncodings: ['utf-16'] },
  window: { workDoneProgress: true },
  workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    completion: { completionItem: { snippetSupport: true } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

/** A published diagnostics notification, with when it arrived. */
export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
}

export class BenchClient {
  readonly connection: ProtocolConnection;
  /** The last diagnostics published for each URI. */
  readonly published = new Map<string, Published>();
  /** How many times diagnostics were published for each URI. */
  readonly publishCounts = new Map<string, number>();
  /** `$/progress` notifications of kind `report`. */
  progressReports = 0;
  /** When the indexing progress ended (performance.now()), once it has. */
  indexedAt?: number;
  private readonly waits = new MessageWaits(20);
  private versions = new Map<string, number>();
  readonly spawnedAt: number;

  constructor(readonly child: ChildProcess) {
    this.spawnedAt = performance.now();
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const entry: Published = { diagnostics: params.diagnostics, at: performance.now() };
      if (params.version !== undefined) entry.version = params.version;
      this.published.set(params.uri, entry);
      this.publishCounts.set(params.uri, (this.publishCounts.get(params.uri) ?? 0) + 1);
      this.waits.wake();
    });
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onNotification('$/progress', (params: { value: { kind: string } }) => {
      if (params.value.kind === 'report') this.progressReports++;
      if (params.value.kind === 'end' && this.indexedAt === undefined) this.indexedAt = performance.now();
      this.waits.wake();
    });
    this.connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      if (params.type === 1) process.stderr.write(`  server error: ${params.message.slice(0, 500)}\n`);
    });
    this.connection.listen();
  }

  /**
   * Spawns the bundled server over stdio, with the Node options the README gives other editors,
   * and initializes it on `folder` (indexing runs on).
   */
  static async start(folder: string, nodeArgs: string[] = []): Promise<BenchClient> {
    const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, ...nodeArgs, SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const client = new BenchClient(child);
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(folder),
      workspaceFolders: [{ uri: uriOf(folder), name: path.basename(folder) }],
      capabilities: CAPABILITIES,
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Resolves when `check` holds, re-checking on every message from the server. */
  until(check: () => boolean, what: string, timeoutMs = 60000): Promise<void> {
    return this.waits.until(check, what, timeoutMs);
  }

  async indexed(timeoutMs = 120000): Promise<number> {
    await this.until(() => this.indexedAt !== undefined, 'indexing to end', timeoutMs);
    return this.indexedAt!;
  }

  async open(file: string, text = fs.readFileSync(file, 'utf8')): Promise<string> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'annotated-text', version: 1, text } });
    return uri;
  }

  /** Sends a change; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Waits for diagnostics of `uri` published for `version` (or satisfying `check`); returns when they arrived. */
  async diagnostics(uri: string, check: (p: Published) => boolean, what = `diagnostics of ${uri}`, timeoutMs = 30000): Promise<Published> {
    await this.until(() => this.published.has(uri) && check(this.published.get(uri)!), what, timeoutMs);
    return this.published.get(uri)!;
  }

  /** Resident set size of the server now and at its peak, in MB (Linux /proc). */
  rss(): { now: number; peak: number } | undefined {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 5000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    await Promise.race([new Promise((resolve) => this.child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 3000))]);
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

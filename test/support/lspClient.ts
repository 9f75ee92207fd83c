/**
 * A real LSP client for tests: JSON-RPC over two in-process streams to the server (or over
 * the stdio of a spawned `node dist/server.js --stdio`), with helpers to open documents and
 * wait for diagnostics and progress.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import {
  type ClientCapabilities,
  type Diagnostic,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type FileEvent,
  InitializeRequest,
  InitializedNotification,
  type InitializeResult,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  type TextDocumentContentChangeEvent,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { SERVER_NODE_OPTIONS } from '../../server/src/launch';
import { startServer } from '../../server/src/server';
import { SERVER_BUNDLE } from './paths';
import { MessageWaits } from './messageWaits';

export const uriOf = (file: string): string => pathToFileURL(file).href;

/** What a client like VS Code declares: pull diagnostics, progress, watchers, snippets. */
export function fullCapabilities(pull: boolean): ClientCapabilities {
  return {
    general: { positionEncodings: ['utf-16'] },
    window: { workDoneProgress: true },
    workspace: {
      workspaceFolders: true,
      didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
      ...(pull ? { diagnostics: { refreshSupport: true } } : {}),
    },
    textDocument: {
      synchronization: { dynamicRegistration: false },
      completion: { completionItem: { snippetSupport: true } },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      rename: { prepareSupport: true },
      publishDiagnostics: { relatedInformation: true },
      ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
    },
  };
}

export class TestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every diagnostics notification, in order: which document, of which version, how many. */
  readonly publications: { uri: string; version: number | undefined; count: number }[] = [];
  readonly registrations: unknown[] = [];
  readonly progress: unknown[] = [];
  readonly log: string[] = [];
  private versions = new Map<string, number>();
  private readonly waits = new MessageWaits(50);
  private indexed = false;
  initializeResult?: InitializeResult;
  pullRefreshes = 0;

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly dispose: () => void,
    /** In this process the server must not be sent `exit` (it calls process.exit) nor watch our pid. */
    private readonly inThisProcess: boolean,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.publications.push({ uri: params.uri, version: params.version, count: params.diagnostics.length });
      this.waits.wake();
    });
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    connection.onRequest('workspace/diagnostic/refresh', () => {
      this.pullRefreshes++;
      this.waits.wake();
      return null;
    });
    connection.onNotification('$/progress', (params: { value: { kind: string } }) => {
      this.progress.push(params.value);
      if (params.value.kind === 'end') this.indexed = true;
      this.waits.wake();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.log.push(params.message);
    });
    connection.listen();
  }

  /** A server in this process, talking over two streams. */
  static async inProcess(folder: string, { pull = false, capabilities, indexTimeoutMs }: { pull?: boolean; capabilities?: ClientCapabilities; indexTimeoutMs?: number } = {}): Promise<TestClient> {
    const up = new PassThrough();
    const down = new PassThrough();
    const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
    startServer(server);
    const connection = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    const client = new TestClient(
      connection,
      () => {
        connection.dispose();
        server.dispose();
      },
      true,
    );
    await client.initialize(folder, capabilities ?? fullCapabilities(pull), indexTimeoutMs);
    return client;
  }

  /**
   * The bundled server as another editor runs it: `node --max-semi-space-size=64 dist/server.js
   * --stdio` (SERVER_NODE_OPTIONS; `nodeArgs` after them, e.g. a preload, and `env` added to this
   * process's environment).
   */
  static async spawned(
    folder: string,
    capabilities: ClientCapabilities = fullCapabilities(false),
    { nodeArgs = [], env = {}, indexTimeoutMs }: { nodeArgs?: string[]; env?: Record<string, string>; indexTimeoutMs?: number } = {},
  ): Promise<TestClient & { child: ChildProcess }> {
    const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, ...nodeArgs, SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(
      connection,
      () => {
        connection.dispose();
        child.kill();
      },
      false,
    ) as TestClient & { child: ChildProcess };
    client.child = child;
    await client.initialize(folder, capabilities, indexTimeoutMs);
    return client;
  }

  private async initialize(folder: string, capabilities: ClientCapabilities, indexTimeoutMs = 10000): Promise<void> {
    this.initializeResult = await this.connection.sendRequest(InitializeRequest.type, {
      processId: this.inThisProcess ? null : process.pid,
      rootUri: uriOf(folder),
      workspaceFolders: [{ uri: uriOf(folder), name: 'test' }],
      capabilities,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    if (capabilities.window?.workDoneProgress) await this.until(() => this.indexed, 'indexing to end', indexTimeoutMs);
  }

  /** Resolves when `check` holds, re-checking on every message from the server. */
  until(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    return this.waits.until(check, what, timeoutMs);
  }

  async open(file: string, text = fs.readFileSync(file, 'utf8'), languageId = 'annotated-text'): Promise<string> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** Waits for pushed diagnostics of `uri` that satisfy `check`. */
  async diagnosticsOf(uri: string, check: (d: Diagnostic[]) => boolean = () => true, what = `diagnostics of ${uri}`, timeoutMs?: number): Promise<Diagnostic[]> {
    await this.until(() => this.diagnostics.has(uri) && check(this.diagnostics.get(uri)!), what, timeoutMs);
    return this.diagnostics.get(uri)!;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (!this.inThisProcess) await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.dispose();
  }
}

/**
 * The LSP wiring: thin handlers over the language service. Every handler is guarded, so a
 * failure on strange input is logged and answered with an empty result, never a crash.
 */

import * as path from 'node:path';
import {
  type CancellationToken,
  CodeActionKind,
  CodeActionTriggerKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  type FileSystemWatcher,
  type InitializeParams,
  type InitializeResult,
  ResponseError,
  type TextDocumentContentChangeEvent,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CORPUS_FILE } from './core/discovery';
import { listDocuments } from './node/files';
import { ActionKind, CorpusDocumentRequest, ExportRequest, LinkEditRequest, MentionsRequest, SpansRequest, StatisticsRequest, WordAtRequest } from './protocol';
import { codeActions } from './service/codeActions';
import { completion } from './service/completion';
import { linkEdit, mentions, spans, statistics, wordAt } from './service/corpusRequests';
import { configDiagnostics, coreDiagnostics, diagnosticReportId, toLspDiagnostics } from './service/diagnostics';
import { chooseEncoding, updateDocument } from './service/encoding';
import { exportCorpusRequest } from './service/exportRequest';
import { hover } from './service/hover';
import { definition, prepareRename, references, rename } from './service/navigation';
import { documentSymbols, workspaceSymbols } from './service/symbols';
import { type CorpusState, Workspace, canonicalUri, pathToUri, uriToPath } from './service/workspace';
import { SOURCE } from './service/convert';
import { EditPacer } from './service/editPacer';

/**
 * An edit is diagnosed at once, unless it follows another within this time: then the server
 * waits until none has come for this long (see EditPacer).
 */
const EDIT_QUIET_MS = 25;
/** Other open documents of the corpus follow a little later, in one batch. */
const CROSS_DOCUMENT_DEBOUNCE_MS = 60;
/** Documents indexed between two yields to the event loop while indexing. */
const INDEX_CHUNK = 64;

interface ClientSupport {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  workDoneProgress: boolean;
  watcherRegistration: boolean;
  relativePatterns: boolean;
  snippets: boolean;
}

export function startServer(connection: Connection): void {
  const workspace = new Workspace();
  // Edits arrive in the agreed encoding; the documents are kept in UTF-16.
  const documents = new TextDocuments({
    create: TextDocument.create,
    update: (document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number) => updateDocument(document, changes, version, workspace.encoding),
  });
  const timers = new Map<string, NodeJS.Timeout>();
  const pacer = new EditPacer(EDIT_QUIET_MS);
  let support: ClientSupport = { pullDiagnostics: false, diagnosticRefresh: false, workDoneProgress: false, watcherRegistration: false, relativePatterns: false, snippets: false };
  let folders: string[] = [];
  let indexed = false;

  let stopped = false;

  /** Runs a handler; logs and answers `fallback` if it throws (ResponseErrors go to the client). */
  function guard<T>(name: string, fallback: T, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      logError(`${name} failed: ${(error as Error)?.stack ?? String(error)}`);
      return fallback;
    }
  }

  function logError(message: string): void {
    try {
      if (!stopped) connection.console.error(message);
    } catch {
      // The connection is gone: nobody to tell.
    }
  }

  connection.onShutdown(() => {
    stopped = true;
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    support = {
      pullDiagnostics: caps.textDocument?.diagnostic !== undefined,
      diagnosticRefresh: caps.workspace?.diagnostics?.refreshSupport === true,
      workDoneProgress: caps.window?.workDoneProgress === true,
      watcherRegistration: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      relativePatterns: caps.workspace?.didChangeWatchedFiles?.relativePatternSupport === true,
      snippets: caps.textDocument?.completion?.completionItem?.snippetSupport === true,
    };
    workspace.encoding = chooseEncoding(caps.general?.positionEncodings);
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((f): f is string => f !== undefined);
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root !== undefined) folders.push(root);
    }
    return {
      capabilities: {
        positionEncoding: workspace.encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: { label: 'Annotations' },
        workspaceSymbolProvider: true,
        completionProvider: { triggerCharacters: ['{', '@', ' ', '='] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, ...Object.values(ActionKind)] },
        ...(support.pullDiagnostics ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'corpus-annotator' },
    };
  });

  connection.onInitialized(() => {
    void indexWorkspace(folders).then(registerWatchers);
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const added = event.added.map((f) => uriToPath(f.uri)).filter((f): f is string => f !== undefined);
      folders.push(...added);
      void indexWorkspace(added).then(registerWatchers);
    });
  });

  /** Finds and indexes every corpus of the folders, reporting progress where the client can show it. */
  async function indexWorkspace(roots: string[]): Promise<void> {
    const progress = support.workDoneProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Indexing corpora', 0, 'looking for corpus.yaml', true);
    try {
      const found = guard('discover', [] as [CorpusState, string[]][], () => workspace.discover(roots));
      const total = found.reduce((n, [, files]) => n + files.length, 0);
      let done = 0;
      for (const [state, files] of found) {
        for (let i = 0; i < files.length; i += INDEX_CHUNK) {
          if (progress?.token.isCancellationRequested) return;
          for (const file of files.slice(i, i + INDEX_CHUNK)) guard('index', undefined, () => workspace.indexFile(state, file));
          done += Math.min(INDEX_CHUNK, files.length - i);
          progress?.report(Math.round((done / Math.max(total, 1)) * 100), `${done} / ${total} documents`);
          // Let requests and the progress notification through between chunks.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      progress?.done();
      indexed = true;
      publishConfigAndFileProblems();
      refreshAll();
    }
  }

  async function registerWatchers(): Promise<void> {
    if (!support.watcherRegistration) return;
    const watchers: FileSystemWatcher[] = [{ globPattern: `**/${CORPUS_FILE}` }, { globPattern: '**/*.{txt,yaml,yml}' }];
    for (const state of workspace.corpora.values()) {
      for (const glob of state.config.documents) {
        if (glob === '**/*.txt' || glob === '*.txt') continue;
        watchers.push({ globPattern: support.relativePatterns ? { baseUri: state.uri, pattern: glob } : `**/${glob.replace(/^(\*\*\/)+/, '')}` });
      }
    }
    await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
  }

  // --- diagnostics ------------------------------------------------------------------------

  function diagnosticsOf(uri: string): LspDiagnostic[] {
    return guard('diagnostics', [], () => toLspDiagnostics(workspace, uri, coreDiagnostics(workspace, uri)));
  }

  function publish(uri: string): void {
    if (support.pullDiagnostics) return;
    const document = workspace.openDocument(uri);
    if (!document) return;
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics: diagnosticsOf(uri) });
  }

  /** Re-diagnoses every open document (pull clients are asked to pull again). */
  function refreshAll(): void {
    if (support.pullDiagnostics) {
      if (support.diagnosticRefresh) void connection.languages.diagnostics.refresh();
      return;
    }
    for (const uri of workspace.openUris()) if (!isConfigUri(uri)) publish(uri);
  }

  /** Diagnostics of every corpus's YAML files and of documents that could not be read: always pushed. */
  function publishConfigAndFileProblems(): void {
    for (const state of workspace.corpora.values()) {
      void connection.sendDiagnostics({ uri: state.configUri, diagnostics: guard('config', [], () => configDiagnostics(workspace, state, 'corpus')) });
      if (state.loaded.entitiesFile !== undefined) {
        void connection.sendDiagnostics({ uri: pathToUri(state.loaded.entitiesFile), diagnostics: guard('config', [], () => configDiagnostics(workspace, state, 'entities')) });
      }
    }
    for (const [uri, error] of workspace.fileErrors) {
      const line = Math.max(0, (error.line ?? 1) - 1);
      const character = Math.max(0, (error.column ?? 1) - 1);
      void connection.sendDiagnostics({ uri, diagnostics: [{ range: { start: { line, character }, end: { line, character } }, severity: 1, source: SOURCE, code: 'unreadable-file', message: error.message }] });
    }
  }

  function isConfigUri(uri: string): boolean {
    return workspace.corpusOfConfigFile(uri) !== undefined || uri.endsWith(`/${CORPUS_FILE}`);
  }

  function schedule(key: string, delay: number, run: () => void): void {
    if (stopped) return;
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        guard(key, undefined, run);
      }, delay),
    );
  }

  /** After an edit: this document now or after a burst, the corpus's other open documents a little later. */
  function documentChanged(uri: string): void {
    schedule(uri, pacer.delayAfterEdit(uri, performance.now()), () => {
      const state = workspace.syncOpenDocument(uri);
      publish(uri);
      if (state) schedule(`cross:${state.folder}`, CROSS_DOCUMENT_DEBOUNCE_MS, () => refreshCorpus(state, uri));
    });
  }

  function refreshCorpus(state: CorpusState, except?: string): void {
    if (support.pullDiagnostics) {
      if (support.diagnosticRefresh) void connection.languages.diagnostics.refresh();
      return;
    }
    for (const uri of workspace.openUris()) {
      if (uri !== except && workspace.corpusOfDocument(uri) === state) publish(uri);
    }
  }

  /** corpus.yaml (or the entities file) changed: reload it and re-check the corpus. */
  function configChanged(state: CorpusState): void {
    schedule(`config:${state.folder}`, EDIT_QUIET_MS * 4, () => {
      workspace.loadCorpusState(state.folder);
      publishConfigAndFileProblems();
      refreshCorpus(state);
    });
  }

  // --- documents ----------------------------------------------------------------------------

  documents.onDidOpen((event) => {
    const uri = canonicalUri(event.document.uri);
    workspace.didOpen(event.document);
    const config = workspace.corpusOfConfigFile(uri);
    if (config) return configChanged(config.state);
    if (indexed) documentChanged(uri);
  });

  documents.onDidChangeContent((event) => {
    const uri = canonicalUri(event.document.uri);
    workspace.didOpen(event.document);
    const config = workspace.corpusOfConfigFile(uri);
    if (config) return configChanged(config.state);
    documentChanged(uri);
  });

  documents.onDidClose((event) => {
    const uri = canonicalUri(event.document.uri);
    workspace.didClose(uri);
    pacer.forget(uri);
    const config = workspace.corpusOfConfigFile(uri);
    if (config) return configChanged(config.state);
    // The buffer may have held unsaved changes: the index goes back to the file on disk.
    const state = workspace.corpusOfDocument(uri);
    const file = uriToPath(uri);
    if (state && file !== undefined) {
      guard('close', undefined, () => workspace.indexFile(state, file));
      schedule(`cross:${state.folder}`, CROSS_DOCUMENT_DEBOUNCE_MS, () => refreshCorpus(state));
    }
    if (!support.pullDiagnostics) void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onDidChangeWatchedFiles((params) => {
    guard('watched files', undefined, () => {
      const touched = new Set<CorpusState>();
      for (const change of params.changes) {
        const uri = canonicalUri(change.uri);
        const file = uriToPath(uri);
        if (file === undefined) continue;
        if (path.basename(file) === CORPUS_FILE) {
          const folder = path.dirname(file);
          if (change.type === FileChangeType.Deleted) {
            workspace.forgetCorpus(folder);
            void connection.sendDiagnostics({ uri, diagnostics: [] });
            continue;
          }
          if (workspace.isOpen(uri)) continue;
          const isNew = !workspace.corpora.has(folder);
          const state = workspace.loadCorpusState(folder);
          if (state && isNew) for (const doc of listDocuments(state.loaded)) workspace.indexFile(state, doc);
          if (state) touched.add(state);
          continue;
        }
        const config = workspace.corpusOfConfigFile(uri);
        if (config) {
          if (!workspace.isOpen(uri)) workspace.loadCorpusState(config.state.folder);
          touched.add(config.state);
          continue;
        }
        const state = workspace.corpusOfDocument(uri);
        if (!state) continue;
        if (change.type === FileChangeType.Deleted) {
          state.index.remove(uri);
          workspace.fileErrors.delete(uri);
        } else if (!workspace.isOpen(uri)) workspace.indexFile(state, file);
        touched.add(state);
      }
      if (touched.size > 0) publishConfigAndFileProblems();
      for (const state of touched) refreshCorpus(state);
    });
  });

  // --- features ------------------------------------------------------------------------------

  // URIs are canonicalized on the way in, so every spelling of a file meets the same state.
  const doc = (params: { textDocument: { uri: string } }): string => canonicalUri(params.textDocument.uri);
  connection.languages.diagnostics.on((params) => {
    const items = isConfigUri(doc(params)) ? [] : diagnosticsOf(doc(params));
    const resultId = diagnosticReportId(items);
    return params.previousResultId === resultId ? { kind: DocumentDiagnosticReportKind.Unchanged, resultId } : { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  });
  connection.onHover((params) => guard('hover', null, () => hover(workspace, doc(params), params.position)));
  connection.onDefinition((params) => guard('definition', null, () => definition(workspace, doc(params), params.position)));
  connection.onReferences((params, token) => guard('references', [], () => references(workspace, doc(params), params.position, params.context.includeDeclaration, token)));
  connection.onPrepareRename((params) => guard('prepareRename', null, () => prepareRename(workspace, doc(params), params.position)));
  connection.onRenameRequest((params, token) => guard('rename', null, () => rename(workspace, doc(params), params.position, params.newName, token)));
  connection.onDocumentSymbol((params, token) => guard('documentSymbol', [], () => documentSymbols(workspace, doc(params), token)));
  connection.onWorkspaceSymbol((params, token) => guard('workspaceSymbol', [], () => workspaceSymbols(workspace, params.query, token)));
  connection.onCompletion((params) => guard('completion', null, () => completion(workspace, doc(params), params.position, support.snippets)));
  connection.onCodeAction((params, token: CancellationToken) =>
    guard('codeAction', [], () =>
      codeActions(
        workspace,
        {
          uri: doc(params),
          range: params.range,
          diagnostics: params.context.diagnostics,
          ...(params.context.only ? { only: params.context.only } : {}),
          ...(params.context.triggerKind === CodeActionTriggerKind.Automatic ? { automatic: true } : {}),
        },
        token,
      ),
    ),
  );
  connection.onRequest(SpansRequest, (params) => guard('spans', null, () => spans(workspace, canonicalUri(params.uri))));
  connection.onRequest(StatisticsRequest, (params) => guard('statistics', null, () => statistics(workspace, params.uri !== undefined ? canonicalUri(params.uri) : undefined)));
  connection.onRequest(MentionsRequest, (params, token) => guard('mentions', [], () => mentions(workspace, { ...params, uri: canonicalUri(params.uri) }, token)));
  connection.onRequest(CorpusDocumentRequest, (params) => guard('isCorpusDocument', false, () => workspace.isCorpusDocument(canonicalUri(params.uri))));
  connection.onRequest(WordAtRequest, (params) => guard('wordAt', null, () => wordAt(workspace, { ...params, uri: canonicalUri(params.uri) })));
  connection.onRequest(LinkEditRequest, (params) => guard('linkEdit', null, () => linkEdit(workspace, { ...params, uri: canonicalUri(params.uri) })));
  connection.onRequest(ExportRequest, async (params, token) => {
    const progress = support.workDoneProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin(`Exporting as ${params.format}`, 0, undefined, true);
    try {
      return await exportCorpusRequest(
        workspace,
        { ...params, uri: canonicalUri(params.uri) },
        (done, total) => progress?.report(Math.round((done / Math.max(total, 1)) * 100), `${done} / ${total} documents`),
        () => token.isCancellationRequested || progress?.token.isCancellationRequested === true,
      );
    } finally {
      progress?.done();
    }
  });

  documents.listen(connection);
  connection.listen();
}

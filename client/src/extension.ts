/**
 * The VS Code extension: starts the language server over IPC and hands it the corpus's
 * documents, then adds the annotator's UI: decorations, commands, the Entities view, the status
 * bar item and the export dialog. UI only: it never parses markup; it asks the server.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  type ErrorHandler,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { SERVER_NODE_OPTIONS } from '../../server/src/launch';
import { CorpusDocumentRequest } from '../../server/src/protocol';
import { Swatches } from './colors';
import { AnnotationCommands } from './commands';
import { type DecorationSnapshot, Decorations, toggleDimming } from './decorations';
import { type EntityNode, EntitiesProvider, VIEW_ID } from './entitiesView';
import { type ExportArgs, type ExportOutcome, exportCorpus } from './exportCommand';
import { RestartPolicy } from './restartPolicy';
import { LANGUAGE_ID, SpanStore } from './spans';
import { SpanCountStatus } from './statusBar';
import { activeQuickPick } from './ui';

export { LANGUAGE_ID };

let client: LanguageClient | undefined;

/** What the extension gives its tests and other extensions. */
export interface CorpusAnnotatorApi {
  client: LanguageClient;
  /** The decorations last drawn for a document (computed from the server's spans). */
  decorations(uri: vscode.Uri): DecorationSnapshot | undefined;
  /** Fires after a document's decorations were drawn. */
  onDidDecorate: vscode.Event<vscode.Uri>;
  entities: { provider: EntitiesProvider; view: vscode.TreeView<EntityNode> };
  statusBar: vscode.StatusBarItem;
  /** The quick pick a command has open, if any. */
  activeQuickPick(): vscode.QuickPick<vscode.QuickPickItem> | undefined;
  exportCorpus(args?: ExportArgs): Promise<ExportOutcome | undefined>;
}

export async function activate(context: vscode.ExtensionContext): Promise<CorpusAnnotatorApi> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'] } },
  };
  const restarts = new RestartPolicy();
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'file', pattern: '**/corpus.yaml' },
    ],
    diagnosticCollectionName: 'corpus-annotator',
    errorHandler: restartOnCrash(restarts),
  };
  client = new LanguageClient('corpusAnnotator', 'Corpus Annotator', serverOptions, clientOptions);
  await client.start();

  // Corpus documents open as Annotated Text with no user setting: the server, which knows the
  // corpus's documents:/exclude: globs, says which plain-text files are corpus documents.
  const adopt = async (document: vscode.TextDocument): Promise<void> => {
    if (document.uri.scheme !== 'file' || document.languageId !== 'plaintext' || !client) return;
    const isDocument = await client.sendRequest(CorpusDocumentRequest, { uri: document.uri.toString() });
    if (isDocument && document.languageId === 'plaintext') await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((d) => void adopt(d)));
  for (const document of vscode.workspace.textDocuments) void adopt(document);

  const started = client;
  const swatches = new Swatches(context.globalStorageUri);
  const store = new SpanStore(started);
  const decorations = new Decorations(store);
  const commands = new AnnotationCommands(started, store, swatches);
  const entities = new EntitiesProvider(started, swatches);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: entities, showCollapseAll: true });
  entities.watch(view);
  const status = new SpanCountStatus(started);
  const configWatcher = vscode.workspace.createFileSystemWatcher('**/corpus.yaml');
  const configChanged = (): void => {
    decorations.configChanged();
    entities.scheduleRefresh();
    void updateHasCorpus();
  };
  context.subscriptions.push(
    decorations,
    entities,
    view,
    status,
    configWatcher,
    configWatcher.onDidChange(configChanged),
    configWatcher.onDidCreate(configChanged),
    configWatcher.onDidDelete(configChanged),
    ...commands.register(),
    vscode.commands.registerCommand('corpusAnnotator.toggleMarkupDimming', () => toggleDimming()),
    vscode.commands.registerCommand('corpusAnnotator.refreshEntities', () => entities.refresh()),
    vscode.commands.registerCommand('corpusAnnotator.restartServer', async () => {
      restarts.reset();
      // A client that gave the server up is stopped (or failed to start): it is only started.
      if (started.state === State.Running) await started.restart();
      else await started.start();
    }),
    vscode.commands.registerCommand('corpusAnnotator.exportCorpus', (args?: ExportArgs) => exportCorpus(started, args)),
  );
  await updateHasCorpus();

  return {
    client: started,
    decorations: (uri) => decorations.snapshot(uri),
    onDidDecorate: decorations.onDidDecorate,
    entities: { provider: entities, view },
    statusBar: status.item,
    activeQuickPick,
    exportCorpus: (args) => exportCorpus(started, args),
  };
}

const RESTART_COMMAND = 'Restart Language Server';

/** A dead server is started again (see RestartPolicy); the user hears of it only when it is not. */
function restartOnCrash(restarts: RestartPolicy): ErrorHandler {
  return {
    // A failed write to a dead server is followed by the close event: let the close decide.
    error: () => ({ action: ErrorAction.Continue, handled: true }),
    closed: () => {
      if (restarts.crashed()) return { action: CloseAction.Restart, message: 'The Corpus Annotator server stopped; restarting it.', handled: true };
      void vscode.window
        .showErrorMessage(
          `The Corpus Annotator server crashed ${restarts.maxRestarts + 1} times in ${restarts.windowMs / 60_000} minutes and is not restarted; its log is in the Output panel.`,
          RESTART_COMMAND,
        )
        .then((choice) => choice && vscode.commands.executeCommand('corpusAnnotator.restartServer'));
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

/** `corpusAnnotator.hasCorpus`: menus and the Entities view show only where there is a corpus. */
async function updateHasCorpus(): Promise<void> {
  const found = await vscode.workspace.findFiles('**/corpus.yaml', '**/{node_modules,.git}/**', 1);
  await vscode.commands.executeCommand('setContext', 'corpusAnnotator.hasCorpus', found.length > 0);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

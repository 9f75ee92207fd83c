/**
 * The VS Code extension: starts the language server over IPC and hands it the corpus's
 * documents. UI only: it never parses markup; it asks the server.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CorpusDocumentRequest } from '../../server/src/protocol';

export const LANGUAGE_ID = 'annotated-text';

let client: LanguageClient | undefined;

/** What the extension gives its tests and other extensions. */
export interface CorpusAnnotatorApi {
  client: LanguageClient;
}

export async function activate(context: vscode.ExtensionContext): Promise<CorpusAnnotatorApi> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'file', pattern: '**/corpus.yaml' },
    ],
    diagnosticCollectionName: 'corpus-annotator',
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

  return { client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

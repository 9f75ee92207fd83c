/**
 * "Export Corpus…": pick a format and a folder; the server exports with the CLI's code
 * (ExportRequest) while a notification shows progress and can cancel; then a message with the
 * counts and a button that opens the folder.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type ExportParams, ExportRequest, type ExportResult } from '../../server/src/protocol';
import { pick } from './ui';

/** The formats of docs/export.md, as the CLI names them. */
export const FORMATS: { format: string; description: string; detail: string }[] = [
  { format: 'jsonl', description: 'JSON Lines: everything the markup holds', detail: 'corpus.jsonl: plain text, spans with types, ids, attributes and notes; code-point offsets' },
  { format: 'doccano', description: 'doccano sequence labelling', detail: 'corpus.jsonl with UTF-16 offsets; nested spans overlap (allow overlapping entities)' },
  { format: 'spacy', description: 'spaCy', detail: 'corpus.jsonl: entities (outermost spans), spans.sc (all), words and spaces' },
  { format: 'brat', description: 'brat standoff', detail: 'NAME.txt + NAME.ann per document, annotation.conf, visual.conf (outside the corpus folder)' },
  { format: 'conll', description: 'CoNLL, IOB2', detail: 'corpus.conll: one token a line; nested spans: the outermost' },
  { format: 'label-studio', description: 'Label Studio', detail: 'tasks.json and label_config.xml with the types, their colours and names' },
];

export interface ExportArgs {
  /** A document or folder of the corpus; the active document's corpus by default. */
  uri?: vscode.Uri | string;
  format?: string;
  outUri?: vscode.Uri | string;
  /** Write into a non-empty folder without asking. */
  force?: boolean;
}

export interface ExportOutcome extends ExportResult {
  format: string;
  message: string;
}

/**
 * Runs the export. Arguments skip the matching dialogs (for tests and keybindings); resolves to
 * what was written, or undefined when cancelled or refused (the user has been told why).
 */
export async function exportCorpus(client: LanguageClient, args: ExportArgs = {}): Promise<ExportOutcome | undefined> {
  const corpus = await corpusUri(args.uri);
  if (!corpus) return undefined;

  let format = args.format;
  if (format === undefined) {
    const items = FORMATS.map((f) => ({ label: f.format, description: f.description, detail: f.detail }));
    format = (await pick(items, { title: 'Export Corpus: Format', placeholder: 'The format to export the corpus in', matchOnDescription: true }))?.label;
    if (format === undefined) return undefined;
  }

  let out = typeof args.outUri === 'string' ? vscode.Uri.parse(args.outUri) : args.outUri;
  if (!out) {
    const chosen = await vscode.window.showOpenDialog({
      title: `Export Corpus as ${format}: Folder`,
      openLabel: 'Export Here',
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.Uri.file(path.dirname(corpus.fsPath)),
    });
    out = chosen?.[0];
    if (!out) return undefined;
  }

  let force = args.force === true;
  if (!force && (await isNonEmptyFolder(out))) {
    const replace = 'Export Into It';
    const answer = await vscode.window.showWarningMessage(`${out.fsPath} is not empty.`, { modal: true, detail: 'Files of the export replace files of the same name there; other files stay.' }, replace);
    if (answer !== replace) return undefined;
    force = true;
  }

  const params: ExportParams = { uri: client.code2ProtocolConverter.asUri(corpus), format, outUri: client.code2ProtocolConverter.asUri(out), force };
  let result: ExportResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting the corpus as ${format}`, cancellable: true },
      (progress, token) => {
        progress.report({ message: `into ${out!.fsPath}…` });
        return client.sendRequest(ExportRequest, params, token);
      },
    );
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (/cancel/i.test(message)) void vscode.window.showInformationMessage('Export cancelled: nothing was written.');
    else void vscode.window.showErrorMessage(`Export failed: ${message}`);
    return undefined;
  }

  const folder = vscode.Uri.parse(result.outUri);
  const message = `Exported ${result.documents} document${result.documents === 1 ? '' : 's'} and ${result.spans} span${result.spans === 1 ? '' : 's'} as ${format}: ${result.files} file${result.files === 1 ? '' : 's'} in ${folder.fsPath}.`;
  // Not awaited: the message stays until dismissed, the command is done.
  void vscode.window.showInformationMessage(message, 'Open Folder').then((choice) => {
    if (choice === 'Open Folder') void openFolder(folder);
  });
  return { ...result, format, message };
}

/** The corpus to export: the given one, the active document's, the only one, or the user's pick. */
async function corpusUri(given: vscode.Uri | string | undefined): Promise<vscode.Uri | undefined> {
  if (given !== undefined) return typeof given === 'string' ? vscode.Uri.parse(given) : given;
  const active = vscode.window.activeTextEditor?.document.uri;
  const configs = (await vscode.workspace.findFiles('**/corpus.yaml', '**/{node_modules,.git}/**')).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (active?.scheme === 'file') {
    // The nearest corpus.yaml above the active document governs it.
    const governing = configs.filter((c) => active.fsPath.startsWith(path.dirname(c.fsPath) + path.sep)).sort((a, b) => b.fsPath.length - a.fsPath.length)[0];
    if (governing) return governing;
  }
  if (configs.length === 0) {
    void vscode.window.showWarningMessage('No corpus in this workspace: a corpus is a folder with a corpus.yaml.');
    return undefined;
  }
  if (configs.length === 1) return configs[0];
  const items = configs.map((uri) => ({ label: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri }));
  return (await pick(items, { title: 'Export Corpus: Which Corpus' }))?.uri;
}

async function isNonEmptyFolder(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return stat.type === vscode.FileType.Directory && (await vscode.workspace.fs.readDirectory(uri)).length > 0;
  } catch {
    return false; // missing: the server creates it
  }
}

/** Shows the folder: in the OS file manager on a desktop, else in a new window. */
async function openFolder(folder: vscode.Uri): Promise<void> {
  if (vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined) {
    await vscode.commands.executeCommand('revealFileInOS', folder);
  } else {
    await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
  }
}

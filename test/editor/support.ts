/**
 * Helpers of the annotator tests: the extension's API, corpus documents written into the
 * temp workspace (opened the way a user opens them, so the extension switches their language),
 * and driving quick picks with the workbench's own commands.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LANGUAGE_ID, activeExtension, screenshot, waitFor } from './harness';

/** The part of client/src/extension.ts's CorpusAnnotatorApi the tests use (no import across projects). */
export interface Api {
  decorations(uri: vscode.Uri):
    | { version: number; dimmed: boolean; surfaces: { type: string | undefined; depth: number; range: vscode.Range; color: string | undefined }[]; markup: vscode.Range[]; sent: number; rulerMarksSent: number; drawnLines: { first: number; last: number }[] }
    | undefined;
  entities: { provider: vscode.TreeDataProvider<unknown> & { refresh(): void; onDidChangeTreeData: vscode.Event<unknown> }; view: vscode.TreeView<unknown> };
  statusBar: vscode.StatusBarItem;
  activeQuickPick(): vscode.QuickPick<vscode.QuickPickItem> | undefined;
}

export async function api(): Promise<Api> {
  return (await activeExtension()).exports as Api;
}

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('no workspace folder');
  return folder;
}

/** Writes a document into the corpus (the workspace root holds corpus.yaml; documents: *.txt). */
export function writeCorpusFile(name: string, text: string): vscode.Uri {
  const file = path.join(workspaceFolder(), name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

export function removeCorpusFile(uri: vscode.Uri): void {
  fs.rmSync(uri.fsPath, { force: true });
}

/** The open document for a URI (the object may change when its language is switched). */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/**
 * Opens a corpus document as a user does (no language set by the test), waits for the extension
 * to switch it to Annotated Text and for its decorations to be drawn (so the server has it).
 */
export async function openCorpusDocument(uri: vscode.Uri): Promise<vscode.TextEditor> {
  await vscode.workspace.openTextDocument(uri);
  const document = await waitFor(`${path.basename(uri.fsPath)} in ${LANGUAGE_ID}`, () => {
    const d = openDocument(uri);
    return d?.languageId === LANGUAGE_ID ? d : undefined;
  });
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await decorated(editor.document);
  return editor;
}

/** Waits until the decorations of the document's current version are drawn. */
export async function decorated(document: vscode.TextDocument): Promise<NonNullable<ReturnType<Api['decorations']>>> {
  const a = await api();
  return waitFor(`decorations of ${path.basename(document.uri.fsPath)} v${document.version}`, () => {
    const snapshot = a.decorations(document.uri);
    return snapshot && snapshot.version === document.version ? snapshot : undefined;
  });
}

/** The position of the `occurrence`th `needle` in the document, plus `delta` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0, occurrence = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = document.getText().indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${occurrence}) not in ${path.basename(document.uri.fsPath)}`);
  }
  return document.positionAt(at + delta);
}

export function rangeOf(document: vscode.TextDocument, needle: string, occurrence = 0): vscode.Range {
  const start = positionOf(document, needle, 0, occurrence);
  return new vscode.Range(start, start.translate(0, needle.length));
}

/** Puts the cursor (or a selection) somewhere in the active editor. */
export function select(editor: vscode.TextEditor, range: vscode.Range | vscode.Position): void {
  const r = range instanceof vscode.Position ? new vscode.Range(range, range) : range;
  editor.selection = new vscode.Selection(r.start, r.end);
}

/** Waits for a command's quick pick with this title to show its items. */
export async function quickPickTitled(title: string | RegExp): Promise<vscode.QuickPick<vscode.QuickPickItem>> {
  const a = await api();
  return waitFor(`the quick pick '${title}'`, () => {
    const pick = a.activeQuickPick();
    const matches = pick?.title !== undefined && (typeof title === 'string' ? pick.title === title : title.test(pick.title));
    return matches && pick.items.length > 0 ? pick : undefined;
  });
}

/** Accepts the quick pick's active item, as Enter does. */
export async function acceptQuickPick(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** Runs `undo` in the active editor and waits for the text to be `expected`. */
export async function undo(document: vscode.TextDocument, expected: string): Promise<void> {
  await vscode.commands.executeCommand('undo');
  await waitFor('the undo', () => document.getText() === expected, 5_000);
}

/** How many times `needle` occurs in `text`. */
export function occurrences(text: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return text.split(needle).length - 1;
  return [...text.matchAll(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : needle.flags + 'g'))].length;
}

/** The seed document with the markup the tests look for (nested spans, @khafaji, ...). */
export function seedDocument(): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceFolder(), '000_4a0e1c5fe764b639.txt'));
}

/** A screenshot without the notifications earlier tests left behind. */
export async function cleanScreenshot(name: string, settleMs?: number): Promise<string | undefined> {
  await vscode.commands.executeCommand('notifications.clearAll');
  return screenshot(name, settleMs !== undefined ? { settleMs } : {});
}

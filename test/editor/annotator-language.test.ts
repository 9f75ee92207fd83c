/**
 * The language server as a user meets it in VS Code: corpus documents switch to Annotated Text
 * by themselves, problems show, hovers, go to definition and the outline work.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, sleep, waitFor } from './harness';
import { cleanScreenshot, openCorpusDocument, openDocument, positionOf, removeCorpusFile, seedDocument, select, writeCorpusFile } from './support';

describe('Annotator: corpus documents in VS Code', () => {
  const written: vscode.Uri[] = [];
  after(async () => {
    await closeAllEditors();
    for (const uri of written) removeCorpusFile(uri);
  });

  it('opens a seed document in Annotated Text with no setting, and leaves a .txt outside the corpus alone', async () => {
    const editor = await openCorpusDocument(seedDocument());
    assert.equal(editor.document.languageId, 'annotated-text');
    // corpus.yaml says documents: ["*.txt"]: a file in a subfolder is not a document of it.
    const outside = writeCorpusFile('notes/outside.txt', 'ملاحظات [ليست]{PER} من المدونة\n');
    written.push(outside);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(outside));
    await sleep(1_000); // time for the extension to ask the server and (wrongly) switch it
    assert.equal(openDocument(outside)?.languageId, 'plaintext');
    await closeAllEditors();
    fs.rmSync(path.dirname(outside.fsPath), { recursive: true, force: true });
  });

  it('reports the problems of a broken document where they are', async () => {
    const uri = writeCorpusFile(
      'broken.txt',
      ['قال [الخفاجي إن', 'قال [الخفاجي]{PRE} إن', 'قال [الخفاجي]{PER @khafagi} إن', 'قال ] إن', ''].join('\n'),
    );
    written.push(uri);
    await openCorpusDocument(uri);
    const diagnostics = await waitFor('the diagnostics of broken.txt', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'corpus-annotator');
      return found.length >= 4 ? found : undefined;
    });
    const byCode = (code: string): vscode.Diagnostic | undefined => diagnostics.find((d) => d.code === code || (typeof d.code === 'object' && d.code.value === code));
    const expected: [string, number, vscode.DiagnosticSeverity][] = [
      ['unclosed-span', 0, vscode.DiagnosticSeverity.Error],
      ['unknown-type', 1, vscode.DiagnosticSeverity.Error],
      ['unknown-entity', 2, vscode.DiagnosticSeverity.Error],
      ['unmatched-bracket', 3, vscode.DiagnosticSeverity.Error],
    ];
    for (const [code, line, severity] of expected) {
      const d = byCode(code);
      assert.ok(d, `no ${code} among ${diagnostics.map((x) => JSON.stringify(x.code)).join(', ')}`);
      assert.equal(d.range.start.line, line, `${code} is on line ${d.range.start.line}`);
      assert.equal(d.severity, severity, code);
    }
    assert.match(byCode('unknown-type')!.message, /PRE/);
    await closeAllEditors();
    removeCorpusFile(uri);
  });

  it('hovers a span with its type and catalog entity', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const at = positionOf(editor.document, '[الخفاجي]{PER @khafaji}', 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /الخفاجي/);
    assert.match(text, /PER/);
    assert.match(text, /@khafaji/);
    assert.match(text, /تحسين الخفاجي/, 'the catalog name of @khafaji');
    await vscode.commands.executeCommand('workbench.action.closeOtherEditors');
    select(editor, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.showHover');
    await cleanScreenshot('hover', 1_200);
  });

  it('goes from an @id to its catalog entry in corpus.yaml', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const at = positionOf(editor.document, '@khafaji}', 2);
    const targets = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', editor.document.uri, at);
    assert.equal(targets.length, 1);
    const target = targets[0]!;
    const uri = 'targetUri' in target ? target.targetUri : target.uri;
    const range = 'targetUri' in target ? (target.targetSelectionRange ?? target.targetRange) : target.range;
    assert.ok(uri.fsPath.endsWith('corpus.yaml'), uri.fsPath);
    const line = fs.readFileSync(uri.fsPath, 'utf8').split('\n')[range.start.line]!;
    assert.match(line, /^\s+khafaji:/, `the target line is '${line}'`);
  });

  it('outlines a document: its spans, nested ones as children', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    assert.equal(symbols[0]?.name, 'العمليات المشتركة');
    assert.match(symbols[0]!.detail, /ORG/);
    const ministry = symbols.find((s) => s.name === 'وزارة البيشمركة');
    assert.ok(ministry, 'no outline entry for the outer span of [وزارة [البيشمركة]{…}]{ORG}');
    assert.deepEqual(
      ministry.children.map((c) => c.name),
      ['البيشمركة'],
    );
    const total = (list: vscode.DocumentSymbol[]): number => list.reduce((n, s) => n + 1 + total(s.children), 0);
    // Every `]{` of the seed opens a label: one outline entry per span.
    assert.equal(total(symbols), editor.document.getText().split(']{').length - 1);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LANGUAGE_ID, activeExtension, closeAllEditors, openAnnotated, screenshot, workspaceDocuments } from './harness';

interface Contributes {
  languages?: { id: string; aliases?: string[]; configuration?: string; extensions?: string[] }[];
  grammars?: { language?: string; scopeName: string; path: string }[];
  yamlValidation?: { fileMatch: string | string[]; url: string }[];
}

describe('Smoke: the extension in a real VS Code', () => {
  after(closeAllEditors);

  it('is loaded and activates', async () => {
    const extension = await activeExtension();
    assert.equal(extension.isActive, true);
    assert.ok(fs.existsSync(path.join(extension.extensionPath, 'dist', 'client.js')), 'dist/client.js is missing');
  });

  it('registers the annotated-text language', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes(LANGUAGE_ID), `${LANGUAGE_ID} is not among ${languages.length} languages`);
  });

  it('contributes the grammar, the language configuration and the corpus.yaml schema, from files that parse', async () => {
    const extension = await activeExtension();
    const contributes = (extension.packageJSON as { contributes: Contributes }).contributes;
    const language = contributes.languages?.find((l) => l.id === LANGUAGE_ID);
    assert.ok(language, 'no languages entry for annotated-text');
    assert.deepEqual(language.extensions ?? [], [], 'corpus documents are .txt: the client sets the language, no file extension may claim it');
    const grammar = contributes.grammars?.find((g) => g.language === LANGUAGE_ID);
    assert.equal(grammar?.scopeName, 'text.annotated');
    const schema = contributes.yamlValidation?.find((v) => [v.fileMatch].flat().includes('corpus.yaml'));
    assert.ok(schema, 'no yamlValidation entry for corpus.yaml');
    for (const file of [language.configuration!, grammar.path, schema.url]) {
      const full = path.join(extension.extensionPath, file);
      assert.ok(fs.existsSync(full), `${file} is missing`);
      JSON.parse(fs.readFileSync(full, 'utf8'));
    }
    const parsedGrammar = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, grammar.path), 'utf8')) as { scopeName: string };
    assert.equal(parsedGrammar.scopeName, 'text.annotated');
  });

  it('opens a seed document and switches it to annotated-text', async () => {
    const documents = await workspaceDocuments();
    assert.ok(documents.length > 0, `no *.txt document in the workspace ${vscode.workspace.workspaceFolders?.[0]?.uri.fsPath}`);
    // Prefer a document with markup in it, so the screenshot shows some.
    const uri = documents.find((u) => fs.readFileSync(u.fsPath, 'utf8').includes(']{')) ?? documents[0]!;
    const document = await vscode.workspace.openTextDocument(uri);
    assert.ok(document.lineCount > 0);
    const switched = await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
    assert.equal(switched.languageId, LANGUAGE_ID);
    const editor = await vscode.window.showTextDocument(switched, { preview: false });
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    // Show the first line with a span.
    const line = Array.from({ length: switched.lineCount }, (_, i) => i).find((i) => switched.lineAt(i).text.includes(']{')) ?? 0;
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
    await screenshot('smoke-seed-document');
  });

  it('tokenizes a seed document with the contributed TextMate grammar', async () => {
    const documents = await workspaceDocuments();
    const editor = await openAnnotated(documents[0]!);
    // Throws "Cannot resolve tokenizer" unless a grammar is registered for the language.
    const result = await vscode.commands.executeCommand<{ tokenizeTime: number }>('_workbench.colorizeTextMateTokens', editor.document.uri);
    assert.equal(typeof result?.tokenizeTime, 'number');
  });
});

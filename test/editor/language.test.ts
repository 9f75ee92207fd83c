import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, openAnnotated, openUntitled, screenshot, sleep } from './harness';

/** Types `text` in the active editor the way a keyboard does (auto-closing and surrounding apply). */
async function type(text: string): Promise<void> {
  await vscode.commands.executeCommand('type', { text });
}

function select(editor: vscode.TextEditor, line: number, from: number, to = from): void {
  editor.selection = new vscode.Selection(line, from, line, to);
}

describe('Language configuration: typing Arabic annotated text', () => {
  afterEach(closeAllEditors);

  it('does not auto-close [ in running text', async () => {
    // Where an auto-closing pair would fire: at the end of a line and before a space.
    const editor = await openUntitled('قال المتحدث باسم \nقيادة العمليات المشتركة إن');
    select(editor, 0, editor.document.lineAt(0).text.length);
    await type('[');
    select(editor, 1, 'قيادة العمليات المشتركة'.length);
    await type('[');
    assert.equal(editor.document.getText(), 'قال المتحدث باسم [\nقيادة العمليات المشتركة[ إن');
  });

  it('surrounds a selection with [ ]', async () => {
    const text = 'قال المتحدث باسم قيادة العمليات المشتركة إن';
    const editor = await openUntitled(text);
    const start = text.indexOf('قيادة');
    const end = text.indexOf(' إن');
    select(editor, 0, start, end);
    await type('[');
    assert.equal(editor.document.getText(), 'قال المتحدث باسم [قيادة العمليات المشتركة] إن');
  });

  it('closes the label brace typed after ]', async () => {
    const editor = await openUntitled('[داعش]');
    select(editor, 0, '[داعش]'.length);
    await type('{');
    assert.equal(editor.document.getText(), '[داعش]{}');
    await type('ORG');
    await type('}');
    assert.equal(editor.document.getText(), '[داعش]{ORG}', 'typing } over the auto-inserted one must not double it');
  });

  it('selects a whole Arabic word, without the quotes and comma around it (Ctrl+D, double-click)', async () => {
    // Ctrl+D and double-click use editor.wordSeparators, which the extension extends for the
    // language with Arabic punctuation: select a word, type [ and only the word is wrapped.
    const word = 'المُتَحـــدِّث';
    const text = `قال «${word}»، ثم`;
    const editor = await openUntitled(text);
    select(editor, 0, text.indexOf(word) + 4);
    await vscode.commands.executeCommand('editor.action.addSelectionToNextFindMatch');
    assert.equal(editor.document.getText(editor.selection), word);
    await type('[');
    assert.equal(editor.document.getText(), `قال «[${word}]»، ثم`);
  });

  it('defines words by the language wordPattern: letters, marks (diacritics), digits, tatweel', async () => {
    // The wordPattern drives the editor's notion of "the word at a position" (smart select,
    // word highlights, default completion ranges). Smart select's innermost range shows it.
    const word = 'المُتَحـــدِّث';
    const text = `قال «${word}»، ثم ١٢٣`;
    const editor = await openUntitled(text);
    const inside = new vscode.Position(0, text.indexOf(word) + 4);
    const [ranges] = await vscode.commands.executeCommand<vscode.SelectionRange[]>('vscode.executeSelectionRangeProvider', editor.document.uri, [inside]);
    const texts: string[] = [];
    for (let r: vscode.SelectionRange | undefined = ranges; r; r = r.parent) texts.push(editor.document.getText(r.range));
    assert.ok(texts.includes(word), `no selection range is the word; got ${JSON.stringify(texts)}`);
    assert.ok(!texts.some((t) => t.includes('«') && !t.includes(' ')), `a "word" includes the quote: ${JSON.stringify(texts)}`);
  });

  it('shows a document with front matter, nested spans, attributes and errors', async () => {
    // A file (not untitled) so the workbench shows a real tab; in the temp workspace copy or tmp.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
    const file = path.join(folder, 'editor-test-showcase.txt');
    fs.writeFileSync(
      file,
      [
        '---',
        'id: showcase',
        'labels: [security]',
        'status: draft',
        '---',
        'قال المتحدث باسم [قيادة العمليات المشتركة]{ORG @joc} اللواء [تحسين الخفاجي]{PER @khafaji role=spokesperson} إن',
        '[[جهاز مكافحة الإرهاب]{ORG} في [السليمانية]{GPE}]{ORG @ctg-suly note="جهاز \\"الإقليم\\""}',
        'نص فيه \\[أقواس\\] مهربة و ] شاردة و [قوس مفتوح',
        '',
      ].join('\n'),
    );
    const editor = await openAnnotated(vscode.Uri.file(file));
    assert.equal(editor.document.languageId, 'annotated-text');
    await sleep(250);
    await screenshot('language-showcase');
  });
});

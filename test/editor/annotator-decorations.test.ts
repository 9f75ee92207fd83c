/**
 * Decorations: each surface in its type's colour (from corpus.yaml), nested spans marked as
 * such, the markup dimmed (and not, after "Toggle Markup Dimming"), following the text as it
 * is typed. Asserted on what the extension computed from the server's spans and drew.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor } from './harness';
import { type Api, api, cleanScreenshot, decorated, openCorpusDocument, positionOf, removeCorpusFile, seedDocument, undo, writeCorpusFile } from './support';

describe('Annotator: decorations', () => {
  after(async () => {
    await vscode.workspace.getConfiguration('corpusAnnotator').update('dimMarkup', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
  });

  it('tints every surface in its type colour from corpus.yaml and dims the markup', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const document = editor.document;
    const snapshot = await decorated(document);
    const text = document.getText();
    // One surface per span: every `]{` closes one.
    assert.equal(snapshot.surfaces.length, text.split(']{').length - 1);
    const first = snapshot.surfaces[0]!;
    assert.equal(document.getText(first.range), 'العمليات المشتركة');
    assert.equal(first.type, 'ORG');
    assert.equal(first.color, '#4e79a7', 'ORG is "#4e79a7" in seeds/corpus.yaml');
    const person = snapshot.surfaces.find((s) => document.getText(s.range) === 'الخفاجي');
    assert.equal(person?.type, 'PER');
    assert.equal(person?.color, '#e15759');
    // [وزارة [البيشمركة]{ORG @peshmerga}]{ORG}: the inner span is nested, the outer not.
    const inner = snapshot.surfaces.find((s) => s.range.start.isEqual(positionOf(document, '[البيشمركة]{ORG @peshmerga}]', 1)));
    assert.equal(inner?.depth, 1);
    const outer = snapshot.surfaces.find((s) => s.range.start.isEqual(positionOf(document, '[وزارة [', 1)));
    assert.equal(outer?.depth, 0);
    assert.equal(document.getText(outer!.range), 'وزارة [البيشمركة]{ORG @peshmerga}');
    // Dimmed by default: the `[` and the `]{...}` of every span.
    assert.equal(snapshot.dimmed, true);
    assert.equal(snapshot.markup.length, 2 * snapshot.surfaces.length);
    const markupTexts = snapshot.markup.map((r) => document.getText(r));
    assert.equal(markupTexts[0], '[');
    assert.equal(markupTexts[1], ']{ORG @joc}');
    assert.ok(markupTexts.every((t) => t === '[' || /^\]\{[^}]*\}$/.test(t)), `markup ranges: ${markupTexts.filter((t) => t !== '[').slice(0, 5).join(' ')}`);
    const line = positionOf(document, '[وزارة [').line;
    editor.revealRange(new vscode.Range(line - 3, 0, line - 3, 0), vscode.TextEditorRevealType.AtTop);
    await cleanScreenshot('decorations');
  });

  it('follows typing: a new span is coloured, and undoing it removes the colour', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const document = editor.document;
    const before = document.getText();
    const count = (await decorated(document)).surfaces.length;
    // Occurrence 0 is in the front matter's title.
    const at = positionOf(document, 'لدينا تنسيق', 0, 1);
    await editor.edit((b) => b.insert(at, '[بغداد]{GPE} '));
    const after = await decorated(document);
    assert.equal(after.surfaces.length, count + 1);
    const added = after.surfaces.find((s) => s.range.start.isEqual(at.translate(0, 1)));
    assert.equal(added && document.getText(added.range), 'بغداد');
    assert.equal(added?.type, 'GPE');
    assert.equal(added?.color, '#59a14f');
    await undo(document, before);
    assert.equal((await decorated(document)).surfaces.length, count);
  });

  it('draws an edit at once from the lines it touched, parsed in the extension: no spans request', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const document = editor.document;
    const before = document.getText();
    const count = (await decorated(document)).surfaces.length;
    const a = (await api()) as Api & { client: { sendRequest(...args: unknown[]): Promise<unknown> } };
    const original = a.client.sendRequest;
    const asked: string[] = [];
    a.client.sendRequest = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const type = args[0];
      asked.push(typeof type === 'string' ? type : String((type as { method?: string } | undefined)?.method));
      return original.apply(this, args);
    };
    const edits: [string, () => vscode.Position, string][] = [
      ['a letter in a surface', () => positionOf(document, 'الخفاجي', 2), 'ب'],
      ['a letter between spans', () => positionOf(document, 'قال المتحدث', 3), 'ب'],
      ['a letter in a label', () => positionOf(document, ']{PER', 5), 'X'],
      // Occurrence 0 is in the front matter's title.
      ['a new span', () => positionOf(document, 'لدينا تنسيق', 0, 1), '[بغداد]{GPE} '],
      ['a line break', () => positionOf(document, 'انخفضت بعد'), '\n'],
    ];
    try {
      for (const [what, at, text] of edits) {
        const version = document.version;
        await editor.edit((b) => b.insert(at(), text));
        const drawn = await decorated(document);
        assert.equal(drawn.version, version + 1, what);
      }
      assert.deepEqual(asked.filter((m) => m === 'corpusAnnotator/spans'), [], 'no spans request');
    } finally {
      a.client.sendRequest = original;
    }
    const after = await decorated(document);
    assert.equal(after.surfaces.length, count + 1);
    assert.ok(after.surfaces.some((s) => document.getText(s.range) === 'البخفاجي'), 'the surface grew by the letter');
    assert.ok(after.surfaces.some((s) => s.type === 'PERX' && s.color === undefined), 'the type typed in the label, which corpus.yaml does not declare');
    const added = after.surfaces.find((s) => document.getText(s.range) === 'بغداد');
    assert.equal(added?.color, '#59a14f', 'the new span in GPE colour');
    const markupTexts = after.markup.map((r) => document.getText(r));
    assert.ok(markupTexts.every((t) => t === '[' || /^\]\{[^}]*\}$/.test(t)), `markup ranges: ${markupTexts.filter((t) => t !== '[').slice(0, 5).join(' ')}`);
    for (let i = 0; i < edits.length; i++) await vscode.commands.executeCommand('undo');
    await waitFor('every edit undone', () => document.getText() === before, 5_000);
    assert.equal((await decorated(document)).surfaces.length, count);
  });

  it('sends a long document in blocks, those in view: a letter in a label sends one block again, other edits none', async () => {
    // The seed document's body 40 times over: some 3,500 spans, in blocks of about 1,000.
    const seed = (await vscode.workspace.openTextDocument(seedDocument())).getText();
    const body = seed.slice(seed.indexOf('\n---\n', 4) + 5);
    const uri = writeCorpusFile('long.txt', body.repeat(40));
    let opened: vscode.TextDocument | undefined;
    try {
      const editor = await openCorpusDocument(uri);
      const document = (opened = editor.document);
      const before = document.getText();
      const first = await decorated(document);
      const spans = first.surfaces.length;
      assert.ok(spans > 3000, `${spans} spans`);
      const a = await api();
      const drawnAt = (line: number): boolean => (a.decorations(document.uri)?.drawnLines ?? []).some((l) => l.first <= line && line <= l.last);
      assert.ok(drawnAt(0) && !drawnAt(document.lineCount - 1), `the blocks at the top are drawn, not the last: ${JSON.stringify(first.drawnLines)}`);
      assert.ok(first.sent > 0 && first.sent < 3 * spans, `a first drawing sends the surfaces, \`[\` and \`]{...}\` of the blocks in view: ${first.sent} ranges of ${3 * spans}`);
      assert.ok(first.rulerMarksSent > 0, 'and the overview ruler marks of every block');

      // In the middle of the document, brought into view: its block is drawn.
      const at = positionOf(document, ']{PER', 5, 60);
      editor.revealRange(new vscode.Range(at.line, 0, at.line, 0), vscode.TextEditorRevealType.InCenter);
      await waitFor(`the block of line ${at.line} drawn`, () => drawnAt(at.line), 5_000);
      // The span's colour changes in one block of its old and new style.
      await editor.edit((b) => b.insert(at, 'X'));
      const label = await decorated(document);
      const recoloured = label.surfaces.find((s) => s.type === 'PERX');
      assert.ok(recoloured && recoloured.color === undefined, 'the span of the unknown type PERX');
      assert.ok(label.sent > 0 && label.sent < spans, `a letter in a label sent ${label.sent} ranges of ${3 * spans}`);
      await cleanScreenshot('decorations-blocks');

      // VS Code moves what it shows with the text: these send nothing.
      await editor.edit((b) => b.insert(positionOf(document, 'قال المتحدث', 3, 7), 'ب'));
      assert.equal((await decorated(document)).sent, 0, 'a letter between spans');
      await editor.edit((b) => b.insert(positionOf(document, 'انخفضت بعد', 0, 2), '\n'));
      assert.equal((await decorated(document)).sent, 0, 'a line break');
      for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('undo');
      await waitFor('every edit undone', () => document.getText() === before, 5_000);
      assert.equal((await decorated(document)).surfaces.length, spans);
    } finally {
      // VS Code keeps a closed document open a while, and the server counts what it holds: its
      // 3,500 mentions would stay in the corpus's counts for the tests after this one.
      if (opened && opened.getText().length > 0) {
        const all = new vscode.Range(new vscode.Position(0, 0), opened.positionAt(opened.getText().length));
        const edit = new vscode.WorkspaceEdit();
        edit.delete(uri, all);
        await vscode.workspace.applyEdit(edit);
        await opened.save();
      }
      await closeAllEditors();
      removeCorpusFile(uri);
    }
  });

  it('"Toggle Markup Dimming" turns the dimming off and on again', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const a = await api();
    const uri = editor.document.uri;
    await vscode.commands.executeCommand('corpusAnnotator.toggleMarkupDimming');
    assert.equal(vscode.workspace.getConfiguration('corpusAnnotator').get('dimMarkup'), false);
    await waitFor('undimmed markup', () => a.decorations(uri)?.dimmed === false);
    assert.equal(a.decorations(uri)!.markup.length, 0);
    assert.ok(a.decorations(uri)!.surfaces.length > 0, 'the colours stay');
    await vscode.commands.executeCommand('corpusAnnotator.toggleMarkupDimming');
    await waitFor('dimmed markup', () => a.decorations(uri)?.dimmed === true);
    assert.equal(a.decorations(uri)!.markup.length, 2 * a.decorations(uri)!.surfaces.length);
  });
});

/**
 * The editing and navigation commands, as a keyboard user runs them: the document's text after
 * each command, and after one undo (every command is one edit). Quick picks are driven with
 * the workbench's own quick-input commands.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor } from './harness';
import { acceptQuickPick, cleanScreenshot, decorated, openCorpusDocument, openDocument, positionOf, quickPickTitled, rangeOf, removeCorpusFile, select, undo, writeCorpusFile } from './support';

const SCRATCH = [
  'قال المتحدث باسم قيادة العمليات المشتركة إن وداعش هاجم بالعراق مدينة الموصل قرب وزارة الدفاع',
  'وأكد [الخفاجي]{PER} أن [الموصل]{GPE} آمنة وأن الموصل لم تسقط، وزار الموصل أمس',
  '',
].join('\n');

describe('Annotator: editing commands (one undo each)', () => {
  let uri: vscode.Uri;
  let editor: vscode.TextEditor;
  let document: vscode.TextDocument;

  before(async () => {
    uri = writeCorpusFile('scratch-commands.txt', SCRATCH);
  });
  beforeEach(async () => {
    editor = await openCorpusDocument(uri);
    document = editor.document;
    assert.equal(document.getText(), SCRATCH, 'the previous test did not undo its edit');
  });
  after(async () => {
    await closeAllEditors();
    removeCorpusFile(uri);
  });

  /** Runs a command and checks the text after it and after one undo. */
  async function expectEdit(run: () => Thenable<unknown>, expected: string): Promise<void> {
    const result = await run();
    assert.equal(document.getText(), expected, `text after the command (it returned ${JSON.stringify(result)})`);
    await undo(document, SCRATCH);
  }

  it('Annotate as Type N wraps the selection in a span of the Nth type of corpus.yaml', async () => {
    select(editor, rangeOf(document, 'قيادة العمليات المشتركة'));
    // seeds/corpus.yaml: PER, ORG, GPE, ...: type 2 is ORG.
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.annotateAsType2'), SCRATCH.replace('قيادة العمليات المشتركة', '[قيادة العمليات المشتركة]{ORG}'));
  });

  it('with no selection it takes the word under the cursor, leaving its proclitic outside', async () => {
    select(editor, positionOf(document, 'وداعش', 3));
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.annotateAsType2'), SCRATCH.replace('وداعش', 'و[داعش]{ORG}'));
    select(editor, positionOf(document, 'بالعراق', 4));
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.annotateAsType3'), SCRATCH.replace('بالعراق', 'ب[العراق]{GPE}'));
    // و is part of this word: زارة is no word of its own.
    select(editor, positionOf(document, 'وزارة', 2));
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.annotateAsType2'), SCRATCH.replace('وزارة', '[وزارة]{ORG}'));
  });

  it('on a word that is already a span, Annotate as Type N changes its type instead of nesting', async () => {
    select(editor, positionOf(document, '[الخفاجي]', 3));
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.annotateAsType2'), SCRATCH.replace('[الخفاجي]{PER}', '[الخفاجي]{ORG}'));
  });

  it('Annotate Selection… offers the types with their Arabic names and number keys', async () => {
    select(editor, rangeOf(document, 'قيادة العمليات المشتركة'));
    const done = vscode.commands.executeCommand('corpusAnnotator.annotateSelection');
    const pick = await quickPickTitled('Annotate Selection');
    const labels = pick.items.map((i) => `${i.label} | ${i.description} | ${i.detail}`);
    assert.equal(pick.items.length, 8, labels.join('\n'));
    assert.match(labels[0]!, /^1 {2}PER \| شخص \| A named person {2}· {2}(Ctrl\+Alt\+1|⌥⌘1)$/);
    assert.match(labels[1]!, /^2 {2}ORG \| منظمة \| /);
    await cleanScreenshot('quick-pick-types');
    // Typing filters on the Arabic name too: منظمة is ORG.
    pick.value = 'منظمة';
    await waitFor('the filtered pick', () => pick.activeItems[0]?.label === '2  ORG');
    await acceptQuickPick();
    await done;
    assert.equal(document.getText(), SCRATCH.replace('قيادة العمليات المشتركة', '[قيادة العمليات المشتركة]{ORG}'));
    await undo(document, SCRATCH);
  });

  it('Remove Annotation keeps the text', async () => {
    select(editor, positionOf(document, '[الخفاجي]', 2));
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.removeAnnotation'), SCRATCH.replace('[الخفاجي]{PER}', 'الخفاجي'));
  });

  it('Change Type… offers the other types and changes the label', async () => {
    select(editor, positionOf(document, '[الخفاجي]', 2));
    const done = vscode.commands.executeCommand('corpusAnnotator.changeType');
    const pick = await quickPickTitled('Change Type');
    assert.ok(!pick.items.some((i) => i.label.endsWith(' PER')), 'the span is PER already');
    assert.equal(pick.items.length, 7);
    pick.value = 'NORP';
    await waitFor('the filtered pick', () => pick.activeItems[0]?.label === '7  NORP');
    await acceptQuickPick();
    await done;
    assert.equal(document.getText(), SCRATCH.replace('[الخفاجي]{PER}', '[الخفاجي]{NORP}'));
    await undo(document, SCRATCH);
  });

  it('Link to Entity… lists the catalog, searched on the Arabic matching key', async () => {
    select(editor, positionOf(document, '[الخفاجي]', 2));
    const done = vscode.commands.executeCommand('corpusAnnotator.linkEntity');
    const pick = await quickPickTitled(/^Link 'الخفاجي' to Entity$/);
    // The entity named like the span first, then the rest of the catalog.
    assert.equal(pick.items[0]?.label, 'تحسين الخفاجي');
    assert.match(pick.items[0]!.description!, /@khafaji/);
    assert.ok(pick.items.length >= 20, `${pick.items.length} items: the whole catalog is offered`);
    await cleanScreenshot('quick-pick-link');
    // Typed with a plain alef: the server's matching key finds the alias إقليم كردستان.
    pick.value = 'اقليم كردستان';
    await waitFor('the server search', () => pick.items.length > 0 && pick.items.every((i) => i.description?.includes('@kurdistan-region')) && pick.items);
    // Back to the Khafaji spelled with alef maqsura.
    pick.value = 'الخفاجى';
    await waitFor('the server search', () => pick.items.length === 1 && pick.items[0]!.description?.startsWith('@khafaji'));
    await acceptQuickPick();
    await done;
    assert.equal(document.getText(), SCRATCH.replace('[الخفاجي]{PER}', '[الخفاجي]{PER @khafaji}'));
    await undo(document, SCRATCH);
  });

  it('Annotate All Occurrences annotates the other occurrences of the span in one edit', async () => {
    select(editor, positionOf(document, '[الموصل]', 2));
    const expected = SCRATCH.replace('مدينة الموصل', 'مدينة [الموصل]{GPE}').replace('وأن الموصل', 'وأن [الموصل]{GPE}').replace('وزار الموصل', 'وزار [الموصل]{GPE}');
    await expectEdit(() => vscode.commands.executeCommand('corpusAnnotator.annotateAll'), expected);
  });

  it('Annotate All Occurrences asks "this document or the corpus" when other documents have some', async () => {
    const other = writeCorpusFile('scratch-commands-other.txt', 'زار الوزير الموصل أمس\n');
    try {
      await openCorpusDocument(other);
      editor = await vscode.window.showTextDocument(document);
      select(editor, positionOf(document, '[الموصل]', 2));
      const done = vscode.commands.executeCommand('corpusAnnotator.annotateAll');
      const pick = await quickPickTitled('Annotate All Occurrences');
      assert.deepEqual(
        pick.items.map((i) => i.label),
        ["Annotate all 3 other occurrences of 'الموصل' in this document as {GPE}", "Annotate all 4 other occurrences of 'الموصل' in the corpus (2 documents) as {GPE}"],
      );
      await acceptQuickPick();
      await done;
      const expected = SCRATCH.replace('مدينة الموصل', 'مدينة [الموصل]{GPE}').replace('وأن الموصل', 'وأن [الموصل]{GPE}').replace('وزار الموصل', 'وزار [الموصل]{GPE}');
      assert.equal(document.getText(), expected);
      assert.equal(openDocument(other)?.getText(), 'زار الوزير الموصل أمس\n', 'the other document changed');
      await undo(document, SCRATCH);
    } finally {
      removeCorpusFile(other);
    }
  });

  it('refuses to annotate a selection that ends inside a label', async () => {
    // From the text into the middle of a label.
    select(editor, new vscode.Range(positionOf(document, 'وأكد'), positionOf(document, '{PER}', 2)));
    const applied = await vscode.commands.executeCommand('corpusAnnotator.annotateAsType1');
    assert.equal(applied, false);
    assert.equal(document.getText(), SCRATCH);
  });

  it('Next/Previous Annotation move the cursor from span to span, wrapping around', async () => {
    select(editor, new vscode.Position(0, 0));
    const starts = [positionOf(document, '[الخفاجي]', 1), positionOf(document, '[الموصل]', 1)];
    await vscode.commands.executeCommand('corpusAnnotator.nextAnnotation');
    assert.deepEqual(editor.selection.active, starts[0]);
    await vscode.commands.executeCommand('corpusAnnotator.nextAnnotation');
    assert.deepEqual(editor.selection.active, starts[1]);
    await vscode.commands.executeCommand('corpusAnnotator.nextAnnotation');
    assert.deepEqual(editor.selection.active, starts[0], 'wraps to the first');
    await vscode.commands.executeCommand('corpusAnnotator.previousAnnotation');
    assert.deepEqual(editor.selection.active, starts[1], 'wraps to the last');
    await vscode.commands.executeCommand('corpusAnnotator.previousAnnotation');
    assert.deepEqual(editor.selection.active, starts[0]);
  });

  it('Next Problem selects the next problem of the corpus documents', async () => {
    const broken = writeCorpusFile('scratch-problems.txt', 'سطر سليم\nقال [الخفاجي]{PRE} و ] إن\n');
    try {
      const problems = await openCorpusDocument(broken);
      await decorated(problems.document);
      const diagnostics = await waitFor('two problems', () => {
        const found = vscode.languages.getDiagnostics(broken).filter((d) => d.source === 'corpus-annotator' && d.range.start.line === 1);
        return found.length >= 2 ? found.sort((a, b) => a.range.start.compareTo(b.range.start)) : undefined;
      });
      select(problems, new vscode.Position(0, 0));
      await vscode.commands.executeCommand('corpusAnnotator.nextProblem');
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), broken.toString());
      assert.ok(problems.selection.isEqual(diagnostics[0]!.range), `selection ${JSON.stringify(problems.selection)} vs ${JSON.stringify(diagnostics[0]!.range)}`);
      await vscode.commands.executeCommand('corpusAnnotator.nextProblem');
      assert.ok(vscode.window.activeTextEditor!.selection.isEqual(diagnostics[1]!.range), 'the second problem');
    } finally {
      await closeAllEditors();
      removeCorpusFile(broken);
    }
  });
});

/**
 * "Export Corpus…": the format pick, then (with the folder given, as a dialog cannot be driven
 * here) the export by the server, the files on disk and the message with the counts; a corpus
 * with a broken document is refused and nothing is written.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, screenshot } from './harness';
import { openCorpusDocument, quickPickTitled, removeCorpusFile, seedDocument, workspaceFolder, writeCorpusFile } from './support';

interface Outcome {
  files: number;
  documents: number;
  spans: number;
  outUri: string;
  format: string;
  message: string;
}

describe('Annotator: Export Corpus…', () => {
  // Made when the suite runs, not when it is loaded (a run that leaves the suite out would leave
  // the folder behind), and removed before the editors are closed, which can time out.
  let out: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-annotator-export-'));
  });
  after(async () => {
    fs.rmSync(out, { recursive: true, force: true });
    await closeAllEditors();
  });

  it('offers the six formats', async () => {
    await openCorpusDocument(seedDocument());
    const done = vscode.commands.executeCommand('corpusAnnotator.exportCorpus');
    const pick = await quickPickTitled('Export Corpus: Format');
    assert.deepEqual(
      pick.items.map((i) => i.label),
      ['jsonl', 'doccano', 'spacy', 'brat', 'conll', 'label-studio'],
    );
    // Dismissed: nothing happens.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await done, undefined);
  });

  it('exports the corpus through the server and reports the counts', async () => {
    await vscode.commands.executeCommand('notifications.clearAll'); // what earlier tests left
    const target = path.join(out, 'jsonl');
    const documents = fs.readdirSync(workspaceFolder()).filter((f) => f.endsWith('.txt'));
    const spans = documents.reduce((n, f) => n + fs.readFileSync(path.join(workspaceFolder(), f), 'utf8').split(']{').length - 1, 0);
    const outcome = await vscode.commands.executeCommand<Outcome | undefined>('corpusAnnotator.exportCorpus', { format: 'jsonl', outUri: vscode.Uri.file(target) });
    assert.ok(outcome, 'the export failed');
    assert.equal(outcome.documents, documents.length);
    assert.equal(outcome.spans, spans);
    assert.equal(outcome.message, `Exported ${documents.length} documents and ${spans} spans as jsonl: 1 file in ${target}.`);
    const lines = fs.readFileSync(path.join(target, 'corpus.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, documents.length);
    const exported = lines.reduce((n, l) => n + (JSON.parse(l) as { spans: unknown[] }).spans.length, 0);
    assert.equal(exported, spans);
    // The message with the counts and its Open Folder button.
    await screenshot('export-done', { settleMs: 1_500 });
  });

  it('refuses a corpus with a broken document and writes nothing', async () => {
    const broken = writeCorpusFile('scratch-export-broken.txt', 'قال [الخفاجي إن\n');
    try {
      const target = path.join(out, 'refused');
      const outcome = await vscode.commands.executeCommand('corpusAnnotator.exportCorpus', { format: 'conll', outUri: vscode.Uri.file(target), uri: seedDocument() });
      assert.equal(outcome, undefined);
      assert.ok(!fs.existsSync(target) || fs.readdirSync(target).length === 0, 'files were written');
    } finally {
      removeCorpusFile(broken);
    }
  });
});

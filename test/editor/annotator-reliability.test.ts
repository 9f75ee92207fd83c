/**
 * Reliability in the editor: the language server killed mid-session is restarted by the client,
 * and nothing typed is lost (the buffer holds it, and the new server gets it); the extension
 * declares that it works in untrusted workspaces because it runs nothing from them, and does
 * (the Restricted Mode pass).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, closeAllEditors, waitFor } from './harness';
import { decorated, openCorpusDocument, removeCorpusFile, writeCorpusFile } from './support';

/** Pids of the language servers this extension host started (node dist/server.js --node-ipc). */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmdline.some((arg) => arg.endsWith(path.join('dist', 'server.js')))) continue;
      // The ppid is the 4th field of /proc/PID/stat, after the parenthesised command name.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

describe('Annotator: reliability', () => {
  after(closeAllEditors);

  it('restarts a killed language server, and nothing typed is lost', async function () {
    if (process.platform !== 'linux') this.skip();
    const uri = writeCorpusFile('restart.txt', 'قال [الخفاجي]{PER @khafaji} إن\n');
    try {
      const editor = await openCorpusDocument(uri);
      // Typed, not saved.
      await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'وأضاف [داعش]{ORG @isis}\n'));
      assert.ok(editor.document.isDirty);

      const [pid] = await waitFor('the language server process', () => {
        const pids = serverPids();
        return pids.length === 1 ? pids : undefined;
      });
      process.kill(pid!, 'SIGKILL');
      // Typing on at once: the client's writes to the dead process fail before it sees the close,
      // which must not make it give the server up.
      for (const word of ['ثم', 'قال']) {
        await editor.edit((b) => b.insert(new vscode.Position(2, 0), `${word}\n`));
      }
      const [restarted] = await waitFor(
        'a restarted language server',
        () => {
          const pids = serverPids().filter((p) => p !== pid);
          return pids.length === 1 ? pids : undefined;
        },
        20000,
      );
      assert.notEqual(restarted, pid);

      // The buffer kept every character, unsaved.
      assert.equal(editor.document.getText(), 'قال [الخفاجي]{PER @khafaji} إن\nوأضاف [داعش]{ORG @isis}\nقال\nثم\n');
      assert.ok(editor.document.isDirty);
      // The new server has the buffer as typed: a mistake typed now is diagnosed against it.
      await editor.edit((b) => b.insert(new vscode.Position(4, 0), 'وذكر [x]{NOPE}\n'));
      const diagnostics = await waitFor(
        'diagnostics from the restarted server',
        () => {
          const found = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'unknown-type');
          return found.length === 1 ? found : undefined;
        },
        20000,
      );
      assert.equal(diagnostics[0]!.range.start.line, 4, 'the typed lines before it are known to the new server');
      const snapshot = await decorated(editor.document);
      assert.deepEqual(
        snapshot.surfaces.map((s) => editor.document.getText(s.range)),
        ['الخفاجي', 'داعش', 'x'],
      );
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      removeCorpusFile(uri);
    }
  });

  it('"Restart Language Server" starts a new server, which diagnoses the open documents', async function () {
    if (process.platform !== 'linux') this.skip();
    const uri = writeCorpusFile('restart-command.txt', 'قال [x]{NOPE}\n');
    try {
      await openCorpusDocument(uri);
      await waitFor('diagnostics before the restart', () => (vscode.languages.getDiagnostics(uri).some((d) => d.code === 'unknown-type') ? true : undefined));
      const [before] = await waitFor('the language server process', () => {
        const pids = serverPids();
        return pids.length === 1 ? pids : undefined;
      });
      await vscode.commands.executeCommand('corpusAnnotator.restartServer');
      const [after] = await waitFor('a new language server', () => {
        const pids = serverPids().filter((p) => p !== before);
        return pids.length === 1 ? pids : undefined;
      });
      assert.notEqual(after, before);
      await waitFor('diagnostics from the new server', () => (vscode.languages.getDiagnostics(uri).some((d) => d.code === 'unknown-type') ? true : undefined), 20000);
    } finally {
      removeCorpusFile(uri);
    }
  });

  it('declares full support of untrusted workspaces: nothing in a corpus is ever run', async () => {
    const manifest = (await activeExtension()).packageJSON as { capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string } } };
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
    assert.match(manifest.capabilities!.untrustedWorkspaces!.description ?? '', /runs nothing/);
  });
});

// Runs only in the Restricted Mode pass (scripts/test-vscode.mjs --untrusted, run by npm test).
describe('Annotator: in an untrusted workspace (Restricted Mode)', () => {
  after(closeAllEditors);

  it('works fully: the server runs, documents switch language, diagnostics and decorations come', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    assert.equal(vscode.workspace.isTrusted, false);
    const uri = writeCorpusFile('untrusted.txt', 'قال [الخفاجي]{PER @khafaji} و[x]{NOPE}\n');
    try {
      const editor = await openCorpusDocument(uri);
      const diagnostics = await waitFor('diagnostics in Restricted Mode', () => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'unknown-type');
        return found.length === 1 ? found : undefined;
      });
      assert.equal(editor.document.getText(diagnostics[0]!.range), 'NOPE');
      assert.equal((await decorated(editor.document)).surfaces.length, 2);
    } finally {
      removeCorpusFile(uri);
    }
  });
});

/**
 * The Entities view (types -> entities and surfaces -> mentions, with counts; a mention opens
 * where it is; it follows edits) and the status bar item (the active document's counts).
 * Counts are checked against the seed files themselves.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor } from './harness';
import { api, cleanScreenshot, decorated, occurrences, openCorpusDocument, positionOf, seedDocument, undo, workspaceFolder } from './support';

/** The tree's nodes as the extension gives them (opaque here) with the items VS Code shows. */
interface Shown {
  node: unknown;
  item: vscode.TreeItem;
  /** The label without the bidi marks the extension adds. */
  label: string;
  raw: string;
  description: string;
}

async function children(node?: unknown): Promise<Shown[]> {
  const { provider } = (await api()).entities;
  const nodes = ((await provider.getChildren(node)) ?? []) as unknown[];
  return Promise.all(
    nodes.map(async (n) => {
      const item = await provider.getTreeItem(n);
      // Labels end with a left-to-right mark (so the description after Arabic stays in place).
      const raw = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { node: n, item, label: raw.replace(/[\u200e\u200f]/g, ''), raw, description: String(item.description ?? '') };
    }),
  );
}

/** Every corpus document's text, as on disk. */
function corpusTexts(): string[] {
  const folder = workspaceFolder();
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => fs.readFileSync(path.join(folder, f), 'utf8'));
}

describe('Annotator: the Entities view and the status bar', () => {
  after(closeAllEditors);

  it('lists the types with counts, their entities and surfaces, and the mentions', async () => {
    const isisMentions = corpusTexts().reduce((n, t) => n + occurrences(t, /@isis[ }]/), 0);
    const types = await waitFor('the Entities view', async () => {
      const list = await children();
      const org = list.find((t) => t.label.startsWith('ORG'));
      // The server indexes the corpus in the background at start: wait for all of it.
      const isis = org && (await children(org.node)).find((e) => e.description.endsWith('@isis'));
      return isis?.description === `${isisMentions} · @isis` ? list : undefined;
    });
    assert.deepEqual(
      types.slice(0, 8).map((t) => t.label),
      ['PER · شخص', 'ORG · منظمة', 'GPE · كيان جغرافي سياسي', 'LOC · موقع', 'DATE · تاريخ', 'EVENT · حدث', 'NORP · جماعة قومية أو دينية', 'FAC · منشأة'],
    );
    const org = types.find((t) => t.label.startsWith('ORG'))!;
    const orgChildren = await children(org.node);
    // A type's count is its entities' and surfaces' counts together.
    const sum = orgChildren.reduce((n, c) => n + Number(/^\d+/.exec(c.description)![0]), 0);
    assert.equal(Number(org.description), sum);
    const isis = orgChildren.find((e) => e.description.endsWith('@isis'))!;
    assert.equal(isis.label, 'داعش');
    // Surfaces linked to no entity have their own items.
    assert.ok(orgChildren.some((c) => !c.description.includes('@')), 'no unlinked ORG surface');

    const mentions = await children(isis.node);
    assert.equal(mentions.length, isisMentions);
    const first = mentions[0]!;
    assert.match(first.description, /^000_4a0e1c5fe764b639\.txt:\d+$/);
    const highlights = (first.item.label as vscode.TreeItemLabel).highlights!;
    const [from, to] = highlights[0]!;
    assert.match(first.raw.slice(from, to), /^(داعش|التنظيم)$/);
    // The context is plain text: no markup of the neighbouring spans.
    assert.doesNotMatch(first.label, /[[\]{}]/);
    assert.ok(first.label.length > to - from + 10, `no context around the mention: '${first.label}'`);

    // Clicking a mention opens it with the mention selected.
    const command = first.item.command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const editor = await waitFor('the mention opened', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.fsPath.endsWith('000_4a0e1c5fe764b639.txt') ? active : undefined;
    });
    assert.match(editor.document.getText(editor.selection), /^(داعش|التنظيم)$/);

    // Room for the tree in the screenshot: the other explorer views step aside for a moment.
    const others = ['outline', 'timeline'];
    for (const id of others) await vscode.commands.executeCommand(`${id}.toggleVisibility`);
    await vscode.commands.executeCommand('vscode.moveViews', { viewIds: ['workbench.explorer.fileView'], destinationId: 'workbench.view.search' });
    try {
      await vscode.commands.executeCommand('workbench.view.explorer');
      const { view } = (await api()).entities;
      await vscode.commands.executeCommand('corpusAnnotator.entities.focus');
      await view.reveal(first.node, { select: true, focus: true, expand: true });
      // Narrows the editor (the focused part), so the side bar gets wider.
      for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
      await cleanScreenshot('entities-view', 1_000);
    } finally {
      for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.increaseViewWidth');
      await vscode.commands.executeCommand('vscode.moveViews', { viewIds: ['workbench.explorer.fileView'], destinationId: 'workbench.view.explorer' });
      for (const id of others) await vscode.commands.executeCommand(`${id}.toggleVisibility`);
    }
  });

  it('follows an edit: a new @isis mention raises the count', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const document = editor.document;
    const before = document.getText();
    const isisCount = async (): Promise<string | undefined> => {
      const org = (await children()).find((t) => t.label.startsWith('ORG'));
      return org && (await children(org.node)).find((e) => e.description.endsWith('@isis'))?.description;
    };
    const count = Number(/^\d+/.exec((await isisCount())!)![0]);
    const { provider } = (await api()).entities;
    let refreshed = false;
    const listener = provider.onDidChangeTreeData(() => (refreshed = true));
    try {
      await editor.edit((b) => b.insert(positionOf(document, 'لدينا تنسيق', 0, 1), '[داعش]{ORG @isis} '));
      await waitFor('the view to refresh', () => refreshed, 5_000);
      assert.equal(await isisCount(), `${count + 1} · @isis`);
    } finally {
      listener.dispose();
      await undo(document, before);
    }
  });

  it('shows the active document’s span counts by type in the status bar', async () => {
    const editor = await openCorpusDocument(seedDocument());
    const snapshot = await decorated(editor.document);
    const byType = new Map<string, number>();
    for (const s of snapshot.surfaces) byType.set(s.type ?? '?', (byType.get(s.type ?? '?') ?? 0) + 1);
    const top = [...byType].sort((a, b) => b[1] - a[1])[0]!;
    const { statusBar } = await api();
    await waitFor(`the status bar to show ${snapshot.surfaces.length} spans`, () => statusBar.text.startsWith(`$(tag) ${snapshot.surfaces.length}  ${top[0]} ${top[1]}`) && statusBar.text, 5_000);
    const tooltip = (statusBar.tooltip as vscode.MarkdownString).value;
    for (const [type, n] of byType) assert.match(tooltip, new RegExp(`\\| ${type} \\| [^|]* \\| ${n} \\|`), `${type} ${n} in the tooltip`);
  });
});

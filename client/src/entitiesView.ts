/**
 * The Entities view (explorer): the corpus's types, under each its catalog entities and its
 * unlinked surfaces, under those their mentions, with counts. Everything comes from the
 * server's statistics and mentions requests; a mention opens where it is.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type EntityCount, MentionsRequest, type StatisticsResult, StatisticsRequest, type SurfaceCount, type TypeStatistics } from '../../server/src/protocol';
import { type Swatches, solidColor } from './colors';
import { isAnnotated } from './spans';

export const VIEW_ID = 'corpusAnnotator.entities';

/** After typing stops, the view follows: the server has re-indexed by then. */
const EDIT_REFRESH_MS = 400;
/** While the view is visible, changes nobody told us about (git checkout, another tool) show up this fast. */
const POLL_MS = 4_000;

export type EntityNode =
  | { kind: 'corpus'; id: string; corpusUri: string; stats: StatisticsResult }
  | { kind: 'type'; id: string; corpusUri: string; stats: TypeStatistics; index: number; parent: EntityNode | undefined }
  | { kind: 'entity'; id: string; corpusUri: string; type: string; entity: EntityCount; parent: EntityNode }
  | { kind: 'surface'; id: string; corpusUri: string; type: string; surface: SurfaceCount; parent: EntityNode }
  | { kind: 'mention'; id: string; location: vscode.Location; preview: { text: string; start: number; end: number }; parent: EntityNode };

export class EntitiesProvider implements vscode.TreeDataProvider<EntityNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EntityNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  /** What the last listing showed, to notice changes when polling. */
  private signature = '';
  private roots: Promise<EntityNode[]> | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly swatches: Swatches,
  ) {
    const soon = (): void => this.scheduleRefresh();
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{txt,yaml,yml}');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(soon),
      watcher.onDidDelete(soon),
      watcher.onDidChange(soon),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && (isAnnotated(event.document) || event.document.uri.path.endsWith('/corpus.yaml'))) soon();
      }),
    );
  }

  /** Polls statistics while the view is visible (and only then). */
  watch(view: vscode.TreeView<EntityNode>): void {
    let interval: NodeJS.Timeout | undefined;
    const update = (): void => {
      clearInterval(interval);
      interval = view.visible ? setInterval(() => void this.pollOnce(), POLL_MS) : undefined;
    };
    this.disposables.push(view.onDidChangeVisibility(update), { dispose: () => clearInterval(interval) });
    update();
  }

  scheduleRefresh(delay = EDIT_REFRESH_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delay);
  }

  refresh(): void {
    clearTimeout(this.timer);
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  private async pollOnce(): Promise<void> {
    const before = this.signature;
    const stats = await this.corpora();
    if (signatureOf(stats) !== before) this.refresh();
  }

  /** Statistics of every corpus of the workspace (a folder with a corpus.yaml). */
  async corpora(): Promise<StatisticsResult[]> {
    const configs = await vscode.workspace.findFiles('**/corpus.yaml', '**/{node_modules,.git}/**');
    const out: StatisticsResult[] = [];
    for (const config of configs.sort((a, b) => a.toString().localeCompare(b.toString()))) {
      try {
        const stats = await this.client.sendRequest(StatisticsRequest, { uri: this.client.code2ProtocolConverter.asUri(config) });
        if (stats && !out.some((s) => s.corpusUri === stats.corpusUri)) out.push(stats);
      } catch {
        // The server is (re)starting: the next refresh asks again.
      }
    }
    return out;
  }

  async getChildren(node?: EntityNode): Promise<EntityNode[]> {
    if (!node) return (this.roots ??= this.listRoots());
    switch (node.kind) {
      case 'corpus':
        return this.typeNodes(node.corpusUri, node.stats, node);
      case 'type':
        return [
          ...node.stats.entities.map((entity): EntityNode => ({ kind: 'entity', id: `${node.id}|@${entity.id}`, corpusUri: node.corpusUri, type: node.stats.type, entity, parent: node })),
          ...node.stats.surfaces.map((surface): EntityNode => ({ kind: 'surface', id: `${node.id}|${surface.key}`, corpusUri: node.corpusUri, type: node.stats.type, surface, parent: node })),
        ];
      case 'entity':
        return this.mentionNodes(node, { uri: node.corpusUri, id: node.entity.id });
      case 'surface':
        return this.mentionNodes(node, { uri: node.corpusUri, key: node.surface.key, type: node.type });
      case 'mention':
        return [];
    }
  }

  getParent(node: EntityNode): EntityNode | undefined {
    return node.kind === 'corpus' ? undefined : node.parent;
  }

  async getTreeItem(node: EntityNode): Promise<vscode.TreeItem> {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'corpus': {
        const item = new vscode.TreeItem(node.stats.name ?? path.basename(path.dirname(vscode.Uri.parse(node.stats.corpusUri).fsPath)), vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = `${node.stats.spans} spans · ${node.stats.documents} documents`;
        item.iconPath = new vscode.ThemeIcon('library');
        return item;
      }
      case 'type': {
        const t = node.stats;
        const item = new vscode.TreeItem(ltrEnd(t.name ? `${t.type} · ${t.name}` : t.type), t.count > 0 ? collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = String(t.count);
        item.tooltip = `${t.type}${t.name ? ` (${t.name})` : ''}: ${t.count} mentions, ${t.entities.length} catalog entities, ${t.surfaces.length} unlinked surfaces`;
        item.iconPath = await this.swatches.icon(solidColor(t.color, node.index));
        item.contextValue = 'type';
        return item;
      }
      case 'entity': {
        const item = new vscode.TreeItem(ltrEnd(node.entity.name ?? node.entity.id), collapsed);
        item.id = node.id;
        item.description = `${node.entity.count} · @${node.entity.id}`;
        item.tooltip = `@${node.entity.id}: ${node.entity.count} mentions`;
        item.iconPath = new vscode.ThemeIcon('symbol-constant');
        item.contextValue = 'entity';
        return item;
      }
      case 'surface': {
        const item = new vscode.TreeItem(ltrEnd(node.surface.text), collapsed);
        item.id = node.id;
        item.description = String(node.surface.count);
        item.tooltip = `'${node.surface.text}' as ${node.type}, linked to no entity: ${node.surface.count} mentions`;
        item.iconPath = new vscode.ThemeIcon('symbol-string');
        item.contextValue = 'surface';
        return item;
      }
      case 'mention': {
        const { location, preview } = node;
        const highlights: [number, number][] = preview.end > preview.start ? [[preview.start, preview.end]] : [];
        const item = new vscode.TreeItem({ label: ltrEnd(preview.text), highlights }, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = `${path.basename(location.uri.fsPath)}:${location.range.start.line + 1}`;
        item.tooltip = `${vscode.workspace.asRelativePath(location.uri)}:${location.range.start.line + 1}:${location.range.start.character + 1}`;
        item.iconPath = new vscode.ThemeIcon('location');
        item.command = { title: 'Open Mention', command: 'vscode.open', arguments: [location.uri, { selection: location.range, preview: true } satisfies vscode.TextDocumentShowOptions] };
        return item;
      }
    }
  }

  private async listRoots(): Promise<EntityNode[]> {
    const corpora = await this.corpora();
    this.signature = signatureOf(corpora);
    void vscode.commands.executeCommand('setContext', 'corpusAnnotator.hasCorpus', corpora.length > 0);
    if (corpora.length === 1) return this.typeNodes(corpora[0]!.corpusUri, corpora[0]!, undefined);
    return corpora.map((stats) => ({ kind: 'corpus', id: stats.corpusUri, corpusUri: stats.corpusUri, stats }));
  }

  private typeNodes(corpusUri: string, stats: StatisticsResult, parent: EntityNode | undefined): EntityNode[] {
    return stats.types.map((t, index) => ({ kind: 'type', id: `${corpusUri}|${t.type}`, corpusUri, stats: t, index, parent }));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private async mentionNodes(parent: EntityNode, params: { uri: string; id?: string; key?: string; type?: string }): Promise<EntityNode[]> {
    const locations = await this.client.sendRequest(MentionsRequest, params);
    return locations.map((l) => {
      const location = this.client.protocol2CodeConverter.asLocation(l);
      const where = `${path.basename(location.uri.fsPath)}:${location.range.start.line + 1}`;
      // The server's preview is plain text (no markup) around the mention.
      const preview = l.preview ?? { text: where, start: 0, end: 0 };
      return { kind: 'mention', id: `${parent.id}|${location.uri.toString()}|${location.range.start.line}:${location.range.start.character}`, location, preview, parent };
    });
  }
}

/**
 * A left-to-right mark after a label: an Arabic label followed by the (Latin, numeric)
 * description would otherwise form one right-to-left run, showing "84 منظمة" for "منظمة 84".
 */
function ltrEnd(label: string): string {
  return `${label}\u200e`;
}

function signatureOf(stats: StatisticsResult[]): string {
  return JSON.stringify(stats.map((s) => [s.corpusUri, s.documents, s.types]));
}

/**
 * The status bar item: the active annotated document's span counts by type, from the server's
 * statistics request. Clicking it shows the Entities view.
 */

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type StatisticsResult, StatisticsRequest } from '../../server/src/protocol';
import { VIEW_ID } from './entitiesView';
import { isAnnotated } from './spans';

const REFRESH_MS = 300;
/** Types named in the item itself; the tooltip lists them all. */
const SHOWN_TYPES = 3;

export class SpanCountStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('corpusAnnotator.spanCounts', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'Corpus Annotator: Span Counts';
    this.item.command = `${VIEW_ID}.focus`;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidOpenTextDocument((d) => d === vscode.window.activeTextEditor?.document && this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && this.schedule()),
    );
    this.schedule(0);
  }

  schedule(delay = REFRESH_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delay);
  }

  async update(): Promise<void> {
    const generation = ++this.generation;
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isAnnotated(document)) {
      this.item.hide();
      return;
    }
    let stats: StatisticsResult | null = null;
    try {
      stats = await this.client.sendRequest(StatisticsRequest, { uri: this.client.code2ProtocolConverter.asUri(document.uri) });
    } catch {
      // Server restarting: keep what is shown.
    }
    if (generation !== this.generation) return; // a newer update is on its way
    if (!stats?.document) {
      this.item.hide();
      return;
    }
    const counts = stats.document.byType;
    const ordered = stats.types.filter((t) => (counts[t.type] ?? 0) > 0).sort((a, b) => counts[b.type]! - counts[a.type]!);
    const shown = ordered.slice(0, SHOWN_TYPES).map((t) => `${t.type} ${counts[t.type]}`);
    if (ordered.length > SHOWN_TYPES) shown.push(`+${ordered.length - SHOWN_TYPES}`);
    this.item.text = `$(tag) ${stats.document.spans}${shown.length > 0 ? `  ${shown.join(' · ')}` : ''}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${stats.document.spans} spans in this document** (${stats.spans} in the corpus)\n\n| type | | here | corpus |\n|---|---|---:|---:|\n`);
    for (const t of stats.types) tooltip.appendMarkdown(`| ${t.type} | ${t.name ?? ''} | ${counts[t.type] ?? 0} | ${t.count} |\n`);
    tooltip.appendMarkdown('\nClick to show the Entities view.');
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

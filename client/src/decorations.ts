/**
 * Colours spans by type and dims the markup, from the server's spans request; after an edit the
 * client parses the lines it touched itself (SpanStore.followEdit) and draws at once. Each
 * surface gets a translucent background of its type's colour; a nested surface also gets an
 * underline, so both the outer and the inner type stay readable where the backgrounds stack.
 *
 * VS Code moves decorations with the text as it is edited, so after an edit that touches no
 * span (a letter typed between spans) what the editor shows is already right: only the decoration
 * types whose ranges differ from the ones drawn, moved by the edits since, are sent again. For a
 * document of 20,000 spans a full redraw is some 60,000 ranges for the extension host to send and
 * the workbench to apply, about 150 ms of work between them.
 */

import * as vscode from 'vscode';
import type { TypeInfo } from '../../server/src/protocol';
import { solidColor, withAlpha } from './colors';
import { movedAlike } from './decorationMoves';
import { type DocumentSpans, type SpanStore, isAnnotated } from './spans';

/** A keystroke's burst of changes costs one request. */
const DEBOUNCE_MS = 50;
const SURFACE_ALPHA = 0.22;
const DIMMED_OPACITY = '0.4';
export const DIM_SETTING = 'dimMarkup';
/** The key of the markup's decoration type among the styles' keys in Drawn. */
const MARKUP = 'markup';
/** More edits than this between two drawings: everything is sent again rather than compared. */
const MAX_TRACKED_CHANGES = 32;

/** What was last drawn in a document's editors: for tests and other extensions. */
export interface DecorationSnapshot {
  version: number;
  dimmed: boolean;
  /** One entry per span, in the server's order. `type` is undefined for an untyped span. */
  surfaces: { type: string | undefined; depth: number; range: vscode.Range; color: string | undefined }[];
  /** The `[` and `]{...}` of every span, when dimming is on (empty otherwise). */
  markup: vscode.Range[];
}

/** What a document's editors were last sent, and the edits since, which VS Code applied to it. */
interface Drawn {
  version: number;
  /** Ranges by style key (MARKUP for the markup). */
  ranges: Map<string, vscode.Range[]>;
  /** The editors that show them (one that is hidden and shown again is a new one, without). */
  editors: Set<vscode.TextEditor>;
  /** The content changes after `version`, one entry per document version; undefined: too many to follow. */
  changes: readonly (readonly vscode.TextDocumentContentChangeEvent[])[] | undefined;
}

export class Decorations implements vscode.Disposable {
  /** One decoration type per colour and nesting: `#rrggbb/0` top level, `#rrggbb/1` nested, `unknown/*`. */
  private readonly styles = new Map<string, vscode.TextEditorDecorationType>();
  private readonly markupStyle = vscode.window.createTextEditorDecorationType({ opacity: DIMMED_OPACITY });
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly snapshots = new Map<string, DecorationSnapshot>();
  private readonly drawn = new Map<string, Drawn>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's decorations were redrawn. */
  readonly onDidDecorate = this.changed.event;

  constructor(private readonly store: SpanStore) {
    this.disposables.push(
      this.changed,
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleVisible()),
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (isAnnotated(event.document)) {
          if (event.contentChanges.length > 0) this.follow(event.document, event.contentChanges);
          // The spans of the new version known at once (the edited lines parsed here): no debounce either.
          this.schedule(event.document, this.store.followEdit(event.document, event.contentChanges) ? 0 : DEBOUNCE_MS);
        }
        // New colours or types: every visible document is drawn again.
        else if (event.document.uri.path.endsWith('/corpus.yaml')) this.configChanged();
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.uri.path.endsWith('/corpus.yaml')) this.configChanged();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.snapshots.delete(document.uri.toString());
        this.drawn.delete(document.uri.toString());
        this.store.forget(document);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`corpusAnnotator.${DIM_SETTING}`)) this.scheduleVisible(0);
      }),
    );
    this.scheduleVisible(0);
  }

  /** The last decorations drawn for a document. */
  snapshot(uri: vscode.Uri): DecorationSnapshot | undefined {
    return this.snapshots.get(uri.toString());
  }

  get dimmed(): boolean {
    return vscode.workspace.getConfiguration('corpusAnnotator').get<boolean>(DIM_SETTING, true);
  }

  /** corpus.yaml changed: the server reloads it after its own short debounce. */
  configChanged(): void {
    this.store.clear();
    this.scheduleVisible(300);
  }

  scheduleVisible(delay = DEBOUNCE_MS): void {
    for (const editor of vscode.window.visibleTextEditors) this.schedule(editor.document, delay);
  }

  private schedule(document: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    if (!isAnnotated(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.refresh(document);
      }, delay),
    );
  }

  private async refresh(document: vscode.TextDocument): Promise<void> {
    if (!vscode.window.visibleTextEditors.some((e) => e.document === document)) return;
    const spans = await this.store.current(document);
    // Stale: a newer change has its own refresh scheduled.
    if (!spans || spans.version !== document.version) return;
    this.draw(document, spans);
  }

  /** Notes an edit of a drawn document, as VS Code applied it to the decorations it shows. */
  private follow(document: vscode.TextDocument, changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    const drawn = this.drawn.get(document.uri.toString());
    if (!drawn?.changes) return;
    // One entry per version: a version missed (or too many edits) means nothing is known.
    const followed = drawn.changes.length < MAX_TRACKED_CHANGES && document.version === drawn.version + drawn.changes.length + 1;
    drawn.changes = followed ? [...drawn.changes, changes] : undefined;
  }

  private draw(document: vscode.TextDocument, result: DocumentSpans): void {
    const types = new Map<string, TypeInfo>(result.types.map((t) => [t.key, t]));
    const byStyle = new Map<string, vscode.Range[]>();
    const snapshot: DecorationSnapshot = { version: result.version, dimmed: this.dimmed, surfaces: [], markup: [] };
    for (const span of result.spans) {
      const info = span.type !== undefined ? types.get(span.type) : undefined;
      const color = info ? solidColor(info.color, info.index) : undefined;
      const key = this.style(color, span.depth > 0);
      let ranges = byStyle.get(key);
      if (!ranges) byStyle.set(key, (ranges = []));
      ranges.push(span.contentRange);
      snapshot.surfaces.push({ type: span.type, depth: span.depth, range: span.contentRange, color });
      if (snapshot.dimmed) snapshot.markup.push(span.openRange, span.closeRange);
    }
    byStyle.set(MARKUP, snapshot.markup);
    const uri = document.uri.toString();
    const before = this.drawn.get(uri);
    // The styles whose ranges VS Code already shows, moved by the edits since the last drawing.
    const changes = before && before.version + (before.changes?.length ?? Infinity) === result.version ? before.changes : undefined;
    const kept = new Set<string>();
    if (before && changes) {
      for (const key of [...this.styles.keys(), MARKUP]) {
        if (movedAlike(before.ranges.get(key) ?? [], byStyle.get(key) ?? [], changes)) kept.add(key);
      }
    }
    const editors = new Set<vscode.TextEditor>();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      editors.add(editor);
      const shows = before?.editors.has(editor) === true;
      // Styles this document no longer uses are cleared with an empty list.
      for (const [key, style] of this.styles) if (!(shows && kept.has(key))) editor.setDecorations(style, byStyle.get(key) ?? []);
      if (!(shows && kept.has(MARKUP))) editor.setDecorations(this.markupStyle, snapshot.markup);
    }
    this.drawn.set(uri, { version: result.version, ranges: byStyle, editors, changes: [] });
    this.snapshots.set(uri, snapshot);
    this.changed.fire(document.uri);
  }

  /** The decoration type for a colour (undefined: an undeclared type) and nesting, made once. */
  private style(color: string | undefined, nested: boolean): string {
    const key = `${color ?? 'unknown'}/${nested ? 1 : 0}`;
    if (this.styles.has(key)) return key;
    let options: vscode.DecorationRenderOptions;
    if (color === undefined) {
      // No colour to show: a dashed outline says "annotated, type unknown" without a hue.
      options = { border: '1px dashed', borderColor: new vscode.ThemeColor('editorWarning.foreground'), borderRadius: '2px' };
    } else {
      options = {
        backgroundColor: withAlpha(color, SURFACE_ALPHA),
        borderRadius: '2px',
        overviewRulerColor: nested ? undefined : withAlpha(color, 0.8),
        overviewRulerLane: vscode.OverviewRulerLane.Left,
        // The outer background still shows through; the underline marks the inner span's extent.
        ...(nested ? { borderStyle: 'none none solid none', borderWidth: '0 0 2px 0', borderColor: color } : {}),
      };
    }
    this.styles.set(key, vscode.window.createTextEditorDecorationType({ ...options, rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed }));
    return key;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const style of this.styles.values()) style.dispose();
    this.markupStyle.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** "Toggle Markup Dimming": flips the setting where it is set (user settings by default). */
export async function toggleDimming(): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('corpusAnnotator');
  const inspected = config.inspect<boolean>(DIM_SETTING);
  const next = !config.get<boolean>(DIM_SETTING, true);
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(DIM_SETTING, next, target);
  return next;
}

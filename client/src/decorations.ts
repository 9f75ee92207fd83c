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
 * the workbench to apply, about 150 ms of work between them. Each style is sent in blocks of
 * lines, a decoration type per style and block, so an edit that recolours a span (a letter typed
 * in its label) sends one block's ranges of two styles, not the 8,000 of a frequent type.
 */

import * as vscode from 'vscode';
import { solidColor, withAlpha } from './colors';
import { blockStarts, movedAlike, movedLine } from './decorationMoves';
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
/**
 * A style's ranges are sent in blocks of lines holding about this many spans: an edit that
 * recolours a span sends its block's ranges of that style again, not the whole document's.
 */
const SPANS_PER_BLOCK = 1000;

/** What was last drawn in a document's editors: for tests and other extensions. */
export interface DecorationSnapshot {
  version: number;
  dimmed: boolean;
  /** One entry per span, in the server's order. `type` is undefined for an untyped span. */
  surfaces: { type: string | undefined; depth: number; range: vscode.Range; color: string | undefined }[];
  /** The `[` and `]{...}` of every span, when dimming is on (empty otherwise). */
  markup: vscode.Range[];
  /** How many ranges this drawing sent to an editor: those of the styles and blocks it changed. */
  sent: number;
}

/** What a document's editors were last sent, and the edits since, which VS Code applied to it. */
interface Drawn {
  version: number;
  /** Ranges by decoration key (see `decorationType`). */
  ranges: Map<string, vscode.Range[]>;
  /** The first line of each block after the first, as drawn (see `blockStarts`). */
  blocks: readonly number[];
  /** The editors that show them (one that is hidden and shown again is a new one, without). */
  editors: Set<vscode.TextEditor>;
  /** The content changes after `version`, one entry per document version; undefined: too many to follow. */
  changes: readonly (readonly vscode.TextDocumentContentChangeEvent[])[] | undefined;
}

export class Decorations implements vscode.Disposable {
  /**
   * The look of each style, by key: a colour and nesting (`#rrggbb/0` top level, `#rrggbb/1`
   * nested, `unknown/*`), or MARKUP.
   */
  private readonly styles = new Map<string, vscode.DecorationRenderOptions>([[MARKUP, { opacity: DIMMED_OPACITY }]]);
  /** A decoration type per style and block, keyed `style#block`, made when first used. */
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
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
    const uri = document.uri.toString();
    const before = this.drawn.get(uri);
    // The edits since the last drawing, which VS Code applied to what it shows.
    const changes = before && before.version + (before.changes?.length ?? Infinity) === result.version ? before.changes : undefined;
    const blocks = this.blocks(result, before, changes);

    // A span's style by its type, and a style's key in each block, worked out once per drawing.
    const styleOfType = new Map<string | undefined, { color: string | undefined; top: string; nested: string }>();
    const styleOf = (type: string | undefined): { color: string | undefined; top: string; nested: string } => {
      let known = styleOfType.get(type);
      if (!known) {
        const info = type !== undefined ? result.types.find((t) => t.key === type) : undefined;
        const color = info ? solidColor(info.color, info.index) : undefined;
        styleOfType.set(type, (known = { color, top: this.style(color, false), nested: this.style(color, true) }));
      }
      return known;
    };
    const byKey = new Map<string, vscode.Range[]>();
    const add = (key: string, range: vscode.Range): void => {
      const ranges = byKey.get(key);
      if (ranges) ranges.push(range);
      else byKey.set(key, [range]);
    };
    const dimmed = this.dimmed;
    let block = 0;
    let keyInBlock = new Map<string, string>();
    for (const span of result.spans) {
      // Spans come in document order, so their blocks do too.
      while (block < blocks.starts.length && blocks.starts[block]! <= span.contentRange.start.line) {
        block++;
        keyInBlock = new Map();
      }
      const style = styleOf(span.type);
      const styleKey = span.depth > 0 ? style.nested : style.top;
      let key = keyInBlock.get(styleKey);
      if (key === undefined) keyInBlock.set(styleKey, (key = this.decorationType(styleKey, block)));
      add(key, span.contentRange);
      if (dimmed) {
        let markup = keyInBlock.get(MARKUP);
        if (markup === undefined) keyInBlock.set(MARKUP, (markup = this.decorationType(MARKUP, block)));
        add(markup, span.openRange);
        add(markup, span.closeRange);
      }
    }
    // The decoration types whose ranges VS Code already shows, moved by the edits since.
    const kept = new Set<string>();
    if (before && changes && blocks.moved) {
      for (const key of this.types.keys()) if (movedAlike(before.ranges.get(key) ?? [], byKey.get(key) ?? [], changes)) kept.add(key);
    }
    const editors = new Set<vscode.TextEditor>();
    let sent = 0;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      editors.add(editor);
      const shows = before?.editors.has(editor) === true;
      // Types this document no longer uses are cleared with an empty list.
      for (const [key, type] of this.types) {
        if (shows && kept.has(key)) continue;
        const ranges = byKey.get(key) ?? [];
        editor.setDecorations(type, ranges);
        sent += ranges.length;
      }
    }
    this.drawn.set(uri, { version: result.version, ranges: byKey, blocks: blocks.starts, editors, changes: [] });
    this.snapshots.set(uri, new DrawnSnapshot(result, dimmed, sent, (type) => styleOf(type).color));
    this.changed.fire(document.uri);
  }

  /**
   * The blocks to send a drawing in: those last drawn, moved with the edits since (so a span the
   * edits did not touch stays in its block), or, when they are not known or a block has grown
   * past four times its size, blocks made afresh (`moved` false: every block is sent again).
   */
  private blocks(result: DocumentSpans, before: Drawn | undefined, changes: Drawn['changes']): { starts: readonly number[]; moved: boolean } {
    if (before && changes) {
      const starts = before.blocks.map((line) => movedLine(line, changes));
      let largest = 0;
      let count = 0;
      let block = 0;
      for (const span of result.spans) {
        const line = span.contentRange.start.line;
        if (block < starts.length && starts[block]! <= line) {
          while (block < starts.length && starts[block]! <= line) block++;
          count = 0;
        }
        largest = Math.max(largest, ++count);
      }
      if (largest <= 4 * SPANS_PER_BLOCK) return { starts, moved: true };
    }
    return { starts: blockStarts(result.spans.map((span) => span.contentRange.start.line), SPANS_PER_BLOCK), moved: false };
  }

  /** The decoration type of a style in a block, made once. */
  private decorationType(style: string, block: number): string {
    const key = `${style}#${block}`;
    if (!this.types.has(key)) this.types.set(key, vscode.window.createTextEditorDecorationType(this.styles.get(style)!));
    return key;
  }

  /** The style of a colour (undefined: an undeclared type) and nesting, its look set once. */
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
    this.styles.set(key, { ...options, rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed });
    return key;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const type of this.types.values()) type.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * A drawing's snapshot. Its lists are made when first read (tests, other extensions): for 20,000
 * spans they are 60,000 ranges, and a drawing after a keystroke takes a few ms without them.
 */
class DrawnSnapshot implements DecorationSnapshot {
  private surfaceList: DecorationSnapshot['surfaces'] | undefined;
  private markupList: vscode.Range[] | undefined;

  constructor(
    private readonly result: DocumentSpans,
    readonly dimmed: boolean,
    readonly sent: number,
    private readonly colorOf: (type: string | undefined) => string | undefined,
  ) {}

  get version(): number {
    return this.result.version;
  }

  get surfaces(): DecorationSnapshot['surfaces'] {
    return (this.surfaceList ??= this.result.spans.map((span) => ({ type: span.type, depth: span.depth, range: span.contentRange, color: this.colorOf(span.type) })));
  }

  get markup(): vscode.Range[] {
    return (this.markupList ??= this.dimmed ? this.result.spans.flatMap((span) => [span.openRange, span.closeRange]) : []);
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

/**
 * Colours spans by type and dims the markup, from the server's spans request; after an edit the
 * client parses the lines it touched itself (SpanStore.followEdit) and draws at once. Each
 * surface gets a translucent background of its type's colour; a nested surface also gets an
 * underline, so both the outer and the inner type stay readable where the backgrounds stack.
 * The overview ruler marks the lines that hold a span of each colour.
 *
 * Three things keep a document of 20,000 spans (60,000 ranges) quick to edit:
 * - Its spans are drawn in blocks of lines, a decoration type per style and block, and only the
 *   blocks near what its editors show have their surfaces and markup sent; the others have only
 *   their ruler marks (a range per run of lines), and are sent as they come into view. The
 *   workbench goes over every decoration of a document on every frame it draws.
 * - VS Code moves decorations with the text as it is edited, so after an edit that touches no
 *   span (a letter typed between spans) what the editor shows is already right: only the
 *   decoration types whose ranges differ from those drawn, moved by the edits since, are sent.
 * - After an edit the span store parsed, only the blocks of the lines it touched are compared:
 *   the spans elsewhere are those drawn, moved.
 */

import * as vscode from 'vscode';
import { solidColor, withAlpha } from './colors';
import { blockStarts, endsMovedAlike, movedAlike, movedLine } from './decorationMoves';
import type { TypeInfo } from '../../server/src/protocol';
import { firstIndexNotBefore } from '../../server/src/core/text';
import { type DocumentSpans, type Span, type SpanStore, firstSpanOnLine, isAnnotated } from './spans';

/** A keystroke's burst of changes costs one request. */
const DEBOUNCE_MS = 50;
const SURFACE_ALPHA = 0.22;
const DIMMED_OPACITY = '0.4';
export const DIM_SETTING = 'dimMarkup';
/** The key of the markup's decoration type among the styles' keys in Drawn. */
const MARKUP = 'markup';
/** How the keys of the overview ruler's decoration types start. */
const RULER = 'ruler/';
/** More edits than this between two drawings: everything is sent again rather than compared. */
const MAX_TRACKED_CHANGES = 32;
/**
 * A style's ranges are sent in blocks of lines holding about this many spans: an edit that
 * recolours a span sends its block's ranges of that style again, not the whole document's.
 */
const SPANS_PER_BLOCK = 1000;
/**
 * The blocks within this many lines of what an editor shows have their surfaces and markup
 * sent: a page or two of scrolling is drawn already.
 */
const VIEW_MARGIN_LINES = 100;

/** What was last drawn in a document's editors: for tests and other extensions. */
export interface DecorationSnapshot {
  version: number;
  dimmed: boolean;
  /** One entry per span, in the server's order. `type` is undefined for an untyped span. */
  surfaces: { type: string | undefined; depth: number; range: vscode.Range; color: string | undefined }[];
  /** The `[` and `]{...}` of every span, when dimming is on (empty otherwise). */
  markup: vscode.Range[];
  /** How many ranges of surfaces and markup this drawing sent to an editor: those of the styles and blocks it changed. */
  sent: number;
  /** How many overview ruler marks (a range per run of lines holding a span of a colour) it sent. */
  rulerMarksSent: number;
  /** The lines, first and last, of the blocks whose surfaces and markup are drawn (those near what the editors show). */
  drawnLines: { first: number; last: number }[];
}

/**
 * What a document's editors were last sent, and the edits since, which VS Code applied to it:
 * for each block, the ranges `blockRanges` gives for its spans (surfaces and markup if it is
 * live), in this dimming and these styles.
 */
interface Drawn {
  spans: DocumentSpans;
  /** The blocks whose surfaces and markup were sent. */
  live: ReadonlySet<number>;
  /** The first line of each block after the first, as drawn (see `blockStarts`). */
  blocks: readonly number[];
  dimmed: boolean;
  /** A span's style by its type, for these spans' types. */
  styles: Styles;
  /** The editors that show them (one that is hidden and shown again is a new one, without). */
  editors: Set<vscode.TextEditor>;
  /** The content changes after `spans.version`, one entry per document version; undefined: too many to follow. */
  changes: readonly (readonly vscode.TextDocumentContentChangeEvent[])[] | undefined;
}

/** A span type's colour and the keys of its styles: top level, nested, and its overview ruler marks (none without a colour). */
type Styles = (type: string | undefined) => { color: string | undefined; top: string; nested: string; ruler: string | undefined };

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
      // Scrolled: the blocks coming into view are sent.
      vscode.window.onDidChangeTextEditorVisibleRanges(({ textEditor }) => {
        const drawn = this.drawn.get(textEditor.document.uri.toString());
        if (drawn && !sameSet(liveBlocks(drawn.blocks, [textEditor], drawn.live), drawn.live)) this.schedule(textEditor.document, 0);
      }),
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
    const followed = drawn.changes.length < MAX_TRACKED_CHANGES && document.version === drawn.spans.version + drawn.changes.length + 1;
    drawn.changes = followed ? [...drawn.changes, changes] : undefined;
  }

  private draw(document: vscode.TextDocument, result: DocumentSpans): void {
    const uri = document.uri.toString();
    const before = this.drawn.get(uri);
    // The edits since the last drawing, which VS Code applied to what it shows.
    const changes = before?.changes && before.spans.version + before.changes.length === result.version ? before.changes : undefined;
    const dimmed = this.dimmed;
    const styles = before?.spans.types === result.types ? before.styles : this.stylesOf(result.types);
    const editors = vscode.window.visibleTextEditors.filter((editor) => editor.document === document);
    // What every editor shows, moved by the edits since: only the decoration types that differ from it are sent.
    const shown = before && changes && editors.every((editor) => before.editors.has(editor)) ? { before, changes } : undefined;
    const plan = (shown && (this.unchanged(shown, result, dimmed, styles) ?? this.followEdit(shown, result, dimmed, styles))) ?? this.whole(shown, result);
    const live = liveBlocks(plan.blocks, editors);
    const send = new Map<string, vscode.Range[]>();
    if (!plan.shown) {
      // Every decoration type is sent: those this document does not use with an empty list.
      const now = new Map<string, vscode.Range[]>();
      for (let block = 0; block <= plan.blocks.length; block++) {
        for (const [key, ranges] of this.blockRanges(spansInBlock(result.spans, plan.blocks, block), block, dimmed, styles, live.has(block), true)) now.set(key, ranges);
      }
      for (const key of this.types.keys()) send.set(key, now.get(key) ?? []);
    } else {
      const { before: was, changes: since } = plan.shown;
      for (let block = 0; block <= plan.blocks.length; block++) {
        const changed = plan.changed(block);
        if (!changed && was.live.has(block) === live.has(block)) continue;
        // The ruler marks of an unchanged block are what VS Code shows, moved: left out of both.
        const old = this.blockRanges(spansInBlock(was.spans.spans, was.blocks, block), block, was.dimmed, was.styles, was.live.has(block), changed);
        const now = this.blockRanges(spansInBlock(result.spans, plan.blocks, block), block, dimmed, styles, live.has(block), changed);
        for (const key of new Set([...old.keys(), ...now.keys()])) {
          const ranges = now.get(key) ?? [];
          const moved = key.startsWith(RULER) ? endsMovedAlike : movedAlike;
          if (!moved(old.get(key) ?? [], ranges, since)) send.set(key, ranges);
        }
      }
    }
    const sent = { surfaces: 0, ruler: 0 };
    for (const editor of editors) {
      for (const [key, ranges] of send) {
        editor.setDecorations(this.types.get(key)!, ranges);
        if (key.startsWith(RULER)) sent.ruler += ranges.length;
        else sent.surfaces += ranges.length;
      }
    }
    this.drawn.set(uri, { spans: result, live, blocks: plan.blocks, dimmed, styles, editors: new Set(editors), changes: [] });
    const drawnLines = [...live].sort((x, y) => x - y).map((block) => ({ first: block === 0 ? 0 : plan.blocks[block - 1]!, last: block < plan.blocks.length ? plan.blocks[block]! - 1 : document.lineCount - 1 }));
    this.snapshots.set(uri, new DrawnSnapshot(result, dimmed, sent.surfaces, sent.ruler, drawnLines, (type) => styles(type).color));
    this.changed.fire(document.uri);
  }

  /** The same spans drawn again (the editors scrolled): the same blocks, none changed. */
  private unchanged(shown: Shown, result: DocumentSpans, dimmed: boolean, styles: Styles): Plan | undefined {
    const { before, changes } = shown;
    if (result !== before.spans || changes.length > 0 || before.dimmed !== dimmed || before.styles !== styles) return undefined;
    return { blocks: before.blocks, changed: () => false, shown };
  }

  /**
   * After one edit whose lines the span store parsed (`result.edit`), only the blocks these lines
   * are in may differ from what VS Code shows: every other span is one drawn, moved as the edit
   * moved it. Undefined when that is not the case, or a block grew past four times its size.
   */
  private followEdit(shown: Shown, result: DocumentSpans, dimmed: boolean, styles: Styles): Plan | undefined {
    const { before, changes } = shown;
    const edit = result.edit;
    if (!edit || changes.length !== 1 || edit.previous !== before.spans.spans || before.dimmed !== dimmed || before.styles !== styles) return undefined;
    const blocks = before.blocks.map((line) => movedLine(line, changes));
    const first = Math.min(blockOf(before.blocks, edit.firstLine), blockOf(blocks, edit.firstLine));
    const last = Math.max(blockOf(before.blocks, edit.firstLine + edit.linesBefore - 1), blockOf(blocks, edit.firstLine + edit.linesAfter - 1));
    // The other blocks hold the spans they held.
    for (let block = first; block <= last; block++) if (spansInBlock(result.spans, blocks, block).length > 4 * SPANS_PER_BLOCK) return undefined;
    return { blocks, changed: (block) => block >= first && block <= last, shown };
  }

  /**
   * Any other drawing: every block compared with what VS Code shows, in the blocks last drawn
   * when they are known and none has grown past four times its size; else in blocks made afresh,
   * and everything sent.
   */
  private whole(shown: Shown | undefined, result: DocumentSpans): Plan {
    if (shown) {
      const blocks = shown.before.blocks.map((line) => movedLine(line, shown.changes));
      if (Math.max(...blockSizes(result.spans, blocks)) <= 4 * SPANS_PER_BLOCK) return { blocks, changed: () => true, shown };
    }
    return { blocks: blockStarts(result.spans.map((span) => span.line), SPANS_PER_BLOCK), changed: () => true };
  }

  /**
   * A block's ranges by decoration key: with `surfaces`, each surface under its style's key and,
   * with dimming, its `[` and `]{...}` under the markup's; with `ruler`, a range for each run of
   * lines holding a top-level span of a colour, under that colour's ruler key.
   */
  private blockRanges(spans: readonly Span[], block: number, dimmed: boolean, styles: Styles, surfaces: boolean, ruler: boolean): Map<string, vscode.Range[]> {
    const byKey = new Map<string, vscode.Range[]>();
    const keys = new Map<string, string>();
    const add = (style: string, range: vscode.Range): void => {
      let key = keys.get(style);
      if (key === undefined) keys.set(style, (key = this.decorationType(style, block)));
      const ranges = byKey.get(key);
      if (ranges) ranges.push(range);
      else byKey.set(key, [range]);
    };
    const runs = new Map<string, { first: number; last: number }>();
    // From the start of its first line to the start of its last: a keystroke inside moves neither end (see endsMovedAlike).
    const addRun = (style: string, run: { first: number; last: number }): void => add(style, new vscode.Range(run.first, 0, run.last, 0));
    for (const span of spans) {
      const style = styles(span.type);
      if (surfaces) {
        add(span.depth > 0 ? style.nested : style.top, span.contentRange);
        if (dimmed) {
          add(MARKUP, span.openRange);
          add(MARKUP, span.closeRange);
        }
      }
      if (ruler && span.depth === 0 && style.ruler !== undefined) {
        const run = runs.get(style.ruler);
        if (run && span.line <= run.last + 1) run.last = span.line;
        else {
          if (run) addRun(style.ruler, run);
          runs.set(style.ruler, { first: span.line, last: span.line });
        }
      }
    }
    for (const [style, run] of runs) addRun(style, run);
    return byKey;
  }

  /** A span's style by its type (a colour and its keys, top level and nested), each type's worked out once. */
  private stylesOf(types: readonly TypeInfo[]): Styles {
    const known = new Map<string | undefined, ReturnType<Styles>>();
    return (type) => {
      let style = known.get(type);
      if (!style) {
        const info = type !== undefined ? types.find((t) => t.key === type) : undefined;
        const color = info ? solidColor(info.color, info.index) : undefined;
        known.set(type, (style = { color, top: this.style(color, false), nested: this.style(color, true), ruler: color === undefined ? undefined : this.rulerStyle(color) }));
      }
      return style;
    };
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
        // The outer background still shows through; the underline marks the inner span's extent.
        ...(nested ? { borderStyle: 'none none solid none', borderWidth: '0 0 2px 0', borderColor: color } : {}),
      };
    }
    this.styles.set(key, { ...options, rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed });
    return key;
  }

  /** The overview ruler marks of a colour: the ruler only, no look in the text. */
  private rulerStyle(color: string): string {
    const key = `${RULER}${color}`;
    if (!this.styles.has(key)) this.styles.set(key, { overviewRulerColor: withAlpha(color, 0.8), overviewRulerLane: vscode.OverviewRulerLane.Left, isWholeLine: true, rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed });
    return key;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const type of this.types.values()) type.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** What VS Code shows of a drawing, and the edits since. */
interface Shown {
  before: Drawn;
  changes: NonNullable<Drawn['changes']>;
}

/** The blocks a drawing leaves; which of them may hold other spans than those shown (all without `shown`, which is then not compared with). */
interface Plan {
  blocks: readonly number[];
  changed: (block: number) => boolean;
  shown?: Shown;
}

/** The blocks within VIEW_MARGIN_LINES of what the editors show, and those of `also`. */
function liveBlocks(blocks: readonly number[], editors: readonly vscode.TextEditor[], also: Iterable<number> = []): Set<number> {
  const live = new Set<number>(also);
  for (const editor of editors) {
    for (const range of editor.visibleRanges) {
      const last = blockOf(blocks, range.end.line + VIEW_MARGIN_LINES);
      for (let block = blockOf(blocks, Math.max(0, range.start.line - VIEW_MARGIN_LINES)); block <= last; block++) live.add(block);
    }
  }
  return live;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** The block a line is in: how many blocks start at it or before (the first block has no start). */
function blockOf(blocks: readonly number[], line: number): number {
  return firstIndexNotBefore(blocks.length, (i) => blocks[i]! <= line);
}

/** The spans of a block, in order. */
function spansInBlock(spans: readonly Span[], blocks: readonly number[], block: number): readonly Span[] {
  const from = block === 0 ? 0 : firstSpanOnLine(spans, blocks[block - 1]!);
  const to = block === blocks.length ? spans.length : firstSpanOnLine(spans, blocks[block]!);
  return spans.slice(from, Math.max(from, to));
}

/** How many spans each block holds. */
function blockSizes(spans: readonly Span[], blocks: readonly number[]): number[] {
  const sizes = new Array<number>(blocks.length + 1).fill(0);
  let block = 0;
  for (const span of spans) {
    while (block < blocks.length && blocks[block]! <= span.line) block++;
    sizes[block]!++;
  }
  return sizes;
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
    readonly rulerMarksSent: number,
    readonly drawnLines: DecorationSnapshot['drawnLines'],
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

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
import type { TypeInfo } from '../../server/src/protocol';
import { firstIndexNotBefore } from '../../server/src/core/text';
import { type DocumentSpans, type Span, type SpanStore, isAnnotated } from './spans';

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

/**
 * What a document's editors were last sent, and the edits since, which VS Code applied to it:
 * for each decoration key, the ranges `keyedRanges` gives for these spans, blocks and dimming.
 */
interface Drawn {
  spans: DocumentSpans;
  /** The first line of each block after the first, as drawn (see `blockStarts`). */
  blocks: readonly number[];
  /** How many spans each block holds. */
  sizes: readonly number[];
  dimmed: boolean;
  /** A span's style by its type, for these spans' types. */
  styles: Styles;
  /** The editors that show them (one that is hidden and shown again is a new one, without). */
  editors: Set<vscode.TextEditor>;
  /** The content changes after `spans.version`, one entry per document version; undefined: too many to follow. */
  changes: readonly (readonly vscode.TextDocumentContentChangeEvent[])[] | undefined;
}

/** A span type's colour and the keys of its styles, top level and nested. */
type Styles = (type: string | undefined) => { color: string | undefined; top: string; nested: string };

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
    const drawing = (shown && this.followEdit(shown.before, shown.changes, result, dimmed, styles)) ?? this.drawWhole(result, dimmed, styles, shown);
    let sent = 0;
    for (const editor of editors) {
      for (const [key, ranges] of drawing.send) {
        editor.setDecorations(this.types.get(key)!, ranges);
        sent += ranges.length;
      }
    }
    this.drawn.set(uri, { spans: result, blocks: drawing.blocks, sizes: drawing.sizes, dimmed, styles, editors: new Set(editors), changes: [] });
    this.snapshots.set(uri, new DrawnSnapshot(result, dimmed, sent, (type) => styles(type).color));
    this.changed.fire(document.uri);
  }

  /**
   * After one edit whose lines the span store parsed (`result.edit`), the drawing compares only
   * the blocks these lines are in: every other span is one VS Code already shows, moved as the
   * edit moved it. Undefined when that is not the case, or a block grew past four times its size.
   */
  private followEdit(before: Drawn, changes: NonNullable<Drawn['changes']>, result: DocumentSpans, dimmed: boolean, styles: Styles): Drawing | undefined {
    const edit = result.edit;
    if (!edit || changes.length !== 1 || edit.previous !== before.spans.spans || before.dimmed !== dimmed || before.styles !== styles) return undefined;
    const blocks = before.blocks.map((line) => movedLine(line, changes));
    const first = Math.min(blockOf(before.blocks, edit.firstLine), blockOf(blocks, edit.firstLine));
    const last = Math.max(blockOf(before.blocks, edit.firstLine + edit.linesBefore - 1), blockOf(blocks, edit.firstLine + edit.linesAfter - 1));
    const sizes = [...before.sizes];
    const send = new Map<string, vscode.Range[]>();
    for (let block = first; block <= last; block++) {
      const was = this.keyedRanges(spansInBlock(before.spans.spans, before.blocks, block), before.blocks, dimmed, styles);
      const spans = spansInBlock(result.spans, blocks, block);
      if ((sizes[block] = spans.length) > 4 * SPANS_PER_BLOCK) return undefined;
      const now = this.keyedRanges(spans, blocks, dimmed, styles);
      for (const key of new Set([...was.keys(), ...now.keys()])) {
        const ranges = now.get(key) ?? [];
        if (!movedAlike(was.get(key) ?? [], ranges, changes)) send.set(key, ranges);
      }
    }
    return { blocks, sizes, send };
  }

  /**
   * The whole document's ranges, in the blocks last drawn when they are known and none has grown
   * past four times its size, else in blocks made afresh. With `shown`, what VS Code shows, only
   * the decoration types whose ranges differ from it are sent; without, every type (those this
   * document no longer uses with an empty list).
   */
  private drawWhole(result: DocumentSpans, dimmed: boolean, styles: Styles, shown: { before: Drawn; changes: NonNullable<Drawn['changes']> } | undefined): Drawing {
    const changes = shown?.changes;
    let blocks = shown && changes && shown.before.blocks.map((line) => movedLine(line, changes));
    let sizes = blocks && blockSizes(result.spans, blocks);
    if (!blocks || !sizes || Math.max(...sizes) > 4 * SPANS_PER_BLOCK) {
      blocks = blockStarts(result.spans.map((span) => span.line), SPANS_PER_BLOCK);
      sizes = blockSizes(result.spans, blocks);
      shown = undefined; // in other blocks than those shown: everything is sent
    }
    const now = this.keyedRanges(result.spans, blocks, dimmed, styles);
    const was = shown && { ranges: this.keyedRanges(shown.before.spans.spans, shown.before.blocks, shown.before.dimmed, shown.before.styles), changes: shown.changes };
    const send = new Map<string, vscode.Range[]>();
    for (const key of this.types.keys()) {
      const ranges = now.get(key) ?? [];
      if (!was || !movedAlike(was.ranges.get(key) ?? [], ranges, was.changes)) send.set(key, ranges);
    }
    return { blocks, sizes, send };
  }

  /** The spans' ranges by decoration key: each surface under its style's key in its block, and with dimming its `[` and `]{...}` under the markup's. */
  private keyedRanges(spans: readonly Span[], blocks: readonly number[], dimmed: boolean, styles: Styles): Map<string, vscode.Range[]> {
    const byKey = new Map<string, vscode.Range[]>();
    const add = (key: string, range: vscode.Range): void => {
      const ranges = byKey.get(key);
      if (ranges) ranges.push(range);
      else byKey.set(key, [range]);
    };
    let block = 0;
    let keyInBlock = new Map<string, string>();
    for (const span of spans) {
      // Spans come in document order, so their blocks do too.
      while (block < blocks.length && blocks[block]! <= span.line) {
        block++;
        keyInBlock = new Map();
      }
      const style = styles(span.type);
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
        known.set(type, (style = { color, top: this.style(color, false), nested: this.style(color, true) }));
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

/** What a drawing sends (ranges by decoration key), and the blocks it leaves, with their sizes. */
interface Drawing {
  send: Map<string, vscode.Range[]>;
  blocks: readonly number[];
  sizes: readonly number[];
}

/** The block a line is in: how many blocks start at it or before (the first block has no start). */
function blockOf(blocks: readonly number[], line: number): number {
  return firstIndexNotBefore(blocks.length, (i) => blocks[i]! <= line);
}

/** The spans of a block, in order. */
function spansInBlock(spans: readonly Span[], blocks: readonly number[], block: number): readonly Span[] {
  const from = block === 0 ? 0 : firstIndexNotBefore(spans.length, (i) => spans[i]!.line < blocks[block - 1]!);
  const to = block === blocks.length ? spans.length : firstIndexNotBefore(spans.length, (i) => spans[i]!.line < blocks[block]!);
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

/**
 * What the server says about the spans of open documents (SpansRequest), kept per document
 * version. Decorations and the navigation commands share it, so one request serves both. After
 * an edit the client parses the lines it touched itself (lineEdit.ts), and with the spans of the
 * other lines known it needs no request at all.
 */

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type SpansResult, SpansRequest, type TypeInfo } from '../../server/src/protocol';
import { firstIndexNotBefore } from '../../server/src/core/text';
import { bodyLine, editedLines, splitLines } from './lineEdit';
import { type MakeSpan, decodeSpans } from './spanData';

export const LANGUAGE_ID = 'annotated-text';

/** Documents the server knows: corpus files shown in the Annotated Text language. */
export function isAnnotated(document: vscode.TextDocument | undefined): boolean {
  return document !== undefined && document.languageId === LANGUAGE_ID && document.uri.scheme === 'file';
}

/**
 * A span: its line and, on that line, the characters of its `[`, its `]` and just after its
 * label; nesting, type and id. Its VS Code ranges are made when first read: after a line break
 * typed in a document of 20,000 spans, every span below it is a new Span, and most of them are
 * never read before the next edit.
 */
export class Span {
  private ranges: [range: vscode.Range, content: vscode.Range, open: vscode.Range, close: vscode.Range] | undefined;

  constructor(
    readonly line: number,
    readonly start: number,
    readonly close: number,
    readonly end: number,
    readonly depth: number,
    readonly type: string | undefined,
    readonly id: string | undefined,
  ) {}

  /** `[` to the end of the label. */
  get range(): vscode.Range {
    return (this.ranges ??= this.makeRanges())[0];
  }

  /** The surface: between `[` and `]`. */
  get contentRange(): vscode.Range {
    return (this.ranges ??= this.makeRanges())[1];
  }

  /** The `[`. */
  get openRange(): vscode.Range {
    return (this.ranges ??= this.makeRanges())[2];
  }

  /** `]{...}`. */
  get closeRange(): vscode.Range {
    return (this.ranges ??= this.makeRanges())[3];
  }

  /** The same span `lines` lines further down (up when negative). */
  moved(lines: number): Span {
    return new Span(this.line + lines, this.start, this.close, this.end, this.depth, this.type, this.id);
  }

  /** Whether the position is in `range`, ends included. */
  contains(position: vscode.Position): boolean {
    return position.line === this.line && position.character >= this.start && position.character <= this.end;
  }

  /** Its four ranges share their four positions. */
  private makeRanges(): [vscode.Range, vscode.Range, vscode.Range, vscode.Range] {
    const open = new vscode.Position(this.line, this.start);
    const content = new vscode.Position(this.line, this.start + 1); // `[` is one unit in any encoding
    const bracket = new vscode.Position(this.line, this.close);
    const after = new vscode.Position(this.line, this.end);
    return [new vscode.Range(open, after), new vscode.Range(content, bracket), new vscode.Range(open, content), new vscode.Range(bracket, after)];
  }
}

/** The edit a version of a document follows from the version before, its lines parsed here. */
export interface FollowedEdit {
  /** The spans of the version before. */
  previous: readonly Span[];
  /** The lines it touched: `[firstLine, firstLine + linesBefore)` before, `[firstLine, firstLine + linesAfter)` after. */
  firstLine: number;
  linesBefore: number;
  linesAfter: number;
}

export interface DocumentSpans {
  version: number;
  /** In source order: by line, and on a line by `[`. */
  spans: Span[];
  types: TypeInfo[];
  inCorpus: boolean;
  /** Set when this version's spans were worked out here from the version before's: every span off these lines is one of those, moved by the lines the edit added or removed. */
  edit?: FollowedEdit;
}

/** A version of a document's lines (as VS Code holds them, without their breaks) and the line its body starts on. */
interface KnownLines {
  version: number;
  lines: string[];
  body: number;
}

/** How long to keep asking while the server has not yet seen the document or its last change. */
const CATCH_UP_MS = 3_000;

export class SpanStore {
  private readonly cache = new Map<string, DocumentSpans>();
  /** The lines of each document's last version followed, to tell what an edit removed. */
  private readonly lines = new Map<string, KnownLines>();

  constructor(private readonly client: LanguageClient) {}

  /** The spans of this version of the document if already known. */
  cached(document: vscode.TextDocument): DocumentSpans | undefined {
    const known = this.cache.get(document.uri.toString());
    return known && known.version === document.version ? known : undefined;
  }

  /** The spans of the document's current version; undefined when the server has none (not a corpus file, closed). */
  async current(document: vscode.TextDocument): Promise<DocumentSpans | undefined> {
    return this.cached(document) ?? this.fetch(document);
  }

  /**
   * Asks the server until it answers for the document's current version. An older version means
   * our last change is still on its way; null means the document's didOpen is (it just switched
   * language). Both settle within a few round trips.
   */
  async fetch(document: vscode.TextDocument): Promise<DocumentSpans | undefined> {
    const uri = document.uri.toString();
    const deadline = Date.now() + CATCH_UP_MS;
    for (let attempt = 0; ; attempt++) {
      if (document.isClosed || !isAnnotated(document)) return undefined;
      let result: SpansResult | null;
      try {
        result = await this.client.sendRequest(SpansRequest, { uri: this.client.code2ProtocolConverter.asUri(document.uri) });
      } catch {
        return undefined; // the server is stopping or restarting: the next change asks again
      }
      if (result && result.version === document.version) {
        const decoded = decodeSpans(result, toSpan);
        if (!decoded) return undefined; // a server of another release: draw nothing rather than misread it
        const spans: DocumentSpans = { version: result.version, spans: decoded, types: result.types, inCorpus: result.inCorpus };
        this.cache.set(uri, spans);
        if (this.lines.get(uri)?.version !== document.version) {
          const text = document.getText();
          this.lines.set(uri, { version: document.version, lines: splitLines(text), body: bodyLine(text) });
        }
        return spans;
      }
      // A newer version than ours cannot happen; an older one or null: wait and ask again.
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(25 * (attempt + 1), 200)));
    }
  }

  /**
   * Follows an edit of a document. When the spans of the version before are known and the edit
   * is one lineEdit.ts reads (one change, away from the front matter), the spans of the new
   * version are those of the lines it touched, parsed again, and the others' as they were (moved
   * by the lines added or removed); true says so: nothing need be asked of the server.
   */
  followEdit(document: vscode.TextDocument, changes: readonly vscode.TextDocumentContentChangeEvent[]): boolean {
    if (changes.length === 0) return false; // saved, or made dirty: the same text
    const uri = document.uri.toString();
    const known = this.cache.get(uri);
    const before = this.lines.get(uri);
    const change = changes.length === 1 ? changes[0]! : undefined;
    if (!change || !before || !known || before.version !== document.version - 1 || known.version !== before.version) {
      this.lines.delete(uri);
      return false;
    }
    // A span labelled by id only has its catalog entry's type: the server told it for the spans known.
    let types: Map<string, string> | undefined;
    const typeOfId = (id: string): string | undefined => {
      types ??= new Map(known.spans.flatMap((s) => (s.id !== undefined && s.type !== undefined ? [[s.id, s.type] as const] : [])));
      return types.get(id);
    };
    const { start, end } = change.range;
    const edited = editedLines(before.lines, before.body, { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character, text: change.text }, typeOfId);
    // The lines as VS Code now has them, or nothing is known: then the server's spans, and a fresh copy of the lines, are fetched.
    if (!edited || document.lineCount !== before.lines.length - edited.linesBefore + edited.lines.length || edited.lines.some((line, i) => document.lineAt(edited.firstLine + i).text !== line)) {
      this.lines.delete(uri);
      return false;
    }
    const { firstLine, linesBefore } = edited;
    const linesAfter = edited.lines.length;
    before.lines.splice(firstLine, linesBefore, ...edited.lines);
    before.version = document.version;
    const first = firstSpanOnLine(known.spans, firstLine);
    const last = firstSpanOnLine(known.spans, firstLine + linesBefore);
    const moved = linesAfter - linesBefore;
    // The spans below keep their objects unless the edit added or removed lines.
    const below = known.spans.slice(last);
    const spans = [
      ...known.spans.slice(0, first),
      ...edited.spans.map((s) => new Span(s.line, s.start, s.close, s.end, s.depth, s.type, s.id)),
      ...(moved === 0 ? below : below.map((s) => s.moved(moved))),
    ];
    this.cache.set(uri, { version: document.version, spans, types: known.types, inCorpus: known.inCorpus, edit: { previous: known.spans, firstLine, linesBefore, linesAfter } });
    return true;
  }

  /** After corpus.yaml changed: types and colours may differ for the same document versions. */
  clear(): void {
    this.cache.clear();
  }

  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
    this.lines.delete(document.uri.toString());
  }
}

/** A span of the spans response. */
const toSpan: MakeSpan<Span> = (line, start, close, end, depth, type, id) => new Span(line, start, close, end, depth, type, id);

/** Index of the first span on `line` or after it. */
export function firstSpanOnLine(spans: readonly Span[], line: number): number {
  return firstIndexNotBefore(spans.length, (i) => spans[i]!.line < line);
}

/** The innermost span whose source range holds the position (ends included). */
export function spanAt(spans: readonly Span[], position: vscode.Position): Span | undefined {
  let found: Span | undefined;
  for (let i = firstSpanOnLine(spans, position.line); i < spans.length && spans[i]!.line === position.line; i++) {
    const span = spans[i]!;
    if (span.contains(position) && (!found || span.depth > found.depth)) found = span;
  }
  return found;
}

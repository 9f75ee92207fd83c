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
import { editedLines } from './lineEdit';
import { type MakeSpan, decodeSpans } from './spanData';

export const LANGUAGE_ID = 'annotated-text';

/** Documents the server knows: corpus files shown in the Annotated Text language. */
export function isAnnotated(document: vscode.TextDocument | undefined): boolean {
  return document !== undefined && document.languageId === LANGUAGE_ID && document.uri.scheme === 'file';
}

/** A span with VS Code ranges. */
export interface Span {
  range: vscode.Range;
  contentRange: vscode.Range;
  openRange: vscode.Range;
  closeRange: vscode.Range;
  type?: string;
  id?: string;
  depth: number;
}

export interface DocumentSpans {
  version: number;
  spans: Span[];
  types: TypeInfo[];
  inCorpus: boolean;
}

/** How long to keep asking while the server has not yet seen the document or its last change. */
const CATCH_UP_MS = 3_000;

export class SpanStore {
  private readonly cache = new Map<string, DocumentSpans>();
  /** The text of each document's last version seen, to tell what an edit removed. */
  private readonly texts = new Map<string, { version: number; text: string }>();

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
        if (this.texts.get(uri)?.version !== document.version) this.texts.set(uri, { version: document.version, text: document.getText() });
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
    if (changes.length === 0) return false;
    const uri = document.uri.toString();
    const before = this.texts.get(uri);
    const known = this.cache.get(uri);
    this.texts.set(uri, { version: document.version, text: document.getText() });
    const change = changes.length === 1 ? changes[0]! : undefined;
    if (!change || !before || !known || before.version !== document.version - 1 || known.version !== before.version) return false;
    // A span labelled by id only has its catalog entry's type: the server told it for the spans known.
    let types: Map<string, string> | undefined;
    const typeOfId = (id: string): string | undefined => {
      types ??= new Map(known.spans.flatMap((s) => (s.id !== undefined && s.type !== undefined ? [[s.id, s.type] as const] : [])));
      return types.get(id);
    };
    const edited = editedLines(before.text, change.range.start.line, change.rangeOffset, change.rangeLength, change.text, typeOfId);
    if (!edited) return false;
    const { firstLine, linesBefore, linesAfter } = edited;
    const first = firstSpanOnLine(known.spans, firstLine);
    const last = firstSpanOnLine(known.spans, firstLine + linesBefore);
    const moved = linesAfter - linesBefore;
    // The spans below keep their objects unless the edit added or removed lines.
    const below = known.spans.slice(last);
    const spans = [
      ...known.spans.slice(0, first),
      ...edited.spans.map((s) => toSpan(s.line, s.start, s.close, s.end, s.depth, s.type, s.id)),
      ...(moved === 0 ? below : below.map((s) => toSpan(s.range.start.line + moved, s.range.start.character, s.contentRange.end.character, s.range.end.character, s.depth, s.type, s.id))),
    ];
    this.cache.set(uri, { ...known, version: document.version, spans });
    return true;
  }

  /** After corpus.yaml changed: types and colours may differ for the same document versions. */
  clear(): void {
    this.cache.clear();
  }

  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
    this.texts.delete(document.uri.toString());
  }
}

/** A span of the spans response as VS Code ranges; its four ranges share their four positions. */
const toSpan: MakeSpan<Span> = (line, start, close, end, depth, type, id) => {
  const open = new vscode.Position(line, start);
  const content = new vscode.Position(line, start + 1); // `[` is one unit in any encoding
  const bracket = new vscode.Position(line, close);
  const after = new vscode.Position(line, end);
  const span: Span = { range: new vscode.Range(open, after), contentRange: new vscode.Range(content, bracket), openRange: new vscode.Range(open, content), closeRange: new vscode.Range(bracket, after), depth };
  if (type !== undefined) span.type = type;
  if (id !== undefined) span.id = id;
  return span;
};

/** Index of the first span on `line` or after it. */
function firstSpanOnLine(spans: readonly Span[], line: number): number {
  return firstIndexNotBefore(spans.length, (i) => spans[i]!.range.start.line < line);
}

/** The innermost span whose source range holds the position (ends included). */
export function spanAt(spans: readonly Span[], position: vscode.Position): Span | undefined {
  let found: Span | undefined;
  for (const span of spans) {
    if (span.range.contains(position) && (!found || span.depth > found.depth)) found = span;
  }
  return found;
}

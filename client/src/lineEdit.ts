/**
 * The spans of the lines an edit touches, parsed again on their own with the core parser. A span
 * never crosses a line and markup holds no line break, so every other line keeps its spans (moved
 * down or up by the lines the edit adds or removes): after an edit the client knows the new
 * version's spans without asking the server. Only the front matter (YAML between `---` lines at
 * the start) is read across lines; an edit that may touch it is left to the server. No `vscode`
 * here: unit tests check it against parsing the whole document.
 */

import { bodyStart } from '../../server/src/core/frontMatter';
import { parse } from '../../server/src/core/parser';
import { LineIndex, lineBreakFrom, lineStartAt } from '../../server/src/core/text';

/** A span as the client draws it: its line, on that line the columns of its `[`, its `]` and its end; nesting, type and id. */
export interface LineSpan {
  line: number;
  start: number;
  close: number;
  end: number;
  depth: number;
  type: string | undefined;
  id: string | undefined;
}

/** The lines an edit touched: `[firstLine, firstLine + linesBefore)` before it, `[firstLine, firstLine + linesAfter)` after, with the spans these now hold. */
export interface EditedLines {
  firstLine: number;
  linesBefore: number;
  linesAfter: number;
  spans: LineSpan[];
}

/**
 * Replacing `removedLength` units at `offset` of `text` (a document) by `inserted`, where `offset`
 * is on line `line`: the lines the edit touches and their spans afterwards. `typeOfId` gives the
 * type of a span labelled by id only (the catalog's, which the client knows from the spans it
 * has). Undefined when the edit is left to the server: it reaches into the front matter, a line
 * it touches starts with `-` or a BOM before or after it (it may open or close a front matter), it
 * parts or joins the two halves of a CRLF, or an id has no known type.
 */
export function editedLines(text: string, line: number, offset: number, removedLength: number, inserted: string, typeOfId: (id: string) => string | undefined): EditedLines | undefined {
  const editEnd = offset + removedLength;
  if (offset < 0 || editEnd > text.length) return undefined;
  const lineStart = lineStartAt(text, offset);
  if (lineStart < bodyStart(text, text.charCodeAt(0) === 0xfeff ? 1 : 0)) return undefined;
  const lineEnd = lineBreakFrom(text, editEnd);
  const before = text.slice(lineStart, lineEnd);
  const after = text.slice(lineStart, offset) + inserted + text.slice(editEnd, lineEnd);
  const previous = text.charCodeAt(lineStart - 1);
  const next = text.charCodeAt(lineEnd);
  // An edit between the CR and the LF of a line break, or one that makes or unmakes a CRLF where
  // the lines it touches meet the rest, changes more lines than these.
  if ((previous === 13 && text.charCodeAt(lineStart) === 10) || partsCrlf(previous, before, next) || partsCrlf(previous, after, next)) return undefined;
  const linesBefore = new LineIndex(before);
  const linesAfter = new LineIndex(after);
  if (startsAFence(before, linesBefore) || startsAFence(after, linesAfter)) return undefined;
  const spans: LineSpan[] = [];
  for (const span of parse(after).spans) {
    const id = span.label.idName;
    const type = span.label.typeName ?? (id !== undefined ? typeOfId(id) : undefined);
    if (id !== undefined && type === undefined) return undefined;
    const open = linesAfter.position(span.openBracket);
    const column = (at: number): number => at - linesAfter.starts[open.line]!;
    spans.push({ line: line + open.line, start: open.character, close: column(span.closeBracket), end: column(span.afterLabel), depth: span.depth, type, id });
  }
  return { firstLine: line, linesBefore: linesBefore.starts.length, linesAfter: linesAfter.starts.length, spans };
}

/** Whether a run of lines between `previous` and `next` would begin with the LF of a CRLF or end with its CR. */
function partsCrlf(previous: number, lines: string, next: number): boolean {
  return (previous === 13 && lines.charCodeAt(0) === 10) || (next === 10 && lines.charCodeAt(lines.length - 1) === 13);
}

/** Whether a line of the text starts with `-` or a BOM: it might be, or become, a front matter fence. */
function startsAFence(text: string, lines: LineIndex): boolean {
  return lines.starts.some((start) => text.charCodeAt(start) === 45 || text.charCodeAt(start) === 0xfeff);
}

/**
 * The spans of the lines an edit touches, parsed again on their own with the core parser. A span
 * never crosses a line and markup holds no line break, so every other line keeps its spans (moved
 * down or up by the lines the edit adds or removes): after an edit the client knows the new
 * version's spans without asking the server. Only the front matter (YAML between `---` lines at
 * the start) is read across lines; an edit that may touch it is left to the server.
 *
 * A document is taken as VS Code holds it: a list of lines without their breaks (one line break
 * for the whole document, which VS Code also puts in the text an edit inserts). So an edit reads
 * the lines it touches, not the document's text. No `vscode` here: unit tests check it against
 * parsing the whole document.
 */

import { bodyStart } from '../../server/src/core/frontMatter';
import { parse } from '../../server/src/core/parser';
import { LineIndex } from '../../server/src/core/text';

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

/** An edit as VS Code reports it: the range it replaced, by lines and characters, and the text put there. */
export interface LineChange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  text: string;
}

/**
 * The lines an edit touched: `[firstLine, firstLine + linesBefore)` before it, `[firstLine,
 * firstLine + lines.length)` after, with the text of these (`lines`) and the spans they now hold.
 */
export interface EditedLines {
  firstLine: number;
  linesBefore: number;
  lines: string[];
  spans: LineSpan[];
}

const LINE_BREAK = /\r\n|\r|\n/;

/** A text's lines, without their breaks: as VS Code holds a document. */
export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/** The first line of a document's body: the line after its front matter's closing `---` (0 without one). */
export function bodyLine(text: string): number {
  const end = bodyStart(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  return end === 0 ? 0 : new LineIndex(text.slice(0, end)).starts.length - 1;
}

/**
 * `change` applied to a document whose lines are `lines` and whose body starts at line `body`
 * (see `bodyLine`): the lines it touches and their spans afterwards. `typeOfId` gives the type of
 * a span labelled by id only (the catalog's, which the client knows from the spans it has).
 * Undefined when the edit is left to the server: it reaches into the front matter, a line it
 * touches starts with `-` or a BOM before or after it (it may open or close a front matter), its
 * range is not in the document, or an id has no known type.
 */
export function editedLines(lines: readonly string[], body: number, change: LineChange, typeOfId: (id: string) => string | undefined): EditedLines | undefined {
  const { startLine, startCharacter, endLine, endCharacter } = change;
  if (startLine < body || endLine < startLine || endLine >= lines.length) return undefined;
  const first = lines[startLine]!;
  const last = lines[endLine]!;
  if (startCharacter > first.length || endCharacter > last.length || (startLine === endLine && endCharacter < startCharacter)) return undefined;
  const after = splitLines(first.slice(0, startCharacter) + change.text + last.slice(endCharacter));
  for (let line = startLine; line <= endLine; line++) if (startsAFence(lines[line]!)) return undefined;
  if (after.some(startsAFence)) return undefined;
  const text = after.join('\n');
  const index = new LineIndex(text);
  const spans: LineSpan[] = [];
  for (const span of parse(text).spans) {
    const id = span.label.idName;
    const type = span.label.typeName ?? (id !== undefined ? typeOfId(id) : undefined);
    if (id !== undefined && type === undefined) return undefined;
    const open = index.position(span.openBracket);
    const column = (at: number): number => at - index.starts[open.line]!;
    spans.push({ line: startLine + open.line, start: open.character, close: column(span.closeBracket), end: column(span.afterLabel), depth: span.depth, type, id });
  }
  return { firstLine: startLine, linesBefore: endLine - startLine + 1, lines: after, spans };
}

/** Whether a line starts with `-` or a BOM: it might be, or become, a front matter fence. */
function startsAFence(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 45 || c === 0xfeff;
}

/**
 * Edits that leave every span where the text puts it: plain text typed or deleted away from
 * markup. After such an edit the spans are the ones before it, shifted along their line, and
 * VS Code has already moved the decorations with the text; the client then needs no answer from
 * the server to draw the new version. No `vscode` here: unit tests check these rules against the
 * parser in plain Node.
 */

/** Characters that make markup: brackets, braces, the escape; line breaks end spans; `-` makes front matter fences. */
const MARKUP_CHARS = /[[\]{}\\\r\n-]/;

/**
 * Whether replacing `removedLength` units at `offset` of `text` by `inserted` changes no span,
 * label, escape or front matter: neither the removed nor the inserted text holds a markup
 * character, none stands right before or after the edit, the edit is not inside a label (the
 * nearest brace before it on its line is not a `{`), and its line neither starts nor comes to
 * start with `-` (a `---` line is a front matter fence). Erring on the side of "no": the server
 * is asked then.
 */
export function isPlainEdit(text: string, offset: number, removedLength: number, inserted: string): boolean {
  const end = offset + removedLength;
  if (offset < 0 || end > text.length) return false;
  if (MARKUP_CHARS.test(inserted) || MARKUP_CHARS.test(text.slice(offset, end))) return false;
  if (offset > 0 && MARKUP_CHARS.test(text[offset - 1]!)) return false;
  if (end < text.length && MARKUP_CHARS.test(text[end]!)) return false;
  let lineStart = offset;
  while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10 && text.charCodeAt(lineStart - 1) !== 13) lineStart--;
  // What the line starts with after an edit at its start is the character after the edit, or
  // inserted text: both were checked above. A BOM may stand before a fence: that line is left alone.
  if (text[lineStart] === '-' || text.charCodeAt(lineStart) === 0xfeff) return false;
  for (let i = offset - 1; i >= lineStart; i--) {
    const c = text[i];
    if (c === '}') break;
    if (c === '{') return false;
  }
  return true;
}

/** A column on the edited line after the edit: those at or past the removed text move by the change in length. */
export function columnAfterEdit(column: number, editColumn: number, removedLength: number, insertedLength: number): number {
  return column >= editColumn + removedLength ? column + insertedLength - removedLength : column;
}

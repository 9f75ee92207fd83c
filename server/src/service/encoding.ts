/**
 * Position encodings (LSP 3.17 `positionEncoding`). Offsets inside the server are UTF-16 (the
 * unit of JavaScript strings); a client that cannot speak UTF-16 gets positions whose character
 * counts code points (utf-32) or UTF-8 bytes, converted here, at the boundary, and nowhere else.
 */

import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { PositionMapper } from './workspace';

export type PositionEncoding = 'utf-16' | 'utf-32' | 'utf-8';

/** UTF-16 when the client offers it (no conversion at all), else the first of ours it offers. */
export function chooseEncoding(offered: readonly string[] | undefined): PositionEncoding {
  const list = offered && offered.length > 0 ? offered : ['utf-16'];
  if (list.includes('utf-16')) return 'utf-16';
  if (list.includes('utf-32')) return 'utf-32';
  if (list.includes('utf-8')) return 'utf-8';
  return 'utf-16';
}

/** Whether a surrogate pair (one code point) starts at `i`: a lone surrogate is a code point of its own. */
function pairAt(line: string, i: number): boolean {
  const code = line.charCodeAt(i);
  if (code < 0xd800 || code > 0xdbff || i + 1 >= line.length) return false;
  const low = line.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

/** Units the code point at `i` takes in the encoding (a lone surrogate goes out in UTF-8 as U+FFFD: 3 bytes). */
function units(encoding: PositionEncoding, line: string, i: number, pair: boolean): number {
  if (encoding === 'utf-32') return 1;
  if (pair) return 4;
  const code = line.charCodeAt(i);
  return code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
}

/** UTF-16 character offset within `line` of an encoded character offset (clamped to the line). */
export function toUtf16Character(line: string, character: number, encoding: PositionEncoding): number {
  if (encoding === 'utf-16') return character;
  let count = 0;
  let i = 0;
  while (i < line.length && count < character) {
    const pair = pairAt(line, i);
    count += units(encoding, line, i, pair);
    i += pair ? 2 : 1;
  }
  return i;
}

/** Encoded character offset of a UTF-16 character offset within `line` (inside a pair: after it). */
export function fromUtf16Character(line: string, character: number, encoding: PositionEncoding): number {
  if (encoding === 'utf-16') return character;
  let count = 0;
  const end = Math.min(character, line.length);
  for (let i = 0; i < end; ) {
    const pair = pairAt(line, i);
    count += units(encoding, line, i, pair);
    i += pair ? 2 : 1;
  }
  return count;
}

/** A mapper speaking the encoding, over a UTF-16 mapper and a way to read a line's text. */
export function encodedMapper(base: PositionMapper, lineText: (line: number) => string, encoding: PositionEncoding): PositionMapper {
  if (encoding === 'utf-16') return base;
  return {
    positionAt(offset) {
      const p = base.positionAt(offset);
      return { line: p.line, character: fromUtf16Character(lineText(p.line), p.character, encoding) };
    },
    offsetAt(position) {
      return base.offsetAt({ line: position.line, character: toUtf16Character(lineText(position.line), position.character, encoding) });
    },
  };
}

/** The text of one line of a document (without its line break). */
export function documentLine(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

/**
 * Applies incremental changes whose ranges are in `encoding`: each is converted against the
 * text as the previous changes left it, as the protocol orders them.
 */
export function updateDocument(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number, encoding: PositionEncoding): TextDocument {
  if (encoding === 'utf-16') return TextDocument.update(document, changes, version);
  let current = document;
  for (const change of changes) {
    if (!('range' in change)) {
      current = TextDocument.update(current, [change], version);
      continue;
    }
    const convert = (p: { line: number; character: number }) => ({ line: p.line, character: toUtf16Character(documentLine(current, p.line), p.character, encoding) });
    current = TextDocument.update(current, [{ range: { start: convert(change.range.start), end: convert(change.range.end) }, text: change.text }], version);
  }
  return current;
}

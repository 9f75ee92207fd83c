/** A spans response unpacked by the client's own decoder into LSP ranges, for the tests to check. */

import type { Range } from 'vscode-languageserver-protocol';
import { decodeSpans } from '../../client/src/spanData';
import type { SpansResult } from '../../server/src/protocol';

/** A span as the client's `Span`, with LSP ranges instead of VS Code's. */
export interface PlainSpan {
  range: Range;
  contentRange: Range;
  openRange: Range;
  closeRange: Range;
  type?: string;
  id?: string;
  depth: number;
}

/** Same construction as the client's (client/src/spans.ts), so the tests check what it draws. */
export function unpackSpans(packed: Pick<SpansResult, 'format' | 'data' | 'strings'>): PlainSpan[] {
  const spans = decodeSpans(packed, (line, start, close, end, depth, type, id) => {
    const at = (character: number) => ({ line, character });
    const span: PlainSpan = { range: { start: at(start), end: at(end) }, contentRange: { start: at(start + 1), end: at(close) }, openRange: { start: at(start), end: at(start + 1) }, closeRange: { start: at(close), end: at(end) }, depth };
    if (type !== undefined) span.type = type;
    if (id !== undefined) span.id = id;
    return span;
  });
  if (!spans) throw new Error(`unknown spans format ${packed.format}`);
  return spans;
}

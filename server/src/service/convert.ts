/** Core plain data to LSP types, and the lookups handlers share. */

import { DiagnosticSeverity, type Range } from 'vscode-languageserver';
import type { OffsetRange, ParsedDocument, Severity, Span } from '../core/model';
import type { PositionMapper } from './workspace';
import { firstIndexNotBefore } from '../core/text';

export const SOURCE = 'corpus-annotator';

export function toRange(mapper: PositionMapper, range: OffsetRange): Range {
  return { start: mapper.positionAt(range.start), end: mapper.positionAt(range.end) };
}

/**
 * Where a span stands: the line and character of its `[`, and on that line the characters of
 * its `]` and of the end of its label. A span never crosses a line, so three lookups place it,
 * and its surface starts one unit after the `[` in every position encoding.
 */
export function spanColumns(mapper: PositionMapper, span: Span): { line: number; open: number; close: number; end: number } {
  const start = mapper.positionAt(span.openBracket);
  return { line: start.line, open: start.character, close: mapper.positionAt(span.closeBracket).character, end: mapper.positionAt(span.afterLabel).character };
}

export function toSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/**
 * The innermost span whose source range holds `offset`. With `touching`, an offset right after
 * the span's `}` counts too (a cursor placed after a span is "on" it).
 */
export function spanAt(doc: ParsedDocument, offset: number, touching = false): { span: Span; index: number } | undefined {
  const within = (s: Span): boolean => {
    const end = s.afterLabel;
    return s.openBracket <= offset && (offset < end || (touching && offset === end));
  };
  let candidates: readonly number[] = doc.roots;
  let found: number | undefined;
  for (;;) {
    // Siblings are in source order and disjoint: the last one starting at or before offset.
    const siblings = candidates;
    const hit = firstIndexNotBefore(siblings.length, (k) => doc.spans[siblings[k]!]!.openBracket <= offset) - 1;
    if (hit < 0 || !within(doc.spans[candidates[hit]!]!)) break;
    found = candidates[hit]!;
    candidates = doc.spans[found]!.children;
  }
  return found === undefined ? undefined : { span: doc.spans[found]!, index: found };
}

/** Whether `offset` lies inside `range` (ends included). */
export function touches(range: OffsetRange | undefined, offset: number): boolean {
  return range !== undefined && range.start <= offset && offset <= range.end;
}

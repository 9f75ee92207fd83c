/** Pure text edits on annotated text: the refactors behind code actions and editor commands. */

import type { FixEdit } from './diagnostics';
import type { OffsetRange, Span } from './model';

/** Removes a span's markup and keeps its text: the `[` and the `]{...}`. */
export function removeSpanEdits(span: Span): FixEdit[] {
  return [
    { file: 'document', range: { start: span.range.start, end: span.range.start + 1 }, newText: '' },
    { file: 'document', range: { start: span.closeBracket, end: span.range.end }, newText: '' },
  ];
}

/** Sets a span's type: replaces the written type, or writes one before the rest of the label. */
export function setTypeEdits(span: Span, type: string): FixEdit[] {
  const written = span.label.type;
  if (written) return [{ file: 'document', range: written.range, newText: type }];
  const at = span.label.bodyRange.start;
  const empty = span.label.bodyRange.end === at;
  return [{ file: 'document', range: { start: at, end: at }, newText: empty ? type : `${type} ` }];
}

/** Links a span to an entity: replaces the written @id, or writes one after the type. */
export function setIdEdits(span: Span, id: string): FixEdit[] {
  const written = span.label.id;
  if (written) return [{ file: 'document', range: written.range, newText: id }];
  const label = span.label;
  if (label.type) return [{ file: 'document', range: { start: label.type.range.end, end: label.type.range.end }, newText: ` @${id}` }];
  const at = label.bodyRange.start;
  return [{ file: 'document', range: { start: at, end: at }, newText: label.bodyRange.end === at ? `@${id}` : `@${id} ` }];
}

/** Wraps a source range in a span with the given label body. */
export function wrapEdits(range: OffsetRange, label: string): FixEdit[] {
  return [
    { file: 'document', range: { start: range.start, end: range.start }, newText: '[' },
    { file: 'document', range: { start: range.end, end: range.end }, newText: `]{${label}}` },
  ];
}

/** Applies document edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: readonly FixEdit[]): string {
  const sorted = edits.filter((e) => e.file === 'document').sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

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
  // The body lies between the label's braces.
  const at = span.label.range.start + 1;
  const empty = span.label.range.end - 1 === at;
  return [{ file: 'document', range: { start: at, end: at }, newText: empty ? type : `${type} ` }];
}

/** Links a span to an entity: replaces the written @id, or writes one after the type. */
export function setIdEdits(span: Span, id: string): FixEdit[] {
  const written = span.label.id;
  if (written) return [{ file: 'document', range: written.range, newText: id }];
  const label = span.label;
  const type = label.type;
  if (type) return [{ file: 'document', range: { start: type.end, end: type.end }, newText: ` @${id}` }];
  const at = label.range.start + 1;
  return [{ file: 'document', range: { start: at, end: at }, newText: label.range.end - 1 === at ? `@${id}` : `@${id} ` }];
}

/**
 * Wraps a source range in a span with the given label body. Given the source, the brackets keep
 * the selected text as it reads: a literal backslash right before the new `[` or `]` would
 * escape it, so it is doubled (`\\` is the same backslash, written as an escape); an escape cut
 * in two by the range is kept whole, inside at the start, outside at the end.
 */
export function wrapEdits(range: OffsetRange, label: string, source?: string): FixEdit[] {
  let { start, end } = range;
  let open = '[';
  let close = `]{${label}}`;
  if (source !== undefined) {
    const unpaired = (at: number): boolean => escapesAt(source, at);
    if (unpaired(start)) {
      if (MARKUP.has(source.charCodeAt(start))) start--;
      else open = '\\[';
    }
    if (end > start && unpaired(end)) {
      if (MARKUP.has(source.charCodeAt(end))) end--;
      else close = `\\${close}`;
    }
  }
  return [
    { file: 'document', range: { start, end: start }, newText: open },
    { file: 'document', range: { start: end, end }, newText: close },
  ];
}

/**
 * Whether a character written at `at` would be escaped by the backslashes before it: escapes
 * pair backslashes from the left, so an odd run leaves the last one to escape what follows.
 */
export function escapesAt(text: string, at: number): boolean {
  let k = 0;
  while (at - k > 0 && text.charCodeAt(at - k - 1) === BACKSLASH) k++;
  return k % 2 === 1;
}

const BACKSLASH = 92;
/** The characters an escape may stand for: `[ ] { } \`. */
const MARKUP = new Set([91, 93, 123, 125, BACKSLASH]);

/**
 * Applies document edits to a text (edits must not overlap). Inserts at one offset appear in the
 * order given, as LSP says (`]{ORG}` of one span, then `[` of the next one).
 */
export function applyEdits(text: string, edits: readonly FixEdit[]): string {
  // From the end backwards; of two edits at one place, the later one first, so it ends up after.
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .filter(({ edit }) => edit.file === 'document')
    .sort((a, b) => b.edit.range.start - a.edit.range.start || b.edit.range.end - a.edit.range.end || b.index - a.index);
  let out = text;
  for (const { edit: e } of sorted) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

/**
 * An edited document parsed again from the lines the edit touched.
 *
 * A keystroke in a 1 MB document changes one line of 20,000 spans. Spans never cross a line and
 * the parser starts every line clean, so the lines between the first and the last changed
 * character are parsed alone; the spans and problems before them are the previous parse's own
 * objects, and those after them are copies moved by what the edit added or removed. The result
 * is what `parse` gives for the new text, field for field (a property test holds it to that).
 */

import { type Attribute, Label, type OffsetRange, type ParsedDocument, Span, type SyntaxProblem } from './model';
import { bySourceOrder, parse, parseLines } from './parser';
import { CodePointCounter, RunsBuilder, bodyStartOf, firstIndexNotBefore, floorIndex, lineBreakFrom, lineStartAt, sourceToPlain } from './text';

/** `parse(source)`, reusing what the previous parse of the same document found on the lines the edit left alone. */
export function reparse(previous: ParsedDocument, source: string): ParsedDocument {
  const old = previous.source;
  if (source === old) return previous;
  const prefix = commonPrefix(old, source);
  const suffix = commonSuffix(old, source, Math.min(old.length, source.length) - prefix);
  const from = lineStartAt(source, prefix);
  if (!bodyUnchangedBefore(previous, from)) return parse(source);
  const oldTo = lineBreakFrom(old, old.length - suffix);
  // When most of the document changed, moving what is left costs more than parsing it all.
  if (oldTo - from > old.length / 2) return parse(source);
  const delta = source.length - old.length;
  const to = oldTo + delta;

  // Spans are in source order of their `[`, and each lies on one line.
  const spans = previous.spans;
  const firstInside = firstSpanFrom(spans, from);
  const firstAfter = firstSpanFrom(spans, oldTo);
  const plainFrom = sourceToPlain(previous.offsets, from);
  const oldPlainTo = sourceToPlain(previous.offsets, oldTo);

  // The runs of plain text up to `from` stay; the edited lines append theirs. At the body's
  // start there are none yet: the first run's start moves past markup that opens the body.
  const runAtFrom = from === bodyStartOf(previous) ? -1 : floorIndex(previous.offsets.sourceStarts, from);
  const runs = RunsBuilder.from(previous.offsets, runAtFrom + 1);
  if (runAtFrom < 0) runs.push(0, from);
  const cpFrom = codePointAt(previous, firstInside, plainFrom);
  const lines = parseLines(source, from, to, plainFrom, cpFrom, runs);

  const plainDelta = lines.plain.length - (oldPlainTo - plainFrom);
  const cpDelta = codePoints(lines.plain) - codePoints(previous.plainText.slice(plainFrom, oldPlainTo));
  const indexDelta = firstInside + lines.spans.length - firstAfter;

  const moved = { source: delta, plain: plainDelta, cp: cpDelta, index: indexDelta };
  const newSpans = spans.slice(0, firstInside);
  for (const span of lines.spans) newSpans.push(withIndices(span, firstInside));
  for (let k = firstAfter; k < spans.length; k++) newSpans.push(movedSpan(spans[k]!, moved));

  const firstRunAfter = floorIndex(previous.offsets.sourceStarts, oldTo) + 1;
  for (let k = firstRunAfter; k < previous.offsets.sourceStarts.length; k++) {
    runs.push(previous.offsets.plainStarts[k]! + plainDelta, previous.offsets.sourceStarts[k]! + delta);
  }
  const offsets = runs.done();

  const problems: SyntaxProblem[] = [];
  for (const problem of previous.problems) {
    if (problem.range.start >= from) break;
    problems.push(problem);
  }
  lines.problems.sort(bySourceOrder);
  for (const problem of lines.problems) problems.push(problem);
  for (const problem of previous.problems) {
    if (problem.range.start >= oldTo) problems.push({ code: problem.code, message: problem.message, range: movedRange(problem.range, delta) });
  }

  const roots: number[] = [];
  for (const root of previous.roots) if (root < firstInside) roots.push(root);
  lines.spans.forEach((span, index) => {
    if (span.parent === -1) roots.push(firstInside + index);
  });
  for (const root of previous.roots) if (root >= firstAfter) roots.push(root + indexDelta);

  const plainText = previous.plainText.slice(0, plainFrom) + lines.plain + previous.plainText.slice(oldPlainTo);
  const doc: ParsedDocument = { source, bom: previous.bom, plainText, spans: newSpans, roots, problems, offsets };
  if (previous.frontMatter) doc.frontMatter = previous.frontMatter;
  return doc;
}

/**
 * Whether the front matter (or its absence) and the BOM stay as they were when the lines from
 * `from` on change: they start after the front matter's closing line (its line break included),
 * or, with no front matter, after the first line, and that line does not open a front matter
 * that is never closed (a `---` line added further down would close it).
 */
function bodyUnchangedBefore(previous: ParsedDocument, from: number): boolean {
  const textStart = previous.bom ? 1 : 0;
  // `from` follows a line break: past the front matter, it is past its closing line's break.
  if (previous.frontMatter) return from >= previous.frontMatter.range.end;
  return from > textStart && !previous.source.startsWith('---', textStart);
}

/** Length of the common start of two strings. */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Long stretches first: comparing two slices is a compare of memory, far faster than a loop.
  for (const step of [65536, 4096, 256]) while (i + step <= n && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common end of two strings, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  const da = a.length;
  const db = b.length;
  let k = 0;
  for (const step of [65536, 4096, 256]) while (k + step <= limit && a.slice(da - k - step, da - k) === b.slice(db - k - step, db - k)) k += step;
  while (k < limit && a.charCodeAt(da - k - 1) === b.charCodeAt(db - k - 1)) k++;
  return k;
}

/** Index of the first span whose `[` is at or after a source offset. */
function firstSpanFrom(spans: readonly Span[], offset: number): number {
  return firstIndexNotBefore(spans.length, (i) => spans[i]!.openBracket < offset);
}

/** Code points in a string (a surrogate pair counts once). */
function codePoints(text: string): number {
  return new CodePointCounter(text).toCodePoint(text.length);
}

/**
 * The code point offset of a plain-text offset of a parse, counted from the end of the last span
 * before `beforeSpan` (whose code point offsets are known) rather than from the start.
 */
function codePointAt(doc: ParsedDocument, beforeSpan: number, plainOffset: number): number {
  const known = beforeSpan > 0 ? doc.spans[beforeSpan - 1]! : undefined;
  const from = known ? known.end : 0;
  return (known ? known.cpEnd : 0) + codePoints(doc.plainText.slice(from, plainOffset));
}

/** How far what follows an edit moves: in the source, the plain text, its code points, and the list of spans. */
interface Moved {
  source: number;
  plain: number;
  cp: number;
  index: number;
}

function movedRange(range: OffsetRange, by: number): OffsetRange {
  return { start: range.start + by, end: range.end + by };
}

/** A span of the edited lines, its parent and children as indices into the whole list. */
function withIndices(span: Span, first: number): Span {
  if (first === 0) return span;
  span.parent = span.parent === -1 ? -1 : span.parent + first;
  if (span.children.length > 0) span.children = span.children.map((child) => child + first);
  return span;
}

/** A copy of a span after the edit, moved. */
function movedSpan(span: Span, by: Moved): Span {
  const label = span.label;
  const attributes = label.attributes.length === 0 ? label.attributes : label.attributes.map((a) => movedAttribute(a, by.source));
  const movedLabel = new Label(
    label.openBrace + by.source,
    label.closeBrace + by.source,
    attributes,
    label.tokenCount,
    label.typeName,
    label.typeName === undefined ? -1 : label.typeStart + by.source,
    label.idName,
    label.idName === undefined ? -1 : label.idStart + by.source,
  );
  const moved = new Span(
    span.openBracket + by.source,
    span.closeBracket + by.source,
    movedLabel,
    by.index === 0 || span.children.length === 0 ? span.children : span.children.map((child) => child + by.index),
  );
  moved.start = span.start + by.plain;
  moved.end = span.end + by.plain;
  moved.cpStart = span.cpStart + by.cp;
  moved.cpEnd = span.cpEnd + by.cp;
  moved.text = span.text;
  moved.depth = span.depth;
  moved.parent = span.parent === -1 ? -1 : span.parent + by.index;
  return moved;
}

function movedAttribute(attribute: Attribute, by: number): Attribute {
  return {
    key: attribute.key,
    value: attribute.value,
    quoted: attribute.quoted,
    range: movedRange(attribute.range, by),
    keyRange: movedRange(attribute.keyRange, by),
    valueRange: movedRange(attribute.valueRange, by),
  };
}

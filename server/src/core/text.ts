/** Small, allocation-light text utilities shared by the parser, diagnostics and exporters. */

import { WORD, WORD_RE, bmpClasses } from './charClass';
import type { OffsetMap, ParsedDocument } from './model';

/** Index of the last element of a sorted array that is <= value (or 0). */
export function floorIndex(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The first index of `[0, count)` at which `before` turns false, for a `before` that is true up to
 * some index and false from there on (`count` when it never turns): a binary search.
 */
export function firstIndexNotBefore(count: number, before: (index: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Source offset of a plain-text offset. An offset at a run boundary maps to the later run. */
export function plainToSource(map: OffsetMap, plainOffset: number): number {
  const i = floorIndex(map.plainStarts, plainOffset);
  return map.sourceStarts[i]! + (plainOffset - map.plainStarts[i]!);
}

/**
 * Source offset of a plain-text offset, taken as the *end* of a range: an offset at a run
 * boundary maps to the end of the earlier run, so a range never swallows the markup after it.
 */
export function plainEndToSource(map: OffsetMap, plainOffset: number): number {
  const i = floorIndex(map.plainStarts, plainOffset);
  if (i > 0 && map.plainStarts[i] === plainOffset) {
    return map.sourceStarts[i - 1]! + (plainOffset - map.plainStarts[i - 1]!);
  }
  return map.sourceStarts[i]! + (plainOffset - map.plainStarts[i]!);
}

/**
 * Plain-text offset of a source offset. An offset inside markup maps to the plain offset where
 * the markup stands.
 */
export function sourceToPlain(map: OffsetMap, sourceOffset: number): number {
  const i = floorIndex(map.sourceStarts, sourceOffset);
  const runStart = map.sourceStarts[i]!;
  const plainStart = map.plainStarts[i]!;
  const runLength = (i + 1 < map.plainStarts.length ? map.plainStarts[i + 1]! : Infinity) - plainStart;
  return plainStart + Math.max(0, Math.min(sourceOffset - runStart, runLength));
}

/** Source offset where a parsed document's body starts: past its BOM and front matter. */
export function bodyStartOf(doc: ParsedDocument): number {
  return doc.frontMatter ? doc.frontMatter.range.end : doc.bom ? 1 : 0;
}

/** Source range of a plain-text range. */
export function plainRangeToSource(doc: ParsedDocument, start: number, end: number): { start: number; end: number } {
  const s = plainToSource(doc.offsets, start);
  return { start: s, end: end === start ? s : plainEndToSource(doc.offsets, end) };
}

/**
 * Converts UTF-16 offsets to code point offsets for one string. Build once per text, then each
 * lookup is a binary search over the positions of surrogate pairs.
 */
export class CodePointCounter {
  /** UTF-16 offsets of the low surrogate of every surrogate pair, ascending. */
  private readonly lows: number[] = [];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.lows.push(i + 1);
          i++;
        }
      }
    }
  }

  /** Code point offset of a UTF-16 offset (an offset inside a pair counts the pair as started). */
  toCodePoint(offset: number): number {
    if (this.lows.length === 0) return offset;
    // Number of low surrogates strictly before `offset`, each of which is not a code point.
    let lo = 0;
    let hi = this.lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lows[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return offset - lo;
  }

  /** UTF-16 offset of a code point offset. */
  toUtf16(cp: number): number {
    let lo = 0;
    let hi = this.lows.length;
    // Pair k starts at code point lows[k] - 1 - k, so it lies wholly before `cp` iff lows[k] - k <= cp;
    // that quantity rises with k, so count the pairs by binary search.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lows[mid]! - mid <= cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }
}

/** Line starts of a text, for offset <-> (line, character) conversion. Lines end at \n, \r\n or \r. */
export class LineIndex {
  readonly starts: number[] = [0];

  /**
   * Line breaks are LF, CR and CR LF. They are found with indexOf, not by reading each char in a
   * loop: ten times faster (the line starts of 10,000 documents, 36 million chars, in 8 ms
   * instead of 80), as the index makes them for every document on disk.
   */
  constructor(readonly text: string) {
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    while (lf >= 0 || cr >= 0) {
      // Past the next break: a CR (with the LF right after it, if any), else an LF.
      const next = cr >= 0 && (lf < 0 || cr < lf) ? (lf === cr + 1 ? lf + 1 : cr + 1) : lf + 1;
      if (lf >= 0 && lf < next) lf = text.indexOf('\n', next);
      if (cr >= 0 && cr < next) cr = text.indexOf('\r', next);
      this.starts.push(next);
    }
  }

  /** Zero-based line and UTF-16 character of an offset. */
  position(offset: number): { line: number; character: number } {
    const line = floorIndex(this.starts, offset);
    return { line, character: offset - this.starts[line]! };
  }

  /** Offset of a zero-based line and UTF-16 character, clamped to the line. */
  offset(line: number, character: number): number {
    if (line >= this.starts.length) return this.text.length;
    if (line < 0) return 0;
    const start = this.starts[line]!;
    const end = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    return Math.min(start + Math.max(0, character), end);
  }
}

/** Whether a UTF-16 code unit is a line break character. */
export function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}

/** Offset just past the last line break before `offset` (0 when there is none): where its line starts. */
export function lineStartAt(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && !isLineBreak(text.charCodeAt(i - 1))) i--;
  return i;
}

/** Offset of the first line break at or after `offset` (the text's length when there is none). */
export function lineBreakFrom(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && !isLineBreak(text.charCodeAt(i))) i++;
  return i;
}

/** Whether the character (code point) at `offset` is part of a word: a letter, mark or digit. */
export function isWordCharAt(text: string, offset: number): boolean {
  if (offset < 0 || offset >= text.length) return false;
  const c = text.charCodeAt(offset);
  if (c < 0x80) {
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  }
  // A low surrogate belongs to the code point that starts one unit earlier.
  if (c >= 0xdc00 && c <= 0xdfff && offset > 0) offset--;
  const cp = text.codePointAt(offset)!;
  // The BMP from a table, the rest by regex (WORD_RE: letters, marks, digits).
  return cp < 0x10000 ? (bmpClasses()[cp]! & WORD) !== 0 : WORD_RE.test(String.fromCodePoint(cp));
}

/** Whether the character before `offset` is part of a word (surrogate-pair aware). */
export function isWordCharBefore(text: string, offset: number): boolean {
  return isWordCharAt(text, offset - 1);
}

/**
 * The runs of an OffsetMap as they are found, in two columns that grow: a 1 MB document has
 * 40,000 runs, and pushed onto two lists they cost a parse a millisecond of growing lists.
 */
export class RunsBuilder {
  private plainStarts: Int32Array<ArrayBuffer>;
  private sourceStarts: Int32Array<ArrayBuffer>;
  private count = 0;

  constructor(capacity = 1024) {
    this.plainStarts = new Int32Array(capacity);
    this.sourceStarts = new Int32Array(capacity);
  }

  /** A builder holding the first `count` runs of a map. */
  static from(map: OffsetMap, count: number): RunsBuilder {
    const runs = new RunsBuilder(Math.max(1024, 2 * count));
    runs.plainStarts.set(map.plainStarts.subarray(0, count));
    runs.sourceStarts.set(map.sourceStarts.subarray(0, count));
    runs.count = count;
    return runs;
  }

  /** Adds a run. */
  push(plainStart: number, sourceStart: number): void {
    if (this.count === this.plainStarts.length) {
      this.plainStarts = grown(this.plainStarts);
      this.sourceStarts = grown(this.sourceStarts);
    }
    this.plainStarts[this.count] = plainStart;
    this.sourceStarts[this.count++] = sourceStart;
  }

  /** Adds a run, or moves the last run's source start when that run is empty (it starts at `plainStart` too). */
  pushOrMove(plainStart: number, sourceStart: number): void {
    if (this.count > 0 && this.plainStarts[this.count - 1] === plainStart) this.sourceStarts[this.count - 1] = sourceStart;
    else this.push(plainStart, sourceStart);
  }

  done(): OffsetMap {
    return { plainStarts: this.plainStarts.slice(0, this.count), sourceStarts: this.sourceStarts.slice(0, this.count) };
  }
}

/** A typed array of twice the length, starting with `a`'s values. */
export function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

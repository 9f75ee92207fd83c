/**
 * Offsets in the units other tools count in. The model keeps UTF-16 offsets (JavaScript string
 * indices); exports and imports speak code points (Python's `str`, brat, spaCy, Label Studio),
 * UTF-16 code units (doccano, anything written in JavaScript) or grapheme clusters (doccano's
 * "count grapheme clusters as one character" projects).
 */

import { CodePointCounter, floorIndex } from './text';

export type OffsetUnit = 'codepoints' | 'utf16' | 'graphemes';

export const OFFSET_UNITS: readonly OffsetUnit[] = ['codepoints', 'utf16', 'graphemes'];

/** Converts offsets of one text between UTF-16 and another unit. */
export interface OffsetConverter {
  readonly unit: OffsetUnit;
  /** The offset in this unit of a UTF-16 offset; undefined when it falls inside a unit (mid-pair, mid-cluster). */
  fromUtf16(offset: number): number | undefined;
  /** The UTF-16 offset of an offset in this unit; undefined when out of range or not an integer. */
  toUtf16(offset: number): number | undefined;
  /** Length of the text in this unit. */
  readonly length: number;
}

export function offsetConverter(text: string, unit: OffsetUnit): OffsetConverter {
  switch (unit) {
    case 'utf16':
      return {
        unit,
        length: text.length,
        fromUtf16: (offset) => (isSplitPair(text, offset) ? undefined : offset),
        toUtf16: (offset) => (Number.isInteger(offset) && offset >= 0 && offset <= text.length && !isSplitPair(text, offset) ? offset : undefined),
      };
    case 'codepoints': {
      const counter = new CodePointCounter(text);
      const length = counter.toCodePoint(text.length);
      return {
        unit,
        length,
        fromUtf16: (offset) => (isSplitPair(text, offset) ? undefined : counter.toCodePoint(offset)),
        toUtf16: (offset) => (Number.isInteger(offset) && offset >= 0 && offset <= length ? counter.toUtf16(offset) : undefined),
      };
    }
    case 'graphemes': {
      // UTF-16 offsets of every cluster boundary, text end included.
      const bounds: number[] = [];
      for (const segment of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) bounds.push(segment.index);
      bounds.push(text.length);
      return {
        unit,
        length: bounds.length - 1,
        fromUtf16: (offset) => {
          const i = floorIndex(bounds, offset);
          return bounds[i] === offset ? i : undefined;
        },
        toUtf16: (offset) => (Number.isInteger(offset) && offset >= 0 && offset < bounds.length ? bounds[offset] : undefined),
      };
    }
  }
}

/** Whether `offset` falls between the two halves of a surrogate pair. */
function isSplitPair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const low = text.charCodeAt(offset);
  const high = text.charCodeAt(offset - 1);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
}

/** How the docs and messages name a unit. */
export function unitName(unit: OffsetUnit): string {
  return unit === 'codepoints' ? 'code points' : unit === 'utf16' ? 'UTF-16 code units' : 'grapheme clusters';
}

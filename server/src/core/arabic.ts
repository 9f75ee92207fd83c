/**
 * The Arabic matching key (markup.md section 5) and clitic handling.
 *
 * The key is for comparison only and is never written back into text.
 */

import { SPACE, WORD, bmpClasses, hasClass } from './charClass';
import { grown } from './text';

/** Code units the key drops: harakat and the superscript alef, tatweel, bidi marks. */
function isDropped(c: number): boolean {
  return (c >= 0x064b && c <= 0x0652) || c === 0x0670 || c === 0x0640 || c === 0x200e || c === 0x200f || c === 0x061c;
}

/** The code unit the key uses in place of `c`. */
function folded(c: number): number {
  switch (c) {
    case 0x0623: // أ
    case 0x0625: // إ
    case 0x0622: // آ
    case 0x0671: // ٱ
      return 0x0627; // ا
    case 0x0649: // ى
      return 0x064a; // ي
    case 0x0629: // ة
      return 0x0647; // ه
    default:
      return c;
  }
}

/** The matching key of a string. */
export function matchingKey(text: string): string {
  let out = '';
  let from = 0;
  // Copy unchanged runs in one go: most characters of most text are kept as they are.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x061c) continue; // below every unit the key changes
    if (isDropped(c)) {
      out += text.slice(from, i);
      from = i + 1;
    } else {
      const f = folded(c);
      if (f !== c) {
        out += text.slice(from, i) + String.fromCharCode(f);
        from = i + 1;
      }
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * The matching key of a text and its tokens (`TOKEN` of the corpus index: runs of letters, marks
 * and digits, and single other characters), made in one pass: what the missed-mention search
 * reads a whole document as. The search reads the key's code units; `key`, the string, is made
 * when asked for.
 */
export class KeyTokens {
  private text: string | undefined;
  constructor(
    /** The key's code units. */
    readonly units: Uint16Array,
    /** For each key unit, the offset in the text it came from; one final entry: the text's length. */
    readonly offsets: Int32Array,
    /** How many tokens the key has: token `i` is `units[starts[i], ends[i])`. */
    readonly count: number,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    /** Whether the units may hold a surrogate. */
    private readonly surrogates: boolean,
  ) {}

  get key(): string {
    return (this.text ??= codesToString(this.units, this.surrogates));
  }
}

/**
 * Arrays for `matchingKeyTokens` to fill, kept from one call to the next: a 1 MB document's key
 * needs a few megabytes of them, and made afresh for every diagnosis, their allocation (zeroed)
 * and the key's string cost the search as much as reading the document did.
 */
export class KeyTokenRoom {
  units = new Uint16Array(0);
  offsets = new Int32Array(0);
  starts = new Int32Array(0);
  ends = new Int32Array(0);
}

/**
 * The key and tokens of `text`. Given a room, the arrays are the room's, valid until the room
 * is used again.
 */
export function matchingKeyTokens(text: string, room = new KeyTokenRoom()): KeyTokens {
  const table = keyUnits();
  const length = text.length;
  if (room.offsets.length < length + 1) {
    room.offsets = new Int32Array(length + 1);
    room.units = new Uint16Array(length);
  }
  // Room for a token every four units to start with (a word and a space are more), grown when needed.
  if (room.starts.length < (length >> 2) + 16) {
    room.starts = new Int32Array((length >> 2) + 16);
    room.ends = new Int32Array(room.starts.length);
  }
  const { offsets, units } = room;
  let { starts, ends } = room;
  let count = 0;
  let n = 0;
  let inWord = false;
  let surrogates = false;
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    const entry = table[c]!;
    let cls: number;
    let width = 1;
    if (entry < DROPPED) {
      c = entry & 0xffff;
      cls = entry >>> 16;
    } else if (entry === DROPPED) continue;
    else {
      surrogates = true;
      // A pair in the key is a pair in the text, perhaps with units the key drops between them.
      let j = i + 1;
      while (j < length && isDropped(text.charCodeAt(j))) j++;
      const d = text.charCodeAt(j);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        cls = hasClass(cp, WORD) ? WORD : hasClass(cp, SPACE) ? SPACE : 0;
        offsets[n] = i;
        units[n++] = c;
        i = j;
        c = d;
        width = 2;
      } else cls = 0; // a lone surrogate: a token of its own
    }
    offsets[n] = i;
    units[n++] = c;
    // n is now past the unit (or pair); it started at n - width.
    if (cls & WORD) {
      if (inWord) continue;
      inWord = true;
    } else {
      if (inWord) {
        ends[count++] = n - width;
        inWord = false;
      }
      if (cls & SPACE) continue;
    }
    if (count === starts.length) {
      room.starts = starts = grown(starts);
      room.ends = ends = grown(ends);
    }
    starts[count] = n - width;
    // A word's end is set when it ends; another character is a token of its own.
    if (!inWord) ends[count++] = n;
  }
  if (inWord) ends[count++] = n;
  offsets[n] = length;
  return new KeyTokens(units.subarray(0, n), offsets.subarray(0, n + 1), count, starts, ends, surrogates);
}

/** A `keyUnits` entry for a code unit the key drops; entries above it are surrogates. */
const DROPPED = 1 << 24;
const SURROGATE = DROPPED + 1;
let keyUnitTable: Uint32Array | undefined;

/**
 * For each BMP code unit, the key's unit for it with that unit's class bits above (`unit |
 * class << 16`), or DROPPED, or SURROGATE: one lookup per character where the tokenizer of a
 * whole document made three or four tests, and a second table read.
 */
function keyUnits(): Uint32Array {
  if (keyUnitTable) return keyUnitTable;
  const classes = bmpClasses();
  const table = new Uint32Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const unit = folded(c);
    table[c] = isDropped(c) ? DROPPED : c >= 0xd800 && c <= 0xdfff ? SURROGATE : unit | (classes[unit]! << 16);
  }
  return (keyUnitTable = table);
}

/** The first code unit of a text's matching key (-1 when the key is empty), without making the key. */
export function keyInitial(text: string): number {
  const table = keyUnits();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const entry = table[c]!;
    if (entry < DROPPED) return entry & 0xffff;
    if (entry === SURROGATE) return c;
  }
  return -1;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let utf16: InstanceType<typeof TextDecoder> | undefined;

/** A string of UTF-16 code units, lone surrogates kept as they are. */
function codesToString(codes: Uint16Array, surrogates: boolean): string {
  // The decoder is the fastest way, but it would replace a lone surrogate with U+FFFD.
  // ignoreBOM: else a leading U+FEFF is dropped, and the key no longer matches its offsets.
  if (!surrogates && LITTLE_ENDIAN) return (utf16 ??= new TextDecoder('utf-16le', { ignoreBOM: true })).decode(codes);
  const parts: string[] = [];
  for (let k = 0; k < codes.length; k += 8192) parts.push(String.fromCharCode(...codes.subarray(k, k + 8192)));
  return parts.join('');
}

/** Letters that only ever end an Arabic word: teh marbuta and alef maqsura. */
export function isWordFinalLetter(c: number): boolean {
  return c === 0x0629 || c === 0x0649;
}

/**
 * The Arabic matching key (markup.md section 5) and clitic handling.
 *
 * The key is for comparison only and is never written back into text.
 */

import { SPACE, WORD, bmpClasses, hasClass } from './charClass';

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
    /** For each token, the `unitsHash` of its units. */
    readonly hashes: Int32Array,
    /** For each key unit, the offset in the text it came from; one final entry: where the reading ended (the text's length, unless told otherwise). */
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
 * Arrays for `matchingKeyTokens` to fill, kept from one call to the next (14 bytes per character
 * of the longest text keyed). Made afresh for every diagnosis of a 1 MB document, their
 * allocation (zeroed) and the key's string cost the search as much as reading the document did.
 */
export class KeyTokenRoom {
  units = new Uint16Array(0);
  hashes = new Int32Array(0);
  offsets = new Int32Array(0);
  starts = new Int32Array(0);
  ends = new Int32Array(0);
}

/**
 * The multiplier of `unitsHash` (odd, so the powers of it have inverses: a hash of a word's
 * suffix is the word's hash less its prefix's times a power, with no unit read again).
 */
export const UNIT_HASH_BASE = 0x01000193;
// The same as this module's own constant: the tokenizer's loop reads it for every character (see IS_WORD).
const HASH_BASE = UNIT_HASH_BASE;

/**
 * A polynomial hash of `units[start, end)`, read left to right (Horner's rule, modulo 2^32).
 * `matchingKeyTokens` gives it for each token it makes.
 */
export function unitsHash(units: Uint16Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, HASH_BASE) + units[i]!) | 0;
  return h;
}

/** UNIT_HASH_BASE to the nth power (modulo 2^32), the first few kept. */
const HASH_POWERS = new Int32Array(64).map((_, n) => basePower(n));

function basePower(n: number): number {
  let power = 1;
  for (let k = 0; k < n; k++) power = Math.imul(power, UNIT_HASH_BASE);
  return power;
}

/**
 * UNIT_HASH_BASE to the nth power (modulo 2^32): the hash of units `a` then `b` is
 * `unitsHash(a) * unitsHashPower(b.length) + unitsHash(b)`, so a hash of a word with a prefix
 * added or taken off needs no unit read again.
 */
export function unitsHashPower(n: number): number {
  return n < HASH_POWERS.length ? HASH_POWERS[n]! : basePower(n);
}

/** `unitsHash` of a string's code units. */
export function stringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** Stretches of a text for `matchingKeyTokens` to pass over: `starts[i]` to `ends[i]`, sorted and disjoint. */
export interface SkippedRanges {
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
}

/**
 * The key and tokens of `text` (of `text[from, to)`, offsets still into the whole text), passing
 * over the `skipped` stretches from the `firstSkipped`th on: they are not keyed, and the parts of
 * a word one cuts in two are no tokens (the key holds their units). Given a room, the arrays are
 * the room's, valid until the room is used again.
 */
export function matchingKeyTokens(text: string, room = new KeyTokenRoom(), from = 0, to = text.length, skipped?: SkippedRanges, firstSkipped = 0): KeyTokens {
  const table = keyUnits();
  let lastSkipped = firstSkipped;
  while (skipped && lastSkipped < skipped.starts.length && skipped.starts[lastSkipped]! < to) lastSkipped++;
  // A token has one key unit at least: no list needs more room than the length of what is read,
  // and the loop below never checks for it.
  const size = to - from;
  if (room.offsets.length < size + 1) {
    room.offsets = new Int32Array(size + 1);
    room.units = new Uint16Array(size);
    room.starts = new Int32Array(size);
    room.ends = new Int32Array(size);
    room.hashes = new Int32Array(size);
  }
  const { offsets, units, starts, ends, hashes } = room;
  let count = 0;
  let n = 0;
  let surrogates = false;
  let i = from;
  let r = firstSkipped;
  // Whether the next word is the second part of one a skipped stretch cut (no token, then).
  let cut = false;
  for (;;) {
    // The stretch up to the next skipped one (or the end).
    const limit = r < lastSkipped ? skipped!.starts[r]! : to;
    const first = count;
    count = keyStretch(text, i, limit, table, room, n, count);
    n = stretchUnits;
    surrogates ||= stretchSurrogates;
    if (cut && count > first) {
      starts.copyWithin(first, first + 1, count);
      ends.copyWithin(first, first + 1, count);
      hashes.copyWithin(first, first + 1, count);
      count--;
    }
    if (r === lastSkipped) break;
    // A skipped stretch; the word before it is no token if the stretch cuts it.
    const end = Math.min(skipped!.ends[r]!, to);
    if (count > 0 && ends[count - 1] === n && wordBefore(text, limit, from, table) && wordFrom(text, limit, to, table)) count--;
    cut = wordBefore(text, end, from, table) && wordFrom(text, end, to, table);
    // (A surrogate pair read as a word's letter may have ended inside the stretch.)
    i = Math.max(stretchEnd, end);
    r++;
  }
  offsets[n] = to;
  return new KeyTokens(units.subarray(0, n), hashes, offsets.subarray(0, n + 1), count, starts, ends, surrogates);
}

// What keyStretch leaves besides the token count: the key's length, whether a surrogate was met,
// and where the reading stopped. (A stretch is keyed at a time, never two at once.)
let stretchUnits = 0;
let stretchSurrogates = false;
let stretchEnd = 0;

/**
 * Keys `text[from, limit)` into the room after its first `unitsBefore` units and `tokensBefore`
 * tokens; returns the token count. A loop of its own: most of a document is read here, once per
 * character.
 */
function keyStretch(text: string, from: number, limit: number, table: Uint32Array, room: KeyTokenRoom, unitsBefore: number, tokensBefore: number): number {
  const { offsets, units, starts, ends, hashes } = room;
  let surrogates = false;
  // Told small integers (| 0), V8 keeps the counters in registers as such: taken as they come,
  // they may be any number, and the loop took half as long again.
  let i = from | 0;
  const end = limit | 0;
  let n = unitsBefore | 0;
  let count = tokensBefore | 0;
  while (i < end) {
    let entry = table[text.charCodeAt(i)]!;
    if (entry === DROPPED) {
      i++;
      continue;
    }
    if (entry < DROPPED) {
      if (((entry >>> 16) & IS_WORD) === 0) {
        // No word: a token of its own, or white space (no token).
        offsets[n] = i;
        units[n++] = entry & 0xffff;
        i++;
        if (((entry >>> 16) & IS_SPACE) === 0) {
          starts[count] = n - 1;
          // The hash of one unit is the unit.
          hashes[count] = entry & 0xffff;
          ends[count++] = n;
        }
        continue;
      }
    } else {
      surrogates = true;
      const second = pairEnd(text, i);
      const cls = second >= 0 ? pairClass(text, i, second) : 0;
      if ((cls & IS_WORD) === 0) {
        // A lone surrogate, or a pair of no word: as above.
        starts[count] = n;
        offsets[n] = i;
        units[n++] = text.charCodeAt(i);
        if (second >= 0) {
          offsets[n] = second;
          units[n++] = text.charCodeAt(second);
        }
        i = second >= 0 ? second + 1 : i + 1;
        if ((cls & IS_SPACE) === 0) {
          hashes[count] = unitsHash(units, starts[count]!, n);
          ends[count++] = n;
        }
        continue;
      }
    }
    // A word: its units up to the first that is no word's, hashed as they are read.
    starts[count] = n;
    let hash = 0;
    for (;;) {
      if (entry < DROPPED) {
        if (((entry >>> 16) & IS_WORD) === 0) break;
        offsets[n] = i;
        units[n++] = entry & 0xffff;
        hash = (Math.imul(hash, HASH_BASE) + (entry & 0xffff)) | 0;
        i++;
      } else if (entry === DROPPED) i++;
      else {
        // A pair of a word's letter goes on; anything else ends the word and is read next.
        const second = pairEnd(text, i);
        if (second < 0 || (pairClass(text, i, second) & IS_WORD) === 0) break;
        surrogates = true;
        offsets[n] = i;
        units[n++] = text.charCodeAt(i);
        offsets[n] = second;
        units[n++] = text.charCodeAt(second);
        hash = (Math.imul(Math.imul(hash, HASH_BASE) + text.charCodeAt(i), HASH_BASE) + text.charCodeAt(second)) | 0;
        i = second + 1;
      }
      if (i >= end) break;
      entry = table[text.charCodeAt(i)]!;
    }
    hashes[count] = hash;
    ends[count++] = n;
  }
  stretchUnits = n;
  stretchSurrogates = surrogates;
  stretchEnd = i;
  return count;
}

/** Whether the first unit the key keeps at `i` or after (before `to`) is a word's. */
function wordFrom(text: string, i: number, to: number, table: Uint32Array): boolean {
  for (; i < to; i++) {
    const entry = table[text.charCodeAt(i)]!;
    if (entry === DROPPED) continue;
    if (entry < DROPPED) return ((entry >>> 16) & IS_WORD) !== 0;
    const second = pairEnd(text, i);
    return second >= 0 && (pairClass(text, i, second) & IS_WORD) !== 0;
  }
  return false;
}

/** Whether the last unit the key keeps before `i` (from `from` on) is a word's. */
function wordBefore(text: string, i: number, from: number, table: Uint32Array): boolean {
  for (let j = i - 1; j >= from; j--) {
    const entry = table[text.charCodeAt(j)]!;
    if (entry === DROPPED) continue;
    if (entry < DROPPED) return ((entry >>> 16) & IS_WORD) !== 0;
    // A low surrogate ends a pair when a high one before it (units the key drops between) pairs with it.
    let k = j - 1;
    while (k >= from && isDropped(text.charCodeAt(k))) k--;
    const high = text.charCodeAt(k);
    return k >= from && high >= 0xd800 && high <= 0xdbff && pairEnd(text, k) === j && (pairClass(text, k, j) & IS_WORD) !== 0;
  }
  return false;
}

/**
 * The offset of the low surrogate that pairs with the high one at `i`, or -1 when the surrogate
 * there is a lone one. A pair in the key is a pair in the text, perhaps with units the key
 * drops between them.
 */
function pairEnd(text: string, i: number): number {
  if (text.charCodeAt(i) > 0xdbff) return -1;
  let j = i + 1;
  while (j < text.length && isDropped(text.charCodeAt(j))) j++;
  const d = text.charCodeAt(j);
  return d >= 0xdc00 && d <= 0xdfff ? j : -1;
}

/** The class of the code point of the pair at `i` and `second`: WORD, SPACE or 0. */
function pairClass(text: string, i: number, second: number): number {
  const cp = ((text.charCodeAt(i) - 0xd800) << 10) + (text.charCodeAt(second) - 0xdc00) + 0x10000;
  return hasClass(cp, WORD) ? WORD : hasClass(cp, SPACE) ? SPACE : 0;
}

// The class bits as this module's own constants: the tokenizer's loop reads them for every
// character, and an imported binding is a property of another module's exports.
const IS_WORD = WORD;
const IS_SPACE = SPACE;

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

/** A string of UTF-16 code units, lone surrogates kept as they are when `surrogates` says the codes may hold one. */
export function codesToString(codes: Uint16Array, surrogates: boolean): string {
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

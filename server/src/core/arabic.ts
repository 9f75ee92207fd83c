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
 * reads a whole document as.
 */
export interface KeyTokens {
  key: string;
  /** For each key unit, the offset in the text it came from; one final entry: the text's length. */
  offsets: Int32Array;
  /** How many tokens the key has: token `i` is `key[starts[i], ends[i])`. */
  count: number;
  starts: Int32Array;
  ends: Int32Array;
}

export function matchingKeyTokens(text: string): KeyTokens {
  const classes = bmpClasses();
  const length = text.length;
  const offsets = new Int32Array(length + 1);
  // The key's code units go to an array and become a string in one step: a document's key is
  // mostly its text, but teh marbuta and hamza forms are frequent enough that copying runs
  // between them makes tens of thousands of pieces.
  const codes = new Uint16Array(length);
  // Room for a token every four units to start with (a word and a space are more), grown when needed.
  let starts = new Int32Array((length >> 2) + 16);
  let ends = new Int32Array(starts.length);
  let count = 0;
  let n = 0;
  let inWord = false;
  let surrogates = false;
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    let cls: number;
    let units = 1;
    if (c < 0x061c) cls = classes[c]!;
    else if (c < KEY_UNITS_END) {
      c = KEY_UNITS[c - 0x061c]!;
      if (c === 0) continue;
      cls = classes[c]!;
    } else if (c === 0x200e || c === 0x200f) continue;
    else if (c >= 0xd800 && c <= 0xdfff) {
      surrogates = true;
      // A pair in the key is a pair in the text, perhaps with units the key drops between them.
      let j = i + 1;
      while (j < length && isDropped(text.charCodeAt(j))) j++;
      const d = text.charCodeAt(j);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        cls = hasClass(cp, WORD) ? WORD : hasClass(cp, SPACE) ? SPACE : 0;
        offsets[n] = i;
        codes[n++] = c;
        i = j;
        c = d;
        units = 2;
      } else cls = 0; // a lone surrogate: a token of its own
    } else cls = classes[c]!;
    offsets[n] = i;
    codes[n++] = c;
    // n is now past the unit (or pair); it started at n - units.
    if (cls & WORD) {
      if (inWord) continue;
      inWord = true;
    } else {
      if (inWord) {
        ends[count++] = n - units;
        inWord = false;
      }
      if (cls & SPACE) continue;
    }
    if (count === starts.length) {
      starts = grown(starts);
      ends = grown(ends);
    }
    starts[count] = n - units;
    // A word's end is set when it ends; another character is a token of its own.
    if (!inWord) ends[count++] = n;
  }
  if (inWord) ends[count++] = n;
  offsets[n] = length;
  return { key: codesToString(codes.subarray(0, n), surrogates), offsets: offsets.subarray(0, n + 1), count, starts, ends };
}

/**
 * The key's unit for each code unit from U+061C (the first the key changes) to U+0671 (the
 * last below the bidi marks), 0 for one it drops: a lookup instead of two tests per letter.
 */
const KEY_UNITS_END = 0x0672;
const KEY_UNITS = (() => {
  const units = new Uint16Array(KEY_UNITS_END - 0x061c);
  for (let c = 0x061c; c < KEY_UNITS_END; c++) units[c - 0x061c] = isDropped(c) ? 0 : folded(c);
  return units;
})();

/** The first code unit of a text's matching key (-1 when the key is empty), without making the key. */
export function keyInitial(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x061c) return c;
    if (c < KEY_UNITS_END) {
      const unit = KEY_UNITS[c - 0x061c]!;
      if (unit !== 0) return unit;
    } else if (c !== 0x200e && c !== 0x200f) return c;
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

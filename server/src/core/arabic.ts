/**
 * The Arabic matching key (markup.md section 5) and clitic handling.
 *
 * The key is for comparison only and is never written back into text.
 */

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
 * The matching key of a text together with, for each key unit, the offset in the text it came
 * from (plus one final entry: the text's length), so a match in the key maps back to the text.
 */
export function matchingKeyWithOffsets(text: string): { key: string; offsets: Int32Array } {
  const offsets = new Int32Array(text.length + 1);
  const parts: string[] = [];
  let n = 0;
  let from = 0;
  // As in matchingKey: copy unchanged runs whole, so a mostly-unchanged text costs little.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x061c && isDropped(c)) {
      if (i > from) parts.push(text.slice(from, i));
      from = i + 1;
      continue;
    }
    offsets[n++] = i;
    if (c >= 0x061c) {
      const f = folded(c);
      if (f !== c) {
        if (i > from) parts.push(text.slice(from, i));
        parts.push(String.fromCharCode(f));
        from = i + 1;
      }
    }
  }
  if (from < text.length) parts.push(text.slice(from));
  offsets[n] = text.length;
  return { key: parts.join(''), offsets: offsets.subarray(0, n + 1) };
}

/** Letters that only ever end an Arabic word: teh marbuta and alef maqsura. */
export function isWordFinalLetter(c: number): boolean {
  return c === 0x0629 || c === 0x0649;
}

/**
 * Character classes of the BMP as a lookup table, built once on first use: the hot loops
 * (tokenizing a document's matching key, word boundaries at span edges) would otherwise run a
 * Unicode regex per character. Code points outside the BMP are rare and go to the regexes,
 * which stay the definition: a test checks the table against them for every BMP code unit.
 */

/** A letter, mark or digit: part of a word. */
export const WORD = 1;
/** White space as `\s` has it. */
export const SPACE = 2;
/** What a span may not start or end with: `[\s\p{P}\p{Z}\p{Cf}]`. */
export const EDGE = 4;

export const WORD_RE = /[\p{L}\p{M}\p{N}]/u;
export const SPACE_RE = /\s/u;
export const EDGE_RE = /[\s\p{P}\p{Z}\p{Cf}]/u;

let table: Uint8Array | undefined;

/** The class bits of every BMP code unit (a lone surrogate has none). */
export function bmpClasses(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x10000);
  // One pass of each regex over a string of every BMP code point, instead of 65,536 tests.
  const all: string[] = [];
  for (let c = 0; c < 0x10000; c++) all.push(c >= 0xd800 && c <= 0xdfff ? ' ' : String.fromCharCode(c));
  const text = all.join('');
  const mark = (re: RegExp, bit: number): void => {
    const global = new RegExp(re.source, 'gu');
    for (let m = global.exec(text); m; m = global.exec(text)) t[m.index] = t[m.index]! | bit;
  };
  mark(WORD_RE, WORD);
  mark(SPACE_RE, SPACE);
  mark(EDGE_RE, EDGE);
  // The surrogate range stood in as spaces: it has no class.
  t.fill(0, 0xd800, 0xe000);
  table = t;
  return t;
}

/** Whether the code point `cp` has the class `bit` (WORD, SPACE or EDGE). */
export function hasClass(cp: number, bit: number): boolean {
  if (cp < 0x10000) return (bmpClasses()[cp]! & bit) !== 0;
  const ch = String.fromCodePoint(cp);
  return (bit === WORD ? WORD_RE : bit === SPACE ? SPACE_RE : EDGE_RE).test(ch);
}

/**
 * The tokenizer and sentence splitter behind token-based exports (CoNLL, spaCy's words) and the
 * CoNLL importer's spacing. docs/export.md states the rules; tests pin them.
 *
 * - A word is a run of letters, combining marks and digits: Arabic words stay whole with their
 *   diacritics, tatweel and joiners (ZWNJ, ZWJ). `.` `,` `٫` `٬` between two digits stay inside a
 *   number (3.5, 1,000, ٣٫٥).
 * - Every other visible character (punctuation، ؛ « » ( ) ...، symbols, emoji) is a token of its
 *   own, with any combining marks that follow it; an emoji sequence (👨‍👩‍👧, a flag) is one token.
 * - White space and invisible format characters (LRM/RLM/ALM, bidi embeddings, ZWSP, BOM)
 *   separate tokens and belong to none.
 * - A token is split wherever a given boundary (a span's start or end) falls inside it, so an
 *   entity keeps exactly its surface: و[داعش] gives the tokens و and داعش.
 */

/** A token: the half-open UTF-16 range of `text` it covers. */
export interface Token {
  start: number;
  end: number;
  /** Whether a forced boundary cut this token out of a longer one. */
  cut?: boolean;
}

const enum Cls {
  Sep,
  Word,
  Digit,
  Mark,
  Join,
  NumSep,
  Punct,
}

let BMP: Uint8Array | undefined;

const SEPARATORS = /[\s\p{Cc}\p{Zs}\p{Zl}\p{Zp}]/u;

/** Character classes of the BMP, built once (a regex per character would dominate the cost). */
function bmpTable(): Uint8Array {
  if (BMP) return BMP;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) table[c] = classifySlow(c);
  BMP = table;
  return table;
}

function classifySlow(cp: number): Cls {
  if (cp >= 0xd800 && cp <= 0xdfff) return Cls.Punct; // lone surrogate: a token of its own
  const ch = String.fromCodePoint(cp);
  switch (cp) {
    case 0x200c: // ZWNJ
    case 0x200d: // ZWJ
    case 0x00ad: // soft hyphen
    case 0x2060: // word joiner
      return Cls.Join;
    case 0x2e: // .
    case 0x2c: // ,
    case 0x066b: // Arabic decimal separator
    case 0x066c: // Arabic thousands separator
      return Cls.NumSep;
  }
  if (SEPARATORS.test(ch) || /\p{Cf}/u.test(ch)) return Cls.Sep;
  if (/\p{Nd}/u.test(ch)) return Cls.Digit;
  if (/[\p{L}\p{N}\p{Pc}]/u.test(ch)) return Cls.Word;
  if (/\p{M}/u.test(ch)) return Cls.Mark;
  return Cls.Punct;
}

function classify(cp: number): Cls {
  return cp < 0x10000 ? bmpTable()[cp]! : classifySlow(cp);
}

const NO_CUTS = new Int32Array(0);

let segmenter: Intl.Segmenter | undefined;

/**
 * UTF-16 length of the grapheme cluster starting at `at` (symbols only: rare enough to segment).
 * Exported for tests.
 */
export function firstCluster(text: string, at: number): number {
  // Only a combining mark, a joiner, a few letters (Thai and Lao SARA AM, halfwidth katakana
  // sound marks) or an astral character (emoji modifiers, regional indicators, tags) can extend a
  // symbol's cluster, and no symbol this is asked about is a Prepend. Before anything else (white
  // space, punctuation, digits, Arabic letters: nearly always) the cluster is the code point
  // alone, found without a segmenter, which costs several microseconds a call.
  const c = text.charCodeAt(at);
  const size = c >= 0xd800 && c <= 0xdbff && at + 1 < text.length && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  if (at + size >= text.length) return size;
  const next = text.charCodeAt(at + size);
  if (next < 0x0300 || (next >= 0x0621 && next <= 0x064a)) return size;
  const kind = next >= 0xd800 && next <= 0xdfff ? Cls.Word : bmpTable()[next]!;
  if (kind !== Cls.Mark && kind !== Cls.Join && kind !== Cls.Word) return size;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const segment of segmenter.segment(text.slice(at, at + 64))) return segment.segment.length;
  return 1;
}

/**
 * Tokens of `text`, in order. `boundaries` (UTF-16 offsets, any order) are places a token may not
 * straddle: each token that contains one is cut there.
 */
export function tokenize(text: string, boundaries?: Iterable<number>): Token[] {
  const table = bmpTable();
  const tokens: Token[] = [];
  const n = text.length;
  let start = -1;
  let kind: Cls.Word | Cls.Punct = Cls.Word;
  let prevDigit = false;
  /** A joiner (ZWNJ, ZWJ) met between tokens: it belongs to the word that follows, if one does. */
  let joiner = -1;
  // The boundaries in order (a typed array sorts numbers natively), and the first one not yet
  // passed: tokens come in order, so each token is cut as it is closed, in one pass.
  const cuts = boundaries ? Int32Array.from(boundaries).sort() : NO_CUTS;
  let k = 0;
  const close = (at: number): void => {
    if (start < 0) return;
    while (k < cuts.length && cuts[k]! <= start) k++;
    if (k === cuts.length || cuts[k]! >= at) {
      tokens.push({ start, end: at });
    } else {
      let from = start;
      for (; k < cuts.length && cuts[k]! < at; k++) {
        if (cuts[k] === from) continue; // the same boundary given twice
        tokens.push({ start: from, end: cuts[k]!, cut: true });
        from = cuts[k]!;
      }
      tokens.push({ start: from, end: at, cut: true });
    }
    start = -1;
  };
  for (let i = 0; i < n; ) {
    let cp = text.charCodeAt(i);
    let size = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        size = 2;
      }
    }
    let cls = size === 1 ? table[cp]! : classify(cp);
    if (cls === Cls.NumSep) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      cls = start >= 0 && kind === Cls.Word && prevDigit && next < 0x10000 && table[next] === Cls.Digit ? Cls.Word : Cls.Punct;
    }
    switch (cls) {
      case Cls.Sep:
        close(i);
        joiner = -1;
        break;
      case Cls.Word:
      case Cls.Digit:
        if (start < 0 || kind !== Cls.Word) {
          const from = start < 0 && joiner >= 0 ? joiner : i;
          close(i);
          start = from;
          kind = Cls.Word;
        }
        joiner = -1;
        if (cls === Cls.Word) {
          // The rest of a word at once: inside a word, letters, marks and joiners only extend it.
          // A surrogate's class (a lone one's) ends the run: a pair is left to the loop above.
          let j = i + size;
          for (; j < n; j++) {
            const next = table[text.charCodeAt(j)];
            if (next !== Cls.Word && next !== Cls.Mark && next !== Cls.Join) break;
          }
          size = j - i;
        }
        break;
      case Cls.Mark:
        if (start < 0) {
          start = joiner >= 0 ? joiner : i;
          kind = Cls.Word;
        }
        joiner = -1;
        break;
      case Cls.Join:
        // Inside a token it joins; before a word it starts that word (a token cut at a span
        // boundary may begin with one, and must read back the same); alone it is invisible.
        if (start < 0 && joiner < 0) joiner = i;
        break;
      default:
        joiner = -1;
        close(i);
        start = i;
        kind = Cls.Punct;
        if (cp >= 0x2000) {
          // A symbol may be a cluster of several code points (👨‍👩‍👧, 🇮🇶, 👍🏽): keep it whole.
          const cluster = firstCluster(text, i);
          if (cluster > size) size = cluster;
        }
    }
    prevDigit = cls === Cls.Digit;
    i += size;
  }
  close(n);
  return tokens;
}

/** Sentence-final punctuation. */
export const TERMINATORS = new Set(['.', '!', '?', '؟', '…', '۔', '‼']);
/** Closing quotes and brackets that stay with the sentence they close when written right after it. */
export const CLOSERS = new Set(['»', '”', '’', '"', "'", ')', ']', '}', '›', '」', '』']);

/**
 * Splits tokens into sentences: `[first, end)` token index ranges. A sentence ends at a line
 * break, and after a run of terminators (. ! ? ؟ …) with the closing quotes or brackets written
 * right after them. It never ends inside one of `keepTogether` (the entities), so no entity is
 * cut in two.
 */
export function sentences(text: string, tokens: readonly Token[], keepTogether: readonly { start: number; end: number }[] = []): [number, number][] {
  const out: [number, number][] = [];
  if (tokens.length === 0) return out;
  const ranges = [...keepTogether].sort((a, b) => a.start - b.start);
  let r = 0;
  let first = 0;
  let pending = false;
  // Only a token as short as a terminator or closer can be one: the rest need no string.
  let longest = 0;
  for (const mark of [...TERMINATORS, ...CLOSERS]) longest = Math.max(longest, mark.length);
  const wordOf = (token: Token): string => (token.end - token.start <= longest ? text.slice(token.start, token.end) : '');
  for (let i = 0; i + 1 < tokens.length; i++) {
    const here = tokens[i]!;
    const next = tokens[i + 1]!;
    const word = wordOf(here);
    // Closers carry the end of a sentence only when written right after its terminators.
    pending = TERMINATORS.has(word) || (pending && CLOSERS.has(word) && tokens[i - 1]!.end === here.start);
    let lineBreak = false;
    for (let k = here.end; k < next.start; k++) {
      const c = text.charCodeAt(k);
      if (c === 10 || c === 13) {
        lineBreak = true;
        break;
      }
    }
    let end = lineBreak;
    if (!end && pending) {
      const nextWord = wordOf(next);
      const continues = TERMINATORS.has(nextWord) || (CLOSERS.has(nextWord) && next.start === here.end);
      end = !continues;
    }
    if (!end) continue;
    while (r < ranges.length && ranges[r]!.end <= here.end) r++;
    // Any range still open here that started at or before this token holds both sides of the gap.
    let inside = false;
    for (let k = r; k < ranges.length && ranges[k]!.start <= here.start; k++) {
      if (ranges[k]!.end >= next.end) {
        inside = true;
        break;
      }
    }
    if (inside) continue;
    out.push([first, i + 1]);
    first = i + 1;
  }
  out.push([first, tokens.length]);
  return out;
}

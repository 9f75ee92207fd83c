/**
 * The missed-mention search: occurrences of known surfaces in the plain text, outside every span.
 *
 * The search goes line by line. A span never crosses a line and markup never holds a line
 * break, so what is found on a line depends on that line of the source alone (and on the set of
 * known surfaces): a cache of the lines' answers, kept between diagnoses of an open document,
 * makes a keystroke cost the search of one line instead of the whole document's.
 */

import { KeyTokenRoom, type KeyTokens, codesToString, matchingKey, matchingKeyTokens, stringHash, unitsHashPower } from './arabic';
import type { CorpusConfig } from './config';
import { type CorpusIndex, FirstToken, FirstTokenTable, type KnownSurface, type SurfaceCandidate, SurfacesStarting, tokensOf } from './corpusIndex';
import type { ParsedDocument } from './model';
import { bodyStartOf, firstIndexNotBefore, floorIndex, isLineBreak, lineBreakFrom, plainRangeToSource } from './text';

/** One unannotated occurrence of a known surface in the plain text. */
export interface Occurrence {
  start: number;
  end: number;
  surface: KnownSurface;
}

/** Where known surfaces come from: the corpus index, or one surface (see `oneSurface`). */
export type SurfaceSource = Pick<CorpusIndex, 'surfacesStartingWith' | 'knownSurface'> &
  Partial<Pick<CorpusIndex, 'firstTokens' | 'surfacesOf' | 'surfaceSetVersion' | 'surfaceChangesSince'>>;

/** A surface source holding one surface, for "annotate all occurrences of this". */
export function oneSurface(key: string, type: string | undefined, id: string | undefined): SurfaceSource {
  const tokens = tokensOf(key);
  const surface: KnownSurface = { key, tokens, count: 0, ...(type !== undefined ? { type } : {}), ...(id !== undefined ? { id } : {}) };
  const firstTokens = new FirstTokenTable();
  if (tokens.length > 0) {
    const first = new FirstToken(tokens[0]!);
    first.surfaces = new SurfacesStarting([candidateOf(surface)]);
    firstTokens.add(first, tokens);
  }
  return {
    surfacesStartingWith: (token) => (token === tokens[0] ? [surface] : undefined),
    knownSurface: (k) => (k === key ? surface : undefined),
    firstTokens: () => firstTokens,
    surfacesOf: (record) => record.surfaces ?? null,
  };
}

/** A known surface as the search takes it. */
function candidateOf(surface: KnownSurface): SurfaceCandidate {
  return { tokens: surface.tokens, known: () => surface };
}

/** An occurrence on a line: plain-text offsets from the line's start, and the surface's key. */
interface LineOccurrence {
  start: number;
  end: number;
  key: string;
}

const NO_OCCURRENCES: readonly LineOccurrence[] = [];

/** What a cache knows for a search: the lines' answers, and what may have made some of them stale. */
interface CachedAnswers {
  lines: ReadonlyMap<string, readonly LineOccurrence[]>;
  /**
   * Key strings that a line's matching key holds wherever a surface that came or went since
   * could start: such a line is searched again (see `answersFor`).
   */
  suspects: readonly string[];
}

/**
 * What the search found on each line of one document, by the line's source text. It answers for
 * one index and configuration: against any other it starts empty. Only the lines of the last
 * search are kept.
 */
export class MissedMentionCache {
  private lines = new Map<string, readonly LineOccurrence[]>();
  private source: SurfaceSource | undefined;
  private surfaceSetVersion: number | undefined;
  private config: CorpusConfig | undefined;

  /** The lines' answers as far as they hold for this search; `keep` replaces them. */
  answersFor(source: SurfaceSource, config: CorpusConfig): CachedAnswers {
    let suspects: string[] = [];
    if (source === this.source && config === this.config && source.surfaceSetVersion !== this.surfaceSetVersion) {
      // A surface that came or went is looked for where its first token is: as a candidate
      // first token is the word, the word without proclitics, or that with the article's alef
      // restored (لل), a line can only be touched if its key holds the first token without
      // its first unit.
      const changes = this.surfaceSetVersion !== undefined ? source.surfaceChangesSince?.(this.surfaceSetVersion) : undefined;
      suspects = [...new Set(changes?.map((token) => token.slice(1)))];
      if (changes === undefined || suspects.includes('')) this.lines = new Map();
    } else if (source !== this.source || config !== this.config) {
      this.lines = new Map();
    }
    this.source = source;
    this.surfaceSetVersion = source.surfaceSetVersion;
    this.config = config;
    return { lines: this.lines, suspects: this.lines.size > 0 ? suspects : [] };
  }

  keep(lines: Map<string, readonly LineOccurrence[]>): void {
    this.lines = lines;
  }
}

/**
 * A proclitic as the search takes it off a word: its key, and the `unitsHash` of that key and of
 * the key but its last unit, so the hash of what follows it is worked out from the word's.
 */
interface Proclitic {
  key: string;
  hash: number;
  /** After لل the article's alef is restored: للإقليم = ل + الإقليم. */
  restoresAlef: boolean;
  hashButLast: number;
}

/**
 * Proclitics longest first, grouped by their key's first code unit, in a list indexed by that
 * unit (built once per list): a word's first unit finds its candidates with no map lookup, and
 * the search does this for every word of a document.
 */
const procliticsByInitial = new WeakMap<readonly string[], readonly (readonly Proclitic[] | undefined)[]>();

function procliticCandidates(proclitics: readonly string[]): readonly (readonly Proclitic[] | undefined)[] {
  let byInitial = procliticsByInitial.get(proclitics);
  if (!byInitial) {
    const keys = proclitics.map(matchingKey).filter((k) => k.length > 0).sort((a, b) => b.length - a.length);
    // Filled with undefined up to the last initial: a list with a gap of more than a thousand
    // would be kept as a dictionary.
    const lists: (Proclitic[] | undefined)[] = Array.from({ length: Math.max(-1, ...keys.map((k) => k.charCodeAt(0))) + 1 }, () => undefined);
    for (const key of keys) {
      (lists[key.charCodeAt(0)] ??= []).push({ key, hash: stringHash(key), restoresAlef: key.endsWith('لل'), hashButLast: stringHash(key.slice(0, -1)) });
    }
    procliticsByInitial.set(proclitics, (byInitial = lists));
  }
  return byInitial;
}

/**
 * The arrays every search keys its text into (a search is over before the next starts). They
 * keep 14 bytes per character of the longest text searched, 10 MB after a 1 MB document: made
 * for each diagnosis, they cost more than filling them.
 */
const keyRoom = new KeyTokenRoom();

/**
 * The plain text `[from, to)` as the search reads it: its matching key's tokens, offsets into the
 * whole text. The top-level spans are passed over, not keyed: an occurrence there would overlap
 * a span, and they hold much of a well-annotated text (45% of the seeds' 1 MB document).
 */
function keyedText(plain: string, from: number, to: number, roots: Roots): KeyTokens {
  // Token boundaries only: a token is compared unit by unit where it is, never made a string
  // (but for a source without a first-token table).
  const first = firstIndexNotBefore(roots.starts.length, (i) => roots.starts[i]! < from);
  return matchingKeyTokens(plain, keyRoom, from, to, roots, first);
}

/** The top-level spans' plain-text starts and ends, in order: they are sorted and disjoint. */
interface Roots {
  starts: Int32Array;
  ends: Int32Array;
}

function rootsOf(doc: ParsedDocument): Roots {
  // One pass over the spans (20,000 objects in a 1 MB document), into arrays of their own size.
  const { roots, spans } = doc;
  const starts = new Int32Array(roots.length);
  const ends = new Int32Array(roots.length);
  for (let k = 0; k < roots.length; k++) {
    const span = spans[roots[k]!]!;
    starts[k] = span.start;
    ends[k] = span.end;
  }
  return { starts, ends };
}

/**
 * Finds, on word boundaries, the occurrences of known surfaces outside every span, in document
 * order. With a cache, lines whose source text it knows are not searched again.
 */
export function findMissedMentions(doc: ParsedDocument, index: SurfaceSource, config: CorpusConfig, cache?: MissedMentionCache): Occurrence[] {
  const plain = doc.plainText;
  const roots = rootsOf(doc);
  const search = searcher(doc, index, config, roots);
  const cached = cache?.answersFor(index, config);
  const found: Occurrence[] = [];
  if (!cache || !cached || cached.lines.size === 0) {
    // The whole text, keyed and tokenized in one go.
    search(keyedText(plain, 0, plain.length, roots), found);
    if (cache) cache.keep(answersByLine(doc, found));
    return found;
  }
  // Line by line: the lines the cache knows are not searched, each other line is keyed alone.
  const { lines: known, suspects } = cached;
  const answers = new Map<string, readonly LineOccurrence[]>();
  const onLine: Occurrence[] = [];
  const isSuspect = (start: number, end: number): boolean => {
    if (suspects.length === 0) return false;
    const key = matchingKey(plain.slice(start, end));
    return suspects.some((suspect) => key.includes(suspect));
  };
  forEachLine(doc, (line, start, end) => {
    // A line met before in this search has its answer already; else the cache's, if it holds.
    let occurrences = answers.get(line);
    if (occurrences === undefined) {
      occurrences = known.get(line);
      if (occurrences === undefined || isSuspect(start, end)) {
        onLine.length = 0;
        search(keyedText(plain, start, end, roots), onLine);
        occurrences = onLine.length === 0 ? NO_OCCURRENCES : onLine.map((o) => ({ start: o.start - start, end: o.end - start, key: o.surface.key }));
      }
      answers.set(line, occurrences);
    }
    for (const o of occurrences) {
      const surface = index.knownSurface(o.key);
      if (surface) found.push({ start: start + o.start, end: start + o.end, surface });
    }
  });
  cache.keep(answers);
  return found;
}

/** The occurrences of a whole document (in order), as the cache keeps them: by line. */
function answersByLine(doc: ParsedDocument, occurrences: readonly Occurrence[]): Map<string, readonly LineOccurrence[]> {
  const answers = new Map<string, readonly LineOccurrence[]>();
  let next = 0;
  forEachLine(doc, (line, start, end) => {
    let onLine: LineOccurrence[] | undefined;
    for (; next < occurrences.length && occurrences[next]!.start < end; next++) {
      const o = occurrences[next]!;
      (onLine ??= []).push({ start: o.start - start, end: o.end - start, key: o.surface.key });
    }
    answers.set(line, onLine ?? NO_OCCURRENCES);
  });
  return answers;
}

/**
 * Calls `each` with every line of the document's body: its source text, and where it stands in
 * the plain text. Plain line i is source line i of the body: markup never holds a line break.
 */
function forEachLine(doc: ParsedDocument, each: (line: string, plainStart: number, plainEnd: number) => void): void {
  const { plainText: plain, source } = doc;
  let p = 0;
  let s = bodyStartOf(doc);
  // A line ends at \n, \r\n or \r; without any \r, indexOf finds line ends fastest.
  const crlf = source.includes('\r');
  for (;;) {
    const pe = lineEnd(plain, p, crlf);
    const se = lineEnd(source, s, crlf);
    each(source.slice(s, se), p, pe);
    if (pe === plain.length || se === source.length) return;
    p = afterLineBreak(plain, pe);
    s = afterLineBreak(source, se);
  }
}

/** Offset of the line break ending the line that starts at `from` (or the text's length). */
function lineEnd(text: string, from: number, crlf: boolean): number {
  if (!crlf) {
    const at = text.indexOf('\n', from);
    return at < 0 ? text.length : at;
  }
  return lineBreakFrom(text, from);
}

function afterLineBreak(text: string, at: number): number {
  return text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10 ? at + 2 : at + 1;
}

/** The search of a keyed stretch of the plain text; what it finds goes to `found`. */
type Search = (tokens: KeyTokens, found: Occurrence[]) => void;

function searcher(doc: ParsedDocument, index: SurfaceSource, config: CorpusConfig, roots: Roots): Search {
  const plain = doc.plainText;
  // An occurrence is outside every span iff it does not overlap the nearest top-level span on
  // either side. (The keyed text holds none of their words; an occurrence's end may take in the
  // combining marks that open one.)
  const { starts: rootStarts, ends: rootEnds } = roots;
  const rootEnd = (j: number): number => rootEnds[j]!;
  const overlapsRoot = (j: number, start: number, end: number): boolean => j >= 0 && j < rootStarts.length && rootStarts[j]! < end && start < rootEnd(j);
  const overlapsSpan = (start: number, end: number): boolean => {
    if (rootStarts.length === 0) return false;
    const i = floorIndex(rootStarts, end - 1);
    return overlapsRoot(i - 1, start, end) || overlapsRoot(i, start, end);
  };

  // Text that is broken markup (a stray bracket, the rest of a line after an unclosed label) is
  // no place to annotate: wrapping it tangles the markup further. (Inside `[...]` with no label
  // it is fine: those brackets are text, and the new span nests inside them.)
  const inBrokenMarkup = overlapsProblem(doc);

  // Proclitics longest first; only those starting like the token can prefix it.
  const proclitics = procliticCandidates(config.clitics.proclitics);
  // A candidate is found by its signature (a hash of its units) among the known first tokens, and
  // compared unit by unit: most words of a document are no candidate at all, and none is made a
  // string. (A source without the table is asked for each candidate's string.)
  const firstTokens = index.surfacesOf !== undefined ? index.firstTokens?.() : undefined;
  const surfacesOf = index.surfacesOf?.bind(index);
  // A word where no known surface can start (no first token in it, as it stands or after a
  // proclitic, or none whose surfaces fit the next word) is passed by at one lookup; the table
  // must know the proclitics this search takes off (the index's are its configuration's).
  const wordFilter = firstTokens !== undefined && sameStrings(firstTokens.proclitics, config.clitics.proclitics) ? firstTokens : undefined;

  return (tokens, found) => {
    const { units, hashes, offsets, starts, ends, count: last } = tokens;
    let best: Occurrence | undefined;
    let bestTokens = 0;
    const tryCandidate = (t: number, candidates: readonly SurfaceCandidate[], skip: number): void => {
      // Longest first: the first that matches is the one.
      for (const candidate of candidates) {
        const surfaceTokens = candidate.tokens;
        const length = surfaceTokens.length;
        if (length <= bestTokens) return;
        if (t + length > last) continue;
        let match = true;
        for (let k = 1; k < length && match; k++) {
          const expected = surfaceTokens[k]!;
          match = ends[t + k]! - starts[t + k]! === expected.length && spells(units, starts[t + k]!, expected);
        }
        if (!match) continue;
        // A surface whose annotations are gone (for now: see KeyRecord) is listed but not known.
        const surface = candidate.known();
        if (surface === undefined) continue;
        const start = offsets[starts[t]! + skip]!;
        let end = offsets[ends[t + length - 1]! - 1]! + 1;
        // A surface's words matched across lines are no mention: a span stays on one line.
        if (crossesLine(plain, start, end)) continue;
        while (end < plain.length && isCombiningMark(plain.charCodeAt(end))) end++;
        // Where it could not be annotated, a shorter surface may still be.
        if (overlapsSpan(start, end) || inBrokenMarkup(start, end)) continue;
        best = { start, end, surface };
        bestTokens = length;
        return;
      }
    };
    /** tryCandidate for the known first tokens that `units[start, end)` spells, after `lead` if given; `hash` is their `unitsHash`. */
    const tryToken = (t: number, start: number, end: number, skip: number, lead: number, hash: number): void => {
      if (!firstTokens) {
        const surfaces = index.surfacesStartingWith((lead >= 0 ? String.fromCharCode(lead) : '') + codesToString(units.subarray(start, end), true));
        if (surfaces) tryCandidate(t, surfaces.map(candidateOf), skip);
        return;
      }
      // The next token's hash, if one follows: a surface of two tokens or more needs its second there.
      const next = t + 1 < last ? hashes[t + 1] : undefined;
      const known = firstTokens.startingAt(hash, next);
      if (known === undefined) return;
      for (const first of known) {
        if (!spellsToken(units, start, end, lead, first.token)) continue;
        const surfaces = first.surfaces !== undefined ? first.surfaces : surfacesOf!(first);
        if (surfaces) tryCandidate(t, surfaces.before(next), skip);
      }
    };
    for (let t = 0; t < last; t++) {
      const s = starts[t]!;
      const e = ends[t]!;
      const length = e - s;
      const hash = hashes[t]!;
      if (wordFilter !== undefined && !wordFilter.mayStartIn(hash, t + 1 < last ? hashes[t + 1] : undefined)) continue;
      const c0 = units[s]!;
      best = undefined;
      bestTokens = 0;
      // The word as it stands, then with each proclitic run taken off (and the article restored
      // after لل, where it lost its alef: للإقليم = ل + الإقليم). What follows a proclitic has
      // the word's hash less the proclitic's, shifted by the length of the rest.
      tryToken(t, s, e, 0, -1, hash);
      const candidates = c0 < proclitics.length ? proclitics[c0] : undefined;
      for (let k = 0; candidates !== undefined && k < candidates.length; k++) {
        const p = candidates[k]!;
        const cut = p.key.length;
        if (length - cut < 2 || !spells(units, s, p.key)) continue;
        tryToken(t, s + cut, e, cut, -1, (hash - Math.imul(p.hash, unitsHashPower(length - cut))) | 0);
        // After لل the surface's alef is not in the text: the occurrence starts at the second ل.
        if (p.restoresAlef) tryToken(t, s + cut - 1, e, cut - 1, 0x0627, (hash + Math.imul(0x0627 - p.hashButLast, unitsHashPower(length - cut + 1))) | 0);
      }
      const occurrence = best as Occurrence | undefined;
      if (occurrence) {
        found.push(occurrence);
        t += bestTokens - 1;
      }
    }
  };
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

/** Whether `units` spell `text` (from its unit `from` on) at `at`. */
function spells(units: Uint16Array, at: number, text: string, from = 0): boolean {
  if (at + text.length - from > units.length) return false;
  for (let k = from; k < text.length; k++) if (units[at + k - from] !== text.charCodeAt(k)) return false;
  return true;
}

/** Whether `units[start, end)`, after `lead` if given, spells `token`. */
function spellsToken(units: Uint16Array, start: number, end: number, lead: number, token: string): boolean {
  if (lead < 0) return token.length === end - start && spells(units, start, token);
  return token.length === end - start + 1 && token.charCodeAt(0) === lead && spells(units, start, token, 1);
}

/** Whether a plain-text range holds a line break. */
function crossesLine(plain: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isLineBreak(plain.charCodeAt(i))) return true;
  return false;
}

/** Whether a plain-text range touches a stray bracket or an unclosed span (cheap when there is none). */
function overlapsProblem(doc: ParsedDocument): (start: number, end: number) => boolean {
  const problems = doc.problems.filter((p) => p.code === 'unclosed-span' || p.code === 'unmatched-bracket');
  if (problems.length === 0) return () => false;
  // Problems are sorted by start; reach[i] is the furthest end among the first i + 1.
  const starts = problems.map((p) => p.range.start);
  const reach: number[] = [];
  let furthest = -1;
  for (const p of problems) reach.push((furthest = Math.max(furthest, p.range.end)));
  return (start, end) => {
    const range = plainRangeToSource(doc, start, end);
    if (starts[0]! >= range.end) return false;
    return reach[floorIndex(starts, range.end - 1)]! > range.start;
  };
}

function isCombiningMark(c: number): boolean {
  return (c >= 0x064b && c <= 0x0652) || c === 0x0670 || c === 0x0640;
}

/**
 * The corpus index: what the whole corpus says about each surface, type and entity.
 *
 * It is updated one document at a time (remove the document's old mentions, add its new ones),
 * so an edit costs the size of the edited document, never a rescan of the corpus. Counts are
 * kept incrementally for the questions the diagnostics ask on every span.
 */

import { matchingKey, stringHash, unitsHashPower } from './arabic';
import { type CorpusConfig, effectiveType } from './config';
import type { ParsedDocument, Span } from './model';
import { parse } from './parser';
import { LineIndex } from './text';

/** One annotated span, as the corpus sees it (made when asked for: see `DocumentMentions`). */
export interface Mention {
  docId: string;
  /** Index of the span in its document's `spans`. */
  spanIndex: number;
  /** Source range of the whole span, `[` to `}`. */
  spanStart: number;
  spanEnd: number;
  /** Source range between `[` and `]` (what references point at). */
  contentStart: number;
  contentEnd: number;
  /** The surface as written. */
  text: string;
  /** The surface's matching key. */
  key: string;
  /** The label's type, else the catalog entry's type. */
  type?: string;
  id?: string;
}

/**
 * What a span names, as the corpus counts it: its surface, the surface's key, its type and its
 * entity. One object stands for every span of the corpus that names the same (while the index's
 * copies of strings last, see `intern`): a 1 MB document's 20,000 spans name a few hundred.
 */
export interface MentionName {
  /** The surface as written. */
  readonly text: string;
  /** The surface's matching key. */
  readonly key: string;
  /** The label's type, else the catalog entry's type. */
  readonly type?: string;
  readonly id?: string;
}

/** A MentionName as the index makes it: with room to count its spans while a document is counted. */
interface CountedName extends MentionName {
  /** Spans naming it in the mentions being counted; 0 between counts (see `CorpusIndex.count`). */
  tally: number;
  /** Its key's record (looked up again once swept). */
  record: KeyRecord;
}

/**
 * A document's mentions, as columns: for span `i`, what it names and where it stands. A
 * Mention object is made only when asked for: kept for every span, they were a third of the
 * objects of the index and most of its work when a long document was indexed.
 */
class DocumentMentions {
  constructor(
    readonly names: readonly CountedName[],
    /** Source offsets of each span's `[`, of its `]` and just past its label's `}`. */
    readonly spanStarts: Int32Array,
    readonly contentEnds: Int32Array,
    readonly spanEnds: Int32Array,
  ) {}

  get length(): number {
    return this.names.length;
  }

  mention(docId: string, spanIndex: number): Mention {
    const { text, key, type, id } = this.names[spanIndex]!;
    const spanStart = this.spanStarts[spanIndex]!;
    const mention: Mention = { docId, spanIndex, spanStart, spanEnd: this.spanEnds[spanIndex]!, contentStart: spanStart + 1, contentEnd: this.contentEnds[spanIndex]!, text, key };
    if (type !== undefined) mention.type = type;
    if (id !== undefined) mention.id = id;
    return mention;
  }
}

const NO_MENTIONS = new DocumentMentions([], new Int32Array(0), new Int32Array(0), new Int32Array(0));

/** A surface text as the index keeps it: its own copy, its key, and what its spans name. */
interface Surface {
  text: string;
  key: string;
  /** The names with this surface met so far (a type and an id or two). */
  named: CountedName[];
}

/** A surface the corpus knows: annotated somewhere with a declared type, or a catalog name. */
export interface KnownSurface {
  key: string;
  /** The key split into tokens, for matching running text. */
  tokens: string[];
  /** The most common declared type of its annotations, else its catalog entry's type. */
  type?: string;
  /** The entity its annotations all link to, or the catalog entry it names. */
  id?: string;
  /** How many annotations it has. */
  count: number;
}

/** Tokens of a matching key: words (letters, marks, digits) and single other characters. */
export const TOKEN = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

export function tokensOf(key: string): string[] {
  return key.match(TOKEN) ?? [];
}

/** Bits of the first-token signature table (a million bits, 128 KB). */
const SIGNATURE_BITS = 20;

/**
 * The signature of a token: `stringHash`, its bits spread and SIGNATURE_BITS of them kept. Equal
 * tokens have equal signatures, so a table of the signatures of known first tokens answers "no
 * surface starts with this" without making the token's string (see `FirstTokenTable`): the
 * search has each token's hash from the tokenizer (see `signatureOfHash`). Every unit counts: a
 * hash of a few of them (length, first, second and last units) let one word in two through on
 * NewsFANE, where so many words are ال and three letters.
 */
export function signatureOf(token: string): number {
  return signatureOfHash(stringHash(token));
}

/**
 * The signature of a token from its `unitsHash`: the high bits of its product with an odd
 * constant (Fibonacci hashing). A polynomial hash's low bits depend on the units' low bits
 * alone; a product's high bits depend on every bit of the hash.
 */
export function signatureOfHash(hash: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> (32 - SIGNATURE_BITS);
}

/**
 * A surface the missed-mention search may find: its tokens, and what the corpus knows of it now
 * (undefined: nothing, for now). The index lists a surface key's record while its annotations
 * come and go (see `KeyRecord`), so lists of them need not be made again when they do.
 */
export interface SurfaceCandidate {
  readonly tokens: readonly string[];
  known(): KnownSurface | undefined;
}

/**
 * The surfaces that start with one first token, longest (in tokens) first, and the same grouped
 * by their second token's `unitsHash`: a first token as common as علي starts a dozen surfaces or
 * more, and the missed-mention search would compare the next word with each.
 */
export class SurfacesStarting {
  private readonly singles: readonly SurfaceCandidate[];
  /** By the hash of their second token, each group followed by the singles; none for a few surfaces. */
  private readonly byNext: Map<number, readonly SurfaceCandidate[]> | undefined;

  constructor(readonly all: readonly SurfaceCandidate[]) {
    this.singles = all.filter((surface) => surface.tokens.length < 2);
    if (all.length - this.singles.length <= 2) return;
    const groups = new Map<number, SurfaceCandidate[]>();
    for (const surface of all) {
      if (surface.tokens.length < 2) continue;
      const next = stringHash(surface.tokens[1]!);
      const group = groups.get(next);
      if (group) group.push(surface);
      else groups.set(next, [surface]);
    }
    for (const group of groups.values()) group.push(...this.singles);
    this.byNext = groups;
  }

  /**
   * Those that may start before a token whose `unitsHash` is `next` (undefined: no token
   * follows), longest first: the others' second tokens are not that one.
   */
  before(next: number | undefined): readonly SurfaceCandidate[] {
    if (this.byNext === undefined) return this.all;
    return next === undefined ? this.singles : (this.byNext.get(next) ?? this.singles);
  }
}

/** A first token of known surfaces as the first-token table lists it, with its surfaces once worked out. */
export class FirstToken {
  /** Its surfaces (null: none); undefined until worked out, and again after one came or went. */
  surfaces: SurfacesStarting | null | undefined = undefined;
  constructor(readonly token: string) {}
}

/**
 * First tokens of surfaces by signature (see `signatureOf`). A bit per signature says "none"
 * for most words of a document without a lookup, and a word whose bit is set finds the first
 * tokens to compare it with, and through them their surfaces, its own string never made.
 *
 * Two more sets of bits say whether a surface may start there at all: one of a token alone, or
 * one whose first two tokens are the word and the next. Words such as و, من and علي start a few
 * surfaces of two tokens or more each, and were a fifth of NewsFANE's words: almost always
 * followed by another word than those surfaces' second, they now stop at the bits.
 *
 * Two last sets say the same of a word as the search meets it, as it stands or after one of the
 * table's proclitics (see `mayStartIn`): the search takes each proclitic a word starts with off
 * it and looks the rest up, and most words of Arabic text start like one.
 */
export class FirstTokenTable {
  private readonly bits = new Uint32Array(1 << (SIGNATURE_BITS - 5));
  private readonly singles = new Uint32Array(1 << (SIGNATURE_BITS - 5));
  private readonly pairs = new Uint32Array(1 << (SIGNATURE_BITS - 5));
  private readonly singleWords = new Uint32Array(1 << (SIGNATURE_BITS - 5));
  private readonly pairWords = new Uint32Array(1 << (SIGNATURE_BITS - 5));
  private readonly bySignature = new Map<number, FirstToken[]>();
  /** The keys of the proclitics, as `unitsHash`es: of the whole key, and of the key but its last unit after one ending in لل. */
  private readonly procliticHashes: readonly { hash: number; restoresAlef: boolean; butLast: number }[];

  /** `proclitics` as the configuration lists them: those the search takes off words (see `mayStartIn`). */
  constructor(readonly proclitics: readonly string[] = []) {
    this.procliticHashes = proclitics
      .map(matchingKey)
      .filter((key) => key.length > 0)
      .map((key) => ({ hash: stringHash(key), restoresAlef: key.endsWith('لل'), butLast: stringHash(key.slice(0, -1)) }));
  }

  /** Lists a first token with the tokens of one of its surfaces (each of its surfaces must be given). */
  add(first: FirstToken, tokens: readonly string[]): void {
    const hash = stringHash(first.token);
    const signature = signatureOfHash(hash);
    const second = tokens.length < 2 ? undefined : stringHash(tokens[1]!);
    if (second === undefined) setBit(this.singles, signature);
    else setBit(this.pairs, pairSignature(hash, second));
    for (const word of this.wordHashes(first.token, hash)) {
      if (second === undefined) setBit(this.singleWords, signatureOfHash(word));
      else setBit(this.pairWords, pairSignature(word, second));
    }
    const listed = this.bySignature.get(signature);
    if (listed === undefined) {
      this.bySignature.set(signature, [first]);
      setBit(this.bits, signature);
    } else if (!listed.includes(first)) listed.push(first);
  }

  /**
   * The `unitsHash`es of the words a first token (whose hash is `hash`) may stand in: itself,
   * after each proclitic, and after one ending in لل with the article's alef gone (ل + الاقليم =
   * للاقليم). Worked out from the hashes, no word made: a corpus's table lists thousands of first
   * tokens, a dozen words each. More than the search takes (it wants two units or more after a
   * proclitic) does no harm: a word let through is looked up.
   */
  private wordHashes(token: string, hash: number): number[] {
    const words = [hash];
    const shift = unitsHashPower(token.length);
    // The token but its alef, for after لل: its hash less the alef's share.
    const alefGone = token.startsWith('ا') ? (hash - Math.imul(0x0627, unitsHashPower(token.length - 1))) | 0 : undefined;
    for (const proclitic of this.procliticHashes) {
      words.push((Math.imul(proclitic.hash, shift) + hash) | 0);
      if (proclitic.restoresAlef && alefGone !== undefined) words.push((Math.imul(proclitic.butLast, unitsHashPower(token.length - 1)) + alefGone) | 0);
    }
    return words;
  }

  /**
   * Whether a surface may start in a word whose `unitsHash` is `hash`, as it stands or after one
   * of the table's proclitics, followed by one whose hash is `next` (undefined: none follows).
   * When not, the word need not be looked up at all.
   */
  mayStartIn(hash: number, next: number | undefined): boolean {
    return hasBit(this.singleWords, signatureOfHash(hash)) || (next !== undefined && hasBit(this.pairWords, pairSignature(hash, next)));
  }

  /** The first tokens with this signature, or undefined when none has it. */
  withSignature(signature: number): readonly FirstToken[] | undefined {
    return hasBit(this.bits, signature) ? this.bySignature.get(signature) : undefined;
  }

  /**
   * The first tokens a surface may start with at a token whose `unitsHash` is `hash`, followed
   * by one whose hash is `next` (undefined: none follows); undefined when no surface may start
   * there. Those listed are still to be compared with the token: they share its signature.
   */
  startingAt(hash: number, next: number | undefined): readonly FirstToken[] | undefined {
    const signature = signatureOfHash(hash);
    if (!hasBit(this.bits, signature)) return undefined;
    if (!hasBit(this.singles, signature) && (next === undefined || !hasBit(this.pairs, pairSignature(hash, next)))) return undefined;
    return this.bySignature.get(signature);
  }

  has(token: string): boolean {
    return this.withSignature(signatureOf(token))?.some((first) => first.token === token) ?? false;
  }
}

/** The signature of two tokens one after the other, from their `unitsHash`es. */
function pairSignature(first: number, second: number): number {
  return signatureOfHash((Math.imul(first, 0x9e3779b1) + second) | 0);
}

function setBit(bits: Uint32Array, at: number): void {
  bits[at >>> 5] = bits[at >>> 5]! | (1 << (at & 31));
}

function hasBit(bits: Uint32Array, at: number): boolean {
  return (bits[at >>> 5]! & (1 << (at & 31))) !== 0;
}

/**
 * Counts per name in one flat list, name, count, name, count, in the order the names came (as a
 * map keeps it: a tie between types goes to the first); a count that falls to 0 is taken out,
 * the order of the rest kept. A key has one or two types and ids, so a list read through beats a
 * map: a document counted out and in again would empty and refill a map for each of its
 * thousands of keys, and a map that empties and refills is made again each time.
 */
type Counts = (string | number)[];

function addCount(counts: Counts, name: string, by: number): void {
  for (let i = 0; i < counts.length; i += 2) {
    if (counts[i] !== name) continue;
    const next = (counts[i + 1] as number) + by;
    if (next > 0) {
      counts[i + 1] = next;
      return;
    }
    // Out, by hand: splice would make a list of what it took out, copyWithin is slow on a list.
    for (let j = i + 2; j < counts.length; j++) counts[j - 2] = counts[j]!;
    counts.pop();
    counts.pop();
    return;
  }
  if (by > 0) counts.push(name, by);
}

/** A key's counts across the corpus (see `Counts`). */
class Tally {
  private readonly counts: Counts = [];

  add(name: string, by: number): void {
    addCount(this.counts, name, by);
  }

  get size(): number {
    return this.counts.length / 2;
  }

  name(i: number): string {
    return this.counts[2 * i] as string;
  }

  count(i: number): number {
    return this.counts[2 * i + 1] as number;
  }

  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    for (let i = 0; i < this.size; i++) map.set(this.name(i), this.count(i));
    return map;
  }
}

/** What a group of mentions keeps of one name: the documents that name it. */
interface NameEntry {
  /** Undefined while no document names it. */
  docs: NamingDocuments | undefined;
  /** Their ids, sorted, once `byDocument` was asked for them, until a document comes or goes. */
  sortedIds: string[] | undefined;
}

/**
 * Everything the index keeps of one surface key: the documents that name it (its entry in the
 * group by key), what its annotations with a declared type say, its catalog entry, and what
 * the corpus knows of it. The names of spans point to their key's record: a document counted in
 * or out touches it directly, not through a map for each of its thousands of keys.
 *
 * A record outlives its annotations until `sweepDormant` (see `CorpusIndex.dormant`), and so does
 * its place among the surfaces of its first token: a document taken out and put back (as each
 * full diagnosis of it does) changes no list of surfaces.
 */
class KeyRecord implements NameEntry, SurfaceCandidate {
  docs: NamingDocuments | undefined = undefined;
  sortedIds: string[] | undefined = undefined;
  /** Declared types, with how many annotations carry each. */
  readonly types = new Tally();
  /** Linked ids ('' for annotations without one), likewise. */
  readonly ids = new Tally();
  /** The catalog entry the key names, with its type. */
  catalog: { id: string; type: string | undefined } | undefined = undefined;
  /** Whether it is filed under its first token in `annotatedByFirst` (typed now, or dormant). */
  filed = false;
  /** Listed in `dormant`, to be looked at when the next document is counted in. */
  dormant = false;
  /** Taken out of the index: the names that point here look their key up again. */
  swept = false;
  /** What a count in progress adds to it (see `CorpusIndex.count`); 0 and undefined between counts. */
  pending = 0;
  pendingTypes: Counts | undefined = undefined;
  pendingIds: Counts | undefined = undefined;
  private tokenList: string[] | undefined = undefined;
  /** What `known` answers (null: nothing), until the tallies or the catalog entry change. */
  private knownNow: KnownSurface | null | undefined = undefined;

  constructor(readonly key: string) {}

  get tokens(): string[] {
    return (this.tokenList ??= tokensOf(this.key));
  }

  /**
   * Its first token (the key itself when it has none): what surfaces are looked up by. A filed
   * record's tokens go to the first-token table anyway.
   */
  get firstToken(): string {
    return this.tokens[0] ?? this.key;
  }

  /** Whether annotations with a declared type carry it. */
  get annotated(): boolean {
    return this.types.size > 0;
  }

  /** Notes that its tallies or its catalog entry changed. */
  changed(): void {
    this.knownNow = undefined;
  }

  known(): KnownSurface | undefined {
    if (this.knownNow === undefined) this.knownNow = this.workOutKnown() ?? null;
    return this.knownNow ?? undefined;
  }

  private workOutKnown(): KnownSurface | undefined {
    const { types, ids, catalog } = this;
    if (types.size === 0 && catalog === undefined) return undefined;
    const surface: KnownSurface = { key: this.key, tokens: this.tokens, count: 0 };
    let best = 0;
    for (let i = 0; i < types.size; i++) {
      const count = types.count(i);
      surface.count += count;
      if (count > best) {
        best = count;
        surface.type = types.name(i);
      }
    }
    // Suggest a link only when every annotation of the surface agrees on it.
    if (ids.size === 1 && ids.name(0) && ids.count(0) === surface.count) surface.id = ids.name(0);
    if (catalog !== undefined && (surface.type === undefined || surface.type === catalog.type)) {
      surface.id = catalog.id;
      if (surface.type === undefined && catalog.type !== undefined) surface.type = catalog.type;
    }
    return surface;
  }
}

/**
 * Which documents mention each name (a surface key, an entity id or a type), and how often. The
 * mentions themselves stay in their document's one list and are picked from it when asked for:
 * a list per name per document would be half a million arrays for a corpus of 10,000 documents,
 * all of them marked by every full garbage collection. A long document's mentions are listed by
 * name once, when first asked for: diagnostics ask for the names of its spans one by one.
 *
 * The entries of ids and types are the group's own (a document names a few of them), made and
 * dropped as they are counted (`countByName`); those of surface keys are the index's key
 * records, counted directly (`count`) and dropped by the index.
 */
class MentionGroups<Entry extends NameEntry> {
  /** Lists by name of long documents' spans, kept while what their spans name is unchanged. */
  private readonly listed = new WeakMap<readonly MentionName[], Map<string, number[]>>();
  constructor(
    private readonly field: 'key' | 'id' | 'type',
    private readonly mentionsIn: (docId: string) => DocumentMentions,
    readonly entries: Map<string, Entry>,
  ) {}
  /** Counts a document's mentions of one name in (a positive count) or out (negative), all at once. */
  count(entry: Entry, docId: string, count: number): void {
    const docs = entry.docs;
    const before = docs === undefined ? undefined : docs instanceof Map ? docs.get(docId) : docs.docId === docId ? docs.count : undefined;
    const next = (before ?? 0) + count;
    // A document came or went: the sorted list of those that name it no longer holds.
    if (before === undefined || next <= 0) entry.sortedIds = undefined;
    if (docs instanceof Map) {
      if (next > 0) docs.set(docId, next);
      else {
        docs.delete(docId);
        if (docs.size === 0) entry.docs = undefined;
      }
    } else if (next <= 0) {
      if (docs?.docId === docId) entry.docs = undefined;
    } else if (docs === undefined) entry.docs = { docId, count: next };
    else if (docs.docId === docId) docs.count = next;
    // A second document names it: a map from here on.
    else entry.docs = new Map([[docs.docId, docs.count], [docId, next]]);
  }
  /** `count` for an entry of the group's own, by name: made when first counted in, dropped when counted out of its last document. */
  countByName(name: string, docId: string, count: number, make: () => Entry): void {
    let entry = this.entries.get(name);
    if (!entry) {
      if (count <= 0) return;
      this.entries.set(name, (entry = make()));
    }
    this.count(entry, docId, count);
    if (entry.docs === undefined) this.entries.delete(name);
  }
  /** The mentions of a name, document by document, each document's in order. */
  mentions(name: string): Mention[] {
    const out: Mention[] = [];
    for (const docId of idsOf(this.entries.get(name)?.docs)) this.pick(name, docId, out);
    return out;
  }
  /** The same by document, the documents in the order of their ids (as lists of places show them). */
  *byDocument(name: string): Generator<[string, Mention[]]> {
    const entry = this.entries.get(name);
    if (entry?.docs === undefined) return;
    const ids = (entry.sortedIds ??= [...idsOf(entry.docs)].sort());
    for (const docId of ids) yield [docId, this.pick(name, docId, [])];
  }
  /** Appends a document's mentions of a name to `out`, in order. */
  private pick(name: string, docId: string, out: Mention[]): Mention[] {
    const mentions = this.mentionsIn(docId);
    const names = mentions.names;
    if (names.length > SCANNED_MENTIONS) {
      for (const i of this.listsOf(names).get(name) ?? []) out.push(mentions.mention(docId, i));
      return out;
    }
    // One property read per kind of name, not a call per mention: this loop runs over every
    // mention of every document that names it (600,000 for a frequent entity).
    const field = this.field;
    for (let i = 0; i < names.length; i++) if (names[i]![field] === name) out.push(mentions.mention(docId, i));
    return out;
  }
  /** How many documents name a name. */
  documentCount(name: string): number {
    const docs = this.entries.get(name)?.docs;
    return docs === undefined ? 0 : docs instanceof Map ? docs.size : 1;
  }
  /** How many mentions name a name across the corpus. */
  total(name: string): number {
    const docs = this.entries.get(name)?.docs;
    if (docs === undefined || !(docs instanceof Map)) return docs?.count ?? 0;
    let n = 0;
    for (const count of docs.values()) n += count;
    return n;
  }
  /** The indices of a document's spans by the name they give, made once while what they name is unchanged. */
  private listsOf(names: readonly MentionName[]): Map<string, number[]> {
    let lists = this.listed.get(names);
    if (!lists) {
      lists = new Map();
      for (let i = 0; i < names.length; i++) {
        const name = names[i]![this.field];
        if (name === undefined) continue;
        const list = lists.get(name);
        if (list) list.push(i);
        else lists.set(name, [i]);
      }
      this.listed.set(names, lists);
    }
    return lists;
  }
}

/**
 * The documents that name a name, with how many times each does. Most names of a corpus are
 * named by one document (a long document has thousands of surfaces of its own): a map for each
 * would be made, and shrunk and dropped, whenever that document is counted in and out.
 */
type NamingDocuments = OneDocument | Map<string, number>;

interface OneDocument {
  docId: string;
  count: number;
}

/** Up to how many mentions a document's are scanned for a name rather than listed by name. */
const SCANNED_MENTIONS = 256;

interface DocumentEntry {
  /** The parse, when the index keeps it (see `update`). */
  parsed?: ParsedDocument;
  /** The text that was parsed. */
  source: string;
  /** Its line starts, made when first asked for. */
  lines?: LineIndex;
  mentions: DocumentMentions;
}

/** How many surface changes the index remembers at least (see `surfaceChangesSince`). */
const SURFACE_LOG = 256;

/** How many documents given with `retain: false` are kept parsed after being asked for. */
const REPARSED_CACHE = 8;

export class CorpusIndex {
  private config: CorpusConfig;
  private readonly docs = new Map<string, DocumentEntry>();
  /** A record per surface key that documents name or the catalog does (see `KeyRecord`). */
  private records = new Map<string, KeyRecord>();
  private byKey = this.groups('key', this.records);
  private byId = this.groups('id', new Map<string, NameEntry>());
  private byType = this.groups('type', new Map<string, NameEntry>());
  /**
   * The records whose annotations with a declared type, or whose documents, went since the last
   * sweep. They keep their place (in `records`, and under their first token in
   * `annotatedByFirst`) until `sweepDormant`, after the next document is counted in: a document
   * taken out and put back (a file deleted and restored, a branch switched, a full diagnosis)
   * would otherwise drop and remake a record for each of the thousands of surfaces it alone names.
   */
  private dormant: KeyRecord[] = [];
  /** The keys with two declared types or more: the surfaces the corpus types differently. */
  private conflicting = new Set<string>();
  /** The records with declared types (dormant ones too, until swept), by first token. */
  private annotatedByFirst = new Map<string, Set<KeyRecord>>();
  /** The records of catalog names and aliases, by first token. */
  private catalogByFirst = new Map<string, Set<KeyRecord>>();
  /**
   * See `firstTokens`. A first token that comes is added; one that goes stays (a token listed is
   * only a "maybe"), until so many have gone that the table is made again.
   */
  private firstTokenTable: FirstTokenTable | undefined;
  /** First tokens gone from `annotatedByFirst` since `firstTokenTable` was made. */
  private firstTokensGone = 0;
  /**
   * The first tokens of the table (see `FirstToken`), keeping the answers of `surfacesStartingWith`
   * (the missed-mention search asks for the same tokens often), dropped by first token when a
   * record is filed under it or swept from it.
   */
  private firstTokenRecords = new Map<string, FirstToken>();
  /** Bumped on every change, so callers can tell stale results. */
  version = 0;
  /**
   * Bumped when a surface becomes known or stops being known (annotated with a declared type, or
   * a catalog name): the missed-mention search depends on that set, not on counts or types.
   */
  surfaceSetVersion = 0;
  /** The first tokens of the surfaces that came or went, with the surface-set version they made (the last few hundred). */
  private surfaceLog: { version: number; firstToken: string }[] = [];
  /** The log holds every change after this version. */
  private surfaceLogFrom = 0;
  /** One string per distinct surface text and key (see `intern`). */
  private strings = new Map<string, string>();
  /** A surface text's interned copy and interned key, by the text (see `surfaceNames`). */
  private surfaces = new Map<string, Surface>();
  /** Documents parsed again on request (see `parsed`), most recent last. */
  private reparsed = new Map<string, ParsedDocument>();

  constructor(config: CorpusConfig) {
    this.config = config;
    this.startAfresh();
  }

  private groups<Entry extends NameEntry>(field: 'key' | 'id' | 'type', entries: Map<string, Entry>): MentionGroups<Entry> {
    return new MentionGroups(field, (docId) => this.docs.get(docId)?.mentions ?? NO_MENTIONS, entries);
  }

  getConfig(): CorpusConfig {
    return this.config;
  }

  /** Replaces the configuration; every document's mentions are re-typed. */
  setConfig(config: CorpusConfig): void {
    this.config = config;
    // Which mentions count depends on the declared types, so rebuild rather than adjust.
    this.startAfresh();
    for (const [docId, entry] of [...this.docs]) {
      entry.mentions = NO_MENTIONS;
      this.update(docId, entry.parsed ?? parse(entry.source), entry.parsed !== undefined);
    }
    this.version++;
  }

  /** Empties what the index counted and files the catalog: no document is counted in yet. */
  private startAfresh(): void {
    // The names of spans point to their key's record: they look their key up again.
    for (const record of this.records.values()) record.swept = true;
    this.records = new Map();
    this.byKey = this.groups('key', this.records);
    this.byId = this.groups('id', new Map());
    this.byType = this.groups('type', new Map());
    this.dormant = [];
    this.conflicting = new Set();
    this.annotatedByFirst = new Map();
    this.catalogByFirst = new Map();
    this.surfaceSetChanged();
    for (const entity of this.config.entities.values()) {
      for (const name of [entity.name, ...entity.aliases]) {
        if (!name) continue;
        const key = matchingKey(name).trim();
        if (key.length === 0) continue;
        const record = this.recordOf(key);
        if (record.catalog !== undefined) continue;
        record.catalog = { id: entity.id, type: entity.type };
        addToSetMap(this.catalogByFirst, record.firstToken, record);
      }
    }
  }

  /**
   * Adds or replaces a document. With `retain: false` the index keeps the document's source and
   * mentions but not its parse, which `parsed` makes again when asked: a corpus's documents on
   * disk then cost the index a fraction of the memory (a parse holds three or more objects a span),
   * while mentions, counts and references need no parse at all.
   */
  update(docId: string, parsed: ParsedDocument, retain = true): void {
    this.reparsed.delete(docId);
    const old = this.docs.get(docId)?.mentions.names ?? NO_MENTIONS.names;
    const spans = parsed.spans;
    // The mentions that stay: as many from the start and from the end as name the same surface,
    // type and id as the new parse's spans there. Text typed outside every surface and label
    // keeps them all; a keystroke in a surface, or a new span, changes one or two; the corpus-wide
    // groups and tallies are then adjusted by those alone, not by the document's 20,000.
    const most = Math.min(old.length, spans.length);
    let head = 0;
    while (head < most && this.sameNames(old[head]!, spans[head]!)) head++;
    let tail = 0;
    while (tail < most - head && this.sameNames(old[old.length - 1 - tail]!, spans[spans.length - 1 - tail]!)) tail++;
    // The same list when the names are the same: lists by name made from it stay right.
    let names = old;
    if (head + tail < old.length || old.length !== spans.length) {
      const added: CountedName[] = [];
      for (let i = head; i < spans.length - tail; i++) added.push(this.nameOf(spans[i]!));
      // In before out: a surface renamed back and forth is never counted out of the corpus meanwhile.
      this.count(docId, added, 0, added.length, 1);
      this.count(docId, old, head, old.length - tail, -1);
      names = old.slice(0, head).concat(added, old.slice(old.length - tail));
    }
    const spanStarts = new Int32Array(spans.length);
    const contentEnds = new Int32Array(spans.length);
    const spanEnds = new Int32Array(spans.length);
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      spanStarts[i] = span.openBracket;
      contentEnds[i] = span.closeBracket;
      spanEnds[i] = span.afterLabel;
    }
    this.docs.set(docId, documentEntry(parsed, new DocumentMentions(names, spanStarts, contentEnds, spanEnds), retain));
    this.version++;
  }

  /** Whether a span names what `name` stands for: the same surface, type and id. */
  private sameNames(name: MentionName, span: Span): boolean {
    return name.text === span.text && name.id === span.label.idName && name.type === effectiveType(span, this.config);
  }

  remove(docId: string): void {
    const entry = this.docs.get(docId);
    if (entry) this.count(docId, entry.mentions.names, 0, entry.mentions.length, -1);
    this.docs.delete(docId);
    this.reparsed.delete(docId);
    this.version++;
  }

  has(docId: string): boolean {
    return this.docs.has(docId);
  }

  documentIds(): IterableIterator<string> {
    return this.docs.keys();
  }

  get documentCount(): number {
    return this.docs.size;
  }

  /** The document's parse: the one given to `update`, or (given with `retain: false`) the same again. */
  parsed(docId: string): ParsedDocument | undefined {
    const entry = this.docs.get(docId);
    if (!entry) return undefined;
    if (entry.parsed) return entry.parsed;
    let parsed = this.reparsed.get(docId);
    if (parsed) this.reparsed.delete(docId);
    else parsed = parse(entry.source);
    this.reparsed.set(docId, parsed);
    if (this.reparsed.size > REPARSED_CACHE) this.reparsed.delete(this.reparsed.keys().next().value!);
    return parsed;
  }

  /** The text of a document as indexed. */
  source(docId: string): string | undefined {
    return this.docs.get(docId)?.source;
  }

  /** Line starts of a document's source, for offsets <-> line and column without a parse. */
  lineIndex(docId: string): LineIndex | undefined {
    const entry = this.docs.get(docId);
    if (!entry) return undefined;
    return (entry.lines ??= new LineIndex(entry.source));
  }

  /** Whether `update` was told to keep the document's parse. */
  retains(docId: string): boolean {
    return this.docs.get(docId)?.parsed !== undefined;
  }

  /** A document's mentions in order, made now (see `namesIn` for what they name alone). */
  mentionsIn(docId: string): Mention[] {
    const mentions = this.docs.get(docId)?.mentions;
    if (!mentions) return [];
    return Array.from({ length: mentions.length }, (_, i) => mentions.mention(docId, i));
  }

  /** What each span of a document names, by span index: shared objects, nothing made. */
  namesIn(docId: string): readonly MentionName[] {
    return this.docs.get(docId)?.mentions.names ?? NO_MENTIONS.names;
  }

  /**
   * The index's one copy of a surface text or key. A surface is a slice of its document's plain
   * text, and a slice keeps the whole text alive: the index keeps its own copy instead, one per
   * distinct string, shared by all its mentions.
   */
  private intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    const copy = text.split('').join('');
    // Surfaces typed and gone (every keystroke in a span is a new one) would pile up: start
    // afresh now and then; the copies in use stay valid, only less shared.
    if (this.strings.size >= Math.max(50000, 4 * this.records.size)) {
      this.strings = new Map();
      this.surfaces = new Map();
    }
    this.strings.set(copy, copy);
    return copy;
  }

  /**
   * A surface text's interned copy and key, found with one lookup: a document's 20,000 spans
   * name a few hundred surfaces, each keyed once, not once per span.
   */
  private surfaceNames(text: string): Surface {
    let names = this.surfaces.get(text);
    if (names === undefined) {
      const copy = this.intern(text);
      names = { text: copy, key: this.intern(matchingKey(copy).trim()), named: [] };
      this.surfaces.set(copy, names);
    }
    return names;
  }

  mentionsOfKey(key: string): Iterable<Mention> {
    return this.byKey.mentions(key);
  }
  mentionsOfEntity(id: string): Iterable<Mention> {
    return this.byId.mentions(id);
  }
  mentionsOfType(type: string): Iterable<Mention> {
    return this.byType.mentions(type);
  }
  /**
   * The mentions of a type, an entity or a surface key by document, the documents in the order of
   * their ids: what lists of places show, with no list of all the mentions to regroup.
   */
  mentionsByDocument(of: { type: string } | { id: string } | { key: string }): Iterable<[string, Mention[]]> {
    return 'type' in of ? this.byType.byDocument(of.type) : 'id' in of ? this.byId.byDocument(of.id) : this.byKey.byDocument(of.key);
  }
  /** How many documents mention a type, an entity or a surface key. */
  documentCountOf(of: { type: string } | { id: string } | { key: string }): number {
    return 'type' in of ? this.byType.documentCount(of.type) : 'id' in of ? this.byId.documentCount(of.id) : this.byKey.documentCount(of.key);
  }
  countOfEntity(id: string): number {
    return this.byId.total(id);
  }
  countOfType(type: string): number {
    return this.byType.total(type);
  }
  countOfKey(key: string): number {
    return this.byKey.total(key);
  }
  /**
   * Every surface key annotated in the corpus, in the order the index first met them: the
   * catalog's names and aliases first, then as documents named them.
   */
  *keys(): IterableIterator<string> {
    for (const record of this.records.values()) if (record.docs !== undefined) yield record.key;
  }

  /**
   * The surface keys that carry two declared types or more across the corpus: most corpora have
   * a few, and a document's thousands of mentions need not each ask for their key's types.
   */
  conflictingKeys(): ReadonlySet<string> {
    return this.conflicting;
  }

  /** Declared types the surface with this key carries across the corpus, with counts. */
  typeCounts(key: string): ReadonlyMap<string, number> {
    return this.records.get(key)?.types.toMap() ?? new Map();
  }

  /** What the corpus knows of a surface key, or undefined when it is neither annotated nor a catalog name. */
  knownSurface(key: string): KnownSurface | undefined {
    return this.records.get(key)?.known();
  }

  /**
   * The known surfaces whose first token is `token`, longest (in tokens) first, or undefined
   * when there is none. The missed-mention search wants the longest that matches, so it can stop
   * at the first.
   */
  surfacesStartingWith(token: string): readonly KnownSurface[] | undefined {
    const first = this.firstTokenRecords.get(token);
    const surfaces = first ? this.surfacesOf(first) : this.workOutSurfaces(token, undefined);
    const known: KnownSurface[] = [];
    for (const candidate of surfaces?.all ?? []) {
      const surface = candidate.known();
      if (surface) known.push(surface);
    }
    return known.length > 0 ? known : undefined;
  }

  /**
   * The surfaces of a first token of the table (`firstTokens`), as `surfacesStartingWith`, but
   * those that are not known now too: each candidate says whether it is (`known`).
   */
  surfacesOf(first: FirstToken): SurfacesStarting | null {
    return first.surfaces !== undefined ? first.surfaces : this.workOutSurfaces(first.token, first);
  }

  private workOutSurfaces(token: string, first: FirstToken | undefined): SurfacesStarting | null {
    const annotated = this.annotatedByFirst.get(token);
    const catalog = this.catalogByFirst.get(token);
    // No record made: with no table of first tokens, a search asks this of every word it meets.
    if (!annotated && !catalog) return first ? (first.surfaces = null) : null;
    // A catalog name that is annotated too is listed once.
    const candidates: KeyRecord[] = annotated ? [...annotated] : [];
    catalog?.forEach((record) => record.filed || candidates.push(record));
    // Stable: surfaces of one length keep their order, the order the search has always tried them in.
    if (candidates.length > 1) candidates.sort((a, b) => b.tokens.length - a.tokens.length);
    return ((first ?? this.firstTokenRecord(token)).surfaces = new SurfacesStarting(candidates));
  }

  /** The one record of a first token (the table's and `surfacesStartingWith`'s). */
  private firstTokenRecord(token: string): FirstToken {
    let first = this.firstTokenRecords.get(token);
    if (!first) this.firstTokenRecords.set(token, (first = new FirstToken(token)));
    return first;
  }

  /** Drops the list of the surfaces starting with `token`: one came or went. */
  private surfacesChanged(token: string): void {
    const first = this.firstTokenRecords.get(token);
    if (first) first.surfaces = undefined;
  }

  /**
   * The first tokens of all known surfaces, and perhaps of a few gone since, by signature: what
   * the missed-mention search looks a word up in before `surfacesOf`.
   */
  firstTokens(): FirstTokenTable {
    if (!this.firstTokenTable) {
      // The records of the first tokens gone go with the table that listed them.
      const table = new FirstTokenTable(this.config.clitics.proclitics);
      const firsts = new Map<string, FirstToken>();
      for (const byFirst of [this.annotatedByFirst, this.catalogByFirst]) {
        byFirst.forEach((records, token) => {
          let first = firsts.get(token);
          if (!first) firsts.set(token, (first = this.firstTokenRecord(token)));
          for (const record of records) table.add(first, record.tokens);
        });
      }
      this.firstTokenRecords = firsts;
      this.firstTokenTable = table;
      this.firstTokensGone = 0;
    }
    return this.firstTokenTable;
  }

  /** Notes that a surface came or went: one with this first token, or (none given) any. */
  private surfaceSetChanged(firstToken?: string): void {
    this.surfaceSetVersion++;
    if (firstToken === undefined) {
      this.firstTokenTable = undefined;
      this.firstTokenRecords = new Map();
      this.surfaceLog = [];
      this.surfaceLogFrom = this.surfaceSetVersion;
      return;
    }
    this.surfaceLog.push({ version: this.surfaceSetVersion, firstToken });
    // Trimmed in halves, not one entry per change: a document of 5,000 surfaces of its own
    // counted out and in again is 10,000 changes.
    if (this.surfaceLog.length > 2 * SURFACE_LOG) {
      const dropped = this.surfaceLog.splice(0, this.surfaceLog.length - SURFACE_LOG);
      this.surfaceLogFrom = dropped[dropped.length - 1]!.version;
    }
  }

  /**
   * The first tokens of the surfaces that came or went since surface-set version `version`, or
   * undefined when that is too long ago to tell (or anything may have changed).
   */
  surfaceChangesSince(version: number): string[] | undefined {
    if (version < this.surfaceLogFrom) return undefined;
    return this.surfaceLog.filter((change) => change.version > version).map((change) => change.firstToken);
  }

  /** The record of a key, made if there is none. */
  private recordOf(key: string): KeyRecord {
    let record = this.records.get(key);
    if (!record) this.records.set(key, (record = new KeyRecord(key)));
    return record;
  }

  /** The one object for what a span names (see `MentionName`). */
  private nameOf(span: Span): CountedName {
    const surface = this.surfaceNames(span.text);
    const type = effectiveType(span, this.config);
    const id = span.label.idName;
    for (const name of surface.named) if (name.type === type && name.id === id) return name;
    // The type and id are the index's own copies too: the parse's may be slices of its source.
    const name: CountedName = {
      text: surface.text,
      key: surface.key,
      type: type === undefined ? undefined : this.intern(type),
      id: id === undefined ? undefined : this.intern(id),
      tally: 0,
      record: this.recordOf(surface.key),
    };
    surface.named.push(name);
    return name;
  }

  /**
   * Counts a document's mentions into (`sign` 1) or out of (-1) the corpus-wide groups and
   * tallies. They are counted by name within the document first, so that what is corpus-wide is
   * touched once per distinct key, id and type rather than once per mention (a 1 MB document
   * has 20,000 spans and a few thousand distinct names). Every map sees its entries in the order
   * the mentions first name them, as one mention at a time would give.
   */
  private count(docId: string, names: readonly CountedName[], from: number, to: number, sign: 1 | -1): void {
    if (from >= to) return;
    // The spans are counted on their names, shared objects, in one pass with no map: a long
    // document's spans name a few thousand things, and what follows sees those alone.
    const distinct: CountedName[] = [];
    for (let i = from; i < to; i++) {
      const name = names[i]!;
      if (name.tally++ === 0) distinct.push(name);
    }
    // The names by key, on the keys' records: what the group by key counts, and what the
    // declared types say.
    const keys: KeyRecord[] = [];
    const byId = new Map<string, number>();
    const byType = new Map<string, number>();
    for (const name of distinct) {
      const { key, type, id, tally: count } = name;
      name.tally = 0;
      let record = name.record;
      if (record.swept) name.record = record = this.recordOf(key);
      if (record.pending === 0) keys.push(record);
      record.pending += count;
      if (id !== undefined) tally(byId, id, count);
      if (type !== undefined) tally(byType, type, count);
      if (type !== undefined && this.config.types.has(type) && key.length > 0) {
        if (record.pendingTypes === undefined) {
          record.pendingTypes = [type, count];
          record.pendingIds = [id ?? '', count];
        } else {
          addCount(record.pendingTypes, type, count);
          addCount(record.pendingIds!, id ?? '', count);
        }
      }
    }
    for (const record of keys) {
      this.byKey.count(record, docId, sign * record.pending);
      if (record.pendingTypes !== undefined) this.countTypes(record, record.pendingTypes, record.pendingIds!, sign);
      record.pending = 0;
      record.pendingTypes = record.pendingIds = undefined;
      if (record.docs === undefined) this.mayBeDormant(record);
    }
    // forEach, not for-of: no [name, count] pair made per entry.
    byId.forEach((count, name) => this.byId.countByName(name, docId, sign * count, newNameEntry));
    byType.forEach((count, name) => this.byType.countByName(name, docId, sign * count, newNameEntry));
    if (sign > 0) this.sweepDormant();
  }

  /** Counts what a document's annotations of one key with a declared type say, in or out (see `count`). */
  private countTypes(record: KeyRecord, typeCounts: Counts, idCounts: Counts, sign: 1 | -1): void {
    record.changed();
    if (!record.filed) {
      if (sign < 0) return;
      record.filed = true;
      addToSetMap(this.annotatedByFirst, record.firstToken, record);
      this.firstTokenTable?.add(this.firstTokenRecord(record.firstToken), record.tokens);
      this.surfacesChanged(record.firstToken);
    }
    const { types, ids } = record;
    const wasAnnotated = types.size > 0;
    const wasConflicting = types.size >= 2;
    for (let i = 0; i < typeCounts.length; i += 2) types.add(typeCounts[i] as string, sign * (typeCounts[i + 1] as number));
    for (let i = 0; i < idCounts.length; i += 2) ids.add(idCounts[i] as string, sign * (idCounts[i + 1] as number));
    const conflicting = types.size >= 2;
    if (conflicting !== wasConflicting) {
      if (conflicting) this.conflicting.add(record.key);
      else this.conflicting.delete(record.key);
    }
    const annotated = types.size > 0;
    if (annotated === wasAnnotated) return;
    if (!annotated) this.mayBeDormant(record);
    this.surfaceSetChanged(record.firstToken);
  }

  /** Lists a record that lost its declared types or its documents, for `sweepDormant`. */
  private mayBeDormant(record: KeyRecord): void {
    if (record.dormant) return;
    record.dormant = true;
    this.dormant.push(record);
  }

  /**
   * Unfiles the records that no annotation with a declared type carries any more, and drops
   * those no document names (but a catalog name's). A first token's table entry stays until the
   * tokens gone are a good share of the table.
   */
  private sweepDormant(): void {
    if (this.dormant.length === 0) return;
    for (const record of this.dormant) {
      record.dormant = false;
      if (record.filed && !record.annotated) {
        record.filed = false;
        const { firstToken } = record;
        removeFromSetMap(this.annotatedByFirst, firstToken, record);
        this.surfacesChanged(firstToken);
        if (!this.annotatedByFirst.has(firstToken)) this.firstTokensGone++;
      }
      if (record.docs === undefined && record.catalog === undefined) {
        this.records.delete(record.key);
        record.swept = true;
      }
    }
    this.dormant = [];
    if (this.firstTokensGone > 1024 && this.firstTokensGone > this.annotatedByFirst.size) this.firstTokenTable = undefined;
  }
}

/** The ids of the documents that name a name, in the order they first did. */
function idsOf(docs: NamingDocuments | undefined): Iterable<string> {
  return docs === undefined ? [] : docs instanceof Map ? docs.keys() : [docs.docId];
}

function newNameEntry(): NameEntry {
  return { docs: undefined, sortedIds: undefined };
}

/**
 * What the index keeps of a document: its parse, or for one given without it (a document on
 * disk) its line starts, made now while its text is at hand, so the first references across the
 * corpus need not make 10,000 of them.
 */
function documentEntry(parsed: ParsedDocument, mentions: DocumentMentions, retain: boolean): DocumentEntry {
  return retain ? { parsed, source: parsed.source, mentions } : { source: parsed.source, lines: new LineIndex(parsed.source), mentions };
}

function tally(map: Map<string, number>, name: string, by: number): void {
  map.set(name, (map.get(name) ?? 0) + by);
}

function addToSetMap<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFromSetMap<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

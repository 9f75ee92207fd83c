/**
 * The corpus index: what the whole corpus says about each surface, type and entity.
 *
 * It is updated one document at a time (remove the document's old mentions, add its new ones),
 * so an edit costs the size of the edited document, never a rescan of the corpus. Counts are
 * kept incrementally for the questions the diagnostics ask on every span.
 */

import { matchingKey } from './arabic';
import type { CorpusConfig } from './config';
import type { OffsetRange, ParsedDocument, Span } from './model';

/** One annotated span, as the corpus sees it. */
export interface Mention {
  docId: string;
  /** Index of the span in its document's `spans`. */
  spanIndex: number;
  /** Source range of the whole span. */
  range: OffsetRange;
  /** The surface as written. */
  text: string;
  /** The surface's matching key. */
  key: string;
  /** The label's type, else the catalog entry's type. */
  type?: string;
  id?: string;
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

/** Counts per name, with removal. */
class Tally {
  readonly counts = new Map<string, number>();
  add(name: string, by: number): void {
    const next = (this.counts.get(name) ?? 0) + by;
    if (next > 0) this.counts.set(name, next);
    else this.counts.delete(name);
  }
  get size(): number {
    return this.counts.size;
  }
}

/** Mentions grouped by document, so a document's share can be dropped in one step. */
class MentionGroups {
  readonly byName = new Map<string, Map<string, Mention[]>>();
  add(name: string, mention: Mention): void {
    let docs = this.byName.get(name);
    if (!docs) this.byName.set(name, (docs = new Map()));
    let list = docs.get(mention.docId);
    if (!list) docs.set(mention.docId, (list = []));
    list.push(mention);
  }
  removeDoc(name: string, docId: string): void {
    const docs = this.byName.get(name);
    if (!docs) return;
    docs.delete(docId);
    if (docs.size === 0) this.byName.delete(name);
  }
  *mentions(name: string): Iterable<Mention> {
    for (const list of this.byName.get(name)?.values() ?? []) yield* list;
  }
  count(name: string): number {
    let n = 0;
    for (const list of this.byName.get(name)?.values() ?? []) n += list.length;
    return n;
  }
}

interface DocumentEntry {
  parsed: ParsedDocument;
  mentions: Mention[];
}

export class CorpusIndex {
  private config: CorpusConfig;
  private readonly docs = new Map<string, DocumentEntry>();
  private byKey = new MentionGroups();
  private byId = new MentionGroups();
  private byType = new MentionGroups();
  /** Declared types per surface key. */
  private keyTypes = new Map<string, Tally>();
  /** Linked ids per surface key ('' for annotations without one). */
  private keyIds = new Map<string, Tally>();
  /** Annotated surfaces with a declared type, by first token. */
  private annotatedByFirst = new Map<string, Set<string>>();
  /** Catalog names and aliases: key -> entity id, and by first token. */
  private catalogKeys = new Map<string, string>();
  private catalogByFirst = new Map<string, Set<string>>();
  /** Bumped on every change, so callers can tell stale results. */
  version = 0;
  /** knownSurface answers for the current version (diagnostics ask for the same keys often). */
  private surfaceCache = new Map<string, KnownSurface | undefined>();
  private surfaceCacheVersion = -1;

  constructor(config: CorpusConfig) {
    this.config = config;
    this.indexCatalog();
  }

  getConfig(): CorpusConfig {
    return this.config;
  }

  /** Replaces the configuration; every document's mentions are re-typed. */
  setConfig(config: CorpusConfig): void {
    this.config = config;
    this.indexCatalog();
    // Which mentions count depends on the declared types, so rebuild rather than adjust.
    this.byKey = new MentionGroups();
    this.byId = new MentionGroups();
    this.byType = new MentionGroups();
    this.keyTypes = new Map();
    this.keyIds = new Map();
    this.annotatedByFirst = new Map();
    for (const [docId, entry] of [...this.docs]) this.addMentions(docId, entry.parsed);
    this.version++;
  }

  /** Adds or replaces a document. */
  update(docId: string, parsed: ParsedDocument): void {
    this.removeMentions(docId);
    this.addMentions(docId, parsed);
    this.version++;
  }

  remove(docId: string): void {
    this.removeMentions(docId);
    this.docs.delete(docId);
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

  parsed(docId: string): ParsedDocument | undefined {
    return this.docs.get(docId)?.parsed;
  }

  mentionsIn(docId: string): readonly Mention[] {
    return this.docs.get(docId)?.mentions ?? [];
  }

  /** The effective type of a span: its label's type, else its catalog entry's. */
  typeOf(span: Span): string | undefined {
    return span.label.type?.name ?? (span.label.id ? this.config.entities.get(span.label.id.name)?.type : undefined);
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
  countOfEntity(id: string): number {
    return this.byId.count(id);
  }
  countOfType(type: string): number {
    return this.byType.count(type);
  }
  countOfKey(key: string): number {
    return this.byKey.count(key);
  }
  /** Every surface key annotated in the corpus. */
  keys(): IterableIterator<string> {
    return this.byKey.byName.keys();
  }

  /** Declared types the surface with this key carries across the corpus, with counts. */
  typeCounts(key: string): ReadonlyMap<string, number> {
    return this.keyTypes.get(key)?.counts ?? new Map();
  }

  /** What the corpus knows of a surface key, or undefined when it is neither annotated nor a catalog name. */
  knownSurface(key: string): KnownSurface | undefined {
    if (this.surfaceCacheVersion !== this.version) {
      this.surfaceCache = new Map();
      this.surfaceCacheVersion = this.version;
    }
    if (this.surfaceCache.has(key)) return this.surfaceCache.get(key);
    const surface = this.computeKnownSurface(key);
    this.surfaceCache.set(key, surface);
    return surface;
  }

  private computeKnownSurface(key: string): KnownSurface | undefined {
    const types = this.keyTypes.get(key);
    const catalogId = this.catalogKeys.get(key);
    if (!types && catalogId === undefined) return undefined;
    const surface: KnownSurface = { key, tokens: tokensOf(key), count: 0 };
    if (types) {
      let best = 0;
      for (const [type, count] of types.counts) {
        surface.count += count;
        if (count > best) {
          best = count;
          surface.type = type;
        }
      }
      const ids = this.keyIds.get(key);
      // Suggest a link only when every annotation of the surface agrees on it.
      if (ids && ids.size === 1) {
        const [[id, count]] = [...ids.counts];
        if (id && count === surface.count) surface.id = id;
      }
    }
    if (catalogId !== undefined) {
      const entity = this.config.entities.get(catalogId);
      if (surface.type === undefined || surface.type === entity?.type) {
        surface.id = catalogId;
        if (surface.type === undefined && entity?.type !== undefined) surface.type = entity.type;
      }
    }
    return surface;
  }

  /** Keys of known surfaces whose first token is `token` (a key may come twice). */
  *surfacesStartingWith(token: string): Iterable<string> {
    const a = this.annotatedByFirst.get(token);
    if (a) yield* a;
    const b = this.catalogByFirst.get(token);
    if (b) yield* b;
  }

  /** Whether some known surface starts with `token` (a cheap test before the full match). */
  startsSomeSurface(token: string): boolean {
    return this.annotatedByFirst.has(token) || this.catalogByFirst.has(token);
  }

  private indexCatalog(): void {
    this.catalogKeys = new Map();
    this.catalogByFirst = new Map();
    for (const entity of this.config.entities.values()) {
      for (const name of [entity.name, ...entity.aliases]) {
        if (!name) continue;
        const key = matchingKey(name).trim();
        if (key.length === 0 || this.catalogKeys.has(key)) continue;
        this.catalogKeys.set(key, entity.id);
        addToSetMap(this.catalogByFirst, tokensOf(key)[0] ?? key, key);
      }
    }
  }

  private addMentions(docId: string, parsed: ParsedDocument): void {
    const mentions: Mention[] = [];
    for (let spanIndex = 0; spanIndex < parsed.spans.length; spanIndex++) {
      const span = parsed.spans[spanIndex]!;
      const mention: Mention = { docId, spanIndex, range: span.range, text: span.text, key: matchingKey(span.text).trim() };
      const type = this.typeOf(span);
      if (type !== undefined) mention.type = type;
      if (span.label.id) mention.id = span.label.id.name;
      mentions.push(mention);
      this.byKey.add(mention.key, mention);
      if (mention.id !== undefined) this.byId.add(mention.id, mention);
      if (mention.type !== undefined) this.byType.add(mention.type, mention);
      if (mention.type !== undefined && this.config.types.has(mention.type) && mention.key.length > 0) {
        let tally = this.keyTypes.get(mention.key);
        if (!tally) {
          this.keyTypes.set(mention.key, (tally = new Tally()));
          addToSetMap(this.annotatedByFirst, tokensOf(mention.key)[0] ?? mention.key, mention.key);
        }
        tally.add(mention.type, 1);
        getOrCreate(this.keyIds, mention.key).add(mention.id ?? '', 1);
      }
    }
    this.docs.set(docId, { parsed, mentions });
  }

  private removeMentions(docId: string): void {
    const entry = this.docs.get(docId);
    if (!entry) return;
    for (const mention of entry.mentions) {
      this.byKey.removeDoc(mention.key, docId);
      if (mention.id !== undefined) this.byId.removeDoc(mention.id, docId);
      if (mention.type !== undefined) this.byType.removeDoc(mention.type, docId);
      const tally = this.keyTypes.get(mention.key);
      if (tally && mention.type !== undefined && this.config.types.has(mention.type)) {
        tally.add(mention.type, -1);
        this.keyIds.get(mention.key)?.add(mention.id ?? '', -1);
        if (tally.size === 0) {
          this.keyTypes.delete(mention.key);
          this.keyIds.delete(mention.key);
          removeFromSetMap(this.annotatedByFirst, tokensOf(mention.key)[0] ?? mention.key, mention.key);
        }
      }
    }
    entry.mentions = [];
  }
}

function getOrCreate(map: Map<string, Tally>, key: string): Tally {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = new Tally()));
  return tally;
}

function addToSetMap(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFromSetMap(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** The custom requests of protocol.ts: spans for decorations, statistics, mentions, word at, link edit. */

import type { CancellationToken, Range, WorkspaceEdit } from 'vscode-languageserver';
import { matchingKey } from '../core/arabic';
import type { CorpusConfig } from '../core/config';
import type { Mention } from '../core/corpusIndex';
import { isProcliticRun, separableProclitics } from '../core/diagnostics';
import { setIdEdits } from '../core/edits';
import type { Span } from '../core/model';
import { isWordCharAt, isWordCharBefore } from '../core/text';
import { type LinkEditParams, type MentionLocation, type MentionsParams, SPAN_FIELDS, SPANS_FORMAT, type SpansResult, type StatisticsResult, type TypeInfo, type TypeStatistics, type WordAtParams } from '../protocol';
import { workspaceEdit } from './codeActions';
import { spanAt, spanColumns, toRange } from './convert';
import { mentionLocations, syncCorpus } from './navigation';
import type { PositionMapper, Workspace } from './workspace';

export function typeInfos(config: CorpusConfig | undefined): TypeInfo[] {
  if (!config) return [];
  return [...config.types.values()].map((t) => {
    const info: TypeInfo = { key: t.key, index: t.index };
    if (t.name !== undefined) info.name = t.name;
    if (t.description !== undefined) info.description = t.description;
    if (t.color !== undefined) info.color = t.color;
    return info;
  });
}

export function spans(workspace: Workspace, uri: string): SpansResult | null {
  const document = workspace.openDocument(uri);
  const parsed = workspace.parsed(uri);
  const mapper = workspace.positions(uri);
  if (!document || !parsed || !mapper) return null;
  const state = workspace.corpusOfDocument(uri);
  const entities = state?.config.entities;
  return {
    version: document.version,
    inCorpus: state !== undefined,
    types: typeInfos(state?.config),
    ...encodeSpans(parsed.spans, mapper, (id) => entities?.get(id)?.type),
  };
}

/**
 * The spans in format 1 of SpansResult (protocol.ts): 7 numbers a span, positions relative to
 * the previous span as semantic tokens have them. `entityType` gives the type of a span linked
 * by id only, from the catalog.
 */
export function encodeSpans(spans: readonly Span[], mapper: PositionMapper, entityType: (id: string) => string | undefined): Pick<SpansResult, 'format' | 'data' | 'strings'> {
  const data = new Array<number>(spans.length * SPAN_FIELDS);
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const intern = (name: string | undefined): number => {
    if (name === undefined) return -1;
    let index = indexes.get(name);
    if (index === undefined) {
      index = strings.push(name) - 1;
      indexes.set(name, index);
    }
    return index;
  };
  let line = 0;
  let character = 0;
  let k = 0;
  for (const s of spans) {
    const at = spanColumns(mapper, s);
    const id = s.label.idName;
    data[k++] = at.line - line;
    data[k++] = at.line === line ? at.open - character : at.open;
    data[k++] = at.close - at.open;
    data[k++] = at.end - at.open;
    data[k++] = s.depth;
    data[k++] = intern(s.label.typeName ?? (id !== undefined ? entityType(id) : undefined));
    data[k++] = intern(id);
    line = at.line;
    character = at.open;
  }
  return { format: SPANS_FORMAT, data, strings };
}

export function statistics(workspace: Workspace, uri: string | undefined): StatisticsResult | null {
  const state = uri !== undefined ? (workspace.corpusAt(uri) ?? workspace.corpusOfConfigFile(uri)?.state) : workspace.corpora.values().next().value;
  if (!state) return null;
  syncCorpus(workspace, state);
  const config = state.config;
  const byType = new Map<string, TypeStatistics>();
  for (const t of config.types.values()) {
    const entry: TypeStatistics = { type: t.key, count: 0, entities: [], surfaces: [] };
    if (t.name !== undefined) entry.name = t.name;
    if (t.color !== undefined) entry.color = t.color;
    byType.set(t.key, entry);
  }
  const entityCounts = new Map<string, number>();
  const surfaces = new Map<string, Map<string, { text: string; count: number }>>();
  let total = 0;
  for (const docId of state.index.documentIds()) {
    for (const m of state.index.namesIn(docId)) {
      total++;
      const type = m.type ?? '(no type)';
      let entry = byType.get(type);
      if (!entry) byType.set(type, (entry = { type, count: 0, entities: [], surfaces: [] }));
      entry.count++;
      if (m.id !== undefined) entityCounts.set(m.id, (entityCounts.get(m.id) ?? 0) + 1);
      else {
        let list = surfaces.get(type);
        if (!list) surfaces.set(type, (list = new Map()));
        const s = list.get(m.key);
        if (s) s.count++;
        else list.set(m.key, { text: m.text, count: 1 });
      }
    }
  }
  for (const [id, count] of entityCounts) {
    const entity = config.entities.get(id);
    const type = entity?.type ?? '(no type)';
    let entry = byType.get(type);
    if (!entry) byType.set(type, (entry = { type, count: 0, entities: [], surfaces: [] }));
    entry.entities.push({ id, ...(entity?.name !== undefined ? { name: entity.name } : {}), count });
  }
  for (const [type, list] of surfaces) {
    byType.get(type)!.surfaces = [...list].map(([key, s]) => ({ text: s.text, key, count: s.count })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
  }
  for (const entry of byType.values()) entry.entities.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));

  const result: StatisticsResult = { corpusUri: state.uri, documents: state.index.documentCount, spans: total, types: [...byType.values()] };
  if (config.name !== undefined) result.name = config.name;
  if (uri !== undefined && state.index.has(uri)) {
    const counts: Record<string, number> = {};
    const mentions = state.index.namesIn(uri);
    for (const m of mentions) counts[m.type ?? '(no type)'] = (counts[m.type ?? '(no type)'] ?? 0) + 1;
    result.document = { uri, spans: mentions.length, byType: counts };
  }
  return result;
}

export function mentions(workspace: Workspace, params: MentionsParams, token?: CancellationToken): MentionLocation[] {
  const state = workspace.corpusAt(params.uri) ?? workspace.corpusOfConfigFile(params.uri)?.state;
  if (!state) return [];
  syncCorpus(workspace, state);
  let found: Iterable<[string, Mention[]]>;
  if (params.id !== undefined) found = state.index.mentionsByDocument({ id: params.id });
  else if (params.key !== undefined) {
    const type = params.type;
    const unlinked = (m: Mention): boolean => m.id === undefined && (type === undefined || m.type === type);
    found = [...state.index.mentionsByDocument({ key: params.key })].map(([docId, mentions]): [string, Mention[]] => [docId, mentions.filter(unlinked)]);
  } else if (params.type !== undefined) found = state.index.mentionsByDocument({ type: params.type });
  else return [];
  return mentionLocations(workspace, state, found, token, true);
}

/**
 * The word under the cursor for "Annotate as Type N" with no selection: letters, marks and
 * digits around the position, minus leading proclitics when the corpus keeps them outside
 * spans. A proclitic run is cut only when what follows is plainly a word of its own (it starts
 * with the article, or the corpus knows it as a surface or catalog name), so the first letter
 * of وزارة or فرنسا stays.
 */
export function wordAt(workspace: Workspace, params: WordAtParams): Range | null {
  const parsed = workspace.parsed(params.uri);
  const mapper = workspace.positions(params.uri);
  if (!parsed || !mapper) return null;
  const offset = mapper.offsetAt(params.position);
  if (parsed.frontMatter && offset < parsed.frontMatter.range.end) return null;
  const found = spanAt(parsed, offset);
  // In a label (`]{...}`) there is no running text to annotate.
  if (found && offset > found.span.closeBracket) return null;
  const source = parsed.source;
  let start = offset;
  let end = offset;
  while (isWordCharBefore(source, start)) start--;
  while (isWordCharAt(source, end)) end++;
  if (start === end) return null;
  const state = workspace.corpusOfDocument(params.uri);
  if (state && state.config.clitics.policy === 'outside') start += procliticLength(source.slice(start, end), state.config, (key) => state.index.knownSurface(key) !== undefined);
  return toRange(mapper, { start, end });
}

/** How many leading characters of `word` are proclitics to leave outside a span (0 if none). */
function procliticLength(word: string, config: CorpusConfig, isKnown: (key: string) => boolean): number {
  // The article stays in the span (ATB style): the clitic-inside diagnostic's rule.
  const separable = separableProclitics(config);
  const article = matchingKey('ال');
  // Longest cut first (وب + العراق before و + بالعراق); a cut never leaves fewer than two letters.
  // لل (ل + ال, alef dropped) is a run of two ل: cut when the rest is known (لل[قوات]).
  for (let cut = word.length - 2; cut >= 1; cut--) {
    // Diacritics belong to the letter before them: never cut in front of one.
    if (matchingKey(word[cut]!).length === 0) continue;
    const prefix = word.slice(0, cut);
    const rest = matchingKey(word.slice(cut));
    if (!isProcliticRun(prefix, separable)) continue;
    // The article alone is not enough: فالح is a name, not ف + الح.
    if ((rest.startsWith(article) && rest.length >= article.length + 2) || isKnown(rest)) return cut;
  }
  return 0;
}

/** The edit linking the span at a position to any catalog entity. */
export function linkEdit(workspace: Workspace, params: LinkEditParams): WorkspaceEdit | null {
  const parsed = workspace.parsed(params.uri);
  const mapper = workspace.positions(params.uri);
  const state = workspace.corpusOfDocument(params.uri);
  if (!parsed || !mapper || !state || !state.config.entities.has(params.id)) return null;
  const found = spanAt(parsed, mapper.offsetAt(params.position), true);
  if (!found) return null;
  return workspaceEdit(workspace, params.uri, state, setIdEdits(found.span, params.id));
}

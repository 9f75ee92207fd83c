/** The custom requests of protocol.ts: spans for decorations, statistics, mentions. */

import type { CancellationToken, Location } from 'vscode-languageserver';
import type { CorpusConfig } from '../core/config';
import type { Mention } from '../core/corpusIndex';
import type { MentionsParams, SpansResult, StatisticsResult, TypeInfo, TypeStatistics } from '../protocol';
import { toRange } from './convert';
import { mentionLocations, syncCorpus } from './navigation';
import type { Workspace } from './workspace';

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
  return {
    version: document.version,
    inCorpus: state !== undefined,
    types: typeInfos(state?.config),
    spans: parsed.spans.map((s) => {
      const type = s.label.type?.name ?? (s.label.id ? state?.config.entities.get(s.label.id.name)?.type : undefined);
      return {
        range: toRange(mapper, s.range),
        contentRange: toRange(mapper, s.contentRange),
        openRange: toRange(mapper, { start: s.range.start, end: s.range.start + 1 }),
        closeRange: toRange(mapper, { start: s.closeBracket, end: s.range.end }),
        ...(type !== undefined ? { type } : {}),
        ...(s.label.id ? { id: s.label.id.name } : {}),
        depth: s.depth,
      };
    }),
  };
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
    for (const m of state.index.mentionsIn(docId)) {
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
    const mentions = state.index.mentionsIn(uri);
    for (const m of mentions) counts[m.type ?? '(no type)'] = (counts[m.type ?? '(no type)'] ?? 0) + 1;
    result.document = { uri, spans: mentions.length, byType: counts };
  }
  return result;
}

export function mentions(workspace: Workspace, params: MentionsParams, token?: CancellationToken): Location[] {
  const state = workspace.corpusAt(params.uri) ?? workspace.corpusOfConfigFile(params.uri)?.state;
  if (!state) return [];
  syncCorpus(workspace, state);
  let found: Iterable<Mention>;
  if (params.id !== undefined) found = state.index.mentionsOfEntity(params.id);
  else if (params.key !== undefined) {
    const key = params.key;
    const type = params.type;
    found = [...state.index.mentionsOfKey(key)].filter((m) => m.id === undefined && (type === undefined || m.type === type));
  } else if (params.type !== undefined) found = state.index.mentionsOfType(params.type);
  else return [];
  return mentionLocations(workspace, state, found, token);
}

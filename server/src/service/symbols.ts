/** The outline of a document or corpus.yaml, and workspace symbol search on the Arabic key. */

import { type CancellationToken, type DocumentSymbol, SymbolKind, type WorkspaceSymbol } from 'vscode-languageserver';
import { matchingKey } from '../core/arabic';
import { type CorpusConfig, effectiveType } from '../core/config';
import type { ParsedDocument } from '../core/model';
import { spanColumns, toRange } from './convert';
import { mentionLocations } from './navigation';
import { type Workspace } from './workspace';

/** Distinct symbol kinds (so distinct icons) for types by their order in corpus.yaml. */
const KINDS: SymbolKind[] = [
  SymbolKind.Class,
  SymbolKind.Module,
  SymbolKind.Namespace,
  SymbolKind.Struct,
  SymbolKind.Constant,
  SymbolKind.Event,
  SymbolKind.Enum,
  SymbolKind.Interface,
  SymbolKind.Object,
  SymbolKind.Package,
  SymbolKind.Field,
  SymbolKind.Property,
];

function kindOfType(config: CorpusConfig | undefined, type: string | undefined): SymbolKind {
  const index = type !== undefined ? config?.types.get(type)?.index : undefined;
  return index !== undefined ? KINDS[index % KINDS.length]! : SymbolKind.Variable;
}

/** Outline depth kept as nesting; deeper spans are children of their ancestor at this depth. */
const MAX_OUTLINE_DEPTH = 64;

export function documentSymbols(workspace: Workspace, uri: string, token?: CancellationToken): DocumentSymbol[] {
  const config = workspace.corpusOfConfigFile(uri);
  if (config) return configSymbols(workspace, uri);

  const parsed = workspace.parsed(uri);
  const mapper = workspace.positions(uri);
  if (!parsed || !mapper) return [];
  const corpus = workspace.corpusOfDocument(uri)?.config;
  const known = lastOutline.get(parsed);
  if (known && known.config === corpus) return known.symbols;
  const symbols: DocumentSymbol[] = new Array(parsed.spans.length);
  // Where each span's symbol hangs its children: itself, or below MAX_OUTLINE_DEPTH the deepest
  // ancestor allowed. The tree is serialized recursively (JSON), so 100,000 nested spans
  // overflowed the stack; past the cap they are listed flat, none left out.
  const holder = new Int32Array(parsed.spans.length);
  // Preorder with parent indices: build without recursion, so any nesting depth is fine.
  for (let i = 0; i < parsed.spans.length; i++) {
    if (i % 4096 === 0 && token?.isCancellationRequested) return [];
    const span = parsed.spans[i]!;
    const id = span.label.idName;
    const type = effectiveType(span, corpus);
    const { line, open, close, end } = spanColumns(mapper, span);
    symbols[i] = {
      name: span.text.trim() || span.text || '(empty)',
      detail: type !== undefined ? (id !== undefined ? `${type} @${id}` : type) : id !== undefined ? `@${id}` : '',
      kind: kindOfType(corpus, type),
      range: { start: { line, character: open }, end: { line, character: end } },
      selectionRange: { start: { line, character: open + 1 }, end: { line, character: close } },
    };
    holder[i] = span.depth < MAX_OUTLINE_DEPTH || span.parent < 0 ? i : holder[span.parent]!;
    if (span.parent >= 0) (symbols[holder[span.parent]!]!.children ??= []).push(symbols[i]!);
  }
  const outline = parsed.roots.map((i) => symbols[i]!);
  lastOutline.set(parsed, { config: corpus, symbols: outline });
  return outline;
}

/**
 * The last outline of each parse, for its corpus's configuration (types give the symbol kinds,
 * the catalog the types of spans linked by id only): the breadcrumbs and the Outline view each
 * ask for it after an edit, 20,000 symbols for a 1 MB document. Weak, as parses are replaced.
 */
const lastOutline = new WeakMap<ParsedDocument, { config: CorpusConfig | undefined; symbols: DocumentSymbol[] }>();

function configSymbols(workspace: Workspace, uri: string): DocumentSymbol[] {
  const { state, file } = workspace.corpusOfConfigFile(uri)!;
  const mapper = workspace.configPositions(state, file);
  const config = state.config;
  const out: DocumentSymbol[] = [];
  if (file === 'corpus' && config.types.size > 0) {
    const types = [...config.types.values()];
    const first = types[0]!.keyRange;
    const last = types[types.length - 1]!.keyRange;
    out.push({
      name: 'types',
      kind: SymbolKind.Namespace,
      range: toRange(mapper, { start: first.start, end: last.end }),
      selectionRange: toRange(mapper, first),
      children: types.map((t) => ({
        name: t.key,
        detail: [t.name, `${state.index.countOfType(t.key)} mentions`].filter(Boolean).join(' · '),
        kind: kindOfType(config, t.key),
        range: toRange(mapper, t.keyRange),
        selectionRange: toRange(mapper, t.keyRange),
      })),
    });
  }
  const entities = [...config.entities.values()].filter((e) => e.file === file);
  if (entities.length > 0) {
    out.push({
      name: 'entities',
      kind: SymbolKind.Namespace,
      range: toRange(mapper, { start: entities[0]!.range.start, end: entities[entities.length - 1]!.range.end }),
      selectionRange: toRange(mapper, entities[0]!.keyRange),
      children: entities.map((e) => ({
        name: e.id,
        detail: [e.name, e.type, `${state.index.countOfEntity(e.id)} mentions`].filter(Boolean).join(' · '),
        kind: kindOfType(config, e.type),
        range: toRange(mapper, e.range),
        selectionRange: toRange(mapper, e.keyRange),
      })),
    });
  }
  return out;
}

/** Catalog entities and distinct annotated surfaces whose matching key contains the query's. */
export function workspaceSymbols(workspace: Workspace, query: string, token?: CancellationToken, limit = 500): WorkspaceSymbol[] {
  const key = matchingKey(query).trim().toLowerCase();
  const out: WorkspaceSymbol[] = [];
  for (const state of workspace.corpora.values()) {
    // One mapper per YAML file: each indexes its file's lines (it was made per entity found:
    // 500 line indexes of a 7 MB corpus.yaml, 12 s).
    const mappers = new Map<string, ReturnType<Workspace['configPositions']>>();
    for (const entity of state.config.entities.values()) {
      const names = [entity.id, entity.name ?? '', ...entity.aliases];
      if (!names.some((n) => matchingKey(n).toLowerCase().includes(key))) continue;
      let mapper = mappers.get(entity.file);
      if (!mapper) mappers.set(entity.file, (mapper = workspace.configPositions(state, entity.file)));
      out.push({
        name: entity.name ?? entity.id,
        containerName: `@${entity.id}${entity.type ? ` ${entity.type}` : ''}`,
        kind: kindOfType(state.config, entity.type),
        location: { uri: state.fileUri(entity.file), range: toRange(mapper, entity.keyRange) },
      });
      if (out.length >= limit) return out;
    }
    for (const surfaceKey of state.index.keys()) {
      if (token?.isCancellationRequested) return out;
      if (!surfaceKey.toLowerCase().includes(key)) continue;
      const mentions = [...state.index.mentionsOfKey(surfaceKey)];
      const head = mentions[0];
      const first = head && mentionLocations(workspace, state, [[head.docId, [head]]])[0];
      if (!first) continue;
      const types = [...new Set(mentions.map((m) => m.type).filter(Boolean))].join('/');
      out.push({ name: mentions[0]!.text, containerName: `${types} · ${mentions.length}×`, kind: kindOfType(state.config, mentions[0]!.type), location: first });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** What stands at a position: a type, an entity id, a span, in a document or in corpus.yaml. */

import type { ConfigFile } from '../core/config';
import type { Attribute, ParsedDocument, Span } from '../core/model';
import { spanAt, touches } from './convert';
import type { CorpusState, Workspace } from './workspace';

export type Target =
  | { kind: 'type'; name: string; span?: Span; range: { start: number; end: number } }
  | { kind: 'entity'; id: string; span?: Span; range: { start: number; end: number } }
  | { kind: 'attribute'; attribute: Attribute; span: Span }
  | { kind: 'span'; span: Span; spanIndex: number };

export interface TargetAt {
  target: Target;
  state?: CorpusState;
  /** The document's parse, when the position is in a document. */
  parsed?: ParsedDocument;
  /** The corpus YAML file, when the position is in one. */
  configFile?: ConfigFile;
}

export function targetAt(workspace: Workspace, uri: string, position: { line: number; character: number }): TargetAt | undefined {
  const config = workspace.corpusOfConfigFile(uri);
  if (config) return configTargetAt(workspace, uri, config.state, config.file, position);

  const parsed = workspace.parsed(uri);
  const mapper = workspace.positions(uri);
  if (!parsed || !mapper) return undefined;
  const offset = mapper.offsetAt(position);
  const found = spanAt(parsed, offset);
  if (!found) return undefined;
  const { span } = found;
  const state = workspace.syncOpenDocument(uri);
  const base = state ? { state, parsed } : { parsed };
  const { type, id } = span.label;
  if (type && touches(type.range, offset)) return { target: { kind: 'type', name: type.name, span, range: type.range }, ...base };
  if (id && touches({ start: id.start - 1, end: id.end }, offset)) return { target: { kind: 'entity', id: id.name, span, range: id.range }, ...base };
  const attribute = span.label.attributes.find((a) => touches(a.range, offset));
  if (attribute) return { target: { kind: 'attribute', attribute, span }, ...base };
  return { target: { kind: 'span', span, spanIndex: found.index }, ...base };
}

function configTargetAt(workspace: Workspace, uri: string, state: CorpusState, file: ConfigFile, position: { line: number; character: number }): TargetAt | undefined {
  const mapper = workspace.positions(uri);
  if (!mapper || state.brokenConfig) return undefined;
  const offset = mapper.offsetAt(position);
  if (file === 'corpus') {
    for (const type of state.config.types.values()) {
      if (touches(type.keyRange, offset)) return { target: { kind: 'type', name: type.key, range: type.keyRange }, state, configFile: file };
    }
  }
  for (const entity of state.config.entities.values()) {
    if (entity.file === file && touches(entity.keyRange, offset)) return { target: { kind: 'entity', id: entity.id, range: entity.keyRange }, state, configFile: file };
    if (entity.file === file && entity.typeRange && touches(entity.typeRange, offset) && entity.type !== undefined) {
      return { target: { kind: 'type', name: entity.type, range: entity.typeRange }, state, configFile: file };
    }
  }
  return undefined;
}

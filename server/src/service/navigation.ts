/** Go to definition, find references and rename, for entity types and catalog ids. */

import { type CancellationToken, ErrorCodes, type Location, type Range, ResponseError, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { ConfigFile } from '../core/config';
import type { CorpusIndex, Mention } from '../core/corpusIndex';
import { matchingKey } from '../core/arabic';
import type { OffsetRange } from '../core/model';
import type { MentionLocation } from '../protocol';
import { toRange } from './convert';
import { type Target, targetAt } from './targets';
import type { CorpusState, Workspace } from './workspace';
import { ENTITY_ID, TYPE_NAME } from '../core/grammar';

type Position = { line: number; character: number };


/** Where a type or an entity is declared. */
function declaration(workspace: Workspace, state: CorpusState, target: { kind: 'type'; name: string } | { kind: 'entity'; id: string }): Location | undefined {
  let file: ConfigFile = 'corpus';
  let range: OffsetRange | undefined;
  if (target.kind === 'type') range = state.config.types.get(target.name)?.keyRange;
  else {
    const entity = state.config.entities.get(target.id);
    range = entity?.keyRange;
    if (entity) file = entity.file;
  }
  if (!range) return undefined;
  return { uri: state.fileUri(file), range: toRange(workspace.configPositions(state, file), range) };
}

/** A type, an entity, or (for an unlinked span) a surface: what references are asked for. */
type Referent = { kind: 'type'; name: string } | { kind: 'entity'; id: string } | { kind: 'surface'; key: string };

/** What a target refers to in the corpus: a type, an entity, or (for an unlinked span) its surface. */
function referent(target: Target, state: CorpusState | undefined): Referent | undefined {
  switch (target.kind) {
    case 'type':
      return { kind: 'type', name: target.name };
    case 'entity':
      return { kind: 'entity', id: target.id };
    case 'span': {
      const id = target.span.label.idName;
      if (id !== undefined && (!state || state.config.entities.has(id))) return { kind: 'entity', id };
      return { kind: 'surface', key: matchingKey(target.span.text).trim() };
    }
    case 'attribute':
      return undefined;
  }
}

export function definition(workspace: Workspace, uri: string, position: Position): Location | null {
  const at = targetAt(workspace, uri, position);
  if (!at?.state) return null;
  const what = referent(at.target, at.state);
  if (!what || what.kind === 'surface') return null;
  if (at.configFile) {
    // In corpus.yaml only an entity's `type:` value leads somewhere: to the type's key.
    const onTypeValue = at.target.kind === 'type' && at.state.config.types.get(at.target.name)?.keyRange !== at.target.range;
    if (!onTypeValue) return null;
  }
  return declaration(workspace, at.state, what) ?? null;
}

/**
 * The last answer of each index, kept while the index is unchanged: a frequent entity has
 * 100,000 mentions, and an editor asks for their references again and again (a peek, then the
 * references view) while nothing changed. Any change to the index (an edit, a file, a new
 * corpus.yaml) bumps its version and so invalidates the answer.
 */
const lastReferences = new WeakMap<CorpusIndex, { version: number; referent: string; locations: readonly Location[] }>();

/** Every mention of what stands at the position, across the corpus, open or not. */
export function references(workspace: Workspace, uri: string, position: Position, includeDeclaration: boolean, token?: CancellationToken): Location[] {
  const at = targetAt(workspace, uri, position);
  if (!at?.state) return [];
  const state = at.state;
  syncCorpus(workspace, state);
  const what = referent(at.target, state);
  if (!what) return [];
  const locations = referenceLocations(workspace, state, what, token);
  // The declaration is looked up each time: an open corpus.yaml may have moved it without a new configuration yet.
  const decl = includeDeclaration && what.kind !== 'surface' ? declaration(workspace, state, what) : undefined;
  // A copy, never the kept list itself: the caller owns the array it gets.
  return decl ? [decl].concat(locations) : locations.slice();
}

/** The locations of a referent's mentions: the index's last answer while the index is unchanged. */
function referenceLocations(workspace: Workspace, state: CorpusState, what: Referent, token?: CancellationToken): readonly Location[] {
  const index = state.index;
  const name = what.kind === 'type' ? what.name : what.kind === 'entity' ? what.id : what.key;
  // The encoding is part of the answer (agreed once, but a client may start over).
  const referentKey = `${what.kind}\u0000${workspace.encoding}\u0000${name}`;
  const last = lastReferences.get(index);
  if (last && last.version === index.version && last.referent === referentKey) return last.locations;
  const version = index.version;
  const locations = mentionLocations(workspace, state, index.mentionsByDocument(what.kind === 'type' ? { type: name } : what.kind === 'entity' ? { id: name } : { key: name }), token);
  // A cancelled request's list may be cut short.
  if (!token?.isCancellationRequested) lastReferences.set(index, { version, referent: referentKey, locations });
  return locations;
}

/**
 * Locations of mentions (their surfaces), given by document, each document's in order; with
 * `withPreview`, each carries its plain-text context for lists that show it.
 */
export function mentionLocations(workspace: Workspace, state: CorpusState, byDocument: Iterable<readonly [string, readonly Mention[]]>, token?: CancellationToken, withPreview = false): MentionLocation[] {
  const out: MentionLocation[] = [];
  for (const [docId, mentions] of byDocument) {
    if (token?.isCancellationRequested) break;
    // A location needs only the mention's range; a preview needs the plain text, so a parse
    // (the index keeps no parse of a document on disk).
    const parsed = withPreview ? state.index.parsed(docId) : undefined;
    const rangeOf = surfaceRanges(workspace, state, docId);
    if ((withPreview && !parsed) || !rangeOf) continue;
    for (const m of mentions) {
      const location: MentionLocation = { uri: docId, range: rangeOf(m) };
      if (parsed) {
        const span = parsed.spans[m.spanIndex];
        if (!span) continue;
        location.preview = preview(parsed.plainText, span.start, span.end);
      }
      out.push(location);
    }
  }
  return out;
}

/**
 * How a document's mentions become the ranges of their surfaces (undefined when the document is
 * not indexed). In UTF-16 the index's line starts place the surface's start, and its end is on
 * the same line (a span never crosses a line): one line lookup a mention instead of two, and no
 * mapper between (a frequent entity has 100,000 mentions).
 */
function surfaceRanges(workspace: Workspace, state: CorpusState, docId: string): ((m: Mention) => Range) | undefined {
  const lines = workspace.encoding === 'utf-16' ? state.index.lineIndex(docId) : undefined;
  if (lines) {
    return (m) => {
      const start = lines.position(m.contentStart);
      return { start, end: { line: start.line, character: start.character + (m.contentEnd - m.contentStart) } };
    };
  }
  const mapper = workspace.positions(docId);
  return mapper && ((m) => ({ start: mapper.positionAt(m.contentStart), end: mapper.positionAt(m.contentEnd) }));
}

/** Characters of context on each side of a mention in its preview. */
const PREVIEW_CONTEXT = 24;

/** The plain-text line around `[start, end)`, cut at spaces, and where the mention is in it. */
function preview(plain: string, start: number, end: number): { text: string; start: number; end: number } {
  const lineStart = start > 0 ? plain.lastIndexOf('\n', start - 1) + 1 : 0;
  const newline = plain.indexOf('\n', end);
  const lineEnd = newline < 0 ? plain.length : newline;
  let from = lineStart;
  if (start - lineStart > PREVIEW_CONTEXT) {
    const space = plain.indexOf(' ', start - PREVIEW_CONTEXT);
    from = space >= 0 && space < start ? space + 1 : start;
  }
  let to = lineEnd;
  if (lineEnd - end > PREVIEW_CONTEXT) {
    const space = plain.lastIndexOf(' ', end + PREVIEW_CONTEXT);
    to = space > end ? space : end;
  }
  const before = (from > lineStart ? '… ' : '') + plain.slice(from, start);
  const text = before + plain.slice(start, end) + plain.slice(end, to).trimEnd() + (to < lineEnd ? ' …' : '');
  return { text, start: before.length, end: before.length + (end - start) };
}

/** Makes the index reflect every open document of the corpus. */
export function syncCorpus(workspace: Workspace, state: CorpusState): void {
  for (const uri of workspace.openUris()) if (workspace.corpusOfDocument(uri) === state) workspace.syncOpenDocument(uri);
}

/** The range and current name of what may be renamed at the position; refuses with a reason. */
export function prepareRename(workspace: Workspace, uri: string, position: Position): { range: Range; placeholder: string } {
  const at = targetAt(workspace, uri, position);
  const mapper = workspace.positions(uri);
  if (at?.state?.brokenConfig) throw new ResponseError(ErrorCodes.InvalidRequest, 'corpus.yaml has errors: fix them before renaming');
  if (!at || !mapper || (at.target.kind !== 'type' && at.target.kind !== 'entity')) {
    throw new ResponseError(ErrorCodes.InvalidRequest, 'Only an entity type or an @id can be renamed: put the cursor on the type or the @id of a label, or on its key in corpus.yaml');
  }
  if (!at.state) throw new ResponseError(ErrorCodes.InvalidRequest, 'This document is not in a corpus (no corpus.yaml above it): there is nothing to rename across');
  const name = at.target.kind === 'type' ? at.target.name : at.target.id;
  return { range: toRange(mapper, at.target.range), placeholder: name };
}

export function rename(workspace: Workspace, uri: string, position: Position, newName: string, token?: CancellationToken): WorkspaceEdit {
  prepareRename(workspace, uri, position);
  const at = targetAt(workspace, uri, position)!;
  const state = at.state!;
  const target = at.target as Extract<Target, { kind: 'type' | 'entity' }>;
  syncCorpus(workspace, state);
  const edits = new Map<string, TextEdit[]>();
  const add = (docUri: string, range: Range, text: string): void => {
    const list = edits.get(docUri);
    if (list) list.push({ range, newText: text });
    else edits.set(docUri, [{ range, newText: text }]);
  };

  const isType = target.kind === 'type';
  const oldName = isType ? target.name : target.id;
  const what = isType ? 'type' : 'entity';
  if (!(isType ? TYPE_NAME : ENTITY_ID).test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, isType ? `'${newName}' is not a valid type name (a letter, then letters, digits, _ - .)` : `'${newName}' is not a valid entity id (letters, digits, _ - . :)`);
  }
  if (newName !== oldName && (isType ? state.config.types.has(newName) : state.config.entities.has(newName))) {
    throw new ResponseError(ErrorCodes.InvalidParams, `${what} '${newName}' already exists: renaming onto it would merge two ${what === 'type' ? 'types' : 'entities'}`);
  }
  // In documents: the label token that names it (spans typed through the catalog have none).
  const mentions = isType ? state.index.mentionsOfType(oldName) : state.index.mentionsOfEntity(oldName);
  for (const m of mentions) {
    if (token?.isCancellationRequested) break;
    const label = state.index.parsed(m.docId)?.spans[m.spanIndex]?.label;
    const tokenRange = isType ? label?.type?.range : label?.id?.range;
    const mapper = workspace.positions(m.docId);
    if (tokenRange && mapper) add(m.docId, toRange(mapper, tokenRange), newName);
  }
  // In the corpus's YAML: its key, and for a type every catalog entry of that type.
  if (isType) {
    const def = state.config.types.get(oldName);
    if (def) addYamlKeyEdit(workspace, state, 'corpus', def.keyRange, newName, add);
    for (const entity of state.config.entities.values()) {
      if (entity.type === oldName && entity.typeRange) addYamlKeyEdit(workspace, state, entity.file, entity.typeRange, newName, add);
    }
  } else {
    const entity = state.config.entities.get(oldName);
    if (entity) addYamlKeyEdit(workspace, state, entity.file, entity.keyRange, newName, add);
  }
  return { changes: Object.fromEntries(edits) };
}

/** Replaces a YAML scalar, keeping its quotes if it had any. */
function addYamlKeyEdit(workspace: Workspace, state: CorpusState, file: ConfigFile, range: OffsetRange, newName: string, add: (uri: string, range: Range, text: string) => void): void {
  const text = state.fileText(file);
  const quote = text[range.start];
  const inner = quote === '"' || quote === "'" ? { start: range.start + 1, end: range.end - 1 } : range;
  add(state.fileUri(file), toRange(workspace.configPositions(state, file), inner), newName);
}

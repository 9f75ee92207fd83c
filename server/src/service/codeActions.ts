/**
 * Code actions: the quick fix of every fixable diagnostic, and the annotation refactors
 * (annotate a selection, remove, change type, link, annotate all occurrences).
 * Every action is one workspace edit, so one undo takes it back.
 */

import { type CancellationToken, type CodeAction, CodeActionKind, type Diagnostic as LspDiagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { matchingKey } from '../core/arabic';
import { effectiveType } from '../core/config';
import { type Diagnostic, type Fix, type FixEdit, labelFor } from '../core/diagnostics';
import { findMissedMentions, oneSurface } from '../core/missedMentions';
import { applyEdits, removeSpanEdits, setIdEdits, setTypeEdits, wrapEdits } from '../core/edits';
import type { ParsedDocument, Span } from '../core/model';
import { parse } from '../core/parser';
import { plainRangeToSource } from '../core/text';
import { SOURCE, spanAt, toRange } from './convert';
import { coreDiagnostics } from './diagnostics';
import { syncCorpus } from './navigation';
import type { CorpusState, Workspace } from './workspace';
import { ActionKind } from '../protocol';


/** How many "Link to" actions to offer at most (a catalog may be huge). */
const MAX_LINK_ACTIONS = 12;

export interface CodeActionRequest {
  uri: string;
  range: Range;
  diagnostics: LspDiagnostic[];
  only?: string[];
  /** Asked on its own (the editor's light bulb follows the cursor), not by the user. */
  automatic?: boolean;
}

export function codeActions(workspace: Workspace, request: CodeActionRequest, token?: CancellationToken): CodeAction[] {
  const { uri, range } = request;
  const parsed = workspace.parsed(uri);
  const mapper = workspace.positions(uri);
  if (!parsed || !mapper) return [];
  const state = workspace.corpusOfDocument(uri);
  const wants = (kind: string): boolean => !request.only || request.only.some((only) => kind === only || kind.startsWith(`${only}.`));
  const actions: CodeAction[] = [];

  if (wants(CodeActionKind.QuickFix)) actions.push(...quickFixes(workspace, uri, state, request.diagnostics));
  if (!state || token?.isCancellationRequested) return actions;

  const start = mapper.offsetAt(range.start);
  const end = mapper.offsetAt(range.end);
  const toEdit = (edits: FixEdit[]): WorkspaceEdit => workspaceEdit(workspace, uri, state, edits);

  if (start !== end && wants(ActionKind.annotate)) {
    const selection = trimmed(parsed.source, start, end);
    if (selection && wrapsCleanly(parsed, selection)) {
      for (const type of state.config.types.values()) {
        actions.push({
          title: `Annotate selection as ${type.key}${type.name ? ` (${type.name})` : ''}`,
          kind: ActionKind.annotate,
          edit: toEdit(wrapEdits(selection, type.key, parsed.source)),
        });
      }
    }
  }

  const found = spanAt(parsed, start, true);
  if (!found) return actions;
  const span = found.span;
  const type = effectiveType(span, state.config);

  if (wants(ActionKind.remove)) actions.push({ title: `Remove annotation (keep '${span.text}')`, kind: ActionKind.remove, edit: toEdit(removeSpanEdits(span)) });
  if (wants(ActionKind.changeType)) {
    for (const other of state.config.types.values()) {
      if (other.key === type) continue;
      actions.push({ title: `Change type to ${other.key}${other.name ? ` (${other.name})` : ''}`, kind: ActionKind.changeType, edit: toEdit(setTypeEdits(span, other.key)) });
    }
  }
  if (wants(ActionKind.link)) {
    for (const entity of linkCandidates(state, span, type)) {
      actions.push({ title: `Link to ${entity.name ?? entity.id} (@${entity.id})`, kind: ActionKind.link, edit: toEdit(setIdEdits(span, entity.id)) });
    }
  }
  if (wants(ActionKind.annotateAll) && (type !== undefined || span.label.idName !== undefined)) {
    const label = labelFor({ type, id: span.label.idName });
    const key = matchingKey(span.text).trim();
    const here = occurrenceEdits(parsed, state, key, type, span.label.idName, label);
    if (here.length > 0) {
      actions.push({ title: `Annotate all ${here.length / 2} other occurrences of '${span.text}' in this document as {${label}}`, kind: ActionKind.annotateAll, edit: toEdit(here) });
    }
    // The corpus-wide edit reads every document of the corpus (seconds for 10,000 of them), and
    // an editor asks for code actions on every cursor move: it is offered when the user asks.
    const corpusEdit = request.automatic ? undefined : corpusOccurrenceEdit(workspace, state, key, type, span.label.idName, label, token);
    if (corpusEdit && corpusEdit.count > 0) {
      actions.push({ title: `Annotate all ${corpusEdit.count} other occurrences of '${span.text}' in the corpus (${corpusEdit.documents} documents) as {${label}}`, kind: ActionKind.annotateAll, edit: corpusEdit.edit });
    }
  }
  return actions;
}

function quickFixes(workspace: Workspace, uri: string, state: CorpusState | undefined, requested: LspDiagnostic[]): CodeAction[] {
  const ours = requested.filter((d) => d.source === SOURCE);
  if (ours.length === 0) return [];
  const mapper = workspace.positions(uri)!;
  const computed: Diagnostic[] = coreDiagnostics(workspace, uri);
  const actions: CodeAction[] = [];
  for (const lsp of ours) {
    const match = computed.find((d) => d.code === lsp.code && sameRange(toRange(mapper, d.range), lsp.range));
    for (const fix of match?.fixes ?? []) actions.push(fixAction(workspace, uri, state, fix, lsp));
  }
  return actions;
}

function fixAction(workspace: Workspace, uri: string, state: CorpusState | undefined, fix: Fix, diagnostic: LspDiagnostic): CodeAction {
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit(workspace, uri, state, fix.edits) };
  if (fix.preferred) action.isPreferred = true;
  return action;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Core edits (in the document or the corpus's YAML files) as one workspace edit. */
export function workspaceEdit(workspace: Workspace, uri: string, state: CorpusState | undefined, edits: FixEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    const target = edit.file === 'document' ? uri : state?.fileUri(edit.file);
    if (target === undefined) continue;
    const mapper = edit.file === 'document' ? workspace.positions(uri) : state && workspace.configPositions(state, edit.file);
    if (!mapper) continue;
    (changes[target] ??= []).push({ range: toRange(mapper, edit.range), newText: edit.newText });
  }
  return { changes };
}

/** The selection without white space at its ends, or undefined when nothing is left. */
function trimmed(source: string, start: number, end: number): { start: number; end: number } | undefined {
  while (start < end && /\s/.test(source[start]!)) start++;
  while (end > start && /\s/.test(source[end - 1]!)) end--;
  return end > start ? { start, end } : undefined;
}

/**
 * Whether wrapping the range in a span yields exactly that span: one more span, no new
 * problem, and the new brackets pairing with each other (a selection from inside one span to
 * inside another would pair them with the old brackets instead).
 */
function wrapsCleanly(parsed: ParsedDocument, range: { start: number; end: number }): boolean {
  const [open, close] = wrapEdits(range, 'X', parsed.source) as [FixEdit, FixEdit];
  const after = parse(applyEdits(parsed.source, [open, close]));
  // Where the new `[` and `]` stand in the edited text.
  const openAt = open.range.start + open.newText.length - 1;
  const closeAt = close.range.start + open.newText.length + close.newText.indexOf(']{');
  return (
    after.spans.length === parsed.spans.length + 1 &&
    after.problems.length === parsed.problems.length &&
    after.spans.some((s) => s.range.start === openAt && s.closeBracket === closeAt)
  );
}

function linkCandidates(state: CorpusState, span: Span, type: string | undefined) {
  const key = matchingKey(span.text).trim();
  const named = [];
  const sameType = [];
  for (const entity of state.config.entities.values()) {
    if (entity.id === span.label.idName) continue;
    const names = [entity.name, ...entity.aliases].filter((n): n is string => n !== undefined);
    if (names.some((n) => matchingKey(n).trim() === key)) named.push(entity);
    else if (type !== undefined && entity.type === type && sameType.length < MAX_LINK_ACTIONS) sameType.push(entity);
  }
  return [...named, ...sameType].slice(0, MAX_LINK_ACTIONS);
}

/** Edits annotating every unannotated occurrence of a surface in one document. */
function occurrenceEdits(parsed: ParsedDocument, state: CorpusState, key: string, type: string | undefined, id: string | undefined, label: string): FixEdit[] {
  const occurrences = findMissedMentions(parsed, oneSurface(key, type, id), state.config);
  return occurrences.flatMap((o) => wrapEdits(plainRangeToSource(parsed, o.start, o.end), label, parsed.source));
}

function corpusOccurrenceEdit(workspace: Workspace, state: CorpusState, key: string, type: string | undefined, id: string | undefined, label: string, token?: CancellationToken): { edit: WorkspaceEdit; count: number; documents: number } {
  syncCorpus(workspace, state);
  const changes: Record<string, TextEdit[]> = {};
  let count = 0;
  for (const docId of state.index.documentIds()) {
    if (token?.isCancellationRequested) break;
    const parsed = state.index.parsed(docId);
    const mapper = workspace.positions(docId);
    if (!parsed || !mapper) continue;
    const edits = occurrenceEdits(parsed, state, key, type, id, label);
    if (edits.length === 0) continue;
    changes[docId] = edits.map((e) => ({ range: toRange(mapper, e.range), newText: e.newText }));
    count += edits.length / 2;
  }
  return { edit: { changes }, count, documents: Object.keys(changes).length };
}

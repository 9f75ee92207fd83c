/**
 * The annotation commands, keyboard first. Edits come from the server's code actions (the same
 * refactors as the light bulb), or for the two things code actions cannot say (the word under
 * the cursor, a link to any catalog entity) from small custom requests. Each command applies
 * one WorkspaceEdit, so one undo takes it back.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type CodeAction as LspCodeAction,
  CodeActionRequest,
  type LanguageClient,
  type WorkspaceEdit as LspWorkspaceEdit,
  type WorkspaceSymbol,
  WorkspaceSymbolRequest,
} from 'vscode-languageclient/node';
import { ActionKind, LinkEditRequest, type TypeInfo, WordAtRequest } from '../../server/src/protocol';
import { type Swatches, solidColor } from './colors';
import { type Span, type SpanStore, isAnnotated, spanAt } from './spans';
import { note, pick, warn } from './ui';


/** Diagnostics of this source are ours ("Next Problem" walks only these). */
const SOURCE = 'corpus-annotator';

export const TYPE_KEY_COUNT = 9;

/** How the keybinding of "Annotate as Type N" reads on this platform. */
export function typeKeyLabel(n: number): string {
  return process.platform === 'darwin' ? `⌥⌘${n}` : `Ctrl+Alt+${n}`;
}

interface TypeItem extends vscode.QuickPickItem {
  type: TypeInfo;
}

export class AnnotationCommands {
  /** The message of the problem "Next Problem" went to: it goes when the editor changes. */
  private problemMessage: vscode.Disposable | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly store: SpanStore,
    private readonly swatches: Swatches,
  ) {}

  register(): vscode.Disposable[] {
    const on = (id: string, run: (editor: vscode.TextEditor, ...args: never[]) => Promise<unknown>): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        const editor = vscode.window.activeTextEditor;
        if (!isAnnotated(editor?.document)) {
          warn('Open a corpus document (in the Annotated Text language) first.');
          return undefined;
        }
        return run(editor!, ...args);
      });
    const disposables = [
      on('corpusAnnotator.annotateSelection', (editor, type?: string) => this.annotateSelection(editor, type)),
      on('corpusAnnotator.removeAnnotation', (editor) => this.removeAnnotation(editor)),
      on('corpusAnnotator.changeType', (editor, type?: string) => this.changeType(editor, type)),
      on('corpusAnnotator.linkEntity', (editor, id?: string) => this.linkEntity(editor, id)),
      on('corpusAnnotator.annotateAll', (editor, scope?: 'document' | 'corpus') => this.annotateAll(editor, scope)),
      on('corpusAnnotator.nextAnnotation', (editor) => this.moveToAnnotation(editor, 1)),
      on('corpusAnnotator.previousAnnotation', (editor) => this.moveToAnnotation(editor, -1)),
      vscode.commands.registerCommand('corpusAnnotator.nextProblem', () => this.nextProblem()),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.problemMessage?.dispose();
        this.problemMessage = undefined;
      }),
    ];
    for (let n = 1; n <= TYPE_KEY_COUNT; n++) disposables.push(on(`corpusAnnotator.annotateAsType${n}`, (editor) => this.annotateAsType(editor, n)));
    return disposables;
  }

  // --- annotate ------------------------------------------------------------------------------

  /** "Annotate Selection…": a pick of the corpus's types (Arabic name, description, number key). */
  async annotateSelection(editor: vscode.TextEditor, typeKey?: string): Promise<boolean> {
    const types = await this.types(editor.document);
    if (!types) return false;
    const type = typeKey !== undefined ? types.find((t) => t.key === typeKey) : await this.pickType(types, 'Annotate Selection', 'Type of the new annotation (type a number, a name or a key)');
    if (!type) return false;
    return this.annotate(editor, type);
  }

  /** "Annotate as Type N": the Nth type of corpus.yaml. */
  async annotateAsType(editor: vscode.TextEditor, n: number): Promise<boolean> {
    const types = await this.types(editor.document);
    if (!types) return false;
    const type = types.find((t) => t.index === n - 1);
    if (!type) {
      warn(`This corpus declares ${types.length} type${types.length === 1 ? '' : 's'}: there is no type ${n}.`);
      return false;
    }
    return this.annotate(editor, type);
  }

  private async annotate(editor: vscode.TextEditor, type: TypeInfo): Promise<boolean> {
    const document = editor.document;
    const version = document.version;
    const targets: vscode.Range[] = [];
    for (const selection of editor.selections) {
      if (!selection.isEmpty) {
        targets.push(selection);
        continue;
      }
      const word = await this.wordAt(document, selection.active);
      if (!word) continue;
      // The word is already exactly a span: give that span the type rather than wrap it twice.
      const spans = await this.store.current(document);
      const span = spans && spanAt(spans.spans, selection.active);
      if (editor.selections.length === 1 && span && span.contentRange.isEqual(word)) {
        if (span.type === type.key) {
          note(`Already ${type.key}.`);
          return false;
        }
        return this.changeType(editor, type.key);
      }
      targets.push(word);
    }
    if (targets.length === 0) {
      warn('Nothing to annotate: select some text or put the cursor on a word.');
      return false;
    }
    const wanted = (a: LspCodeAction): boolean => titleNames(a.title, 'Annotate selection as ', type.key);
    const edits: LspWorkspaceEdit[] = [];
    for (const range of targets) {
      const action = (await this.codeActions(document, range, ActionKind.annotate)).find(wanted);
      if (action?.edit) edits.push(action.edit);
    }
    if (document.version !== version) return false; // the user typed meanwhile: the edits are stale
    if (edits.length === 0) {
      warn(`Cannot annotate this as ${type.key}: the selection would cross the markup of another annotation.`);
      return false;
    }
    if (edits.length < targets.length) note(`${targets.length - edits.length} of ${targets.length} selections cross the markup of another annotation: left as they are.`);
    return this.apply(...edits);
  }

  // --- change, remove, link, annotate all -----------------------------------------------------

  async removeAnnotation(editor: vscode.TextEditor): Promise<boolean> {
    const action = (await this.codeActions(editor.document, emptyAt(editor.selection.active), ActionKind.remove))[0];
    if (!action?.edit) return noSpan();
    return this.apply(action.edit);
  }

  async changeType(editor: vscode.TextEditor, typeKey?: string): Promise<boolean> {
    const actions = await this.codeActions(editor.document, emptyAt(editor.selection.active), ActionKind.changeType);
    if (actions.length === 0) return noSpan();
    let key = typeKey;
    if (key === undefined) {
      const types = (await this.types(editor.document)) ?? [];
      // The types the server offers: every declared type but the span's own.
      const offered = types.filter((t) => actions.some((a) => titleNames(a.title, 'Change type to ', t.key)));
      key = (await this.pickType(offered, 'Change Type', 'New type of the annotation at the cursor'))?.key;
      if (key === undefined) return false;
    }
    const action = actions.find((a) => titleNames(a.title, 'Change type to ', key!));
    if (!action?.edit) {
      note(`The annotation is already ${key}.`);
      return false;
    }
    return this.apply(action.edit);
  }

  /** "Link to Entity…": any catalog entity, searched on the server with the Arabic matching key. */
  async linkEntity(editor: vscode.TextEditor, entityId?: string): Promise<boolean> {
    const document = editor.document;
    const position = editor.selection.active;
    const spans = await this.store.current(document);
    const span = spans && spanAt(spans.spans, position);
    if (!spans || !span) return noSpan();
    let id = entityId;
    if (id === undefined) {
      const surface = document.getText(span.contentRange);
      const types = new Map(spans.types.map((t) => [t.key, t]));
      const search = async (query: string): Promise<EntityItem[]> => this.entityItems(await this.searchEntities(document, query), types, span);
      // First the entities named like the span, then the rest of the catalog.
      const named = await search(surface);
      const rest = (await search('')).filter((item) => !named.some((n) => n.id === item.id));
      const initial = [...named, ...rest];
      if (initial.length === 0) {
        warn('The catalog of this corpus (entities: in corpus.yaml) is empty.');
        return false;
      }
      const chosen = await pick<EntityItem>(initial, {
        title: `Link '${surface}' to Entity`,
        placeholder: 'Search the catalog: a name, an alias or an @id (spelling variants match)',
        search: async (value) => (value.trim() === '' ? initial : search(value)),
      });
      if (!chosen) return false;
      id = chosen.id;
    }
    if (id === span.id) {
      note(`Already linked to @${id}.`);
      return false;
    }
    // At the span's `[`, which no nested span covers: the server links this very span.
    const edit = await this.client.sendRequest(LinkEditRequest, { uri: this.uri(document), position: this.client.code2ProtocolConverter.asPosition(span.range.start), id });
    if (!edit) {
      warn(`@${id} is not in the catalog of this corpus.`);
      return false;
    }
    return this.apply(edit);
  }

  async annotateAll(editor: vscode.TextEditor, scope?: 'document' | 'corpus'): Promise<boolean> {
    const here = editor.document.uri.fsPath;
    // "In the corpus" that finds nothing beyond this document is "in this document" again.
    const actions = (await this.codeActions(editor.document, emptyAt(editor.selection.active), ActionKind.annotateAll)).filter(
      (a, _, all) => all.length === 1 || !a.title.includes(' in the corpus ') || Object.keys(a.edit?.changes ?? {}).some((target) => vscode.Uri.parse(target).fsPath !== here),
    );
    if (actions.length === 0) {
      const spans = await this.store.current(editor.document);
      if (!spans || !spanAt(spans.spans, editor.selection.active)) return noSpan();
      note('No other unannotated occurrence of this text.');
      return false;
    }
    // The server offers "… in this document …" and, when other documents have some, "… in the corpus …".
    let action: LspCodeAction | undefined;
    if (scope !== undefined) action = actions.find((a) => a.title.includes(scope === 'corpus' ? ' in the corpus ' : ' in this document '));
    else if (actions.length === 1) action = actions[0];
    else {
      const items = actions.map((a) => ({ label: a.title, action: a }));
      action = (await pick(items, { title: 'Annotate All Occurrences' }))?.action;
    }
    if (!action?.edit) return false;
    return this.apply(action.edit);
  }

  // --- navigation ---------------------------------------------------------------------------

  /** "Next/Previous Annotation": the cursor to the start of the next span's surface, wrapping around. */
  async moveToAnnotation(editor: vscode.TextEditor, direction: 1 | -1): Promise<Span | undefined> {
    const spans = await this.store.current(editor.document);
    if (!spans || spans.spans.length === 0) {
      note('No annotation in this document.');
      return undefined;
    }
    const sorted = [...spans.spans].sort((a, b) => a.contentRange.start.compareTo(b.contentRange.start));
    const here = editor.selection.active;
    const target =
      direction > 0
        ? (sorted.find((s) => s.contentRange.start.isAfter(here)) ?? sorted[0]!)
        : ([...sorted].reverse().find((s) => s.contentRange.start.isBefore(here)) ?? sorted[sorted.length - 1]!);
    editor.selection = new vscode.Selection(target.contentRange.start, target.contentRange.start);
    editor.revealRange(target.contentRange, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return target;
  }

  /** "Next Problem": our next diagnostic after the cursor, in this document and then in the next ones. */
  async nextProblem(): Promise<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic } | undefined> {
    const problems = vscode.languages
      .getDiagnostics()
      .map(([uri, list]) => ({ uri, list: list.filter((d) => d.source === SOURCE).sort((a, b) => a.range.start.compareTo(b.range.start)) }))
      .filter((entry) => entry.list.length > 0)
      .sort((a, b) => a.uri.toString().localeCompare(b.uri.toString()));
    if (problems.length === 0) {
      note('No problems in the open corpus documents.');
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    const current = editor?.document.uri.toString();
    const here = editor?.selection.start;
    let found: { uri: vscode.Uri; diagnostic: vscode.Diagnostic } | undefined;
    for (const entry of problems) {
      const order = current === undefined ? 1 : entry.uri.toString().localeCompare(current);
      if (order < 0) continue;
      const next = order > 0 ? entry.list[0] : entry.list.find((d) => here === undefined || d.range.start.isAfter(here));
      if (next) {
        found = { uri: entry.uri, diagnostic: next };
        break;
      }
    }
    found ??= { uri: problems[0]!.uri, diagnostic: problems[0]!.list[0]! };
    const shown = await vscode.window.showTextDocument(found.uri, { preview: false });
    // Selected, so "Annotate as Type N" or the quick fix (Ctrl+.) acts on it at once.
    shown.selection = new vscode.Selection(found.diagnostic.range.start, found.diagnostic.range.end);
    shown.revealRange(found.diagnostic.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.problemMessage?.dispose();
    this.problemMessage = vscode.window.setStatusBarMessage(`$(warning) ${found.diagnostic.message}${found.diagnostic.code !== undefined ? ` (${codeOf(found.diagnostic)})` : ''}`, 8_000);
    return found;
  }

  // --- helpers ------------------------------------------------------------------------------

  private uri(document: vscode.TextDocument): string {
    return this.client.code2ProtocolConverter.asUri(document.uri);
  }

  /** The corpus's types, or undefined (with a message) outside a corpus. */
  private async types(document: vscode.TextDocument): Promise<TypeInfo[] | undefined> {
    const spans = await this.store.current(document);
    if (!spans?.inCorpus) {
      warn('This document is not part of a corpus (no corpus.yaml above it whose documents: match it).');
      return undefined;
    }
    if (spans.types.length === 0) {
      warn('corpus.yaml declares no types.');
      return undefined;
    }
    return [...spans.types].sort((a, b) => a.index - b.index);
  }

  private async pickType(types: TypeInfo[], title: string, placeholder: string): Promise<TypeInfo | undefined> {
    const items: TypeItem[] = await Promise.all(
      types.map(async (type) => ({
        type,
        label: `${type.index + 1}  ${type.key}`,
        description: type.name ?? '',
        detail: [type.description, type.index < TYPE_KEY_COUNT ? typeKeyLabel(type.index + 1) : undefined].filter(Boolean).join('  ·  '),
        iconPath: await this.swatches.icon(solidColor(type.color, type.index)),
      })),
    );
    return (await pick(items, { title, placeholder, matchOnDescription: true, matchOnDetail: true }))?.type;
  }

  private async wordAt(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range | undefined> {
    const range = await this.client.sendRequest(WordAtRequest, { uri: this.uri(document), position: this.client.code2ProtocolConverter.asPosition(position) });
    return range ? this.client.protocol2CodeConverter.asRange(range) : undefined;
  }

  /** The server's code actions of exactly one kind for a range. */
  private async codeActions(document: vscode.TextDocument, range: vscode.Range, kind: string): Promise<LspCodeAction[]> {
    const result = await this.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: this.uri(document) },
      range: this.client.code2ProtocolConverter.asRange(range),
      context: { diagnostics: [], only: [kind], triggerKind: 1 },
    });
    return (result ?? []).filter((a): a is LspCodeAction => 'kind' in a && a.kind === kind);
  }

  /** Applies server edits as ONE workspace edit: one undo reverts all of it. */
  private async apply(...edits: LspWorkspaceEdit[]): Promise<boolean> {
    const merged = new Map<string, { uri: vscode.Uri; edits: vscode.TextEdit[] }>();
    for (const edit of edits) {
      const converted = await this.client.protocol2CodeConverter.asWorkspaceEdit(edit);
      for (const [uri, textEdits] of converted.entries()) {
        const entry = merged.get(uri.toString()) ?? { uri, edits: [] };
        entry.edits.push(...textEdits);
        merged.set(uri.toString(), entry);
      }
    }
    const workspaceEdit = new vscode.WorkspaceEdit();
    for (const { uri, edits: textEdits } of merged.values()) workspaceEdit.set(uri, textEdits);
    const applied = await vscode.workspace.applyEdit(workspaceEdit);
    if (!applied) warn('The edit could not be applied (the document changed meanwhile?).');
    return applied;
  }

  /** Catalog entities of the document's corpus whose names match the query on the matching key. */
  private async searchEntities(document: vscode.TextDocument, query: string): Promise<{ id: string; name: string; type: string | undefined }[]> {
    const result = (await this.client.sendRequest(WorkspaceSymbolRequest.type, { query })) ?? [];
    const out: { id: string; name: string; type: string | undefined }[] = [];
    for (const symbol of result as WorkspaceSymbol[]) {
      // Catalog entries say `@id TYPE` as their container; annotated surfaces say something else.
      const match = /^@(\S+)(?:\s+(\S+))?$/.exec(symbol.containerName ?? '');
      if (!match) continue;
      const configUri = vscode.Uri.parse(symbol.location.uri);
      // Only this document's corpus: its catalog file sits in a folder above the document.
      if (!isInside(document.uri.fsPath, path.dirname(configUri.fsPath))) continue;
      if (!out.some((e) => e.id === match[1])) out.push({ id: match[1]!, name: symbol.name, type: match[2] });
    }
    return out;
  }

  private async entityItems(entities: { id: string; name: string; type: string | undefined }[], types: Map<string, TypeInfo>, span: Span): Promise<EntityItem[]> {
    return Promise.all(
      entities.map(async (entity) => {
        const info = entity.type !== undefined ? types.get(entity.type) : undefined;
        const item: EntityItem = {
          id: entity.id,
          label: entity.name,
          description: [`@${entity.id}`, entity.type, entity.id === span.id ? '(linked now)' : undefined].filter(Boolean).join('  ·  '),
          detail: info?.name,
          // The server matched the query on the Arabic key (أ = ا, no diacritics): show what it found
          // even when the characters typed differ from the label's.
          alwaysShow: true,
        };
        if (info) item.iconPath = await this.swatches.icon(solidColor(info.color, info.index));
        return item;
      }),
    );
  }
}

interface EntityItem extends vscode.QuickPickItem {
  id: string;
}

/** Whether a server title names this type: "Change type to ORG (منظمة)" names ORG, not OR. */
function titleNames(title: string, prefix: string, key: string): boolean {
  if (!title.startsWith(prefix + key)) return false;
  const rest = title.slice(prefix.length + key.length);
  return rest === '' || rest.startsWith(' ');
}

function emptyAt(position: vscode.Position): vscode.Range {
  return new vscode.Range(position, position);
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

function noSpan(): false {
  warn('No annotation at the cursor: put the cursor on an annotated span.');
  return false;
}

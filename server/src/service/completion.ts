/**
 * Completion inside a label: types, @ids (filtered by the type written, the span's own surface
 * first), attribute keys and their allowed values.
 *
 * The label being typed is usually not closed yet, so the context is read from the line's
 * text up to the cursor rather than from the parse.
 */

import { type CompletionItem, CompletionItemKind, type CompletionList, InsertTextFormat, type Range } from 'vscode-languageserver';
import { matchingKey } from '../core/arabic';
import type { CorpusConfig } from '../core/config';
import type { Workspace } from './workspace';

type Position = { line: number; character: number };

/** The label around the cursor: its body up to the cursor and the span's surface. */
interface LabelContext {
  /** Label body from `{` to the cursor. */
  body: string;
  /** The surface before `]{`, as written (markup of nested spans included). */
  surface: string;
}

/** Finds the unfinished label the cursor is in, or undefined (also inside a quoted value). */
export function labelContext(linePrefix: string): LabelContext | undefined {
  let brace = -1;
  let inString = false;
  // Scan forward so quotes and escapes are read as the parser reads them.
  for (let i = 0; i < linePrefix.length; i++) {
    const c = linePrefix[i];
    if (brace >= 0) {
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"' && linePrefix[i - 1] === '=') inString = true;
      else if (c === '}') brace = -1;
      continue;
    }
    if (c === '\\') i++;
    else if (c === '{' && linePrefix[i - 1] === ']') brace = i;
  }
  if (brace < 0 || inString) return undefined;
  // The surface: back from `]` to its `[`, counting nested brackets.
  let depth = 0;
  let open = -1;
  for (let i = brace - 2; i >= 0; i--) {
    const c = linePrefix[i];
    if (linePrefix[i - 1] === '\\') continue;
    if (c === ']') depth++;
    else if (c === '[') {
      if (depth === 0) {
        open = i;
        break;
      }
      depth--;
    }
  }
  const surface = open >= 0 ? linePrefix.slice(open + 1, brace - 1).replace(/\]\{[^}]*\}|[[\\]/g, '') : '';
  return { body: linePrefix.slice(brace + 1), surface };
}

export function completion(workspace: Workspace, uri: string, position: Position, snippets = true): CompletionList | null {
  const document = workspace.openDocument(uri);
  const mapper = workspace.positions(uri);
  if (!document || !mapper) return null;
  const offset = mapper.offsetAt(position);
  const lineStart = mapper.offsetAt({ line: position.line, character: 0 });
  const context = labelContext(document.getText().slice(lineStart, offset));
  if (!context) return null;
  const state = workspace.corpusOfDocument(uri);
  if (!state) return null;
  const config = state.config;

  const tokens = context.body.split(/[ \t]+/);
  const current = tokens[tokens.length - 1]!;
  const previous = tokens.slice(0, -1).filter((t) => t.length > 0);
  const range: Range = { start: mapper.positionAt(offset - current.length), end: position };
  const writtenType = previous[0] !== undefined && !previous[0].startsWith('@') && !previous[0].includes('=') ? previous[0] : undefined;
  const hasId = previous.some((t) => t.startsWith('@'));
  const items: CompletionItem[] = [];

  if (current.startsWith('@')) {
    items.push(...idItems(config, writtenType, context.surface, range));
  } else if (current.includes('=')) {
    const key = current.slice(0, current.indexOf('='));
    const values = config.attributes.get(key)?.values ?? [];
    const valueRange: Range = { start: mapper.positionAt(offset - current.length + key.length + 1), end: position };
    values.forEach((value, i) => items.push({ label: value, kind: CompletionItemKind.EnumMember, detail: key, sortText: pad(i), textEdit: { range: valueRange, newText: value } }));
  } else if (previous.length === 0) {
    items.push(...typeItems(config, range));
    items.push(...idItems(config, undefined, context.surface, range));
  } else {
    const used = new Set(previous.filter((t) => t.includes('=')).map((t) => t.slice(0, t.indexOf('='))));
    for (const def of config.attributes.values()) {
      if (used.has(def.key)) continue;
      items.push({
        label: `${def.key}=`,
        kind: CompletionItemKind.Property,
        detail: def.values ? def.values.join(' | ') : 'attribute',
        sortText: `1${def.key}`,
        textEdit: { range, newText: `${def.key}=` },
        command: { title: 'Suggest values', command: 'editor.action.triggerSuggest' },
      });
    }
    if (!used.has('note')) {
      items.push({
        label: 'note=""',
        kind: CompletionItemKind.Property,
        detail: "the annotator's note",
        sortText: '2note',
        textEdit: { range, newText: snippets ? 'note="$1"' : 'note=""' },
        insertTextFormat: snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      });
    }
    if (!hasId && previous.every((t) => !t.includes('='))) items.push(...idItems(config, writtenType, context.surface, range));
  }
  return { isIncomplete: false, items };
}

function pad(n: number): string {
  return String(n).padStart(4, '0');
}

function typeItems(config: CorpusConfig, range: Range): CompletionItem[] {
  return [...config.types.values()].map((t) => ({
    label: t.key,
    kind: CompletionItemKind.Class,
    detail: t.name,
    documentation: t.description,
    sortText: `0${pad(t.index)}`,
    // Typing the Arabic name finds the type too.
    filterText: [t.key, t.name].filter(Boolean).join(' '),
    textEdit: { range, newText: t.key },
  }));
}

/** Catalog ids, those of the written type only; entities named like the span's surface first. */
function idItems(config: CorpusConfig, type: string | undefined, surface: string, range: Range): CompletionItem[] {
  const surfaceKey = matchingKey(surface).trim();
  const items: CompletionItem[] = [];
  for (const entity of config.entities.values()) {
    if (type !== undefined && config.types.has(type) && entity.type !== undefined && entity.type !== type) continue;
    const names = [entity.name, ...entity.aliases].filter((n): n is string => n !== undefined);
    const named = surfaceKey.length > 0 && names.some((n) => matchingKey(n).trim() === surfaceKey);
    items.push({
      label: `@${entity.id}`,
      kind: CompletionItemKind.Reference,
      detail: [entity.name, entity.type].filter(Boolean).join(' · '),
      documentation: [entity.description, entity.aliases.length > 0 ? `Also: ${entity.aliases.join('، ')}` : undefined].filter(Boolean).join('\n\n') || undefined,
      sortText: `${named ? '0' : '5'}${entity.id}`,
      preselect: named || undefined,
      filterText: [`@${entity.id}`, ...names].join(' '),
      textEdit: { range, newText: `@${entity.id}` },
    } as CompletionItem);
  }
  return items;
}

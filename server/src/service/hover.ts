/** Hover: what a span is, what its entity is, and how often both occur. */

import { type Hover, MarkupKind } from 'vscode-languageserver';
import { type EntityDef, type TypeDef, effectiveType } from '../core/config';
import { toRange } from './convert';
import { targetAt } from './targets';
import type { CorpusState, Workspace } from './workspace';

export function hover(workspace: Workspace, uri: string, position: { line: number; character: number }): Hover | null {
  const at = targetAt(workspace, uri, position);
  const mapper = workspace.positions(uri);
  if (!at || !mapper) return null;
  const { target, state } = at;
  const lines: string[] = [];

  if (at.configFile) {
    // In corpus.yaml: the entry's counts.
    if (!state) return null;
    if (target.kind === 'type') lines.push(...typeLines(state.config.types.get(target.name), target.name), '', countLine(state, 'type', target.name));
    if (target.kind === 'entity') lines.push(...entityLines(state.config.entities.get(target.id), target.id), '', countLine(state, 'entity', target.id));
    return lines.length > 0 ? { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: toRange(mapper, 'range' in target ? target.range : target.span.range) } : null;
  }

  const span = target.span!;
  const type = effectiveType(span, state?.config);
  lines.push(`**${escape(span.text)}**`, '');
  if (type !== undefined) lines.push(...typeLines(state?.config.types.get(type), type));
  const id = span.label.idName;
  if (id !== undefined) {
    lines.push('');
    lines.push(...entityLines(state?.config.entities.get(id), id));
  }
  const attributes = span.label.attributes.filter((a) => a.key !== 'note');
  const note = span.label.attributes.find((a) => a.key === 'note');
  if (attributes.length > 0) lines.push('', attributes.map((a) => `\`${a.key}\` = ${escape(a.value)}`).join(' · '));
  if (note) lines.push('', `*Note:* ${escape(note.value)}`);
  if (state) {
    const inDoc = state.index.namesIn(uri);
    const rows: string[] = [];
    if (id !== undefined) {
      rows.push(`| \`@${id}\` | ${inDoc.filter((m) => m.id === id).length} | ${state.index.countOfEntity(id)} |`);
    }
    if (type !== undefined) rows.push(`| ${type} | ${inDoc.filter((m) => m.type === type).length} | ${state.index.countOfType(type)} |`);
    if (rows.length > 0) lines.push('', '| mentions | this document | corpus |', '|---|---:|---:|', ...rows);
  }
  const range = target.kind === 'type' || target.kind === 'entity' ? target.range : target.kind === 'attribute' ? target.attribute.range : span.range;
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: toRange(mapper, range) };
}

function typeLines(def: TypeDef | undefined, key: string): string[] {
  if (!def) return [`**${key}** — not declared in corpus.yaml`];
  const title = [`**${key}**`, def.name !== undefined ? escape(def.name) : undefined].filter(Boolean).join(' · ');
  return def.description !== undefined ? [title, '', escape(def.description)] : [title];
}

function entityLines(entity: EntityDef | undefined, id: string): string[] {
  if (!entity) return [`\`@${id}\` — not in the catalog`];
  const lines = [[`\`@${id}\``, entity.name !== undefined ? `**${escape(entity.name)}**` : undefined, entity.type].filter(Boolean).join(' · ')];
  if (entity.aliases.length > 0) lines.push('', `Also: ${entity.aliases.map(escape).join('، ')}`);
  if (entity.description !== undefined) lines.push('', escape(entity.description));
  const links = Object.entries(entity.links).map(([key, value]) => linkOf(key, value));
  if (links.length > 0) lines.push('', `Links: ${links.join(' · ')}`);
  return lines;
}

/** A catalog link as Markdown: Wikidata ids and URLs become links. */
export function linkOf(key: string, value: string): string {
  if (/^https?:\/\//.test(value)) return `[${escape(key)}](${value})`;
  if (key.toLowerCase() === 'wikidata' && /^[QPL]\d+$/.test(value)) return `[Wikidata ${value}](https://www.wikidata.org/wiki/${value})`;
  return `${escape(key)}: ${escape(value)}`;
}

function countLine(state: CorpusState, kind: 'type' | 'entity', name: string): string {
  const count = kind === 'type' ? state.index.countOfType(name) : state.index.countOfEntity(name);
  const documents = state.index.documentCountOf(kind === 'type' ? { type: name } : { id: name });
  return `${count} mention${count === 1 ? '' : 's'} in ${documents} document${documents === 1 ? '' : 's'} of ${state.index.documentCount}`;
}

/** Escapes Markdown's special characters in user text. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

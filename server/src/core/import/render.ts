/** Writes imported documents as annotated text, and the corpus.yaml that declares what they use. */

import { stringify } from 'yaml';
import type { ImportedDocument, ImportedSpan, ImportResult } from './model';

/** Characters the markup reads as markup: written escaped in text. */
const MARKUP = /[[\]{}\\]/g;

/** A value that can stand bare in a label (anything else is quoted). */
const BARE = /^[^\s"{}[\]=\\]+$/u;

function value(text: string): string {
  return BARE.test(text) ? text : `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** The label of a span: `{TYPE @id key=value note="..."}`. */
export function renderLabel(span: Pick<ImportedSpan, 'type' | 'id' | 'attributes' | 'note'>): string {
  const parts = [span.type];
  if (span.id !== undefined) parts.push(`@${span.id}`);
  for (const [key, v] of span.attributes) parts.push(`${key}=${value(v)}`);
  if (span.note !== undefined) parts.push(`note=${value(span.note)}`);
  return `{${parts.join(' ')}}`;
}

/** A front matter fence at the start of a text would be read as front matter. */
const FENCE = /^---[ \t]*(\r\n|\n|\r|$)/;

/** What a text may not start with unless front matter stands before it: a fence, or U+FEFF (read as a BOM). */
function needsFrontMatter(text: string): boolean {
  return FENCE.test(text) || text.charCodeAt(0) === 0xfeff;
}

/**
 * The annotated text of a document: front matter (when it has metadata, or when its text starts
 * with a `---` line or a U+FEFF that would otherwise be read as a fence or a BOM), then the text with literal
 * brackets, braces and backslashes escaped and the spans written inline. Spans must be
 * normalized (sorted, nested, on one line each).
 */
export function renderDocument(doc: ImportedDocument): string {
  const eol = /\r\n|\n|\r/.exec(doc.text)?.[0] ?? '\n';
  let out = '';
  if (Object.keys(doc.meta).length > 0 || needsFrontMatter(doc.text)) {
    const yaml = Object.keys(doc.meta).length > 0 ? stringify(doc.meta, { lineWidth: 0 }) : '';
    out += `---${eol}${eol === '\n' ? yaml : yaml.replace(/\n/g, eol)}---${eol}`;
  }
  const text = doc.text;
  const escape = (from: number, to: number): string => text.slice(from, to).replace(MARKUP, '\\$&');
  const stack: ImportedSpan[] = [];
  let pos = 0;
  const closeUpTo = (limit: number): void => {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= limit) {
      const top = stack.pop()!;
      out += escape(pos, top.end) + ']' + renderLabel(top);
      pos = top.end;
    }
  };
  for (const span of doc.spans) {
    closeUpTo(span.start);
    out += escape(pos, span.start) + '[';
    pos = span.start;
    stack.push(span);
  }
  closeUpTo(Infinity);
  return out + escape(pos, text.length);
}

/** A YAML scalar: bare when it is plainly a word, else double-quoted (JSON strings are valid YAML). */
function scalar(text: string): string {
  return /^[\p{L}\p{M}][\p{L}\p{M}\p{N}_.\-]*$/u.test(text) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(text) ? text : JSON.stringify(text);
}

/** Colours for imported types, in order (Tableau 20, the seed corpus's palette first). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#a0cbe8', '#ffbe7d', '#8cd17d', '#b6992d', '#f1ce63', '#86bcb6', '#ff9d9a', '#79706e', '#d37295', '#d4a6c8'];

/** Whether most letters of the texts are Arabic script (read from a sample). */
function mostlyArabic(documents: ImportedDocument[]): boolean {
  let arabic = 0;
  let other = 0;
  let budget = 1 << 20;
  for (const doc of documents) {
    const sample = doc.text.slice(0, budget);
    budget -= sample.length;
    for (const m of sample.matchAll(/\p{L}/gu)) {
      if (/\p{Script=Arabic}/u.test(m[0])) arabic++;
      else other++;
    }
    if (budget <= 0) break;
  }
  return arabic > other;
}

/**
 * corpus.yaml for imported documents: every type found (most frequent first, so the first nine get
 * the number keys), with colours; the document labels, attributes and catalog ids they use, so
 * that `check` finds nothing unknown.
 */
export function renderCorpusYaml(result: ImportResult, about: { name: string; format: string; sources: string[] }): string {
  const typeCounts = new Map<string, number>();
  const idTypes = new Map<string, Map<string, number>>();
  const attributes = new Set<string>();
  const labels = new Set<string>();
  for (const doc of result.documents) {
    const docLabels = doc.meta['labels'];
    if (Array.isArray(docLabels)) for (const l of docLabels) if (typeof l === 'string') labels.add(l);
    for (const span of doc.spans) {
      typeCounts.set(span.type, (typeCounts.get(span.type) ?? 0) + 1);
      for (const [key] of span.attributes) attributes.add(key);
      if (span.id !== undefined) {
        let counts = idTypes.get(span.id);
        if (!counts) idTypes.set(span.id, (counts = new Map()));
        counts.set(span.type, (counts.get(span.type) ?? 0) + 1);
      }
    }
  }
  const byCount = (counts: Map<string, number>): string[] => [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k);

  const sources = about.sources.length <= 3 ? about.sources.join(', ') : `${about.sources.slice(0, 3).join(', ')} and ${about.sources.length - 3} more`;
  const lines = [`# Written by corpus-annotator import --format ${about.format} from ${sources.replace(/[\r\n]+/g, ' ')}.`, `name: ${scalar(about.name)}`];
  if (mostlyArabic(result.documents)) lines.push('language: ar', 'direction: rtl');
  lines.push('documents: ["**/*.txt"]');
  const types = byCount(typeCounts);
  if (types.length === 0) lines.push('types: {}');
  else {
    lines.push('types:');
    types.forEach((type, i) => lines.push(`  ${scalar(type)}: { color: "${PALETTE[i % PALETTE.length]}" }`));
  }
  if (labels.size > 0) lines.push(`document_labels: [${[...labels].sort().map(scalar).join(', ')}]`);
  if (attributes.size > 0) {
    lines.push('attributes:');
    for (const key of [...attributes].sort()) lines.push(`  ${scalar(key)}: {}`);
  }
  const ids = [...new Set([...idTypes.keys(), ...result.links.keys()])].sort();
  if (ids.length > 0) {
    lines.push('entities:');
    for (const id of ids) {
      const fields: string[] = [];
      const counts = idTypes.get(id);
      if (counts) fields.push(`type: ${scalar(byCount(counts)[0]!)}`);
      const links = result.links.get(id);
      if (links && Object.keys(links).length > 0) {
        fields.push(`links: { ${Object.keys(links).sort().map((k) => `${scalar(k)}: ${scalar(links[k]!)}`).join(', ')} }`);
      }
      lines.push(`  ${scalar(id)}: { ${fields.join(', ')} }`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * brat standoff: NAME.txt (the plain text, LF line ends, no BOM) and NAME.ann per document, plus
 * annotation.conf and visual.conf generated from corpus.yaml.
 *
 * Offsets are code points into the .txt: brat's server (Python 3) reads the text as a `str` and
 * slices it. Line ends are written as LF because that is what brat's own tools write and what
 * its offsets are taken against; a CRLF source's offsets are shifted to match.
 *
 * In the .ann: `T` lines for spans, `A` lines for attributes, `N` lines for the span's catalog id
 * (`Catalog:<id>`) and the catalog entity's links (`Wikidata:Q…`), `#` AnnotatorNotes for notes.
 */

import type { CorpusConfig } from '../config';
import { CodePointCounter } from '../text';
import { BaseExporter } from './base';
import { type DocumentRecord, type ExportDocument, type IssueList, type OutputSink, declaredTypes, flattened, stemOf } from './common';

/** The normalization database name under which brat files carry the corpus's own entity ids. */
export const CATALOG_DB = 'Catalog';

/** brat's name of a link key of corpus.yaml (`wikidata` -> `Wikidata`, as brat projects spell it). */
export function bratDbName(linkKey: string): string {
  return linkKey === 'wikidata' ? 'Wikidata' : linkKey;
}

/**
 * The plain text with CRLF and lone CR written as LF, and a map from UTF-16 offsets of the
 * original text to UTF-16 offsets of the new one.
 */
export function toLf(text: string): { text: string; map: (offset: number) => number } {
  if (!text.includes('\r')) return { text, map: (offset) => offset };
  // Offsets (in the original) of each CR that is dropped because an LF follows it.
  const dropped: number[] = [];
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) === 10) dropped.push(i);
  const lf = text.replace(/\r\n?/g, '\n');
  return {
    text: lf,
    map: (offset) => {
      let lo = 0;
      let hi = dropped.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (dropped[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      return offset - lo;
    },
  };
}

/**
 * The fragments brat's editor makes of a selection `[start, end)` of `text` (LF line ends): one
 * per line, each trimmed of white space, empty ones dropped.
 */
export function bratFragments(text: string, start: number, end: number): [number, number][] {
  // A span on one line is kept as it is, white space and all, so it round-trips exactly.
  if (isOneLine(text, start, end)) return [[start, end]];
  const out: [number, number][] = [];
  let pos = start;
  for (const segment of text.slice(start, end).split('\n')) {
    let s = pos;
    let e = pos + segment.length;
    pos = e + 1;
    while (s < e && /\s/u.test(text[s]!)) s++;
    while (e > s && /\s/u.test(text[e - 1]!)) e--;
    if (s < e) out.push([s, e]);
  }
  return out.length > 0 ? out : [[start, end]];
}

/** Whether `[start, end)` of a text with LF line ends holds no line break. */
function isOneLine(text: string, start: number, end: number): boolean {
  const newline = text.indexOf('\n', start);
  return newline < 0 || newline >= end;
}

/** A single line of an .ann field: tabs and line breaks would end the field, so they become spaces. */
function field(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

/** See BratExporter.referencesOf. */
interface CatalogReferences {
  name?: string;
  written: string[];
  unwritable: [string, string][];
}

export class BratExporter extends BaseExporter {
  private readonly usedTypes = new Set<string>();
  /** Attribute values seen, per attribute. */
  private readonly attributeValues = new Map<string, Set<string>>();
  private readonly stems = new Map<string, string>();
  private readonly references = new Map<string, CatalogReferences>();
  private nested = false;

  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const stem = stemOf(record.path);
    const clash = this.stems.get(stem);
    if (clash !== undefined && clash !== record.path) {
      issues.add('error', 0, `'${record.path}' and '${clash}' would both be exported as ${stem}.txt`);
      return [];
    }
    this.stems.set(stem, record.path);
    if (stem === 'annotation' || stem === 'visual') {
      issues.add('error', 0, `a document named ${stem}.txt would sit next to brat's ${stem}.conf; rename it`);
      return [];
    }

    const lf = toLf(record.text);
    if (lf.text.charCodeAt(0) === 0xfeff) {
      // brat's tools (and our import) take a leading U+FEFF of a .txt for a byte order mark.
      issues.add('warning', doc.parsed.offsets.sourceStarts[0] ?? 0, 'the text starts with U+FEFF, which brat and import read as a byte order mark: it will not come back');
    }
    const counter = new CodePointCounter(lf.text);
    // The .ann is one string built as it goes, not a list of lines joined at the end (a copy
    // less), and made flat before it waits to be written (see `flattened`).
    let ann = '';
    let t = 0;
    let a = 0;
    let n = 0;
    let notes = 0;
    for (const span of record.spans) {
      const at = doc.parsed.spans[span.index]!.range.start;
      const id = `T${++t}`;
      const start = lf.map(span.start);
      const end = lf.map(span.end);
      if (isOneLine(lf.text, start, end)) {
        // The usual case, without a list of fragments (see `bratFragments`).
        ann += `${id}\t${span.type} ${counter.toCodePoint(start)} ${counter.toCodePoint(end)}\t${lf.text.slice(start, end)}\n`;
      } else {
        const fragments = bratFragments(lf.text, start, end);
        const offsets = fragments.map(([s, e]) => `${counter.toCodePoint(s)} ${counter.toCodePoint(e)}`).join(';');
        const surface = fragments.map(([s, e]) => lf.text.slice(s, e)).join(' ');
        ann += `${id}\t${span.type} ${offsets}\t${surface}\n`;
      }
      if (span.depth > 0) this.nested = true;
      for (const [key, value] of span.attributes) {
        if (/[\s|,:]/u.test(value) || value === '') {
          issues.add('error', at, `brat cannot hold the value of ${key}=${JSON.stringify(value)}: its attribute values are single words declared in annotation.conf (no spaces, '|', ',' or ':')`);
          continue;
        }
        let values = this.attributeValues.get(key);
        if (!values) this.attributeValues.set(key, (values = new Set()));
        values.add(value);
        ann += `A${++a}\t${key} ${id} ${value}\n`;
      }
      if (span.id !== undefined) {
        const references = this.referencesOf(span.id);
        const name = references.name ?? field(span.text);
        for (const reference of references.written) ann += `N${++n}\tReference ${id} ${reference}\t${name}\n`;
        for (const [key, value] of references.unwritable) {
          issues.add('warning', at, `the link ${key}: ${JSON.stringify(value)} of '@${span.id}' is not written: a brat reference is DB:ID without spaces`);
        }
      }
      if (span.note !== undefined) {
        const note = field(span.note);
        // A tab would end the field: say so rather than change the note unseen.
        if (note !== span.note) issues.add('warning', at, `the note's tabs are written as spaces: a brat note is one field of one line`);
        ann += `#${++notes}\tAnnotatorNotes ${id}\t${note}\n`;
      }
      this.usedTypes.add(span.type);
    }
    return [
      [`${stem}.txt`, lf.text],
      [`${stem}.ann`, flattened(ann)],
    ];
  }

  /**
   * The normalizations of a catalog id, worked out once an export (a frequent entity has
   * thousands of mentions): `Catalog:<id>`, then its links sorted by key, and the links brat
   * cannot hold. `name` is the catalog's, when it has the id.
   */
  private referencesOf(catalogId: string): CatalogReferences {
    let known = this.references.get(catalogId);
    if (known) return known;
    const entity = this.config.entities.get(catalogId);
    known = { written: [`${CATALOG_DB}:${catalogId}`], unwritable: [] };
    if (entity?.name !== undefined) known.name = field(entity.name);
    for (const key of Object.keys(entity?.links ?? {}).sort()) {
      const value = entity!.links[key]!;
      if (/\s/u.test(value) || /\s|:/u.test(key)) known.unwritable.push([key, value]);
      else known.written.push(`${bratDbName(key)}:${value}`);
    }
    this.references.set(catalogId, known);
    return known;
  }

  override end(out: OutputSink): void {
    out.write('annotation.conf', annotationConf(this.config, this.usedTypes, this.attributeValues, this.config.nesting || this.nested));
    out.write('visual.conf', visualConf(this.config, this.usedTypes));
  }
}

function annotationConf(config: CorpusConfig, used: Set<string>, seen: Map<string, Set<string>>, nesting: boolean): string {
  const lines = [`# brat annotation configuration generated by corpus-annotator from corpus.yaml${config.name ? ` (${field(config.name)})` : ''}.`, '', '[entities]'];
  lines.push(...declaredTypes(config, used));
  lines.push('', '[relations]');
  // Spans nest in this corpus; brat must be told that entities may contain or equal each other.
  if (nesting) lines.push('<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:contain|equal');
  lines.push('', '[events]', '', '[attributes]');
  const keys = [...config.attributes.keys(), ...[...seen.keys()].filter((k) => !config.attributes.has(k)).sort()];
  for (const key of keys) {
    const declared = (config.attributes.get(key)?.values ?? []).filter((v) => !/[\s|,:]/u.test(v) && v !== '');
    const values = [...declared, ...[...(seen.get(key) ?? [])].filter((v) => !declared.includes(v)).sort()];
    if (values.length > 0) lines.push(`${key}\tArg:<ENTITY>, Value:${values.join('|')}`);
  }
  return lines.join('\n') + '\n';
}

function visualConf(config: CorpusConfig, used: Set<string>): string {
  const types = declaredTypes(config, used);
  const lines = ['# brat visual configuration generated by corpus-annotator from corpus.yaml.', '', '[labels]'];
  for (const type of types) {
    const name = config.types.get(type)?.name;
    lines.push(name && !name.includes('|') ? `${type} | ${field(name)} | ${type}` : type);
  }
  lines.push('', '[drawing]');
  for (const type of types) {
    const color = config.types.get(type)?.color;
    if (color) lines.push(`${type}\tbgColor:${color}`);
  }
  return lines.join('\n') + '\n';
}

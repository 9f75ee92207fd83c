/**
 * What importers produce: documents as plain text with spans (UTF-16 offsets), before they are
 * written as annotated text. Importers only read; `normalize` settles what the markup cannot
 * hold (spans across line breaks, crossing spans, names out of grammar) for every format alike.
 */

import { ENTITY_ID, TYPE_NAME } from '../grammar';
import { isLineBreak } from '../text';

/** A file given to an importer. */
export interface SourceFile {
  /** How messages name the file (e.g. relative to the current folder). */
  path: string;
  /** Relative name (with `/`) that output documents are named after: `sub/doc.ann`. */
  name: string;
  /** The text, BOM removed. */
  text: string;
  /** Whether the file began with a BOM. */
  bom?: boolean;
}

/** A place in a source file, for messages. */
export interface SourcePosition {
  file: string;
  /** 1-based. */
  line: number;
}

export interface ImportIssue extends SourcePosition {
  severity: 'error' | 'warning';
  message: string;
}

export interface ImportedSpan {
  /** UTF-16 offsets into the document text. */
  start: number;
  end: number;
  type: string;
  id?: string;
  attributes: [string, string][];
  note?: string;
  where: SourcePosition;
}

export interface ImportedDocument {
  /** Relative path of the annotated-text file to write, with `/`, ending in `.txt`. */
  name: string;
  text: string;
  spans: ImportedSpan[];
  /** Front matter to write, in this key order (`id` and `labels` included when present). */
  meta: Record<string, unknown>;
  where: SourcePosition;
}

/** What an import yields. */
export interface ImportResult {
  documents: ImportedDocument[];
  /** Catalog links seen, per entity id (brat `N` lines): written into corpus.yaml's catalog. */
  links: Map<string, Record<string, string>>;
  issues: ImportIssue[];
  /** What the importer decided about the input, for the summary (e.g. "IOB2"). */
  notes: string[];
}

export function emptyResult(): ImportResult {
  return { documents: [], links: new Map(), issues: [], notes: [] };
}

/** Collects issues for one source file. */
export class Issues {
  constructor(
    private readonly result: ImportResult,
    readonly file: string,
  ) {}
  error(line: number, message: string): void {
    this.result.issues.push({ file: this.file, line, severity: 'error', message });
  }
  warning(line: number, message: string): void {
    this.result.issues.push({ file: this.file, line, severity: 'warning', message });
  }
}


/** Whether a name can be written as a label's type or an attribute key. */
export function isTypeName(name: string): boolean {
  return TYPE_NAME.test(name);
}

/** Whether a name can be written as a label's `@id`. */
export function isEntityId(name: string): boolean {
  return ENTITY_ID.test(name);
}

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/**
 * Makes imported documents writable as annotated text, adding issues:
 * - a span that crosses a line break (the markup's spans stay on one line) is split into one span
 *   per line, each trimmed of white space as brat's editor trims fragments, with the same type,
 *   id, attributes and note; a warning says so;
 * - crossing spans, empty spans, and types, ids or attribute keys out of the markup's grammar are
 *   errors; so are attribute values and notes holding a line break;
 * - spans are put in document order, an enclosing span before the spans it holds.
 */
export function normalize(result: ImportResult): void {
  for (const doc of result.documents) {
    // A leading U+FEFF is kept: renderDocument writes a front matter fence before it, so that it
    // is not read back as a byte order mark.
    const spans: ImportedSpan[] = [];
    for (const span of doc.spans) {
      const issue = (message: string, severity: 'error' | 'warning' = 'error'): void => {
        result.issues.push({ ...span.where, severity, message });
      };
      if (!isTypeName(span.type)) {
        issue(`type '${span.type}' cannot be written in a label (a letter, then letters, digits, _ - .)`);
        continue;
      }
      if (span.id !== undefined && !isEntityId(span.id)) {
        issue(`entity id '${span.id}' cannot be written as @id (letters, digits, _ - . :)`);
        continue;
      }
      let bad = false;
      for (const [key, value] of span.attributes) {
        if (!isTypeName(key) || key === 'note') {
          issue(`attribute name '${key}' cannot be written in a label (a letter, then letters, digits, _ - .; 'note' is the note)`);
          bad = true;
        } else if (/[\r\n]/.test(value)) {
          issue(`the value of attribute '${key}' holds a line break, which a label cannot hold`);
          bad = true;
        }
      }
      if (span.note !== undefined && /[\r\n]/.test(span.note)) {
        issue('the note holds a line break, which a label cannot hold');
        bad = true;
      }
      if (bad) continue;
      if (span.start >= span.end) {
        issue('the span is empty');
        continue;
      }
      const parts = splitAtLineBreaks(doc.text, span.start, span.end);
      if (parts.length !== 1 || parts[0]![0] !== span.start || parts[0]![1] !== span.end) {
        issue(`the span ${JSON.stringify(doc.text.slice(span.start, span.end))} crosses a line break; it is written as ${parts.length} span${parts.length === 1 ? '' : 's'}, one a line`, 'warning');
      }
      for (const [start, end] of parts) spans.push({ ...span, start, end });
    }
    // Document order; of two spans starting together the longer encloses the other; equal
    // ranges keep their input order (the first written is the outer one).
    const order = spans.map((span, i) => ({ span, i }));
    order.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end || a.i - b.i);
    doc.spans = order.map((o) => o.span);
    // Crossing spans cannot be written: keep a stack of open ranges.
    const open: ImportedSpan[] = [];
    for (const span of doc.spans) {
      while (open.length > 0 && open[open.length - 1]!.end <= span.start) open.pop();
      const top = open[open.length - 1];
      if (top && span.end > top.end) {
        result.issues.push({
          ...span.where,
          severity: 'error',
          message: `the span ${JSON.stringify(doc.text.slice(span.start, span.end))} crosses the span ${JSON.stringify(doc.text.slice(top.start, top.end))} (line ${top.where.line}): spans may nest but not cross`,
        });
        continue;
      }
      open.push(span);
    }
  }
}

/** The per-line parts of `[start, end)`, each trimmed of white space; the range itself when on one line. */
export function splitAtLineBreaks(text: string, start: number, end: number): [number, number][] {
  let crosses = false;
  for (let i = start; i < end; i++) {
    if (isLineBreak(text.charCodeAt(i))) {
      crosses = true;
      break;
    }
  }
  if (!crosses) return [[start, end]];
  const parts: [number, number][] = [];
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i === end || isLineBreak(text.charCodeAt(i))) {
      let a = s;
      let b = i;
      while (a < b && isSpace(text[a]!)) a++;
      while (b > a && isSpace(text[b - 1]!)) b--;
      if (a < b) parts.push([a, b]);
      s = i + 1;
    }
  }
  return parts;
}

/** A name safe as a file name: letters, digits, `_`, `-`, `.`; never empty, never `..`. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^\p{L}\p{M}\p{N}_.\-]+/gu, '_').replace(/^\.+/, '_');
  return cleaned.length > 0 ? cleaned.slice(0, 120) : '_';
}

/** A relative path made of safe names, or undefined when it would leave the output folder. */
export function safeRelativePath(path: string): string | undefined {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..') || /^[a-zA-Z]:/.test(path) || path.startsWith('/')) return undefined;
  return parts.map(safeName).join('/');
}

/** Gives each document a distinct name (`a.txt`, `a-2.txt`, ...), case-insensitively. */
export function uniqueNames(documents: ImportedDocument[]): void {
  const taken = new Set<string>();
  for (const doc of documents) {
    let name = doc.name.endsWith('.txt') ? doc.name : `${doc.name}.txt`;
    const stem = name.slice(0, -4);
    for (let k = 2; taken.has(name.toLowerCase()) || name.toLowerCase() === 'corpus.yaml'; k++) name = `${stem}-${k}.txt`;
    taken.add(name.toLowerCase());
    doc.name = name;
  }
}

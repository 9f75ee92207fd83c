/**
 * What every exporter shares: the document record (id, metadata, spans with their effective
 * types), issues with positions, and the sink exporters write to.
 *
 * Pure: plain data in, strings out. The CLI writes them to disk, the server hands them to the
 * client.
 */

import { type CorpusConfig, effectiveType } from '../config';
import type { ParsedDocument } from '../model';
import type { OffsetUnit } from '../offsetUnits';
import { LineIndex } from '../text';

/** One document to export. */
export interface ExportDocument {
  /** Path relative to the corpus folder, with `/`: names per-document files and is the default id. */
  path: string;
  parsed: ParsedDocument;
}

/** Where exporters write. `write` appends to the file at `path` (relative, `/`), creating it first. */
export interface OutputSink {
  write(path: string, text: string): void;
}

/** A problem found while exporting: errors stop the export, warnings do not. */
export interface ExportIssue {
  /** The document's path (as in ExportDocument). */
  path: string;
  /** 1-based line and column (UTF-16, as editors count) in the document's source. */
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

/** Options of an export; each format reads the ones it has. */
export interface ExportOptions {
  /** Offset unit, for the formats that offer a choice (see EXPORT_FORMATS). */
  offsets?: OffsetUnit;
  /** conll: the tagging scheme. */
  scheme?: 'iob2' | 'bioes';
  /** conll: outermost spans only, or one tag column per nesting depth. */
  nested?: 'outermost' | 'columns';
}

/** Counts an export reports. */
export interface ExportStats {
  documents: number;
  spans: number;
  /** conll: tokens written, and tokens cut in two at a span boundary. */
  tokens: number;
  cutTokens: number;
}

/** A span as exporters see it. */
export interface SpanRecord {
  /** Index in the document's `spans` (preorder). */
  index: number;
  /** UTF-16 offsets into the plain text. */
  start: number;
  end: number;
  /** The effective type: the label's, else the catalog entity's. */
  type: string;
  id?: string;
  /** Attributes other than `note`, in the order written. */
  attributes: [string, string][];
  note?: string;
  text: string;
  depth: number;
  parent: number;
}

/** A document as exporters see it. */
export interface DocumentRecord {
  id: string;
  path: string;
  text: string;
  /** Front matter without `id` and `labels`, keys in the order written. */
  meta: Record<string, unknown>;
  /** Document labels (front matter `labels:`). */
  labels: string[];
  spans: SpanRecord[];
}

/** The path without its last extension: `news/a.txt` -> `news/a`. */
export function stemOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(0, dot) : path;
}

/** Positions of source offsets in one document, built on first use (only problems need it). */
export class IssueList {
  private lines?: LineIndex;
  readonly issues: ExportIssue[] = [];

  constructor(private readonly doc: ExportDocument) {}

  add(severity: ExportIssue['severity'], sourceOffset: number, message: string): void {
    this.lines ??= new LineIndex(this.doc.parsed.source);
    const p = this.lines.position(sourceOffset);
    this.issues.push({ path: this.doc.path, line: p.line + 1, column: p.character + 1, severity, message });
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }
}

/**
 * The record of a document, or undefined when it cannot be exported (its issues say why):
 * markup errors (the spans found may be incomplete) and spans with no type.
 */
export function documentRecord(doc: ExportDocument, config: CorpusConfig, issues: IssueList): DocumentRecord | undefined {
  const { parsed } = doc;
  for (const problem of parsed.problems) issues.add('error', problem.range.start, `${problem.message} (${problem.code}); run 'corpus-annotator check'`);
  const spans: SpanRecord[] = [];
  parsed.spans.forEach((span, index) => {
    const type = effectiveType(span, config);
    if (type === undefined) {
      const id = span.label.idName;
      issues.add('error', span.range.start, id !== undefined ? `the span has no type and the catalog gives none for '@${id}'` : 'the span has no type');
      return;
    }
    const record: SpanRecord = { index, start: span.start, end: span.end, type, attributes: [], text: span.text, depth: span.depth, parent: span.parent };
    if (span.label.idName !== undefined) record.id = span.label.idName;
    for (const attribute of span.label.attributes) {
      if (attribute.key === 'note') record.note = attribute.value;
      else record.attributes.push([attribute.key, attribute.value]);
    }
    spans.push(record);
  });
  if (issues.hasErrors) return undefined;

  const data = parsed.frontMatter?.data ?? {};
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (key !== 'id' && key !== 'labels') meta[key] = value;
  const rawId = data['id'];
  const id = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId)) ? String(rawId) : stemOf(doc.path);
  const labels = parsed.frontMatter?.labels.map((l) => l.value) ?? [];
  return { id, path: doc.path, text: parsed.plainText, meta, labels, spans };
}

/**
 * `text` as one contiguous string. A string built with `+=` is a rope (V8 links the pieces and
 * copies nothing); left so until its file is written, dozens of documents later, its thousands of
 * pieces outlive the young generation and the collector's work undoes the gain (the CoNLL export
 * ran 30% slower than with an array of pieces joined). Reading a character makes V8 copy the
 * rope into one string there and then, while its pieces can still die young.
 */
export function flattened(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** Attributes as a JSON object, in the order written. */
export function attributeObject(attributes: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of attributes) out[key] = value;
  return out;
}

/** Types to declare in a generated configuration: corpus.yaml's in order, then others used, sorted. */
export function declaredTypes(config: CorpusConfig, used: Iterable<string>): string[] {
  const out = [...config.types.keys()];
  const extra = [...new Set(used)].filter((t) => !config.types.has(t)).sort();
  return out.concat(extra);
}

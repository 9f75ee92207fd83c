/** The frame every exporter fills in: validate a document, render it, write it only when clean. */

import type { CorpusConfig } from '../config';
import { type OffsetConverter, type OffsetUnit, offsetConverter, unitName } from '../offsetUnits';
import { type DocumentRecord, type ExportDocument, type ExportIssue, type ExportOptions, type ExportStats, IssueList, type OutputSink, type SpanRecord, documentRecord } from './common';

/** Exports documents one at a time; see createExporter. */
export interface Exporter {
  /** Writes what precedes the documents. */
  begin(out: OutputSink): void;
  /** Exports one document and returns its issues; nothing is written for a document with errors. */
  add(doc: ExportDocument, out: OutputSink): ExportIssue[];
  /** Writes what follows the documents: configuration files, closing brackets. */
  end(out: OutputSink): void;
  readonly stats: ExportStats;
}

export abstract class BaseExporter implements Exporter {
  readonly stats: ExportStats = { documents: 0, spans: 0, tokens: 0, cutTokens: 0 };

  constructor(
    protected readonly config: CorpusConfig,
    protected readonly options: ExportOptions,
  ) {}

  begin(_out: OutputSink): void {}

  end(_out: OutputSink): void {}

  add(doc: ExportDocument, out: OutputSink): ExportIssue[] {
    const issues = new IssueList(doc);
    const record = documentRecord(doc, this.config, issues);
    if (!record) return issues.issues;
    const files = this.render(record, doc, issues);
    if (issues.hasErrors) return issues.issues;
    for (const [path, text] of files) out.write(path, text);
    this.written();
    this.stats.documents++;
    this.stats.spans += record.spans.length;
    return issues.issues;
  }

  /** The text to append to each file for this document; may add issues (errors cancel the writing). */
  protected abstract render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][];

  /** Called after a document's files were written (a document with errors is not). */
  protected written(): void {}

  /** Offsets of a span in `unit`, or undefined (an error is added) when a boundary falls inside a unit. */
  protected offsetsOf(span: SpanRecord, converter: OffsetConverter, doc: ExportDocument, issues: IssueList): [number, number] | undefined {
    const start = converter.fromUtf16(span.start);
    const end = converter.fromUtf16(span.end);
    if (start === undefined || end === undefined) {
      issues.add('error', doc.parsed.spans[span.index]!.range.start, `a boundary of this span falls inside a character of ${unitName(converter.unit)}, so it has no offset in that unit`);
      return undefined;
    }
    return [start, end];
  }

  protected converter(text: string, fallback: OffsetUnit): OffsetConverter {
    return offsetConverter(text, this.options.offsets ?? fallback);
  }
}

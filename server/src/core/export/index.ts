/**
 * Exporters: the public API the CLI, the language server and (through the server) the client use.
 *
 * Streaming: `createExporter` takes documents one at a time and appends to an OutputSink, so a
 * large corpus never has to be parsed or held whole. `exportCorpus` is the convenience that
 * collects everything in memory, with progress and cancellation, for the editor's command.
 */

import type { CorpusConfig } from '../config';
import type { OffsetUnit } from '../offsetUnits';
import type { Exporter } from './base';
import { BratExporter } from './brat';
import type { ExportDocument, ExportIssue, ExportOptions, ExportStats, OutputSink } from './common';
import { ConllExporter } from './conll';
import { DoccanoExporter, JsonlExporter, SpacyExporter } from './jsonl';
import { LabelStudioExporter } from './labelStudio';

export type { Exporter } from './base';
export type { ExportDocument, ExportIssue, ExportOptions, ExportStats, OutputSink } from './common';

export type ExportFormat = 'jsonl' | 'doccano' | 'spacy' | 'brat' | 'conll' | 'label-studio';

/** What each format offers: its offset units (the first is the default; none for conll) and what it writes. */
export const EXPORT_FORMATS: Record<ExportFormat, { offsets: readonly OffsetUnit[]; description: string }> = {
  jsonl: { offsets: ['codepoints', 'utf16'], description: 'corpus.jsonl: a document a line with its text, metadata, labels and spans (everything)' },
  doccano: { offsets: ['utf16', 'graphemes', 'codepoints'], description: "corpus.jsonl in doccano's sequence-labelling format" },
  spacy: { offsets: ['codepoints'], description: "corpus.jsonl for spaCy: entities, span groups, words and spaces" },
  brat: { offsets: ['codepoints'], description: 'NAME.txt and NAME.ann per document, annotation.conf and visual.conf' },
  conll: { offsets: [], description: 'corpus.conll: a token a line with IOB2 (or BIOES) tags' },
  'label-studio': { offsets: ['codepoints'], description: 'tasks.json and label_config.xml for Label Studio' },
};

export function isExportFormat(value: string): value is ExportFormat {
  return Object.prototype.hasOwnProperty.call(EXPORT_FORMATS, value);
}

/** An exporter for `format`. Call begin, add for each document (in a stable order), then end. */
export function createExporter(format: ExportFormat, config: CorpusConfig, options: ExportOptions = {}): Exporter {
  const offsets = EXPORT_FORMATS[format].offsets;
  if (options.offsets !== undefined && !offsets.includes(options.offsets)) {
    throw new Error(offsets.length === 0 ? `${format} has no offsets to choose` : `${format} offsets are ${offsets.join(' or ')}, not ${options.offsets}`);
  }
  switch (format) {
    case 'jsonl':
      return new JsonlExporter(config, options);
    case 'doccano':
      return new DoccanoExporter(config, options);
    case 'spacy':
      return new SpacyExporter(config, options);
    case 'brat':
      return new BratExporter(config, options);
    case 'conll':
      return new ConllExporter(config, options);
    case 'label-studio':
      return new LabelStudioExporter(config, options);
  }
}

/** A file an export produced. */
export interface ExportedFile {
  /** Relative to the output folder, with `/`. */
  relativePath: string;
  content: string;
}

export interface ExportResult {
  /** Sorted by path. Empty when the export had errors or was cancelled. */
  files: ExportedFile[];
  issues: ExportIssue[];
  stats: ExportStats;
  cancelled: boolean;
}

export interface ExportControl {
  /** Called after each document with the count done and the total (when the input has a length). */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Checked before each document; true stops the export. */
  isCancelled?: () => boolean;
}

/** An OutputSink that keeps files in memory. */
export class MemorySink implements OutputSink {
  private readonly parts = new Map<string, string[]>();
  write(path: string, text: string): void {
    let list = this.parts.get(path);
    if (!list) this.parts.set(path, (list = []));
    list.push(text);
  }
  files(): ExportedFile[] {
    return [...this.parts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([relativePath, list]) => ({ relativePath, content: list.join('') }));
  }
}

/**
 * Exports documents in memory: what the editor's "Export Corpus…" needs. Documents are exported
 * in the order given (give them sorted by path for the same bytes every time). Any error
 * leaves `files` empty; `issues` says why.
 */
export function exportCorpus(format: ExportFormat, documents: Iterable<ExportDocument>, config: CorpusConfig, options: ExportOptions = {}, control: ExportControl = {}): ExportResult {
  const exporter = createExporter(format, config, options);
  const sink = new MemorySink();
  const issues: ExportIssue[] = [];
  const total = Array.isArray(documents) ? documents.length : undefined;
  exporter.begin(sink);
  let done = 0;
  for (const document of documents) {
    if (control.isCancelled?.()) return { files: [], issues, stats: exporter.stats, cancelled: true };
    issues.push(...exporter.add(document, sink));
    control.onProgress?.(++done, total);
  }
  exporter.end(sink);
  const failed = issues.some((i) => i.severity === 'error');
  return { files: failed ? [] : sink.files(), issues, stats: exporter.stats, cancelled: false };
}

/** `corpus-annotator export`: a corpus in another tool's format, written atomically. */

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat, type ExportIssue, type ExportOptions, isExportFormat } from '../core/export';
import { OFFSET_UNITS, type OffsetUnit } from '../core/offsetUnits';
import { type ExportOutcome, exportToFolder } from '../node/exportToFolder';
import { isFileError, listDocuments, loadCorpus } from '../node/files';
import { OutputError } from '../node/writeAtomic';
import { type CliIo, CliError, FORMAT_COMMAND_OPTIONS, displayPath, formatAndOut, isWithin, resolveTargets } from './common';

export const EXPORT_HELP = `Usage: corpus-annotator export --format F --out DIR [options] [PATH...]

Exports a corpus (or the documents under PATH) for another tool. Offsets count characters of the
plain text (front matter and markup removed), in the unit the format's own tools use:

  jsonl         corpus.jsonl: id, path, text, meta, labels, spans {start, end, type, id,
                attributes, note, text}. Code points (--offsets utf16 for UTF-16 code units).
  doccano       corpus.jsonl for doccano sequence labelling: text, label [[start, end, TYPE]],
                meta. UTF-16 code units, as doccano's editor counts; --offsets graphemes for
                projects with "Count grapheme clusters as one character".
  spacy         corpus.jsonl: text, entities (outermost), spans.sc (all), words, spaces, meta.
                Code points: Python string indices, what Doc.char_span takes.
  brat          NAME.txt (LF, no BOM) and NAME.ann per document, annotation.conf, visual.conf.
                Code points into the .txt, as brat's Python server slices it.
  conll         corpus.conll: TOKEN TAG a line, -DOCSTART- per document, a blank line between
                sentences. No offsets.
  label-studio  tasks.json and label_config.xml. Code points, Label Studio's unit for text.

Options:
  --format F                 one of: ${Object.keys(EXPORT_FORMATS).join(', ')}
  --out DIR                  output folder; must be empty or new unless --force
  --offsets U                offset unit where the format offers one (see above)
  --scheme iob2|bioes        conll tags (default: iob2)
  --nested outermost|columns conll: outermost spans only (default), or a tag column per
                             nesting depth, outermost first (the Wojood convention)
  --force                    write into a non-empty DIR, replacing files of the same name
  -h, --help                 show this help

Files are written to a temporary folder and moved into DIR at the end: an export that fails
leaves DIR as it was. The same corpus always gives the same bytes. See docs/export.md.

Exit status: 0 exported; 1 a document cannot be exported (markup errors, a span with no type;
nothing is written); 2 bad arguments, an unreadable file or corpus.yaml, or DIR not empty.`;

/** Issues shown in full; the rest are counted. */
const SHOWN_ISSUES = 20;

export async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...FORMAT_COMMAND_OPTIONS, nested: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(EXPORT_HELP + '\n');
    return 0;
  }
  const { format, out } = formatAndOut(values, isExportFormat, EXPORT_FORMATS);
  const options = exportOptions(format, values);

  const targets = resolveTargets(io, positionals);
  const folders = [...new Set(targets.map((t) => t.corpusFolder))];
  if (folders.includes(undefined)) throw new CliError(`${displayPath(io, targets.find((t) => t.corpusFolder === undefined)!.within!)} is in no corpus (no corpus.yaml above it)`);
  if (folders.length > 1) throw new CliError(`the paths span ${folders.length} corpora (${folders.map((f) => displayPath(io, f!)).join(', ')}); export one corpus at a time`);
  const folder = folders[0]!;
  const corpus = loadCorpus(folder);
  if (isFileError(corpus)) throw new CliError(`${displayPath(io, corpus.file)}: ${corpus.message}`);
  const fatal = corpus.problems.find((p) => p.code === 'yaml-syntax' || p.code === 'config-too-large');
  if (fatal) throw new CliError(`${displayPath(io, corpus.configFile)}: ${fatal.message}`);

  const wholeCorpus = targets.some((t) => t.within === undefined || t.within === folder);
  const documents = listDocuments(corpus).filter((file) => wholeCorpus || targets.some((t) => isWithin(file, t.within)));
  for (const target of targets) {
    if (target.within && target.within !== folder && !documents.some((d) => isWithin(d, target.within))) {
      throw new CliError(`${displayPath(io, target.within)} holds no document of the corpus (see documents: and exclude: in corpus.yaml)`);
    }
  }

  const outDir = path.resolve(io.cwd, out);
  if (format === 'brat' && isWithin(outDir, folder)) {
    throw new CliError(`--out ${out} is inside the corpus folder: the exported .txt files would be read as documents`);
  }
  const progress = new Progress(io, documents.length);
  let outcome: ExportOutcome;
  try {
    outcome = await exportToFolder({
      folder,
      config: corpus.config,
      documents,
      format,
      options,
      outDir,
      force: values.force === true,
      onProgress: (done, bytes) => progress.update(done, bytes),
    });
  } catch (error) {
    if (error instanceof OutputError) throw new CliError(error.message.replace(outDir, displayPath(io, outDir)));
    throw error;
  } finally {
    progress.clear();
  }
  const shown = (issues: ExportIssue[]): ExportIssue[] => issues.map((issue) => ({ ...issue, path: displayPath(io, issue.path) }));
  switch (outcome.kind) {
    case 'unreadable': {
      const where = outcome.error.line !== undefined ? `:${outcome.error.line}:${outcome.error.column ?? 1}` : '';
      throw new CliError(`${displayPath(io, outcome.error.file)}${where}: ${outcome.error.message}`);
    }
    case 'refused': {
      printIssues(io, shown(outcome.issues));
      const errors = outcome.issues.filter((i) => i.severity === 'error').length;
      io.stderr(`corpus-annotator export: ${errors} error${errors === 1 ? '' : 's'}; nothing was written\n`);
      return 1;
    }
    case 'cancelled':
      throw new CliError('export cancelled; nothing was written');
    case 'written': {
      printIssues(io, shown(outcome.issues));
      const stats = outcome.stats;
      const tokens = format === 'conll' ? `, ${stats.tokens} tokens (${stats.cutTokens} cut at a span boundary)` : '';
      const unit = options.offsets ?? EXPORT_FORMATS[format].offsets[0];
      io.stdout(
        `exported ${stats.documents} document${stats.documents === 1 ? '' : 's'}, ${stats.spans} spans${tokens} as ${format}${unit ? ` (offsets in ${unit})` : ''} to ${displayPath(io, outDir)}: ${summarizeFiles(outcome.files)}\n`,
      );
      return 0;
    }
  }
}

function exportOptions(format: ExportFormat, values: { offsets?: string | undefined; scheme?: string | undefined; nested?: string | undefined }): ExportOptions {
  const options: ExportOptions = {};
  const units = EXPORT_FORMATS[format].offsets;
  if (values.offsets !== undefined) {
    if (!(OFFSET_UNITS as readonly string[]).includes(values.offsets)) throw new CliError(`--offsets must be one of ${OFFSET_UNITS.join(', ')}`);
    if (!units.includes(values.offsets as OffsetUnit)) {
      throw new CliError(units.length === 0 ? `${format} has no offsets` : `${format} offsets are in ${units.join(' or ')}, not ${values.offsets}`);
    }
    options.offsets = values.offsets as OffsetUnit;
  }
  if (values.scheme !== undefined || values.nested !== undefined) {
    if (format !== 'conll') throw new CliError(`--scheme and --nested are options of conll, not ${format}`);
    if (values.scheme !== undefined && values.scheme !== 'iob2' && values.scheme !== 'bioes') throw new CliError(`--scheme must be iob2 or bioes, not '${values.scheme}'`);
    if (values.nested !== undefined && values.nested !== 'outermost' && values.nested !== 'columns') throw new CliError(`--nested must be outermost or columns, not '${values.nested}'`);
    if (values.scheme) options.scheme = values.scheme as 'iob2' | 'bioes';
    if (values.nested) options.nested = values.nested as 'outermost' | 'columns';
  }
  return options;
}

function printIssues(io: CliIo, issues: ExportIssue[]): void {
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const issue of sorted.slice(0, SHOWN_ISSUES)) io.stderr(`${issue.path}:${issue.line}:${issue.column}: ${issue.severity}: ${issue.message}\n`);
  if (sorted.length > SHOWN_ISSUES) io.stderr(`... and ${sorted.length - SHOWN_ISSUES} more\n`);
}

function summarizeFiles(files: string[]): string {
  if (files.length <= 4) return files.join(', ');
  return `${files.length} files`;
}

/** A progress line on a terminal, redrawn at most ten times a second, shown only for exports that take a while. */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;
  private bytes = 0;

  constructor(
    private readonly io: CliIo,
    private readonly total: number,
    private readonly verb = 'exporting',
  ) {}

  update(done: number, bytes: number): void {
    this.bytes += bytes;
    if (!this.io.isTTY) return;
    const now = Date.now();
    if (now - this.started < 500 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const mb = (this.bytes / 1024 / 1024).toFixed(1);
    this.io.stderr(`\r${this.verb} ${done}/${this.total} documents (${mb} MB)\x1b[K`);
  }

  clear(): void {
    if (this.shown) this.io.stderr('\r\x1b[K');
    this.shown = false;
  }
}

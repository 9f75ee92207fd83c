/** `corpus-annotator import`: other tools' annotations as annotated-text documents and a corpus.yaml. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions, type SourceFile, importDocuments, isImportFormat, renderImport } from '../core/import';
import { OFFSET_UNITS, type OffsetUnit } from '../core/offsetUnits';
import { isFileError, readTextFile, walkFiles } from '../node/files';
import { OutputError, StagedOutput } from '../node/writeAtomic';
import { type CliIo, CliError, FORMAT_COMMAND_OPTIONS, displayPath, formatAndOut } from './common';

export const IMPORT_HELP = `Usage: corpus-annotator import --format F --out DIR [options] SRC...

Reads annotations made with another tool and writes them as annotated-text documents (literal
brackets escaped) with a corpus.yaml declaring the types, attributes, document labels and
catalog ids found. A SRC is a file, or a folder whose files of the format are read.

  brat          NAME.txt and NAME.ann pairs (code points). T, A, N (Catalog:ID, Wikidata:Q...)
                and # AnnotatorNotes lines; relations and events are skipped.
  conll         TOKEN TAG [TAG...] a line; IOB1, IOB2 and BIOES told apart from the tags; extra
                tag columns are nested layers (Wojood). A BOM, CRLF, U+200E marks and tab-only
                separator lines are fine.
  jsonl         as 'export --format jsonl' writes it (code points; --offsets utf16).
  doccano       sequence-labelling JSONL (UTF-16 code units; --offsets graphemes|codepoints).
  spacy         JSONL with text and spans/entities (code points).
  label-studio  JSON tasks (code points).

Options:
  --format F                    one of: ${Object.keys(IMPORT_FORMATS).join(', ')}
  --out DIR                     folder to write the documents and corpus.yaml into
  --offsets U                   offset unit where the format offers one (see above)
  --scheme auto|iob1|iob2|bioes conll tagging scheme (default: auto)
  --sentences-per-document N    conll: a new document every N sentences
  --name NAME                   the corpus name in corpus.yaml (default: DIR's name)
  --force                       replace files that already exist in DIR
  -h, --help                    show this help

A span that crosses a line break is written as one span a line (with a warning): the markup's
spans stay on one line. Malformed input is reported as file:line: what is wrong, and then nothing
is written. See docs/export.md.

Exit status: 0 imported; 1 malformed input (nothing written); 2 bad arguments, an unreadable
file, or a file in DIR that would be overwritten without --force.`;

const SHOWN_ISSUES = 20;

export function runImport(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...FORMAT_COMMAND_OPTIONS, 'sentences-per-document': { type: 'string' }, name: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(IMPORT_HELP + '\n');
    return 0;
  }
  const { format, out } = formatAndOut(values, isImportFormat, IMPORT_FORMATS);
  if (positionals.length === 0) throw new CliError('give at least one SRC file or folder to import');
  const options = importOptions(format, values);

  const sources = readSources(io, format, positionals);
  const result = importDocuments(format, sources, options);
  const errors = result.issues.filter((i) => i.severity === 'error');
  const warnings = result.issues.filter((i) => i.severity === 'warning');
  for (const issue of [...errors, ...warnings].slice(0, SHOWN_ISSUES)) io.stderr(`${issue.file}:${issue.line}: ${issue.severity}: ${issue.message}\n`);
  if (errors.length + warnings.length > SHOWN_ISSUES) io.stderr(`... and ${errors.length + warnings.length - SHOWN_ISSUES} more\n`);
  if (errors.length > 0) {
    io.stderr(`corpus-annotator import: ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written\n`);
    return 1;
  }

  const outDir = path.resolve(io.cwd, out);
  const files = renderImport(result, { name: values.name ?? path.basename(outDir), format, sources: positionals });
  let staged: StagedOutput;
  try {
    staged = StagedOutput.open(outDir, { policy: 'no-overwrite', force: values.force === true });
  } catch (error) {
    if (error instanceof OutputError) throw new CliError(error.message.replace(outDir, displayPath(io, outDir)));
    throw error;
  }
  try {
    for (const file of files) staged.write(file.relativePath, file.content);
    staged.commit();
  } catch (error) {
    if (error instanceof OutputError) throw new CliError(error.message.replace(outDir, displayPath(io, outDir)));
    staged.abort();
    throw error;
  }
  const spans = result.documents.reduce((n, d) => n + d.spans.length, 0);
  const types = new Set(result.documents.flatMap((d) => d.spans.map((s) => s.type))).size;
  io.stdout(`imported ${result.documents.length} document${result.documents.length === 1 ? '' : 's'}, ${spans} spans of ${types} type${types === 1 ? '' : 's'} into ${displayPath(io, outDir)}${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`);
  for (const note of result.notes) io.stdout(`  ${note}\n`);
  return 0;
}

function importOptions(format: ImportFormat, values: { offsets?: string | undefined; scheme?: string | undefined; 'sentences-per-document'?: string | undefined }): ImportOptions {
  const options: ImportOptions = {};
  const units = IMPORT_FORMATS[format].offsets;
  if (values.offsets !== undefined) {
    if (!(OFFSET_UNITS as readonly string[]).includes(values.offsets)) throw new CliError(`--offsets must be one of ${OFFSET_UNITS.join(', ')}`);
    if (!units.includes(values.offsets as OffsetUnit)) throw new CliError(units.length === 0 ? `${format} has no offsets` : `${format} offsets are in ${units.join(' or ')}, not ${values.offsets}`);
    options.offsets = values.offsets as OffsetUnit;
  }
  if (values.scheme !== undefined || values['sentences-per-document'] !== undefined) {
    if (format !== 'conll') throw new CliError(`--scheme and --sentences-per-document are options of conll, not ${format}`);
  }
  if (values.scheme !== undefined) {
    if (!['auto', 'iob1', 'iob2', 'bioes'].includes(values.scheme)) throw new CliError(`--scheme must be auto, iob1, iob2 or bioes, not '${values.scheme}'`);
    options.scheme = values.scheme as ImportOptions['scheme'];
  }
  const per = values['sentences-per-document'];
  if (per !== undefined) {
    const n = Number(per);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--sentences-per-document takes a whole number above 0, not '${per}'`);
    options.sentencesPerDocument = n;
  }
  return options;
}

/** Reads every SRC: files as given, folders for the format's files (sorted). */
function readSources(io: CliIo, format: ImportFormat, given: string[]): SourceFile[] {
  const extensions = IMPORT_FORMATS[format].extensions;
  const out: SourceFile[] = [];
  for (const arg of given) {
    const absolute = path.resolve(io.cwd, arg);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new CliError(`${arg}: no such file or folder`);
    }
    const entries = stat.isDirectory()
      ? walkFiles(absolute)
          .filter((f) => extensions.some((e) => f.endsWith(e)))
          .map((relative) => ({ file: path.join(absolute, relative), name: relative }))
      : [{ file: absolute, name: path.basename(absolute) }];
    if (entries.length === 0) throw new CliError(`${arg}: no ${extensions.join(' or ')} files in this folder`);
    for (const { file, name } of entries) {
      const read = readTextFile(file);
      if (isFileError(read)) {
        const where = read.line !== undefined ? `:${read.line}:${read.column ?? 1}` : '';
        throw new CliError(`${displayPath(io, file)}${where}: ${read.message}`);
      }
      out.push({ path: displayPath(io, file), name, text: read.text, bom: read.bom });
    }
  }
  return out;
}

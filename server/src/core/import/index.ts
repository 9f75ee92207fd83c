/**
 * Importers: annotations in other tools' formats -> annotated-text documents and a corpus.yaml.
 * The public API the CLI uses (and the server may): read with `importDocuments`, then, when it
 * has no errors, write what `renderImport` returns. Nothing here touches the disk.
 */

import type { OffsetUnit } from '../offsetUnits';
import { parse } from '../parser';
import { importBrat } from './brat';
import { type ConllScheme, importConll } from './conll';
import { importDoccano, importJsonl, importLabelStudio, importSpacy } from './json';
import { type ImportResult, type SourceFile, emptyResult, normalize, uniqueNames } from './model';
import { renderCorpusYaml, renderDocument } from './render';

export type { ImportIssue, ImportResult, ImportedDocument, ImportedSpan, SourceFile } from './model';
export type { ConllScheme } from './conll';

export type ImportFormat = 'brat' | 'conll' | 'jsonl' | 'doccano' | 'spacy' | 'label-studio';

/** What each format reads: offset units (the first is the default) and the files taken from a folder. */
export const IMPORT_FORMATS: Record<ImportFormat, { offsets: readonly OffsetUnit[]; extensions: readonly string[] }> = {
  brat: { offsets: ['codepoints'], extensions: ['.ann', '.txt'] },
  conll: { offsets: [], extensions: ['.conll', '.conllx', '.iob', '.bio', '.bioes', '.tsv', '.txt'] },
  jsonl: { offsets: ['codepoints', 'utf16'], extensions: ['.jsonl'] },
  doccano: { offsets: ['utf16', 'graphemes', 'codepoints'], extensions: ['.jsonl', '.json'] },
  spacy: { offsets: ['codepoints'], extensions: ['.jsonl'] },
  'label-studio': { offsets: ['codepoints'], extensions: ['.json', '.jsonl'] },
};

export function isImportFormat(value: string): value is ImportFormat {
  return Object.prototype.hasOwnProperty.call(IMPORT_FORMATS, value);
}

export interface ImportOptions {
  offsets?: OffsetUnit;
  /** conll: the tagging scheme; `auto` (the default) tells it from the tags. */
  scheme?: ConllScheme;
  /** conll: start a new document every N sentences. */
  sentencesPerDocument?: number;
}

/**
 * Reads `files` (sorted as given) as `format`. The result's documents are ready to render when
 * it has no error issues: spans sorted, split at line breaks, names distinct.
 */
export function importDocuments(format: ImportFormat, files: SourceFile[], options: ImportOptions = {}): ImportResult {
  const result = emptyResult();
  const unit = options.offsets ?? IMPORT_FORMATS[format].offsets[0] ?? 'codepoints';
  switch (format) {
    case 'brat':
      importBrat(files, result);
      break;
    case 'conll':
      importConll(files, { scheme: options.scheme ?? 'auto', ...(options.sentencesPerDocument ? { sentencesPerDocument: options.sentencesPerDocument } : {}) }, result);
      break;
    case 'jsonl':
      importJsonl(files, unit, result);
      break;
    case 'doccano':
      importDoccano(files, unit, result);
      break;
    case 'spacy':
      importSpacy(files, result);
      break;
    case 'label-studio':
      importLabelStudio(files, result);
      break;
  }
  normalize(result);
  uniqueNames(result.documents);
  return result;
}

/** A file an import writes. */
export interface ImportedFile {
  /** Relative to the output folder, with `/`. */
  relativePath: string;
  content: string;
}

/**
 * The files to write: each document as annotated text and a corpus.yaml declaring what they use.
 * Each document is parsed back and compared with what was imported; a difference is a bug here,
 * thrown rather than written.
 */
export function renderImport(result: ImportResult, about: { name: string; format: string; sources: string[] }): ImportedFile[] {
  const files: ImportedFile[] = [];
  for (const doc of result.documents) {
    const content = renderDocument(doc);
    const back = parse(content);
    const same =
      back.problems.length === 0 &&
      back.plainText === doc.text &&
      back.spans.length === doc.spans.length &&
      back.spans.every((s, i) => s.start === doc.spans[i]!.start && s.end === doc.spans[i]!.end && s.label.typeName === doc.spans[i]!.type);
    if (!same) throw new Error(`${doc.name}: the written document does not read back as imported (${back.problems[0]?.message ?? 'text or spans differ'})`);
    files.push({ relativePath: doc.name, content });
  }
  files.push({ relativePath: 'corpus.yaml', content: renderCorpusYaml(result, about) });
  return files;
}

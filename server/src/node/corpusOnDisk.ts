/** A corpus read whole from disk and indexed: what `check` and `export` work on. */

import { CorpusIndex } from '../core/corpusIndex';
import type { ParsedDocument } from '../core/model';
import { parse } from '../core/parser';
import { type FileError, type LoadedCorpus, isFileError, listDocuments, loadCorpus, readTextFile } from './files';

/** One document of a corpus on disk. */
export interface DocumentOnDisk {
  /** Absolute path; also the document's id in the index. */
  file: string;
  /** Its text as read (BOM removed). */
  text: string;
  bom: boolean;
  parsed: ParsedDocument;
}

export interface CorpusOnDisk {
  corpus: LoadedCorpus;
  index: CorpusIndex;
  /** In path order. */
  documents: DocumentOnDisk[];
  /** Documents that could not be read. */
  unreadable: FileError[];
}

/** Reads, parses and indexes every document of the corpus in `folder`. */
export function openCorpus(folder: string): CorpusOnDisk | FileError {
  const corpus = loadCorpus(folder);
  if (isFileError(corpus)) return corpus;
  const index = new CorpusIndex(corpus.config);
  const documents: DocumentOnDisk[] = [];
  const unreadable: FileError[] = [];
  for (const file of listDocuments(corpus)) {
    const read = readTextFile(file);
    if (isFileError(read)) {
      // Deleted (or renamed away) since the folder was listed: no longer a document.
      if (read.code !== 'ENOENT') unreadable.push(read);
      continue;
    }
    const parsed = parse(read.text);
    index.update(file, parsed);
    documents.push({ file, text: read.text, bom: read.bom, parsed });
  }
  return { corpus, index, documents, unreadable };
}

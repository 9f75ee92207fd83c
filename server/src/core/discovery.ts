/**
 * Which files are a corpus's documents (markup.md section 1), decided on paths alone: the
 * caller lists files, this says which match `documents:` minus `exclude:`.
 */

import picomatch from 'picomatch';
import type { CorpusConfig } from './config';

/** The name that makes a folder a corpus. */
export const CORPUS_FILE = 'corpus.yaml';

/** A predicate telling whether a path relative to the corpus folder (with `/`) is a document. */
export function documentMatcher(config: Pick<CorpusConfig, 'documents' | 'exclude' | 'entitiesPath'>): (relativePath: string) => boolean {
  const options = { dot: false, nocase: false };
  const include = config.documents.length > 0 ? picomatch(config.documents, options) : () => false;
  const exclude = config.exclude.length > 0 ? picomatch(config.exclude, options) : () => false;
  return (relativePath) => {
    const path = relativePath.replace(/\\/g, '/');
    // corpus.yaml and the catalog are the corpus's own files, never documents.
    if (path === CORPUS_FILE || path === config.entitiesPath) return false;
    return include(path) && !exclude(path);
  };
}

/**
 * The corpus folder governing a file: the nearest folder above it holding a corpus.yaml, as
 * with tsconfig.json. `hasCorpusFile` answers for a folder path; paths use `/`.
 */
export function nearestCorpusFolder(filePath: string, hasCorpusFile: (folder: string) => boolean): string | undefined {
  let folder = parentOf(filePath);
  while (folder !== undefined) {
    if (hasCorpusFile(folder)) return folder;
    folder = parentOf(folder);
  }
  return undefined;
}

function parentOf(path: string): string | undefined {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return trimmed.length > 0 && trimmed !== '.' ? '.' : undefined;
  if (i === 0) return trimmed.length > 1 ? '/' : undefined;
  return trimmed.slice(0, i);
}

/**
 * The file system side of corpora, shared by the CLI and the language server: decoding files,
 * finding corpora and their documents, reading corpus.yaml with its entities file.
 * Everything here returns errors as values with the file named; nothing throws on bad input.
 */

import { isAscii, isUtf8, transcode } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ConfigProblem, type CorpusConfig, type EntitiesFileRead, MAX_CONFIG_BYTES, emptyConfig, loadConfig } from '../core/config';
import { CORPUS_FILE, documentMatcher } from '../core/discovery';
import { LineIndex } from '../core/text';

/** A text file read from disk: its text without BOM, and whether it had one. */
export interface DecodedText {
  text: string;
  bom: boolean;
  /** Bytes read: the file's size, BOM included. */
  size: number;
}

/** A file that could not be read as text, with where the trouble is when it is known. */
export interface FileError {
  file: string;
  message: string;
  line?: number;
  column?: number;
  /** The system's error code (`ENOENT`: the file is gone, e.g. deleted while a corpus was read). */
  code?: string;
}

/** Documents larger than this are not read (the hostile-input guard of the reliability issue). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** Folders never searched for documents or corpora. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test']);

/**
 * Decodes UTF-8 bytes strictly. Invalid UTF-8 and NUL bytes (binary files) are errors naming
 * the line and column where they occur; a BOM is removed and remembered.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): DecodedText | FileError {
  // The platform checks a valid file (the usual case) much faster than a loop here can; only a
  // file it refuses, or one with a NUL byte, is scanned to say where.
  const text = bytes.indexOf(0) < 0 && isUtf8(bytes) ? decodeValidUtf8(bytes) : undefined;
  const bad = text === undefined ? firstInvalidUtf8(bytes) : -1;
  if (bad >= 0) {
    const where = positionOfByte(bytes, bad);
    const what = bytes[bad] === 0 ? 'a NUL byte (binary file?)' : 'bytes that are not valid UTF-8';
    return { file, message: `not a UTF-8 text file: ${what}`, ...where };
  }
  let decoded = text ?? lenientUtf8.decode(bytes);
  const bom = decoded.charCodeAt(0) === 0xfeff;
  if (bom) decoded = decoded.slice(1);
  return { text: decoded, bom, size: bytes.length };
}

/** Decodes with U+FFFD for what is not UTF-8, a BOM kept. */
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The text of bytes `isUtf8` accepted (it refuses what `firstInvalidUtf8` does: overlong forms,
 * surrogates, beyond U+10FFFF, cut sequences), a BOM kept. ICU converts them to UTF-16 and the
 * string is a copy of that: 4-5x faster on Arabic text than TextDecoder, whose conversion (V8's)
 * takes a character at a time (10,000 documents, 55 MB: 70 ms against 280-360). ASCII is left to
 * TextDecoder, fast there, which makes a string of one byte a character instead of two.
 */
function decodeValidUtf8(bytes: Uint8Array): string {
  if (isAscii(bytes)) return lenientUtf8.decode(bytes);
  return transcode(bytes, 'utf8', 'utf16le').toString('utf16le');
}

/** Offset of the first byte that breaks UTF-8 (or is NUL), or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b === 0) return i;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters of the valid prefix) of a byte offset. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const index = new LineIndex(prefix);
  const p = index.position(prefix.length);
  return { line: p.line + 1, column: p.character + 1 };
}

/** Reads and decodes a text file, or says why it cannot be read. */
export function readTextFile(file: string, maxBytes = MAX_DOCUMENT_BYTES): DecodedText | FileError {
  let fd: number | undefined;
  try {
    // Opened first and then asked what it is: one system call fewer a file than a stat by name
    // before the open (a tenth of the time an export spends reading). Non-blocking, so that a
    // named pipe does not hang the open; it is refused below, and reads of a regular file ignore
    // the flag.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { file, message: 'not a regular file' };
    if (stat.size > maxBytes) return { file, message: `too large to read (${(stat.size / 1024 / 1024).toFixed(1)} MB; the limit is ${maxBytes / 1024 / 1024} MB)` };
    // Up to the size fstat gave: a file growing meanwhile is read as it was then, one shrinking
    // as it is now.
    const bytes = Buffer.allocUnsafe(stat.size);
    let size = 0;
    while (size < bytes.length) {
      const read = fs.readSync(fd, bytes, size, bytes.length - size, null);
      if (read === 0) break;
      size += read;
    }
    return decodeUtf8(bytes.subarray(0, size), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { file, message: describeFsError(error), ...(code !== undefined ? { code } : {}) };
  } finally {
    try {
      if (fd !== undefined) fs.closeSync(fd);
    } catch {
      // What was read stands; a failed close of a read-only file loses nothing.
    }
  }
}

export function isFileError(value: unknown): value is FileError {
  return typeof value === 'object' && value !== null && 'message' in value && 'file' in value;
}

/** A short, user-facing reason for a file system error. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return (error as Error).message ?? String(error);
  }
}

/**
 * Files below `root` (relative paths with `/`), sorted. Symbolic links are followed once: a
 * folder reached again through a link (a loop) is skipped. Folders for which `stopAt` is true
 * are not entered (a nested corpus is its own). Files that vanish while walking are skipped.
 */
export function walkFiles(root: string, stopAt?: (folder: string) => boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    const absolute = path.join(root, relative);
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = fs.realpathSync(absolute);
      if (seen.has(real)) continue;
      seen.add(real);
      entries = fs.readdirSync(absolute, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = fs.statSync(path.join(root, childRelative));
          isDirectory = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          continue; // a dangling link
        }
      }
      if (isDirectory) {
        if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
        if (stopAt?.(path.join(root, childRelative))) continue;
        pending.push(childRelative);
      } else if (isFile) {
        out.push(childRelative);
      }
    }
  }
  return out.sort();
}

/** Folders at or below `root` that hold a corpus.yaml. */
export function findCorpusFolders(root: string): string[] {
  const folders = walkFiles(root)
    .filter((file) => file === CORPUS_FILE || file.endsWith(`/${CORPUS_FILE}`))
    .map((file) => path.join(root, path.dirname(file)));
  return [...new Set(folders)].sort();
}

/** The nearest folder at or above `start` holding a corpus.yaml. */
export function findCorpusFolderAbove(start: string): string | undefined {
  let folder = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(folder, CORPUS_FILE))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** A corpus read from disk: its configuration and the problems of its YAML files. */
export interface LoadedCorpus {
  folder: string;
  configFile: string;
  config: CorpusConfig;
  /** Texts of corpus.yaml and the entities file, for mapping problem offsets to lines. */
  configText: string;
  entitiesFile?: string;
  entitiesText?: string;
  problems: ConfigProblem[];
}

/**
 * Reads a corpus's corpus.yaml (or takes its text) and its entities file; an unreadable
 * corpus.yaml is an error value.
 */
export function loadCorpus(folder: string, configText?: string): LoadedCorpus | FileError {
  const configFile = path.join(folder, CORPUS_FILE);
  // An editor passes the text of an open corpus.yaml, saved or not.
  const read = configText !== undefined ? { text: configText } : readTextFile(configFile, MAX_CONFIG_BYTES);
  if (isFileError(read)) return read;
  let entitiesText: string | undefined;
  let entitiesFile: string | undefined;
  const { config, problems } = loadConfig(read.text, (relativePath): EntitiesFileRead => {
    entitiesFile = path.join(folder, relativePath);
    // The path is confined by the core; a link inside the corpus must not lead out of it.
    try {
      const real = fs.realpathSync(entitiesFile);
      const realFolder = fs.realpathSync(folder);
      if (!real.startsWith(realFolder + path.sep)) return { error: 'it resolves to a place outside the corpus folder' };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
      return { error: describeFsError(error) };
    }
    const entities = readTextFile(entitiesFile, MAX_CONFIG_BYTES);
    if (isFileError(entities)) return { error: entities.message };
    entitiesText = entities.text;
    return { text: entities.text };
  });
  const loaded: LoadedCorpus = { folder, configFile, config, configText: read.text, problems };
  if (entitiesFile !== undefined) loaded.entitiesFile = entitiesFile;
  if (entitiesText !== undefined) loaded.entitiesText = entitiesText;
  return loaded;
}

/** The configuration used for a file outside every corpus: syntax checks only. */
export function outsideCorpus(): CorpusConfig {
  return emptyConfig();
}

/** The documents of a corpus (absolute paths, sorted), nested corpora left to themselves. */
export function listDocuments(corpus: Pick<LoadedCorpus, 'folder' | 'config'>): string[] {
  const isDocument = documentMatcher(corpus.config);
  const hasOwnCorpus = (folder: string): boolean => fs.existsSync(path.join(folder, CORPUS_FILE));
  return walkFiles(corpus.folder, hasOwnCorpus)
    .filter(isDocument)
    .map((relative) => path.join(corpus.folder, relative));
}

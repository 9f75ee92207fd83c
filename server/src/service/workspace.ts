/**
 * The language service's state: the corpora under the workspace folders, each with its
 * configuration and index, and the documents the editor has open.
 *
 * Documents are identified by URI strings in one canonical spelling (see `canonicalUri`). Open
 * documents are parsed lazily, once per version, so a burst of edits costs one parse when
 * somebody asks, not one per keystroke.
 */

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type ConfigFile } from '../core/config';
import { CorpusIndex } from '../core/corpusIndex';
import { CORPUS_FILE, documentMatcher } from '../core/discovery';
import { MissedMentionCache } from '../core/missedMentions';
import type { ParsedDocument } from '../core/model';
import { parse } from '../core/parser';
import { reparse } from '../core/reparse';
import { LineIndex } from '../core/text';
import { type PositionEncoding, documentLine, encodedMapper } from './encoding';
import { type FileError, type LoadedCorpus, findCorpusFolderAbove, findCorpusFolders, isFileError, listDocuments, loadCorpus, readTextFile } from '../node/files';

/** One spelling per file: VS Code and other clients encode URIs slightly differently. */
export function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).href;
  } catch {
    return uri;
  }
}

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** Converts offsets of one text to LSP positions and back (UTF-16). */
export interface PositionMapper {
  positionAt(offset: number): { line: number; character: number };
  offsetAt(position: { line: number; character: number }): number;
}

/** A corpus: its folder, configuration and the index of all its documents. */
export class CorpusState {
  readonly uri: string;
  readonly configUri: string;
  loaded: LoadedCorpus;
  /** Problems that made the last corpus.yaml text unusable (then `loaded` is the last good one). */
  brokenConfig?: LoadedCorpus;
  index: CorpusIndex;
  private isDocument: (relative: string) => boolean;

  constructor(readonly folder: string, loaded: LoadedCorpus) {
    this.uri = pathToUri(folder);
    this.configUri = pathToUri(path.join(folder, CORPUS_FILE));
    this.loaded = loaded;
    this.index = new CorpusIndex(loaded.config);
    this.isDocument = documentMatcher(loaded.config);
  }

  get config() {
    return this.loaded.config;
  }

  /** The URI of one of the corpus's YAML files. */
  fileUri(file: ConfigFile): string {
    return file === 'entities' && this.loaded.entitiesFile ? pathToUri(this.loaded.entitiesFile) : this.configUri;
  }

  /** The text of one of the corpus's YAML files. */
  fileText(file: ConfigFile): string {
    return file === 'entities' && this.loaded.entitiesText !== undefined ? this.loaded.entitiesText : this.loaded.configText;
  }

  /** Whether a file path is one of this corpus's documents by its globs. */
  matches(file: string): boolean {
    const relative = path.relative(this.folder, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
    return this.isDocument(relative.split(path.sep).join('/'));
  }

  /** Takes a new configuration; the index is re-typed, documents are kept. */
  setLoaded(loaded: LoadedCorpus): void {
    this.loaded = loaded;
    this.isDocument = documentMatcher(loaded.config);
    this.index.setConfig(loaded.config);
  }
}

interface OpenDocument {
  document: TextDocument;
  parsed?: ParsedDocument;
  parsedVersion?: number;
  /** The missed-mention search's answers for the document's lines, from one version to the next. */
  missedMentions: MissedMentionCache;
}

export class Workspace {
  /** The position encoding agreed with the client. */
  encoding: PositionEncoding = 'utf-16';
  readonly corpora = new Map<string, CorpusState>();
  private readonly open = new Map<string, OpenDocument>();
  /** Errors met while indexing (unreadable documents, broken corpus.yaml), by file URI. */
  readonly fileErrors = new Map<string, FileError>();

  /** Finds every corpus at, below or above the folders and lists its documents (not yet read). */
  discover(folders: string[]): [CorpusState, string[]][] {
    const corpusFolders = new Set<string>();
    for (const folder of folders) {
      const above = findCorpusFolderAbove(folder);
      if (above) corpusFolders.add(above);
      for (const below of findCorpusFolders(folder)) corpusFolders.add(below);
    }
    const found: [CorpusState, string[]][] = [];
    for (const folder of [...corpusFolders].sort()) {
      const state = this.loadCorpusState(folder);
      if (state) found.push([state, listDocuments(state.loaded)]);
    }
    return found;
  }

  /** Finds and indexes every corpus of the folders at once (the server does it in chunks). */
  indexFolders(folders: string[]): void {
    for (const [state, files] of this.discover(folders)) for (const file of files) this.indexFile(state, file);
  }

  /** Reads a corpus's corpus.yaml from disk (or the open buffer) and registers it. */
  loadCorpusState(folder: string): CorpusState | undefined {
    const configUri = pathToUri(path.join(folder, CORPUS_FILE));
    const openText = this.open.get(configUri)?.document.getText();
    const loaded = loadCorpus(folder, openText);
    if (isFileError(loaded)) {
      this.fileErrors.set(configUri, loaded);
      return undefined;
    }
    this.fileErrors.delete(configUri);
    const existing = this.corpora.get(folder);
    if (existing) {
      this.applyConfig(existing, loaded);
      return existing;
    }
    const state = new CorpusState(folder, loaded);
    if (isBroken(loaded)) state.brokenConfig = loaded;
    this.corpora.set(folder, state);
    return state;
  }

  /** A new corpus.yaml text: keep the last good configuration while the YAML is broken. */
  applyConfig(state: CorpusState, loaded: LoadedCorpus): void {
    if (isBroken(loaded)) {
      state.brokenConfig = loaded;
      return;
    }
    delete state.brokenConfig;
    state.setLoaded(loaded);
  }

  /** Reads one document from disk into its corpus's index (unless the editor has it open). */
  indexFile(state: CorpusState, file: string): void {
    const uri = pathToUri(file);
    if (this.open.has(uri)) {
      state.index.update(uri, this.parsed(uri)!);
      return;
    }
    const read = readTextFile(file);
    if (isFileError(read)) {
      // A file deleted (or renamed away) since it was listed is simply gone, not unreadable.
      if (read.code === 'ENOENT') this.fileErrors.delete(uri);
      else this.fileErrors.set(uri, read);
      state.index.remove(uri);
      return;
    }
    this.fileErrors.delete(uri);
    // A document on disk: the index keeps its mentions and text, not the parse (memory).
    state.index.update(uri, parse(read.text), false);
  }

  forgetCorpus(folder: string): void {
    this.corpora.delete(folder);
  }

  /** The corpus a file belongs to as a document, if any. */
  corpusOfDocument(uri: string): CorpusState | undefined {
    const file = uriToPath(uri);
    if (file === undefined) return undefined;
    const folder = this.nearestCorpusFolder(file);
    const state = folder !== undefined ? this.corpora.get(folder) : undefined;
    return state && state.matches(file) ? state : undefined;
  }

  /**
   * Whether a file is a document of a corpus, also of a corpus not indexed yet (a file opened
   * from outside the workspace folders): the nearest corpus.yaml decides.
   */
  isCorpusDocument(uri: string): boolean {
    if (this.corpusOfDocument(uri)) return true;
    const file = uriToPath(uri);
    const folder = file !== undefined ? findCorpusFolderAbove(path.dirname(file)) : undefined;
    if (folder === undefined || this.corpora.has(folder)) return false;
    const state = this.loadCorpusState(folder);
    if (!state) return false;
    for (const doc of listDocuments(state.loaded)) this.indexFile(state, doc);
    return state.matches(file!);
  }

  /** The corpus whose corpus.yaml or entities file this is. */
  corpusOfConfigFile(uri: string): { state: CorpusState; file: ConfigFile } | undefined {
    for (const state of this.corpora.values()) {
      if (state.configUri === uri) return { state, file: 'corpus' };
      if (state.loaded.entitiesFile !== undefined && pathToUri(state.loaded.entitiesFile) === uri) return { state, file: 'entities' };
    }
    return undefined;
  }

  /** The corpus a file or folder lies in (document or not). */
  corpusAt(uri: string): CorpusState | undefined {
    const file = uriToPath(uri);
    if (file === undefined) return undefined;
    const folder = this.nearestCorpusFolder(file) ?? (this.corpora.has(file) ? file : undefined);
    return folder !== undefined ? this.corpora.get(folder) : undefined;
  }

  /** The nearest known corpus folder at or above a path. */
  nearestCorpusFolder(file: string): string | undefined {
    let best: string | undefined;
    for (const folder of this.corpora.keys()) {
      if ((file === folder || file.startsWith(folder + path.sep)) && (best === undefined || folder.length > best.length)) best = folder;
    }
    return best;
  }

  // --- open documents -------------------------------------------------------------------

  /** Registers an open document (or its new version) under its canonical URI. */
  didOpen(document: TextDocument): void {
    const uri = canonicalUri(document.uri);
    const previous = this.open.get(uri);
    // The last parse stays, for whatever version it was of: the new one is parsed from it (see `parsed`).
    this.open.set(uri, { document, missedMentions: previous?.missedMentions ?? new MissedMentionCache(), ...(previous?.parsed ? { parsed: previous.parsed } : {}) });
  }

  didClose(uri: string): void {
    this.open.delete(uri);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  openDocument(uri: string): TextDocument | undefined {
    return this.open.get(uri)?.document;
  }

  /** What the missed-mention search found on an open document's lines, for its next diagnosis. */
  missedMentionCache(uri: string): MissedMentionCache | undefined {
    return this.open.get(uri)?.missedMentions;
  }

  openUris(): string[] {
    return [...this.open.keys()];
  }

  /** The document's current parse: the open buffer's (parsed once per version) or the index's. */
  parsed(uri: string): ParsedDocument | undefined {
    const entry = this.open.get(uri);
    if (entry) {
      if (entry.parsedVersion !== entry.document.version || !entry.parsed) {
        // A keystroke changes a line or two: the lines it left alone keep their parse.
        entry.parsed = entry.parsed ? reparse(entry.parsed, entry.document.getText()) : parse(entry.document.getText());
        entry.parsedVersion = entry.document.version;
      }
      return entry.parsed;
    }
    for (const state of this.corpora.values()) {
      const parsed = state.index.parsed(uri);
      if (parsed) return parsed;
    }
    return undefined;
  }

  /** Brings the index up to date with an open document's buffer; returns its corpus. */
  syncOpenDocument(uri: string): CorpusState | undefined {
    const state = this.corpusOfDocument(uri);
    const parsed = this.parsed(uri);
    if (state && parsed && state.index.parsed(uri) !== parsed) state.index.update(uri, parsed);
    return state;
  }

  /** Offset <-> LSP position (in the agreed encoding) for a document, open or not. */
  positions(uri: string): PositionMapper | undefined {
    const open = this.open.get(uri)?.document;
    if (open) return this.documentMapper(open);
    // An indexed document: its line starts, without parsing it again.
    for (const state of this.corpora.values()) {
      const lines = state.index.lineIndex(uri);
      if (lines) return mapperOf(lines, this.encoding);
    }
    for (const state of this.corpora.values()) {
      if (state.configUri === uri) return this.textMapper(state.loaded.configText);
      if (state.loaded.entitiesFile !== undefined && pathToUri(state.loaded.entitiesFile) === uri) return this.textMapper(state.loaded.entitiesText ?? '');
    }
    return undefined;
  }

  /** Offset <-> position for a corpus's YAML file as the server last read it. */
  configPositions(state: CorpusState, file: ConfigFile): PositionMapper {
    const open = this.open.get(state.fileUri(file))?.document;
    return open ? this.documentMapper(open) : this.textMapper(state.fileText(file));
  }

  /** Offset <-> position over a text, in the agreed encoding. */
  textMapper(text: string): PositionMapper {
    return textPositions(text, this.encoding);
  }

  private documentMapper(document: TextDocument): PositionMapper {
    return encodedMapper(document, (line) => documentLine(document, line), this.encoding);
  }
}

/** Offset <-> position over a text. */
export function textPositions(text: string, encoding: PositionEncoding = 'utf-16'): PositionMapper {
  return mapperOf(new LineIndex(text), encoding);
}

function mapperOf(index: LineIndex, encoding: PositionEncoding): PositionMapper {
  const base: PositionMapper = {
    positionAt: (offset) => index.position(offset),
    offsetAt: (position) => index.offset(position.line, position.character),
  };
  const lineText = (line: number): string => {
    const start = index.starts[line] ?? index.text.length;
    const end = index.starts[line + 1] ?? index.text.length;
    return index.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  };
  return encodedMapper(base, lineText, encoding);
}

/** Whether a corpus.yaml text could not be used at all (then the last good one stays). */
function isBroken(loaded: LoadedCorpus): boolean {
  return loaded.problems.some((p) => p.file === 'corpus' && (p.code === 'yaml-syntax' || p.code === 'config-too-large'));
}

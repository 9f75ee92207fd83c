/** Shared by the export and import tests: the fixture corpus, read the way the CLI reads it. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CorpusConfig, loadConfig } from '../../server/src/core/config';
import type { ExportDocument, ExportedFile } from '../../server/src/core/export';
import type { SourceFile } from '../../server/src/core/import';
import { parse } from '../../server/src/core/parser';
import { decodeUtf8, isFileError } from '../../server/src/node/files';
import { FIXTURES, SEEDS } from '../support/paths';

export const EXPORT_CORPUS = path.join(FIXTURES, 'export', 'corpus');
export const EXPECTED = path.join(FIXTURES, 'export', 'expected');
export const DATA = path.join(FIXTURES, 'data');

/** A corpus folder's configuration and documents (sorted by path), as export takes them. */
export function readCorpus(folder: string): { config: CorpusConfig; documents: ExportDocument[] } {
  const { config } = loadConfig(fs.readFileSync(path.join(folder, 'corpus.yaml'), 'utf8'));
  const documents = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((file) => ({ path: file, parsed: parse(readText(path.join(folder, file)).text) }));
  return { config, documents };
}

export function readText(file: string): { text: string; bom: boolean } {
  const decoded = decodeUtf8(fs.readFileSync(file), file);
  if (isFileError(decoded)) throw new Error(decoded.message);
  return decoded;
}

/** Whether the seed corpus is there (another helper writes it). */
export function haveSeeds(): boolean {
  return fs.existsSync(path.join(SEEDS, 'corpus.yaml'));
}

/** Exported files as importer input. */
export function asSources(files: ExportedFile[]): SourceFile[] {
  return files.map((f) => {
    const bom = f.content.charCodeAt(0) === 0xfeff;
    return { path: f.relativePath, name: f.relativePath, text: bom ? f.content.slice(1) : f.content, bom };
  });
}

/** A file's content among exported files. */
export function fileOf(files: ExportedFile[], relativePath: string): string {
  const file = files.find((f) => f.relativePath === relativePath);
  if (!file) throw new Error(`no ${relativePath} among ${files.map((f) => f.relativePath).join(', ')}`);
  return file.content;
}

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it. */
export function golden(name: string, actual: string): string {
  const file = path.join(EXPECTED, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  return fs.readFileSync(file, 'utf8');
}

/** Slices `text` from `start` to `end` counted in code points, the way Python slices a str. */
export function sliceCodePoints(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join('');
}

/** Slices `text` counted in grapheme clusters. */
export function sliceGraphemes(text: string, start: number, end: number): string {
  const clusters = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  return clusters.slice(start, end).join('');
}

/** Every span of the fixture documents in preorder: [document path, surface, type]. */
export function surfaces(documents: ExportDocument[], config: CorpusConfig): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const doc of documents) {
    for (const span of doc.parsed.spans) {
      const type = span.label.type?.name ?? config.entities.get(span.label.id?.name ?? '')?.type ?? '?';
      out.push([doc.path, span.text, type]);
    }
  }
  return out;
}

/**
 * The bench's workloads, built in a temp folder (never in the repository):
 *
 * - synthetic: from the annotated seeds (seeds/*.txt with seeds/corpus.yaml);
 * - real: from the NewsFANE Gold CoNLL in ../shared/data (when that folder exists), read with
 *   the project's own importer.
 *
 * Each source gives one "big" document of about 1 MB and a corpus of 10,000 documents / 50 MB.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { importDocuments, renderImport } from '../server/src/core/import';
import { parse } from '../server/src/core/parser';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SEEDS = path.join(ROOT, 'seeds');
export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');
export const NEWSFANE = path.join(SHARED_DATA, 'newsfane-gold-2014.conll');

const MB = 1024 * 1024;

/** A workload: the corpus.yaml text, the annotated lines to build documents from, and a name. */
export interface Source {
  name: string;
  /** What the rows say the text is. */
  description: string;
  configText: string;
  /** Annotated lines (markup included), in document order. */
  lines: string[];
}

/** The seeds: their corpus.yaml and the non-empty body lines of every seed document. */
export function seedSource(): Source {
  const lines: string[] = [];
  for (const file of fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort()) {
    const text = fs.readFileSync(path.join(SEEDS, file), 'utf8');
    const fm = parse(text).frontMatter;
    for (const line of text.slice(fm ? fm.range.end : 0).split(/\r?\n/)) if (line.trim()) lines.push(line);
  }
  const configText = fs.readFileSync(path.join(SEEDS, 'corpus.yaml'), 'utf8').replace(/^documents:.*$/m, 'documents: ["**/*.txt"]');
  return { name: 'synthetic', description: 'seeds', configText, lines };
}

/** NewsFANE Gold 2014 imported with the CoNLL importer, or undefined when ../shared/data is absent. */
export function newsfaneSource(): Source | undefined {
  if (!fs.existsSync(NEWSFANE)) return undefined;
  let text = fs.readFileSync(NEWSFANE, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const result = importDocuments('conll', [{ path: NEWSFANE, name: 'newsfane.conll', text }]);
  if (result.issues.some((i) => i.severity === 'error')) throw new Error(`NewsFANE import failed: ${result.issues[0]!.message}`);
  const files = renderImport(result, { name: 'newsfane', format: 'conll', sources: [NEWSFANE] });
  const lines: string[] = [];
  let configText = '';
  for (const file of files) {
    if (file.relativePath === 'corpus.yaml') configText = file.content;
    else for (const line of file.content.split(/\r?\n/)) if (line.trim()) lines.push(line);
  }
  return { name: 'real', description: 'NewsFANE', configText, lines };
}

/**
 * Keeps at most `keep` words of each stretch of text between top-level spans (the words next to
 * the spans), so a line holds the same spans in less text.
 */
function denser(line: string, keep: number): string {
  const doc = parse(line);
  const head = Math.ceil(keep / 2);
  const tail = Math.floor(keep / 2);
  const gap = (text: string): string => {
    const words = text.split(' ');
    // The first and last words touch the spans on either side (a proclitic like ل[داعش]).
    return words.length <= keep + 1 ? text : [...words.slice(0, head), ...words.slice(words.length - tail - 1)].join(' ');
  };
  let out = '';
  let from = 0;
  for (const root of doc.roots) {
    const span = doc.spans[root]!;
    out += gap(line.slice(from, span.range.start)) + line.slice(span.range.start, span.range.end);
    from = span.range.end;
  }
  return out + gap(line.slice(from));
}

/** Lines repeated (in order, from `offset`) until they make `bytes` bytes. */
function fill(lines: readonly string[], bytes: number, offset = 0): string {
  return fillFrom(lines, bytes, offset).text;
}

/** As `fill`, also returning the offset of the next line. */
function fillFrom(lines: readonly string[], bytes: number, offset: number): { text: string; next: number } {
  const parts: string[] = [];
  let size = 0;
  let k = offset;
  for (; size < bytes; k++) {
    const line = lines[k % lines.length]! + '\n';
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  return { text: parts.join(''), next: k % lines.length };
}

/**
 * A document of about 1 MB. With `spansPerMB`, the text between spans is cut down (as little as
 * needed) until the document holds about that many spans per MB.
 */
export function bigDocument(source: Source, spansPerMB?: number): { text: string; keep?: number } {
  const plain = fill(source.lines, MB);
  if (spansPerMB === undefined) return { text: plain };
  let best = { text: plain, distance: Math.abs(density(plain) - spansPerMB), keep: Infinity };
  for (let keep = 12; keep >= 1; keep--) {
    const text = fill(source.lines.map((l) => denser(l, keep)), MB);
    const distance = Math.abs(density(text) - spansPerMB);
    if (distance < best.distance) best = { text, distance, keep };
  }
  return best.keep === Infinity ? { text: best.text } : { text: best.text, keep: best.keep };
}

function density(text: string): number {
  return (parse(text).spans.length / Buffer.byteLength(text)) * MB;
}

/**
 * The sources a run measures: the seeds and NewsFANE, or the one `only` names
 * (synthetic|real). NewsFANE is left out, and `missing` told why, when ../shared/data is not there.
 */
export function benchSources(only: string | undefined, missing: (why: string) => void): Source[] {
  const sources: Source[] = [];
  if (only === undefined || only === 'synthetic') sources.push(seedSource());
  if (only === undefined || only === 'real') {
    const real = newsfaneSource();
    if (real) sources.push(real);
    else missing(`no ${NEWSFANE}`);
  }
  return sources;
}

/** The size of an ordinary document of a corpus: 10,000 of them make a little over 50 MB. */
export const CORPUS_DOC_BYTES = 5 * 1024 + 250;

/**
 * A source's 1 MB document (the seeds' thinned to 20,000 spans) and the 20 ordinary documents of
 * its corpus: target 1's workload, the same wherever it is measured.
 */
export function bigCorpus(source: Source): { big: string; keep: number | undefined; neighbours: [string, string][] } {
  const { text: big, keep } = bigDocument(source, source.name === 'synthetic' ? 20000 : undefined);
  return { big, keep, neighbours: [...corpusDocuments(source, 20, CORPUS_DOC_BYTES)] };
}

/** Writes a folder with corpus.yaml and the given documents; returns the folder. */
export function writeCorpus(folder: string, configText: string, documents: Iterable<[string, string]>): { folder: string; files: number; bytes: number } {
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'corpus.yaml'), configText);
  let files = 0;
  let bytes = 0;
  const made = new Set<string>();
  for (const [relative, text] of documents) {
    const file = path.join(folder, relative);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(file, text);
    files++;
    bytes += Buffer.byteLength(text);
  }
  return { folder, files, bytes };
}

/**
 * `count` documents of about `docBytes` each (front matter included), in folders of 100. Each
 * takes the source's lines where the previous one stopped, so the corpus walks through the
 * source again and again and neighbouring documents differ.
 */
export function* corpusDocuments(source: Source, count: number, docBytes: number): Iterable<[string, string]> {
  const labels = source.name === 'synthetic' ? '[security]' : '[]';
  let next = 0;
  for (let i = 0; i < count; i++) {
    const id = `${source.name}-${String(i).padStart(5, '0')}`;
    const front = `---\nid: ${id}\nlabels: ${labels}\nstatus: annotated\n---\n`;
    const body = fillFrom(source.lines, docBytes - Buffer.byteLength(front), next);
    next = body.next;
    yield [`${String(Math.floor(i / 100)).padStart(3, '0')}/${id}.txt`, front + body.text];
  }
}

/**
 * brat standoff: NAME.txt with NAME.ann. Offsets are code points into the .txt as brat's server
 * reads it (UTF-8, line ends as they are, a BOM counted as a character).
 *
 * T lines are spans (each fragment of a discontinuous one becomes a span of its own, with a
 * warning); A lines attributes (a valueless one becomes `KEY=true`); N lines `Catalog:ID` the
 * span's @id and other references the catalog entity's links (`Wikidata:Q42` -> links.wikidata);
 * `#` AnnotatorNotes the note. Relations, events and equivalences have no place in the markup and
 * are skipped with a warning.
 */

import { CodePointCounter } from '../text';
import { type ImportedSpan, type ImportResult, Issues, type SourceFile } from './model';

const CATALOG_DB = 'Catalog';

/** A link key of corpus.yaml for a brat reference database name. */
function linkKey(db: string): string {
  return db === 'Wikidata' ? 'wikidata' : db;
}

function stem(name: string): string {
  return name.replace(/\.(ann|txt)$/, '');
}

export function importBrat(files: SourceFile[], result: ImportResult): void {
  const texts = new Map<string, SourceFile>();
  const anns = new Map<string, SourceFile>();
  // Paired by path, so two source folders holding the same names stay apart.
  for (const file of files) {
    if (file.path.endsWith('.ann')) anns.set(stem(file.path), file);
    else if (file.path.endsWith('.txt')) texts.set(stem(file.path), file);
  }
  for (const [key, ann] of [...anns.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const txt = texts.get(key);
    if (!txt) {
      new Issues(result, ann.path).error(1, `no ${key.slice(key.lastIndexOf('/') + 1)}.txt beside this .ann: brat offsets need the text`);
      continue;
    }
    readDocument(txt, ann, result);
  }
  // A .txt with no .ann is a document nobody annotated yet, as brat shows it.
  for (const [key, txt] of texts) if (!anns.has(key)) readDocument(txt, undefined, result);
}

function readDocument(txt: SourceFile, ann: SourceFile | undefined, result: ImportResult): void {
  // brat counts a BOM as the text's first character: read offsets against it, then drop it.
  const raw = txt.bom ? '\ufeff' + txt.text : txt.text;
  const counter = new CodePointCounter(raw);
  const length = counter.toCodePoint(raw.length);
  const spans: ImportedSpan[] = [];
  const doc = { name: `${stem(txt.name)}.txt`, text: raw, spans, meta: {}, where: { file: txt.path, line: 1 } };
  result.documents.push(doc);
  if (!ann) return;

  const issues = new Issues(result, ann.path);
  const byId = new Map<string, ImportedSpan[]>();
  const links = new Map<ImportedSpan, Record<string, string>>();
  const later: { line: number; id: string; rest: string; tail: string }[] = [];
  let skipped = 0;
  let firstSkipped = 0;
  const lines = ann.text.split(/\r\n|\n|\r/);
  lines.forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '') return;
    const tab = text.indexOf('\t');
    if (tab < 0) {
      issues.error(line, 'expected ID<TAB>annotation: no tab on this line');
      return;
    }
    const id = text.slice(0, tab);
    const second = text.indexOf('\t', tab + 1);
    const rest = second < 0 ? text.slice(tab + 1) : text.slice(tab + 1, second);
    const tail = second < 0 ? '' : text.slice(second + 1);
    if (id.startsWith('T')) {
      const m = /^(\S+) (\d+ \d+(?:;\d+ \d+)*)$/.exec(rest);
      if (!m) {
        issues.error(line, `${id}: expected TYPE START END (fragments separated by ';')`);
        return;
      }
      const type = m[1]!;
      const fragments = m[2]!.split(';').map((f) => f.split(' ').map(Number) as [number, number]);
      const parts: string[] = [];
      const made: ImportedSpan[] = [];
      for (const [s, e] of fragments) {
        if (s > e || e > length) {
          issues.error(line, `${id}: [${s}, ${e}) is not a range of the text (${length} code points long)`);
          return;
        }
        const start = counter.toUtf16(s);
        const end = counter.toUtf16(e);
        parts.push(raw.slice(start, end));
        if (s === e) continue;
        made.push({ start, end, type, attributes: [], where: { file: ann.path, line } });
      }
      // brat writes the fragments' texts joined by single spaces after the offsets.
      if (tail !== '' && !tail.startsWith(parts.join(' '))) {
        issues.error(line, `${id}: its text ${JSON.stringify(tail)} is not the text at its offsets, ${JSON.stringify(parts.join(' '))} (offsets in code points)`);
        return;
      }
      if (made.length === 0) {
        issues.warning(line, `${id}: an empty span has no place in the markup and is skipped`);
        return;
      }
      if (fragments.length > 1) issues.warning(line, `${id} has ${fragments.length} fragments; each becomes a span of its own`);
      spans.push(...made);
      byId.set(id, made);
      return;
    }
    later.push({ line, id, rest, tail });
  });

  for (const { line, id, rest, tail } of later) {
    const kind = id[0];
    const fields = rest.split(' ');
    if (kind === 'A' || kind === 'M') {
      const [key, target, value] = [fields[0]!, fields[1] ?? '', fields.slice(2).join(' ')];
      const made = byId.get(target);
      if (!made) {
        issues.error(line, `${id}: '${target}' is not a text-bound annotation of this file`);
        continue;
      }
      for (const span of made) span.attributes.push([key, value === '' ? 'true' : value]);
    } else if (kind === 'N') {
      const m = /^(\S+) (\S+) (\S+?):(\S+)$/.exec(rest);
      if (!m) {
        issues.error(line, `${id}: expected Reference TARGET DB:ID`);
        continue;
      }
      const made = byId.get(m[2]!);
      if (!made) {
        issues.error(line, `${id}: '${m[2]}' is not a text-bound annotation of this file`);
        continue;
      }
      const [db, ref] = [m[3]!, m[4]!];
      for (const span of made) {
        if (db === CATALOG_DB) span.id = ref;
        else links.set(span, { ...links.get(span), [linkKey(db)]: ref });
      }
    } else if (kind === '#') {
      const target = fields[1] ?? '';
      const made = byId.get(target);
      if (!made) {
        issues.error(line, `${id}: '${target}' is not a text-bound annotation of this file`);
        continue;
      }
      for (const span of made) span.note = span.note === undefined ? tail : `${span.note} ${tail}`;
    } else {
      if (skipped === 0) firstSkipped = line;
      skipped++;
    }
  }
  if (skipped > 0) issues.warning(firstSkipped, `${skipped} relation, event or equivalence line${skipped === 1 ? '' : 's'} skipped: the markup holds spans only`);

  // A span whose links came without a Catalog id takes the first link as its id (wikidata:Q42).
  for (const [span, given] of links) {
    const keys = Object.keys(given).sort();
    if (span.id === undefined) span.id = `${keys[0]}:${given[keys[0]!]}`;
    const known = result.links.get(span.id) ?? {};
    for (const key of keys) known[key] ??= given[key]!;
    result.links.set(span.id, known);
  }

  if (txt.bom) {
    doc.text = raw.slice(1);
    for (const span of spans) {
      span.start = Math.max(0, span.start - 1);
      span.end = Math.max(0, span.end - 1);
    }
  }
}

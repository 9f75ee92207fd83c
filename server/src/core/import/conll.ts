/**
 * CoNLL: a token a line, `TOKEN TAG [TAG...]` (spaces or tabs), sentences separated by blank
 * lines (a line of white space only counts as blank), `-DOCSTART-` starting a document. Each tag
 * column is a layer of entities, outermost first (the Wojood convention: a missing column is O).
 *
 * The scheme is told from the tags: E-/S- (or BILOU's L-/U-) mean BIOES; otherwise IOB2 when B-
 * starts entities, IOB1 when I- does and B- only parts two touching entities of one type. An I-
 * that starts an entity in IOB2 data (a common slip) is read as a start, as conlleval does, with
 * a warning. Tokens are joined by single spaces, except before closing punctuation and after
 * opening punctuation; a sentence is a line.
 */

import { type ImportedSpan, type ImportResult, Issues, type SourceFile } from './model';
import { CLOSERS, TERMINATORS } from '../tokenizer';

export type ConllScheme = 'auto' | 'iob1' | 'iob2' | 'bioes';

export interface ConllImportOptions {
  scheme?: ConllScheme;
  /** Start a new document every N sentences (for files with no -DOCSTART-). */
  sentencesPerDocument?: number;
}

interface Row {
  token: string;
  tags: Tag[];
  line: number;
}

interface Tag {
  /** B I E S, or O. */
  prefix: string;
  type: string;
}

const OUTSIDE: Tag = { prefix: 'O', type: '' };
const TAG = /^([BIESLU])-(.+)$/;
/** Marks some corpora put before tokens to steady their display; not part of the token. */
const BIDI_MARKS = /[\u200e\u200f\u061c]/g;

const NO_SPACE_BEFORE = new Set(['،', '؛', ',', ';', '.', ':', '!', '?', '؟', ')', ']', '}', '»', '”', '’', '%', '…']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '«', '“', '‘']);
/** A token the tokenizer would join to the token before it, were there no space between them. */
const JOINS_BACK = /^[\p{M}\u200c\u200d\u2060\u00ad]/u;

export function importConll(files: SourceFile[], options: ConllImportOptions, result: ImportResult): void {
  for (const file of files) readFile(file, options, result);
}

function readFile(file: SourceFile, options: ConllImportOptions, result: ImportResult): void {
  const issues = new Issues(result, file.path);
  // documents -> sentences -> rows; `declared[d]`: the line of the -DOCSTART- that opened it.
  const documents: Row[][][] = [[]];
  const declared: (number | undefined)[] = [undefined];
  let sentence: Row[] = [];
  const endSentence = (): void => {
    if (sentence.length > 0) documents[documents.length - 1]!.push(sentence);
    sentence = [];
  };
  const lines = file.text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(BIDI_MARKS, '').trim();
    if (text === '') {
      endSentence();
      continue;
    }
    const fields = text.split(/[ \t]+/);
    if (fields[0] === '-DOCSTART-') {
      endSentence();
      // Every -DOCSTART- opens a document, an empty one too (an exported empty document comes
      // back); the implicit document before the first one is dropped when it holds nothing.
      if (documents[documents.length - 1]!.length > 0 || declared[declared.length - 1] !== undefined) {
        documents.push([]);
        declared.push(i + 1);
      } else declared[declared.length - 1] = i + 1;
      continue;
    }
    if (fields.length < 2) {
      issues.error(i + 1, `expected TOKEN TAG, found ${JSON.stringify(text)}`);
      continue;
    }
    const tags: Tag[] = [];
    for (const field of fields.slice(1)) {
      if (field === 'O') {
        tags.push(OUTSIDE);
        continue;
      }
      const m = TAG.exec(field);
      if (!m) {
        issues.error(i + 1, `'${field}' is not a tag (O, or B-, I-, E-, S- followed by a type)`);
        continue;
      }
      // BILOU is BIOES with other letters.
      const prefix = m[1] === 'L' ? 'E' : m[1] === 'U' ? 'S' : m[1]!;
      tags.push({ prefix, type: m[2]! });
    }
    sentence.push({ token: fields[0]!, tags, line: i + 1 });
  }
  endSentence();

  const allSentences = documents.flat();
  const scheme = options.scheme && options.scheme !== 'auto' ? options.scheme : detectScheme(allSentences);
  result.notes.push(`${file.path}: tags read as ${scheme.toUpperCase()}`);

  const stray = { count: 0, line: 0, example: '' };
  const perDocument = options.sentencesPerDocument;
  const chunks: Row[][][] = [];
  const chunkLines: number[] = [];
  documents.forEach((doc, d) => {
    if (doc.length === 0) {
      if (declared[d] !== undefined) {
        chunks.push(doc);
        chunkLines.push(declared[d]);
      }
      return;
    }
    for (let k = 0; k < doc.length; k += perDocument && perDocument > 0 ? perDocument : doc.length) {
      chunks.push(doc.slice(k, perDocument && perDocument > 0 ? k + perDocument : doc.length));
      chunkLines.push(doc[k]![0]!.line);
    }
  });
  const stem = file.name.replace(/\.[^./]*$/, '');
  const width = String(chunks.length).length;
  chunks.forEach((sentences, d) => {
    const name = chunks.length === 1 ? `${stem}.txt` : `${stem}-${String(d + 1).padStart(Math.max(3, width), '0')}.txt`;
    const spans: ImportedSpan[] = [];
    let text = '';
    for (const rows of sentences) {
      if (text !== '') text += '\n';
      const starts: number[] = [];
      const ends: number[] = [];
      // Spacing decides where the sentence splitter ends sentences, and this line must stay one
      // sentence: after terminators, a closing quote or bracket written right after them keeps
      // the sentence going, one after a space ends it there, unless an (outermost) entity holds
      // the two together. So such a closer is glued, except where an entity already holds it.
      const outermost = decode(rows.map((r) => r.tags[0] ?? OUTSIDE), scheme);
      const together = (k: number): boolean => outermost.some(([first, last]) => first <= k && k + 1 <= last);
      let ending = false;
      rows.forEach((row, k) => {
        let space = k > 0 && !NO_SPACE_BEFORE.has(row.token) && !NO_SPACE_AFTER.has(rows[k - 1]!.token);
        const closer = ending && CLOSERS.has(row.token);
        if (closer) space = together(k - 1);
        // A token that starts with a combining mark or a joiner would cling to the one before it.
        if (k > 0 && JOINS_BACK.test(row.token)) space = true;
        ending = TERMINATORS.has(row.token) || (closer && !space);
        if (space) text += ' ';
        starts.push(text.length);
        text += row.token;
        ends.push(text.length);
      });
      const columns = Math.max(...rows.map((r) => r.tags.length));
      for (let c = 0; c < columns; c++) {
        for (const [first, last, type, strayStart] of decode(rows.map((r) => r.tags[c] ?? OUTSIDE), scheme)) {
          if (strayStart) {
            if (stray.count === 0) {
              stray.line = rows[first]!.line;
              stray.example = `I-${type}`;
            }
            stray.count++;
          }
          spans.push({ start: starts[first]!, end: ends[last]!, type, attributes: [], where: { file: file.path, line: rows[first]!.line } });
        }
      }
    }
    result.documents.push({ name, text, spans, meta: {}, where: { file: file.path, line: chunkLines[d]! } });
  });
  if (stray.count > 0) {
    issues.warning(stray.line, `${stray.example} starts an entity (${scheme.toUpperCase()} starts entities with ${scheme === 'bioes' ? 'B- or S-' : 'B-'}); read as its start${stray.count > 1 ? `, as are ${stray.count - 1} more like it` : ''}`);
  }
}

/** The scheme the tags follow. */
function detectScheme(sentences: Row[][]): 'iob1' | 'iob2' | 'bioes' {
  let bStarts = 0;
  let iStarts = 0;
  for (const rows of sentences) {
    const columns = Math.max(...rows.map((r) => r.tags.length));
    for (let c = 0; c < columns; c++) {
      let prev = OUTSIDE;
      for (const row of rows) {
        const tag = row.tags[c] ?? OUTSIDE;
        if (tag.prefix === 'E' || tag.prefix === 'S') return 'bioes';
        const continues = prev.prefix !== 'O' && prev.type === tag.type;
        if (tag.prefix === 'B' && !continues) bStarts++;
        if (tag.prefix === 'I' && !continues) iStarts++;
        prev = tag;
      }
    }
  }
  // IOB1 uses B- only between two entities of one type; B- anywhere else means IOB2.
  return iStarts > bStarts ? 'iob1' : 'iob2';
}

/**
 * Entities of one tag column of a sentence: [first row, last row, type, whether an I-/E- had to
 * start it against the scheme].
 */
function decode(tags: Tag[], scheme: 'iob1' | 'iob2' | 'bioes'): [number, number, string, boolean][] {
  const out: [number, number, string, boolean][] = [];
  let open: [number, string, boolean] | undefined;
  const close = (last: number): void => {
    if (open) out.push([open[0], last, open[1], open[2]]);
    open = undefined;
  };
  tags.forEach((tag, i) => {
    if (tag.prefix === 'O') {
      close(i - 1);
      return;
    }
    const startsHere = tag.prefix === 'B' || tag.prefix === 'S' || !open || open[1] !== tag.type;
    if (startsHere) {
      close(i - 1);
      open = [i, tag.type, (tag.prefix === 'I' || tag.prefix === 'E') && scheme !== 'iob1'];
    }
    if (tag.prefix === 'E' || tag.prefix === 'S') close(i);
  });
  close(tags.length - 1);
  return out;
}

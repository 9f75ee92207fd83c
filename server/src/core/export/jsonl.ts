/**
 * jsonl, doccano and spacy: one JSON object a line, one line a document, in `corpus.jsonl`.
 * Keys are written in a fixed order so the same corpus always gives the same bytes.
 */

import { tokenize } from '../tokenizer';
import { BaseExporter } from './base';
import { type DocumentRecord, type ExportDocument, type IssueList, attributeObject } from './common';

export const JSONL_FILE = 'corpus.jsonl';

/**
 * The project's own lossless format:
 * `{id, path, text, meta, labels, spans: [{start, end, type, id, attributes, note, text}]}`,
 * offsets in code points (or UTF-16 code units with `offsets: 'utf16'`).
 */
export class JsonlExporter extends BaseExporter {
  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const converter = this.converter(record.text, 'codepoints');
    const spans = [];
    for (const span of record.spans) {
      const offsets = this.offsetsOf(span, converter, doc, issues);
      if (!offsets) continue;
      spans.push({ start: offsets[0], end: offsets[1], type: span.type, id: span.id ?? null, attributes: attributeObject(span.attributes), note: span.note ?? null, text: span.text });
    }
    const line = { id: record.id, path: record.path, text: record.text, meta: record.meta, labels: record.labels, spans };
    return [[JSONL_FILE, JSON.stringify(line) + '\n']];
  }
}

/**
 * doccano's sequence-labelling JSONL: `{text, label: [[start, end, TYPE]], meta}`. doccano counts
 * offsets in UTF-16 code units (its editor uses JavaScript string indices), or in grapheme
 * clusters in projects made with "Count grapheme clusters as one character".
 * Extra keys become the example's metadata in doccano; `meta` carries the document's id, front
 * matter and labels back on import.
 */
export class DoccanoExporter extends BaseExporter {
  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const converter = this.converter(record.text, 'utf16');
    const label: [number, number, string][] = [];
    for (const span of record.spans) {
      const offsets = this.offsetsOf(span, converter, doc, issues);
      if (offsets) label.push([offsets[0], offsets[1], span.type]);
    }
    const meta: Record<string, unknown> = { id: record.id, ...record.meta };
    if (record.labels.length > 0) meta['labels'] = record.labels;
    return [[JSONL_FILE, JSON.stringify({ text: record.text, label, meta }) + '\n']];
  }
}

/**
 * JSONL for spaCy, offsets in code points (Python string indices, what `Doc.char_span` takes):
 * `{text, entities: [[start, end, TYPE]] (outermost spans, fit for doc.ents), spans: {sc: [...all
 * spans, nested included]}, words, spaces, meta}`. `words` and `spaces` rebuild the text exactly
 * with `Doc(vocab, words=words, spaces=spaces)`, with a token boundary at every span boundary, so
 * `doc.char_span(start, end)` finds every span even in strict alignment mode.
 */
export class SpacyExporter extends BaseExporter {
  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const converter = this.converter(record.text, 'codepoints');
    const entities: [number, number, string][] = [];
    const sc: [number, number, string][] = [];
    for (const span of record.spans) {
      const offsets = this.offsetsOf(span, converter, doc, issues);
      if (!offsets) continue;
      sc.push([offsets[0], offsets[1], span.type]);
      if (span.depth === 0) entities.push([offsets[0], offsets[1], span.type]);
    }
    const { words, spaces } = spacyWords(record.text, record.spans.flatMap((s) => [s.start, s.end]));
    const meta: Record<string, unknown> = { id: record.id, ...record.meta };
    if (record.labels.length > 0) meta['labels'] = record.labels;
    return [[JSONL_FILE, JSON.stringify({ text: record.text, entities, spans: { sc }, words, spaces, meta }) + '\n']];
  }
}

/**
 * Words and trailing-space flags in spaCy's convention: a single space after a token is its
 * `whitespace_`; any other run between tokens (line breaks, double spaces, invisible marks) is a
 * token of its own. Joining `word + (space ? ' ' : '')` gives back the text exactly.
 */
export function spacyWords(text: string, boundaries: number[]): { words: string[]; spaces: boolean[] } {
  const words: string[] = [];
  const spaces: boolean[] = [];
  let at = 0;
  const gap = (end: number): void => {
    if (at >= end) return;
    if (words.length > 0 && !spaces[spaces.length - 1] && text.charCodeAt(at) === 32) {
      spaces[spaces.length - 1] = true;
      at++;
    }
    if (at < end) {
      words.push(text.slice(at, end));
      spaces.push(false);
      at = end;
    }
  };
  for (const token of tokenize(text, boundaries)) {
    gap(token.start);
    words.push(text.slice(token.start, token.end));
    spaces.push(false);
    at = token.end;
  }
  gap(text.length);
  return { words, spaces };
}

/**
 * Importers of the JSON formats: jsonl (the project's own), doccano, spaCy JSONL and Label Studio.
 * Offsets are checked (whole numbers, in range, on character boundaries) and, where the input
 * carries a span's text, compared with the slice they make, so a file written in another offset
 * unit is caught instead of imported shifted.
 */

import { type OffsetConverter, type OffsetUnit, offsetConverter, unitName } from '../offsetUnits';
import { type ImportedSpan, type ImportResult, Issues, type SourceFile, safeName, safeRelativePath } from './model';

/** The stem of a source's name: `data/train.jsonl` -> `data/train`. */
function sourceStem(file: SourceFile): string {
  const slash = file.name.lastIndexOf('/');
  const dot = file.name.lastIndexOf('.');
  return dot > slash + 1 ? file.name.slice(0, dot) : file.name;
}

/** 1-based line of a UTF-16 offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A JSON.parse error as `what is wrong (line L, column C)` relative to `base` in `text`. */
function jsonError(error: unknown, text: string, base: number): { line: number; message: string } {
  const message = (error as Error).message;
  const position = /position (\d+)/.exec(message);
  const offset = base + (position ? Number(position[1]) : 0);
  return { line: lineAt(text, offset), message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the JSON ends too early')}` };
}

/** Every JSON value of a JSONL file with its line; blank lines are skipped. */
function jsonLines(file: SourceFile, issues: Issues): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  let line = 0;
  for (const raw of file.text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    try {
      out.push({ value: JSON.parse(raw), line });
    } catch (error) {
      issues.error(line, jsonError(error, raw, 0).message);
    }
  }
  return out;
}

/**
 * The elements of a JSON array file with the line each starts on, found by a scan that only
 * tracks strings and nesting, so each element is parsed on its own and messages name its line.
 * A file holding one object gives that object; a file of one object a line is read as JSONL.
 */
function jsonElements(file: SourceFile, issues: Issues): { value: unknown; line: number }[] {
  const text = file.text;
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] === '{') {
    try {
      return [{ value: JSON.parse(text), line: lineAt(text, i) }];
    } catch {
      return jsonLines(file, issues);
    }
  }
  if (text[i] !== '[') {
    issues.error(lineAt(text, i), 'expected a JSON array of tasks ([ {...}, ... ])');
    return [];
  }
  const out: { value: unknown; line: number }[] = [];
  i++;
  let line = lineAt(text, i);
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n') line++;
      i++;
    }
    if (text[i] === ']') return out;
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\n') line++;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    if (i >= text.length) {
      issues.error(startLine, 'not valid JSON: the array is not closed by ]');
      return out;
    }
    if (i === start && text[i] !== ',') {
      // A `}` where a task should start: nothing to parse and no way past it (this looped forever).
      issues.error(startLine, `not valid JSON: unexpected '${text[i]}' where a task should start`);
      return out;
    }
    const slice = text.slice(start, i).trimEnd();
    try {
      out.push({ value: JSON.parse(slice), line: startLine });
    } catch (error) {
      const e = jsonError(error, text, start);
      issues.error(e.line, e.message);
    }
    if (text[i] === ',') i++;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a span's offsets in `converter`'s unit as UTF-16 offsets, or reports why not. */
function spanRange(converter: OffsetConverter, start: unknown, end: unknown, issues: Issues, line: number, what: string, expectText?: unknown, text?: string): [number, number] | undefined {
  if (typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start) || !Number.isInteger(end)) {
    issues.error(line, `${what}: start and end must be whole numbers`);
    return undefined;
  }
  const s = converter.toUtf16(start);
  const e = converter.toUtf16(end);
  if (s === undefined || e === undefined || start > end) {
    issues.error(line, `${what}: [${start}, ${end}) is not a range of the text (${converter.length} ${unitName(converter.unit)} long)`);
    return undefined;
  }
  if (typeof expectText === 'string' && text !== undefined && text.slice(s, e) !== expectText) {
    issues.error(line, `${what}: its text is ${JSON.stringify(expectText)} but [${start}, ${end}) in ${unitName(converter.unit)} is ${JSON.stringify(text.slice(s, e))} (offsets in another unit?)`);
    return undefined;
  }
  return [s, e];
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Front matter from an id, metadata and document labels, `id` first and `labels` last. */
function frontMatter(id: string | undefined, name: string, meta: unknown, labels: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // An id equal to the file's own name says nothing the name does not.
  if (id !== undefined && id !== name.replace(/\.txt$/, '')) out['id'] = id;
  if (isObject(meta)) for (const [key, value] of Object.entries(meta)) if (key !== 'id' && key !== 'labels') out[key] = value;
  const list = Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [];
  if (list.length > 0) out['labels'] = list;
  return out;
}

/** A document's file name: its own path or id when given, else the source's stem and the record's line. */
function documentName(file: SourceFile, line: number, path: unknown, id: string | undefined): string {
  if (typeof path === 'string') {
    const safe = safeRelativePath(path);
    if (safe) return safe.endsWith('.txt') ? safe : `${safe}.txt`;
  }
  if (id !== undefined) return `${safeName(id)}.txt`;
  return `${sourceStem(file)}-${String(line).padStart(4, '0')}.txt`;
}

/** jsonl, as `export --format jsonl` writes it. */
export function importJsonl(files: SourceFile[], unit: OffsetUnit, result: ImportResult): void {
  for (const file of files) {
    const issues = new Issues(result, file.path);
    for (const { value, line } of jsonLines(file, issues)) {
      if (!isObject(value) || typeof value['text'] !== 'string') {
        issues.error(line, 'expected an object with a "text" string');
        continue;
      }
      const text = value['text'];
      const converter = offsetConverter(text, unit);
      const spans: ImportedSpan[] = [];
      const list = value['spans'] ?? [];
      if (!Array.isArray(list)) {
        issues.error(line, '"spans" must be an array');
        continue;
      }
      list.forEach((raw, k) => {
        const what = `span ${k + 1}`;
        if (!isObject(raw) || typeof raw['type'] !== 'string') {
          issues.error(line, `${what}: expected an object with start, end and a "type" string`);
          return;
        }
        const range = spanRange(converter, raw['start'], raw['end'], issues, line, what, raw['text'], text);
        if (!range) return;
        const span: ImportedSpan = { start: range[0], end: range[1], type: raw['type'], attributes: [], where: { file: file.path, line } };
        const id = raw['id'];
        if (typeof id === 'string') span.id = id;
        else if (id !== undefined && id !== null) issues.error(line, `${what}: "id" must be a string or null`);
        const attributes = raw['attributes'] ?? {};
        if (!isObject(attributes)) issues.error(line, `${what}: "attributes" must be an object`);
        else
          for (const [key, v] of Object.entries(attributes)) {
            const s = stringOrUndefined(v) ?? (typeof v === 'boolean' ? String(v) : undefined);
            if (s === undefined) issues.error(line, `${what}: attribute '${key}' must be a string`);
            else span.attributes.push([key, s]);
          }
        const note = raw['note'];
        if (typeof note === 'string') span.note = note;
        else if (note !== undefined && note !== null) issues.error(line, `${what}: "note" must be a string or null`);
        spans.push(span);
      });
      const id = stringOrUndefined(value['id']);
      const name = documentName(file, line, value['path'], id);
      result.documents.push({ name, text, spans, meta: frontMatter(id, name, value['meta'], value['labels']), where: { file: file.path, line } });
    }
  }
}

/**
 * doccano sequence labelling JSONL: `text` (or `data`), spans in `label` (or `labels`) as
 * [start, end, TYPE], or in `entities` as {start_offset, end_offset, label} (its relation format).
 */
export function importDoccano(files: SourceFile[], unit: OffsetUnit, result: ImportResult): void {
  for (const file of files) {
    const issues = new Issues(result, file.path);
    for (const { value, line } of jsonLines(file, issues)) {
      const text = isObject(value) ? (value['text'] ?? value['data']) : undefined;
      if (!isObject(value) || typeof text !== 'string') {
        issues.error(line, 'expected an object with a "text" string');
        continue;
      }
      const converter = offsetConverter(text, unit);
      const list = value['label'] ?? value['labels'] ?? value['entities'] ?? [];
      if (!Array.isArray(list)) {
        issues.error(line, '"label" must be an array of [start, end, TYPE]');
        continue;
      }
      const spans = spansOfList(list, { item: 'label', name: 'TYPE', keys: ['start_offset', 'end_offset', 'label'], triplesOnly: true }, converter, issues, file.path, line);
      const meta = isObject(value['meta']) ? value['meta'] : {};
      const id = stringOrUndefined(meta['id']);
      const name = documentName(file, line, undefined, id);
      result.documents.push({ name, text, spans, meta: frontMatter(id, name, meta, meta['labels']), where: { file: file.path, line } });
    }
  }
}

/** spaCy JSONL: `text`, spans from `spans` (every group) or else `entities`, as [start, end, LABEL] or {start, end, label}. */
export function importSpacy(files: SourceFile[], result: ImportResult): void {
  for (const file of files) {
    const issues = new Issues(result, file.path);
    for (const { value, line } of jsonLines(file, issues)) {
      if (!isObject(value) || typeof value['text'] !== 'string') {
        issues.error(line, 'expected an object with a "text" string');
        continue;
      }
      const text = value['text'];
      const converter = offsetConverter(text, 'codepoints');
      let list: unknown[] = [];
      const groups = value['spans'];
      if (isObject(groups)) {
        // A span found in several groups is one span; twice in one group (nested, same range), two.
        const most = new Map<string, number>();
        for (const group of Object.values(groups)) {
          if (!Array.isArray(group)) continue;
          const counts = new Map<string, number>();
          for (const item of group) {
            const key = JSON.stringify(item);
            counts.set(key, (counts.get(key) ?? 0) + 1);
            if (counts.get(key)! > (most.get(key) ?? 0)) {
              most.set(key, counts.get(key)!);
              list.push(item);
            }
          }
        }
      } else if (Array.isArray(groups)) list = groups;
      else if (Array.isArray(value['entities'])) list = value['entities'];
      const spans = spansOfList(list, { item: 'span', name: 'LABEL', keys: ['start', 'end', 'label'], triplesOnly: false }, converter, issues, file.path, line);
      const meta = isObject(value['meta']) ? value['meta'] : {};
      const id = stringOrUndefined(meta['id']);
      const name = documentName(file, line, undefined, id);
      result.documents.push({ name, text, spans, meta: frontMatter(id, name, meta, meta['labels']), where: { file: file.path, line } });
    }
  }
}

/** How a JSONL format writes its spans: `[start, end, NAME]` triples, or objects with these keys. */
interface SpanListForm {
  /** What an item is called in messages ("label 3: ..."). */
  item: string;
  /** What the third member is called in messages. */
  name: string;
  keys: readonly [start: string, end: string, label: string];
  /** Whether an array item must have exactly three members (doccano) or may have more (spaCy). */
  triplesOnly: boolean;
}

/** The spans of a doccano or spaCy list; an item out of form is reported and left out. */
function spansOfList(list: unknown[], form: SpanListForm, converter: OffsetConverter, issues: Issues, path: string, line: number): ImportedSpan[] {
  const spans: ImportedSpan[] = [];
  list.forEach((raw, k) => {
    const what = `${form.item} ${k + 1}`;
    let start: unknown;
    let end: unknown;
    let type: unknown;
    if (Array.isArray(raw) && (!form.triplesOnly || raw.length === 3)) [start, end, type] = raw;
    else if (isObject(raw)) [start, end, type] = form.keys.map((key) => raw[key]);
    if (typeof type !== 'string') {
      issues.error(line, `${what}: expected [start, end, ${form.name}]`);
      return;
    }
    const range = spanRange(converter, start, end, issues, line, what);
    if (range) spans.push({ start: range[0], end: range[1], type, attributes: [], where: { file: path, line } });
  });
  return spans;
}

/** Control names of the labeling configuration `export --format label-studio` writes. */
const LS_ENTITY = 'entity';
const LS_NOTE = 'note';
const LS_DOCUMENT_LABELS = 'document_labels';
const LS_ATTRIBUTE_PREFIX = 'attr-';

/**
 * Label Studio JSON tasks (an array, one task, or one task a line). The first annotation of a
 * task that was not cancelled is read (else its first prediction): `labels` results are spans
 * (code points); per-region `textarea` or `choices` results sharing a region's id give its
 * catalog id (`entity`), note (`note`) and attributes (`attr-KEY`, or any other control's name);
 * a `document_labels` choices result gives the document labels.
 */
export function importLabelStudio(files: SourceFile[], result: ImportResult): void {
  for (const file of files) {
    const issues = new Issues(result, file.path);
    jsonElements(file, issues).forEach(({ value: task, line }, index) => {
      const data = isObject(task) ? task['data'] : undefined;
      const text = isObject(data) ? data['text'] : undefined;
      if (!isObject(task) || !isObject(data) || typeof text !== 'string') {
        issues.error(line, `task ${index + 1}: expected an object with data.text`);
        return;
      }
      const annotations = Array.isArray(task['annotations']) ? task['annotations'].filter((a) => isObject(a) && a['was_cancelled'] !== true) : [];
      const predictions = Array.isArray(task['predictions']) ? task['predictions'] : [];
      if (annotations.length > 1) issues.warning(line, `task ${index + 1} has ${annotations.length} annotations; the first is imported`);
      const chosen = annotations[0] ?? predictions[0];
      const results = isObject(chosen) && Array.isArray(chosen['result']) ? chosen['result'] : [];
      const converter = offsetConverter(text, 'codepoints');
      const regions = new Map<string, ImportedSpan[]>();
      const spans: ImportedSpan[] = [];
      let labels: string[] | undefined;
      const extras: { region: string; from: string; value: string; k: number }[] = [];
      results.forEach((raw, k) => {
        const what = `task ${index + 1}, result ${k + 1}`;
        if (!isObject(raw) || !isObject(raw['value'])) {
          issues.error(line, `${what}: expected an object with a value`);
          return;
        }
        const v = raw['value'];
        const from = String(raw['from_name'] ?? '');
        const type = raw['type'];
        if (type === 'labels') {
          const names = v['labels'];
          if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
            issues.error(line, `${what}: value.labels must be a list of label names`);
            return;
          }
          const range = spanRange(converter, v['start'], v['end'], issues, line, what, v['text'], text);
          if (!range) return;
          const region = String(raw['id'] ?? `#${k}`);
          for (const name of names as string[]) {
            const span: ImportedSpan = { start: range[0], end: range[1], type: name, attributes: [], where: { file: file.path, line } };
            spans.push(span);
            let list = regions.get(region);
            if (!list) regions.set(region, (list = []));
            list.push(span);
          }
          return;
        }
        const texts = type === 'textarea' ? v['text'] : type === 'choices' ? v['choices'] : undefined;
        if (!Array.isArray(texts)) {
          issues.warning(line, `${what}: a '${String(type)}' result is not imported`);
          return;
        }
        const strings = texts.filter((t): t is string => typeof t === 'string');
        if (v['start'] === undefined) {
          if (from === LS_DOCUMENT_LABELS && type === 'choices') labels = strings;
          else issues.warning(line, `${what}: the document-level result '${from}' is not imported`);
          return;
        }
        extras.push({ region: String(raw['id'] ?? ''), from, value: strings.join(' '), k });
      });
      for (const extra of extras) {
        const targets = regions.get(extra.region);
        if (!targets) {
          issues.warning(line, `task ${index + 1}, result ${extra.k + 1}: '${extra.from}' belongs to no labelled region and is not imported`);
          continue;
        }
        for (const span of targets) {
          if (extra.from === LS_ENTITY) {
            if (extra.value !== '') span.id = extra.value;
          } else if (extra.from === LS_NOTE) span.note = extra.value;
          else span.attributes.push([extra.from.startsWith(LS_ATTRIBUTE_PREFIX) ? extra.from.slice(LS_ATTRIBUTE_PREFIX.length) : extra.from, extra.value]);
        }
      }
      const id = stringOrUndefined(data['id']);
      const name = documentName(file, index + 1, data['path'], id);
      result.documents.push({ name, text, spans, meta: frontMatter(id, name, data['meta'], labels), where: { file: file.path, line } });
    });
  }
}

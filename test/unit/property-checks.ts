/**
 * The properties of the parser, the core edits, the exporters and the importers, named, so that
 * the property tests (test/unit/property-*.test.ts, a fixed seed, few runs) and the long fuzz run
 * (`npm run fuzz -- --seed S --runs N`, scripts/fuzz.mjs) run the very same checks.
 *
 * Each property states what docs/reliability.md promises: the parser never throws and finds
 * exactly the markup a model of the document holds; offsets agree in both units; every range
 * lies inside its document; import(export(doc)) gives the document back.
 */

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { type CorpusConfig, loadConfig } from '../../server/src/core/config';
import { CorpusIndex } from '../../server/src/core/corpusIndex';
import { diagnoseDocument } from '../../server/src/core/diagnostics';
import { applyEdits, removeSpanEdits, setIdEdits, setTypeEdits, wrapEdits } from '../../server/src/core/edits';
import { type ExportDocument, type ExportFormat, type ExportOptions, MemorySink, createExporter, exportCorpus } from '../../server/src/core/export';
import { stemOf } from '../../server/src/core/export/common';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions, importDocuments, renderImport } from '../../server/src/core/import';
import type { SourceFile } from '../../server/src/core/import';
import { safeName } from '../../server/src/core/import/model';
import type { OffsetRange, ParsedDocument } from '../../server/src/core/model';
import { parseFrontMatter } from '../../server/src/core/frontMatter';
import { labelTokens, parse } from '../../server/src/core/parser';
import { tokenize } from '../../server/src/core/tokenizer';
import { plainRangeToSource, plainToSource, sourceToPlain } from '../../server/src/core/text';
import { textPositions } from '../../server/src/service/workspace';
import { type DocModel, type Inline, type LabelModel, type Tail, anyInput, docArbitrary, entityId, render, textChar, typeName } from './property-model';

/** A property with a name, and how many runs it gets in `npm test`. */
export interface NamedProperty {
  name: string;
  /** Runs with the fixed seed of the fast suite. */
  fastRuns: number;
  // `any`: each property has its own tuple of arguments.
  property: () => fc.IProperty<any>;
}

/** The seed of the fast run in `npm test`: fixed, so a failure there is reproducible as it is. */
export const FAST_SEED = 20250504;

// --- shared fixtures ----------------------------------------------------------------------

/** Catalog ids whose entry has a type: a label may give one instead of a type. */
const TYPED_IDS = ['khafaji', 'joc', 'e_9'] as const;

const CONFIG_TEXT = `types: [PER, ORG, GPE, LOC, DATE]
attributes:
  role: { values: [spokesperson, leader] }
entities:
  khafaji: { type: PER, name: تحسين الخفاجي, aliases: [الخفاجي, خفاجي] }
  joc: { type: ORG, name: قيادة العمليات المشتركة }
  e_9: { type: PER, name: ب }
  untyped: { name: داعش }
`;

function config(extraTypes: Iterable<string> = []): CorpusConfig {
  const types = [...new Set(['PER', 'ORG', 'GPE', 'LOC', 'DATE', ...extraTypes])].map((t) => JSON.stringify(t));
  return loadConfig(CONFIG_TEXT.replace('types: [PER, ORG, GPE, LOC, DATE]', `types: [${types.join(', ')}]`)).config;
}

/** Another document of the corpus, so cross-document diagnostics have something to compare with. */
const NEIGHBOUR = parse('قال [الخفاجي]{PER @khafaji} إن [ب]{ORG} و[ب]{PER} في [ا ب]{GPE} و[داعش]{ORG @untyped role=x}\n');

// --- parser -------------------------------------------------------------------------------

/** Every span's surface is its plain-text slice, and its code point offsets count what precedes it. */
function assertSpanOffsets(doc: ParsedDocument): void {
  for (const span of doc.spans) {
    assert.ok(span.start < span.end && span.end <= doc.plainText.length, `span [${span.start}, ${span.end}) inside the plain text`);
    assert.equal(span.text, doc.plainText.slice(span.start, span.end));
    assert.equal(span.cpStart, [...doc.plainText.slice(0, span.start)].length, 'cpStart counts the code points before the span');
    assert.equal(span.cpEnd, [...doc.plainText.slice(0, span.end)].length, 'cpEnd counts the code points before its end');
  }
}

/** The invariants of any parse, whatever the input. */
function assertParseInvariants(source: string, doc: ParsedDocument): void {
  const n = source.length;
  const inside = (r: { start: number; end: number }, what: string): void => {
    assert.ok(Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.start <= r.end && r.end <= n, `${what} [${r.start}, ${r.end}) lies inside the document (${n})`);
  };
  assert.equal(doc.source, source);
  for (const p of doc.problems) inside(p.range, `problem ${p.code}`);
  for (let i = 1; i < doc.problems.length; i++) assert.ok(doc.problems[i - 1]!.range.start <= doc.problems[i]!.range.start, 'problems in document order');

  // The plain text is made of runs copied from the source, in order.
  const { plainStarts, sourceStarts } = doc.offsets;
  assert.equal(plainStarts.length, sourceStarts.length);
  assert.equal(plainStarts[0], 0);
  const bodyStart = doc.frontMatter ? doc.frontMatter.range.end : doc.bom ? 1 : 0;
  if (doc.frontMatter) assert.equal(doc.frontMatter.range.start, doc.bom ? 1 : 0);
  assert.ok(sourceStarts[0]! >= bodyStart);
  const kept = new Uint8Array(n);
  for (let i = 0; i < plainStarts.length; i++) {
    const length = (i + 1 < plainStarts.length ? plainStarts[i + 1]! : doc.plainText.length) - plainStarts[i]!;
    assert.ok(length >= 0 && (i === 0 || plainStarts[i]! > plainStarts[i - 1]! || length === 0), 'runs in order');
    if (i > 0) assert.ok(sourceStarts[i]! >= sourceStarts[i - 1]! + (plainStarts[i]! - plainStarts[i - 1]!), 'runs do not overlap in the source');
    assert.equal(source.slice(sourceStarts[i]!, sourceStarts[i]! + length), doc.plainText.slice(plainStarts[i]!, plainStarts[i]! + length), `run ${i} is copied from the source`);
    kept.fill(1, sourceStarts[i]!, sourceStarts[i]! + length);
  }
  // What the plain text leaves out is markup: brackets, escape backslashes and labels.
  const labels: [number, number][] = [];
  for (const span of doc.spans) labels.push([span.closeBracket, span.range.end]);
  for (const p of doc.problems) if (p.code === 'empty-span') labels.push([p.range.start, p.range.end]);
  for (let i = bodyStart; i < n; i++) {
    if (kept[i]) continue;
    const c = source[i]!;
    if (c === '[' || c === '\\') continue;
    assert.ok(
      labels.some(([s, e]) => s <= i && i < e),
      `source offset ${i} (${JSON.stringify(c)}) is left out of the plain text but is no markup`,
    );
  }

  assertSpanOffsets(doc);
  doc.spans.forEach((span, index) => {
    inside(span.range, 'span');
    assert.equal(source[span.range.start], '[');
    assert.equal(source[span.closeBracket], ']');
    assert.equal(source[span.closeBracket + 1], '{');
    assert.equal(source[span.range.end - 1], '}');
    assert.deepEqual(span.contentRange, { start: span.range.start + 1, end: span.closeBracket });
    assert.deepEqual(span.label.range, { start: span.closeBracket + 1, end: span.range.end });
    assert.ok(!/[\r\n]/.test(source.slice(span.range.start, span.range.end)), 'a span stays on its line');
    // The source offset of the surface's first character holds that character.
    assert.equal(source[plainToSource(doc.offsets, span.start)], doc.plainText[span.start]);
    assert.equal(sourceToPlain(doc.offsets, plainToSource(doc.offsets, span.start)), span.start);
    if (span.parent >= 0) {
      const parent = doc.spans[span.parent]!;
      assert.ok(span.parent < index, 'preorder: a parent before its children');
      assert.equal(span.depth, parent.depth + 1);
      assert.ok(parent.start <= span.start && span.end <= parent.end, 'a child lies inside its parent');
      assert.ok(parent.contentRange.start <= span.range.start && span.range.end <= parent.contentRange.end);
      assert.ok(parent.children.includes(index));
    } else {
      assert.equal(span.depth, 0);
      assert.ok(doc.roots.includes(index));
    }
  });
  for (let i = 1; i < doc.roots.length; i++) assert.ok(doc.spans[doc.roots[i - 1]!]!.range.end <= doc.spans[doc.roots[i]!]!.range.start, 'top-level spans are disjoint, in order');
}

/** What a model says of each span, to compare with what the parser found. */
function expectedLabel(label: LabelModel): { type?: string; id?: string; attributes: [string, string][] } {
  const out: { type?: string; id?: string; attributes: [string, string][] } = { attributes: label.attributes.map((a) => [a.key, a.value]) };
  if (label.type !== undefined) out.type = label.type;
  if (label.id !== undefined) out.id = label.id;
  return out;
}

function checkModel(model: DocModel): void {
  const expected = render(model);
  const doc = parse(expected.source);
  assertParseInvariants(expected.source, doc);
  // Plain text = the text with the markup removed, exactly as the model wrote it.
  assert.equal(doc.plainText, expected.plain);
  assert.deepEqual(
    doc.spans.map((s) => ({ start: s.start, end: s.end, depth: s.depth, parent: s.parent, open: s.range.start })),
    expected.spans.map((s) => ({ start: s.start, end: s.end, depth: s.depth, parent: s.parent, open: s.open })),
  );
  doc.spans.forEach((span, i) => {
    const label = expected.spans[i]!.label;
    if (label.bad !== undefined) return;
    const found: { type?: string; id?: string; attributes: [string, string][] } = { attributes: span.label.attributes.map((a) => [a.key, a.value]) };
    if (span.label.type) found.type = span.label.type.name;
    if (span.label.id) found.id = span.label.id.name;
    assert.deepEqual(found, expectedLabel(label));
    // Where the label says its type and id are (labels that read alike share one reading).
    const at = (t: { range: OffsetRange }): string => expected.source.slice(t.range.start, t.range.end);
    if (span.label.type) assert.equal(at(span.label.type), span.label.type.name);
    if (span.label.id) assert.equal(expected.source.slice(span.label.id.range.start - 1, span.label.id.range.end), `@${span.label.id.name}`);
    assert.equal(at(span.label), expected.source.slice(span.closeBracket + 1, span.afterLabel));
    assert.equal(span.label.tokenCount, labelTokens(expected.source, span.label).length);
  });
  const located = (codes: string[]): string[] => codes.sort();
  assert.deepEqual(
    located(doc.problems.filter((p) => p.code !== 'bad-label' && p.code !== 'empty-label').map((p) => `${p.code}@${p.range.start}`)),
    located(expected.problems.map((p) => `${p.code}@${p.at}`)),
  );
  assert.deepEqual(located(doc.problems.filter((p) => p.code === 'bad-label' || p.code === 'empty-label').map((p) => p.code)), located([...expected.labelProblems]));
  assert.deepEqual(doc.frontMatter?.data, expected.frontMatter);
}

/** Diagnostics against a corpus: never a throw, every range and every fix inside its file. */
function assertDiagnostics(doc: ParsedDocument, cfg: CorpusConfig): void {
  const index = new CorpusIndex(cfg);
  index.update('neighbour', NEIGHBOUR);
  index.update('doc', doc);
  const configLength = CONFIG_TEXT.length + 200;
  for (const d of diagnoseDocument(doc, { docId: 'doc', index })) {
    assert.ok(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= doc.source.length, `${d.code} [${d.range.start}, ${d.range.end}) inside the document`);
    for (const r of d.related ?? []) {
      const other = r.docId === 'doc' ? doc : NEIGHBOUR;
      assert.ok(r.range.start >= 0 && r.range.end <= other.source.length, `related place of ${d.code} inside its document`);
    }
    for (const fix of d.fixes ?? []) {
      for (const e of fix.edits) {
        const limit = e.file === 'document' ? doc.source.length : configLength;
        assert.ok(e.range.start >= 0 && e.range.start <= e.range.end && e.range.end <= limit, `fix '${fix.title}' edits inside its file`);
      }
      // A fix never breaks clean markup (on broken markup it must still give a text that parses).
      const fixed = applyEdits(doc.source, fix.edits);
      const after = parse(fixed);
      assertParseInvariants(fixed, after);
      if (doc.problems.length === 0) assert.deepEqual(after.problems, [], `fix '${fix.title}' of ${d.code} keeps the markup clean`);
    }
  }
}

/** LSP positions and offsets agree in each encoding, at every code point boundary. */
function assertPositions(text: string): void {
  for (const encoding of ['utf-16', 'utf-32', 'utf-8'] as const) {
    const mapper = textPositions(text, encoding);
    for (let offset = 0; offset <= text.length; offset++) {
      const c = text.charCodeAt(offset);
      const p = text.charCodeAt(offset - 1);
      if (c >= 0xdc00 && c <= 0xdfff && p >= 0xd800 && p <= 0xdbff) continue; // inside a pair
      if (c === 10 && p === 13) continue; // inside a CRLF: no position of its own
      assert.equal(mapper.offsetAt(mapper.positionAt(offset)), offset, `${encoding}: offset ${offset} -> position -> offset`);
    }
  }
}

/** Removes markup the model cannot predict the effect of: the escape quick fix on each problem. */
function escapeAll(source: string): { fixed: string; doc: ParsedDocument; after: ParsedDocument } {
  const doc = parse(source);
  const edits = diagnoseDocument(doc, { docId: 'd' })
    .flatMap((d) => d.fixes ?? [])
    .filter((f) => f.title.startsWith('Escape'))
    .flatMap((f) => f.edits);
  const fixed = applyEdits(source, edits);
  return { fixed, doc, after: parse(fixed) };
}

const wellFormed = docArbitrary({ broken: false, typed: false, frontMatter: true, maxDepth: 4, maxLines: 4 });
const broken = docArbitrary({ broken: true, typed: false, frontMatter: true, maxDepth: 4, maxLines: 4 });

/**
 * Front matter lines near and inside the shape the simple reader takes (`key: word` or `key:
 * [word, ...]`): words YAML reads as other than strings, indicators, odd spacing, CRs, comments,
 * block lists, repeated keys.
 */
const frontMatterText: fc.Arbitrary<string> = (() => {
  // Mostly the simple shape, so the simple reader reads a good share; the rest goes to the library.
  const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 5, arbitrary: usual }, { weight: 1, arbitrary: odd });
  const key = mostly(fc.constantFrom('id', 'labels', 'status', 'a-b', '_x', 'Labels'), fc.constantFrom('true', '__proto__', 'constructor', 'x y', '1', 'مفتاح', ''));
  const word = mostly(
    fc.constantFrom('security', 'حرب', 'أمن_قومي', 'a b', 'v1.2', 'x-', 'e1', 'nul', 'é', 'ﻻ', 'y', 'no', 'ب\u064e'),
    fc.constantFrom('a  b', '-x', 'true', 'False', 'NULL', 'Null', '12', '1e3', '0x1F', '.inf', '~', '', '"q"', "'q'", 'a#b', 'a #b', 'a: b', 'a:b', '\u064ea', 'a\u200fb'),
  );
  const list = fc
    .tuple(mostly(fc.constant('['), fc.constantFrom('[ ', '[  ')), fc.array(word, { maxLength: 4 }), mostly(fc.constant(', '), fc.constantFrom(',', ' , ', ',  ')), mostly(fc.constant(']'), fc.constantFrom(' ]', ',]', ', ]', '')))
    .map(([open, items, comma, close]) => `${open}${items.join(comma)}${close}`);
  const end = mostly(fc.constant('\n'), fc.constantFrom(' \n', '\r\n', '\r', ',b: c\n', '#b: c\n'));
  const line = mostly(
    fc.tuple(key, mostly(fc.constant(': '), fc.constantFrom(':  ', ':', ': \t')), fc.oneof(word, list), end).map((parts) => parts.join('')),
    fc.constantFrom('# note\n', '\n', '  - a\n', '- a\n', 'labels:\n', '... \n'),
  );
  return fc.array(line, { maxLength: 5 }).map((lines) => lines.join(''));
})();

export const PARSER_PROPERTIES: NamedProperty[] = [
  {
    name: 'parser: well-formed documents give the model\'s plain text, spans and labels, and no problem',
    fastRuns: 500,
    property: () => fc.property(wellFormed, (model) => checkModel(model)),
  },
  {
    name: 'parser: broken markup stays text, each piece reported where it stands, spans inside move up',
    fastRuns: 500,
    property: () => fc.property(broken, (model) => checkModel(model)),
  },
  {
    name: 'parser: any input parses without throwing; surfaces, offsets in both units and ranges hold',
    fastRuns: 1000,
    property: () => fc.property(anyInput(), (source) => assertParseInvariants(source, parse(source))),
  },
  {
    name: 'diagnostics: any input against a corpus, ranges and quick fixes inside their files',
    fastRuns: 400,
    property: () => fc.property(fc.oneof(anyInput(), wellFormed.map((m) => render(m).source)), (source) => assertDiagnostics(parse(source), config())),
  },
  {
    name: 'parser: the escape quick fix keeps the plain text and the spans, and clears the problem',
    fastRuns: 500,
    property: () =>
      fc.property(anyInput(), (source) => {
        const { doc, after } = escapeAll(source);
        assert.equal(after.plainText, doc.plainText);
        assert.deepEqual(
          after.spans.map((s) => [s.start, s.end]),
          doc.spans.map((s) => [s.start, s.end]),
        );
        assert.deepEqual(
          after.problems.filter((p) => p.code === 'unmatched-bracket' || (p.code === 'unclosed-span' && p.range.end - p.range.start === 1)),
          [],
        );
      }),
  },
  {
    name: 'front matter: read without the YAML library where it is simple, it is what the library reads',
    fastRuns: 2000,
    property: () =>
      fc.property(frontMatterText, (yaml) => {
        const source = `---\n${yaml}---\nنص\n`;
        assert.deepEqual(parseFrontMatter(source, 0), parseFrontMatter(source, 0, { yamlOnly: true }));
      }),
  },
  {
    name: 'positions: LSP positions and offsets agree in UTF-16, UTF-32 and UTF-8',
    fastRuns: 300,
    property: () => fc.property(anyInput(), (source) => assertPositions(source)),
  },
  {
    name: 'edits: remove, retype, link and wrap change that span only and keep the plain text',
    fastRuns: 500,
    property: () =>
      fc.property(wellFormed, fc.nat(), fc.nat(), fc.nat(), typeName, entityId, (model, pick, a, b, type, id) => {
        const source = render(model).source;
        const doc = parse(source);
        const extents = (d: ParsedDocument): string[] => d.spans.map((s) => `${s.start}-${s.end}`);
        if (doc.spans.length > 0) {
          const k = pick % doc.spans.length;
          const span = doc.spans[k]!;
          const removedSource = applyEdits(source, removeSpanEdits(span));
          const removed = parse(removedSource);
          // The documented limit: a text that comes to start with U+FEFF reads it as a byte order mark.
          const bomAfter = removedSource.charCodeAt(0) === 0xfeff && source.charCodeAt(0) !== 0xfeff;
          assert.equal(removed.plainText, bomAfter ? doc.plainText.slice(1) : doc.plainText);
          assert.deepEqual(removed.problems, []);
          const shift = bomAfter ? 1 : 0;
          assert.deepEqual(
            extents(removed),
            doc.spans.filter((_, i) => i !== k).map((s) => `${s.start - shift}-${s.end - shift}`),
          );

          const retyped = parse(applyEdits(source, setTypeEdits(span, type)));
          assert.equal(retyped.plainText, doc.plainText);
          assert.deepEqual(extents(retyped), extents(doc));
          assert.equal(retyped.spans[k]!.label.type?.name, type);

          const linked = parse(applyEdits(source, setIdEdits(span, id)));
          assert.equal(linked.plainText, doc.plainText);
          assert.deepEqual(extents(linked), extents(doc));
          assert.equal(linked.spans[k]!.label.id?.name, id);
        }
        // Wrap a stretch of plain text on one line that crosses no span's markup.
        const plain = doc.plainText;
        if (plain.length === 0) return;
        let start = a % plain.length;
        let end = start + 1 + (b % Math.min(12, plain.length - start));
        const c = plain.charCodeAt(start);
        if (c >= 0xdc00 && c <= 0xdfff) start--; // not between the halves of a pair
        const d = plain.charCodeAt(end);
        if (d >= 0xdc00 && d <= 0xdfff) end++;
        if (/[\r\n]/.test(plain.slice(start, end))) return;
        const range = plainRangeToSource(doc, start, end);
        if (doc.spans.some((s) => s.range.start < range.end && range.start < s.range.end && !(s.contentRange.start <= range.start && range.end <= s.contentRange.end))) return;
        const wrapped = parse(applyEdits(source, wrapEdits(range, 'PER', source)));
        assert.equal(wrapped.plainText, doc.plainText, 'wrapping keeps the plain text');
        assert.deepEqual(wrapped.problems, []);
        assert.equal(wrapped.spans.length, doc.spans.length + 1);
        assert.ok(wrapped.spans.some((s) => s.start === start && s.end === end && s.label.type?.name === 'PER'), 'the new span has the selection as its surface');
      }),
  },
];

// --- export and import --------------------------------------------------------------------

/** Every type a model's labels name. */
function typesOf(models: DocModel[]): Set<string> {
  const types = new Set<string>();
  const visitItems = (items: Inline[]): void => {
    for (const item of items) {
      if (item.kind === 'span') {
        if (item.label.type !== undefined) types.add(item.label.type);
        visitItems(item.children);
      } else if (item.kind === 'missing') visitItems(item.children);
    }
  };
  const visitTail = (tail: Tail | undefined): void => {
    if (!tail) return;
    if (tail.kind === 'unclosed') {
      visitItems(tail.items);
      visitTail(tail.tail);
    } else visitItems(tail.children);
  };
  for (const m of models) for (const line of m.lines) {
    visitItems(line.items);
    visitTail(line.tail);
  }
  return types;
}

/** A corpus of a few exportable documents, with distinct paths and ids. */
const PATHS = ['a.txt', 'sub/b.txt', 'وثيقة.txt'];
const corpusArbitrary = fc
  .array(docArbitrary({ broken: false, typed: true, typedIds: TYPED_IDS, frontMatter: true, maxDepth: 3, maxLines: 4 }), { minLength: 1, maxLength: 3 })
  .map((models) =>
    models.map((model, i) => {
      // Front matter ids must differ between documents: formats that name documents by id need it.
      // (A new object: generated values are shared between runs and shrinks.)
      const fm = model.frontMatter;
      return { path: PATHS[i]!, model: fm?.id !== undefined ? { ...model, frontMatter: { ...fm, id: `${fm.id}-${i}` } } : model };
    }),
  );

interface Carried {
  ids: boolean;
  attributes: boolean;
  notes: boolean;
  meta: boolean;
  /** brat: line ends as LF, and notes one field (tabs written as spaces, with a warning). */
  lf?: boolean;
}

/** What a round trip must give back of a document. */
function summary(doc: ParsedDocument, path: string, cfg: CorpusConfig, carried: Carried): unknown {
  const text = carried.lf ? doc.plainText.replace(/\r\n?/g, '\n') : doc.plainText;
  const shift = (offset: number): number => (carried.lf ? doc.plainText.slice(0, offset).replace(/\r\n/g, '\n').length : offset);
  const spans = doc.spans.map((s) => {
    const parts: unknown[] = [shift(s.start), shift(s.end), s.label.type?.name ?? cfg.entities.get(s.label.id?.name ?? '')?.type];
    if (carried.ids) parts.push(s.label.id?.name ?? null);
    // Attributes in the order written; the note is written last on import, wherever it stood.
    if (carried.attributes) for (const a of s.label.attributes) if (a.key !== 'note') parts.push(`${a.key}=${a.value}`);
    const note = s.label.attributes.find((a) => a.key === 'note')?.value;
    if (carried.notes) parts.push(`note=${note !== undefined && carried.lf ? note.replace(/[\t\r\n]+/g, ' ') : (note ?? null)}`);
    return parts;
  });
  if (!carried.meta) return { text, spans };
  const data = { ...(doc.frontMatter?.data ?? {}) };
  const id = data['id'] ?? stemOf(path);
  delete data['id'];
  return { text, spans, id, data };
}

const FORMAT_FILES: Record<ImportFormat, (name: string) => boolean> = Object.fromEntries(
  (Object.keys(IMPORT_FORMATS) as ImportFormat[]).map((f) => [f, (name: string) => IMPORT_FORMATS[f].extensions.some((e) => name.endsWith(e))]),
) as Record<ImportFormat, (name: string) => boolean>;

function asSources(files: { relativePath: string; content: string }[], format: ImportFormat): SourceFile[] {
  return files
    .filter((f) => FORMAT_FILES[format](f.relativePath))
    .map((f) => {
      const bom = f.content.charCodeAt(0) === 0xfeff;
      return { path: f.relativePath, name: f.relativePath, text: bom ? f.content.slice(1) : f.content, bom };
    });
}

/** brat holds attribute values of one word with no `| , :` only: other values are left out of its round trip. */
function bratSafe(model: DocModel): DocModel {
  const fixLabel = (label: LabelModel): LabelModel => ({
    ...label,
    attributes: label.attributes.map((a) => (a.key === 'note' || (a.value !== '' && !/[\s|,:]/u.test(a.value)) ? a : { ...a, value: 'v', quoted: false })),
  });
  const items = (list: Inline[]): Inline[] => list.map((item) => (item.kind === 'span' ? { ...item, label: fixLabel(item.label), children: items(item.children) } : item));
  return { ...model, lines: model.lines.map((line) => ({ ...line, items: items(line.items) })) };
}

/** A round trip of one format: export, import what was written, parse it back, compare. */
function roundTrip(format: ExportFormat & ImportFormat, documents: ExportDocument[], cfg: CorpusConfig, carried: Carried, exportOptions: ExportOptions = {}, importOptions: ImportOptions = {}, refusal?: RegExp): void {
  const exported = exportCorpus(format, documents, cfg, exportOptions);
  const errors = exported.issues.filter((i) => i.severity === 'error');
  if (refusal && errors.length > 0) {
    for (const e of errors) assert.match(e.message, refusal, `${format}: only a documented refusal`);
    return;
  }
  assert.deepEqual(errors, [], `${format}: the export succeeds`);
  if (format === 'brat') {
    const tabbed = documents.flatMap((d) => d.parsed.spans).filter((s) => /\t/.test(s.label.attributes.find((a) => a.key === 'note')?.value ?? '')).length;
    assert.equal(exported.issues.filter((i) => /note's tabs/.test(i.message)).length, tabbed, 'brat: a warning for each note whose tabs became spaces');
  }
  const imported = importDocuments(format, asSources(exported.files, format), importOptions);
  assert.deepEqual(imported.issues.filter((i) => i.severity === 'error'), [], `${format}: the import succeeds`);
  const files = renderImport(imported, { name: 'rt', format, sources: [] });
  const back = loadConfig(files.find((f) => f.relativePath === 'corpus.yaml')!.content);
  assert.deepEqual(back.problems, [], `${format}: the corpus.yaml written reads cleanly`);
  assert.equal(files.length, documents.length + 1, `${format}: one file per document, and corpus.yaml`);
  for (const original of documents) {
    const id = original.parsed.frontMatter?.data?.['id'];
    // jsonl, label-studio and brat keep the path; doccano and spacy name documents by id.
    const file =
      files.find((f) => f.relativePath === original.path) ??
      files.find((f) => f.relativePath === `${safeName(String(id ?? stemOf(original.path)))}.txt`);
    assert.ok(file, `${format}: no document for ${original.path} among ${files.map((f) => f.relativePath).join(', ')}`);
    const doc = parse(file.content);
    assert.deepEqual(doc.problems, [], `${format}: ${file.relativePath} parses cleanly`);
    assert.deepEqual(summary(doc, file.relativePath, back.config, carried), summary(original.parsed, original.path, cfg, carried), `${format}: ${original.path}`);
  }
}

/** The tokens of a CoNLL file (the first field of each token line). */
function conllTokens(conll: string): string[] {
  return conll.split('\n').filter((l) => l !== '' && !l.startsWith('-DOCSTART-')).map((l) => l.slice(0, l.indexOf(' ')));
}

/** Whether a token, written on its own, is read as that one token. */
function standsAlone(token: string): boolean {
  const tokens = tokenize(token);
  return tokens.length === 1 && tokens[0]!.start === 0 && tokens[0]!.end === token.length;
}

const EVERYTHING: Carried = { ids: true, attributes: true, notes: true, meta: true };
const TYPES_AND_META: Carried = { ids: false, attributes: false, notes: false, meta: true };

export const EXPORT_PROPERTIES: NamedProperty[] = [
  {
    name: 'export: never throws on any input; a document with markup errors is refused, never half-written',
    fastRuns: 200,
    property: () =>
      fc.property(anyInput(), (source) => {
        const doc = parse(source);
        const cfg = config();
        for (const format of ['jsonl', 'doccano', 'spacy', 'brat', 'conll', 'label-studio'] as const) {
          const exporter = createExporter(format, cfg);
          const sink = new MemorySink();
          exporter.begin(sink);
          const before = JSON.stringify(sink.files());
          const issues = exporter.add({ path: 'doc.txt', parsed: doc }, sink);
          for (const issue of issues) assert.ok(issue.line >= 1 && issue.column >= 1, 'issues have a position');
          if (doc.problems.length > 0) {
            assert.ok(issues.some((i) => i.severity === 'error'), `${format}: a document with markup errors is refused`);
          }
          if (issues.some((i) => i.severity === 'error')) assert.equal(JSON.stringify(sink.files()), before, `${format}: nothing written for a refused document`);
          exporter.end(sink);
        }
      }),
  },
  {
    name: 'round trip: import(export(corpus)) gives back text, spans, ids, attributes, notes and metadata',
    fastRuns: 250,
    property: () =>
      fc.property(corpusArbitrary, (corpus) => {
        const cfg = config(typesOf(corpus.map((d) => d.model)));
        const documents: ExportDocument[] = corpus.map(({ path, model }) => ({ path, parsed: parse(render(model).source) }));
        for (const d of documents) assert.deepEqual(d.parsed.problems, [], 'the generated corpus is clean');
        roundTrip('jsonl', documents, cfg, EVERYTHING);
        roundTrip('jsonl', documents, cfg, EVERYTHING, { offsets: 'utf16' }, { offsets: 'utf16' });
        roundTrip('label-studio', documents, cfg, EVERYTHING);
        roundTrip('doccano', documents, cfg, TYPES_AND_META);
        roundTrip('doccano', documents, cfg, TYPES_AND_META, { offsets: 'codepoints' }, { offsets: 'codepoints' });
        // A span boundary inside a grapheme cluster (between a letter and its haraka) has no grapheme offset.
        roundTrip('doccano', documents, cfg, TYPES_AND_META, { offsets: 'graphemes' }, { offsets: 'graphemes' }, /falls inside a character of grapheme clusters/);
        roundTrip('spacy', documents, cfg, TYPES_AND_META);
        // brat: a .txt cannot tell a leading U+FEFF from a byte order mark; the export warns of it.
        const brat = corpus.map(({ path, model }) => ({ path, parsed: parse(render(bratSafe(model)).source) }));
        const feff = brat.filter((d) => d.parsed.plainText.charCodeAt(0) === 0xfeff);
        const warned = exportCorpus('brat', feff, cfg).issues.filter((i) => /starts with U\+FEFF/.test(i.message));
        assert.equal(warned.length, feff.length, 'brat: a warning for each text that starts with U+FEFF');
        roundTrip('brat', brat.filter((d) => !feff.includes(d)), cfg, { ids: true, attributes: true, notes: true, meta: false, lf: true });
        // conll: up to tokenization, so export(import(export)) is the same file.
        for (const options of [{}, { nested: 'columns', scheme: 'bioes' }] as ExportOptions[]) {
          const first = exportCorpus('conll', documents, cfg, options);
          assert.deepEqual(first.issues.filter((i) => i.severity === 'error'), []);
          const imported = importDocuments('conll', asSources(first.files, 'conll'));
          assert.deepEqual(imported.issues.filter((i) => i.severity === 'error'), [], 'conll: the import succeeds');
          const files = renderImport(imported, { name: 'rt', format: 'conll', sources: [] });
          const back = loadConfig(files.find((f) => f.relativePath === 'corpus.yaml')!.content).config;
          const again = files.filter((f) => f.relativePath !== 'corpus.yaml').map((f) => ({ path: f.relativePath, parsed: parse(f.content) }));
          const second = exportCorpus('conll', again, back, options);
          assert.deepEqual(second.issues.filter((i) => i.severity === 'error'), []);
          // The documented limit: a token cut at a span boundary into a piece that is no token of
          // its own (a lone joiner, a number separator before digits: '0|٬0') reads back otherwise.
          if (conllTokens(first.files[0]?.content ?? '').every(standsAlone)) {
            assert.equal(second.files[0]?.content, first.files[0]?.content, `conll ${JSON.stringify(options)}: the same file again`);
          }
        }
      }),
  },
];

// --- import -------------------------------------------------------------------------------

/** The exported files of a random corpus, in one format, then mangled: input near real input. */
function mangledExport(format: ExportFormat & ImportFormat): fc.Arbitrary<SourceFile[]> {
  const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 5 }), insert: fc.oneof(fc.constant(''), fc.string({ unit: fc.constantFrom('"', ',', '{', '}', '[', ']', ':', '\\', '\n', '\t', ' ', '0', '9', '-', 'T', 'A', 'N', '#', '😀', 'ا', '\u064e', '\ud800'), maxLength: 4 })) });
  return fc.tuple(corpusArbitrary, fc.array(edit, { maxLength: 4 })).map(([corpus, edits]) => {
    const documents = corpus.map(({ path, model }) => ({ path, parsed: parse(render(model).source) }));
    const files = asSources(exportCorpus(format, documents, config(typesOf(corpus.map((d) => d.model)))).files, format);
    for (const e of edits) {
      if (files.length === 0) break;
      const file = files[e.at % files.length]!;
      const at = file.text.length === 0 ? 0 : e.at % (file.text.length + 1);
      file.text = file.text.slice(0, at) + e.insert + file.text.slice(at + e.remove);
    }
    return files;
  });
}

/** Whatever an import accepted, it writes as documents that read back as what it read. */
function assertImportWritable(format: ImportFormat, files: SourceFile[], options: ImportOptions = {}): void {
  const result = importDocuments(format, files, options);
  for (const issue of result.issues) assert.ok(issue.line >= 1, 'issues name a line');
  if (result.issues.some((i) => i.severity === 'error')) return;
  const written = renderImport(result, { name: 'x', format, sources: files.map((f) => f.path) });
  assert.deepEqual(loadConfig(written.find((f) => f.relativePath === 'corpus.yaml')!.content).problems.filter((p) => p.severity === 'error'), [], 'corpus.yaml reads cleanly');
  for (const [i, doc] of result.documents.entries()) {
    const back = parse(written[i]!.content);
    assert.deepEqual(back.problems, []);
    assert.equal(back.plainText, doc.text);
    assert.deepEqual(
      back.spans.map((s) => [s.start, s.end, s.label.type?.name, s.label.id?.name, s.label.attributes.filter((a) => a.key !== 'note').map((a) => [a.key, a.value]), s.label.attributes.find((a) => a.key === 'note')?.value]),
      doc.spans.map((s) => [s.start, s.end, s.type, s.id, s.attributes, s.note]),
    );
  }
}

/** Text an importer may meet: markup characters, front matter fences, a leading U+FEFF, line breaks. */
const importText = fc.string({
  unit: fc.oneof({ weight: 8, arbitrary: textChar }, { weight: 2, arbitrary: fc.constantFrom('[', ']', '{', '}', '\\', '\n', '\r\n', '\r', '---\n', '\ufeff', ' ') }),
  maxLength: 40,
});

/** jsonl records with spans anywhere: crossing, nested, empty, across lines, names out of grammar. */
const randomJsonl: fc.Arbitrary<SourceFile[]> = fc
  .array(
    fc.tuple(
      importText,
      fc.array(
        fc.record({
          a: fc.nat(),
          b: fc.nat(),
          type: fc.oneof({ weight: 6, arbitrary: typeName }, { weight: 1, arbitrary: fc.constantFrom('B-X', '1X', 'a b', '') }),
          id: fc.option(fc.oneof(entityId, fc.constant('a b')), { nil: null }),
          attributes: fc.dictionary(fc.constantFrom('role', 'k', 'note', '1x', 'x-y'), fc.oneof(fc.string({ unit: textChar, maxLength: 5 }), fc.constant('a\nb'), fc.constant('"q"\\'))),
          note: fc.option(fc.oneof(fc.string({ unit: textChar, maxLength: 6 }), fc.constant('a\r\nb'), fc.constant('}{"\\')), { nil: null }),
        }),
        { maxLength: 6 },
      ),
      fc.option(fc.dictionary(fc.constantFrom('source', 'id', 'labels', 'date', 'x'), fc.oneof(fc.string({ unit: textChar, maxLength: 6 }), fc.array(fc.constantFrom('a', 'ب', '1')), fc.integer(), fc.boolean(), fc.constant(null))), { nil: undefined }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((records) => {
    const lines = records.map(([text, spans, meta], i) => {
      const n = [...text].length;
      const out: Record<string, unknown> = {
        id: `doc${i}`,
        text,
        spans: spans.map((s) => {
          const start = n === 0 ? 0 : s.a % (n + 1);
          const end = n === 0 ? 0 : s.b % (n + 1);
          return { start: Math.min(start, end), end: Math.max(start, end), type: s.type, id: s.id, attributes: s.attributes, note: s.note };
        }),
      };
      if (meta) out['meta'] = meta;
      return JSON.stringify(out);
    });
    return [{ path: 'in.jsonl', name: 'in.jsonl', text: lines.join('\n') + '\n' }];
  });

export const IMPORT_PROPERTIES: NamedProperty[] = [
  {
    name: 'import: random spans on random text are refused with a reason, or written so they read back exactly',
    fastRuns: 500,
    property: () => fc.property(randomJsonl, (files) => assertImportWritable('jsonl', files)),
  },
  ...(['jsonl', 'doccano', 'spacy', 'brat', 'conll', 'label-studio'] as const).map(
    (format): NamedProperty => ({
      name: `import ${format}: mangled files never throw; what is accepted reads back exactly`,
      fastRuns: 100,
      property: () => fc.property(mangledExport(format), (files) => assertImportWritable(format, files)),
    }),
  ),
  {
    name: 'import: noise in any format never throws',
    fastRuns: 200,
    property: () =>
      fc.property(fc.constantFrom<ImportFormat>('jsonl', 'doccano', 'spacy', 'brat', 'conll', 'label-studio'), fc.array(anyInput(), { minLength: 1, maxLength: 2 }), (format, texts) => {
        const names = format === 'brat' ? ['d.txt', 'd.ann'] : format === 'conll' ? ['d.conll', 'e.conll'] : ['d.jsonl', 'e.json'];
        assertImportWritable(
          format,
          texts.map((text, i) => ({ path: names[i]!, name: names[i]!, text })),
        );
      }),
  },
];

export const ALL_PROPERTIES: NamedProperty[] = [...PARSER_PROPERTIES, ...EXPORT_PROPERTIES, ...IMPORT_PROPERTIES];

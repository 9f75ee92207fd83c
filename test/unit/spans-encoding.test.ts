import { strict as assert } from 'node:assert';
import { decodeSpans } from '../../client/src/spanData';
import { parse } from '../../server/src/core/parser';
import { SPAN_FIELDS, SPANS_FORMAT } from '../../server/src/protocol';
import { toRange } from '../../server/src/service/convert';
import { encodeSpans } from '../../server/src/service/corpusRequests';
import type { PositionEncoding } from '../../server/src/service/encoding';
import { textPositions } from '../../server/src/service/workspace';
import { type PlainSpan, unpackSpans } from '../support/spans';

/** The catalog of the tests: the type of an entity a span links by id only. */
const CATALOG: Record<string, string> = { khafaji: 'PER', isis: 'ORG', un: 'ORG', iraq: 'GPE' };
const entityType = (id: string): string | undefined => CATALOG[id];

/** Encodes a text's spans as the server does, in the given position encoding. */
function encode(text: string, encoding: PositionEncoding = 'utf-16') {
  return encodeSpans(parse(text).spans, textPositions(text, encoding), entityType);
}

/** What the spans request answered before it was packed: four ranges a span, through toRange. */
function unpacked(text: string, encoding: PositionEncoding = 'utf-16'): PlainSpan[] {
  const mapper = textPositions(text, encoding);
  return parse(text).spans.map((s) => {
    const type = s.label.type?.name ?? (s.label.id ? entityType(s.label.id.name) : undefined);
    return {
      range: toRange(mapper, s.range),
      contentRange: toRange(mapper, s.contentRange),
      openRange: toRange(mapper, { start: s.range.start, end: s.range.start + 1 }),
      closeRange: toRange(mapper, { start: s.closeBracket, end: s.range.end }),
      ...(type !== undefined ? { type } : {}),
      ...(s.label.id ? { id: s.label.id.name } : {}),
      depth: s.depth,
    };
  });
}

/** The text of a one-line range (UTF-16 positions). */
function textAt(text: string, range: PlainSpan['range']): string {
  return text.split('\n')[range.start.line]!.slice(range.start.character, range.end.character);
}

const DOCUMENT = [
  '---',
  'labels: [security]',
  '---',
  // Several spans on one line, one with attributes.
  'قال [الخفاجي]{PER @khafaji role=spokesperson} إن [داعش]{ORG} هاجم [العراق]{GPE @iraq}.',
  // Nested spans, two inside one.
  'وأكد [[الأمم المتحدة]{ORG @un} في [العراق]{GPE @iraq}]{ORG} ذلك.',
  // An emoji (two UTF-16 units, four UTF-8 bytes) before spans with only an @id, one not in the catalog.
  '😀 [داعش]{@isis} و[التنظيم]{@isis} و[فلان]{@nobody}',
  ...Array.from({ length: 2000 }, () => 'سطر بلا وسم.'),
  // Far from the spans before, and a literal bracket before it.
  '\\[ليس وسما\\] ثم [بغداد]{GPE}',
].join('\n');

describe('the compact spans encoding (corpusAnnotator/spans)', () => {
  for (const encoding of ['utf-16', 'utf-8', 'utf-32'] as const) {
    it(`decodes to the ranges the request answered before it was packed (${encoding})`, () => {
      const decoded = unpackSpans(encode(DOCUMENT, encoding));
      assert.equal(decoded.length, 10);
      assert.deepEqual(decoded, unpacked(DOCUMENT, encoding));
    });
  }

  it('places every span on its text: surfaces, brackets and labels, nesting and types', () => {
    const decoded = unpackSpans(encode(DOCUMENT));
    assert.deepEqual(
      decoded.map((s) => [s.range.start.line, textAt(DOCUMENT, s.contentRange), s.type ?? null, s.id ?? null, s.depth]),
      [
        [3, 'الخفاجي', 'PER', 'khafaji', 0],
        [3, 'داعش', 'ORG', null, 0],
        [3, 'العراق', 'GPE', 'iraq', 0],
        [4, '[الأمم المتحدة]{ORG @un} في [العراق]{GPE @iraq}', 'ORG', null, 0],
        [4, 'الأمم المتحدة', 'ORG', 'un', 1],
        [4, 'العراق', 'GPE', 'iraq', 1],
        [5, 'داعش', 'ORG', 'isis', 0],
        [5, 'التنظيم', 'ORG', 'isis', 0],
        [5, 'فلان', null, 'nobody', 0],
        [2006, 'بغداد', 'GPE', null, 0],
      ],
    );
    for (const s of decoded) {
      assert.equal(textAt(DOCUMENT, s.openRange), '[');
      assert.match(textAt(DOCUMENT, s.closeRange), /^\]\{[^\n]*\}$/);
      assert.equal(textAt(DOCUMENT, s.range), `[${textAt(DOCUMENT, s.contentRange)}${textAt(DOCUMENT, s.closeRange)}`);
    }
    assert.deepEqual(decoded[0]!.closeRange, { start: { line: 3, character: 12 }, end: { line: 3, character: 45 } });
  });

  it('counts the emoji before a span in the negotiated unit', () => {
    // '😀 [داعش]{@isis}': the `[` after 😀 and a space; داعش is 4 letters (8 UTF-8 bytes).
    const starts = (['utf-16', 'utf-8', 'utf-32'] as const).map((encoding) => {
      const span = unpackSpans(encode(DOCUMENT, encoding))[6]!;
      return [span.openRange.start.character, span.contentRange.end.character, span.range.end.character];
    });
    assert.deepEqual(starts, [
      [3, 8, 16],
      [5, 14, 22],
      [2, 7, 15],
    ]);
  });

  it('lays the numbers out as protocol.ts documents them', () => {
    // Line 0: `[` at 2, `]` 2 after it, `}` ends 6 after it; the next `[` 7 further on the same
    // line; on line 3 (three lines down) the character is absolute again.
    const packed = encode('a [b]{X} [c]{Y @y}\n\n\n[d]{@y}');
    assert.equal(packed.format, SPANS_FORMAT);
    assert.deepEqual(packed.strings, ['X', 'Y', 'y']);
    assert.deepEqual(packed.data, [0, 2, 2, 6, 0, 0, -1, 0, 7, 2, 9, 0, 1, 2, 3, 0, 2, 7, 0, -1, 2]);
    assert.equal(packed.data.length, 3 * SPAN_FIELDS);
  });

  it('keeps one string a name however many spans use it', () => {
    const packed = encode(Array.from({ length: 500 }, (_, i) => `[داعش]{ORG @isis} [${i}]{GPE}`).join('\n'));
    assert.deepEqual(packed.strings, ['ORG', 'isis', 'GPE']);
    assert.equal(packed.data.length, 1000 * SPAN_FIELDS);
  });

  it('answers nothing for an empty document, and refuses a layout it does not know', () => {
    assert.deepEqual(unpackSpans(encode('بلا وسوم\n')), []);
    assert.equal(decodeSpans({ format: SPANS_FORMAT + 1, data: [0, 0, 2, 6, 0, -1, -1], strings: [] }, () => 1), undefined);
  });
});

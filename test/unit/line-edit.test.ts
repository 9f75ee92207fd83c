import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { type LineSpan, editedLines } from '../../client/src/lineEdit';
import { parse } from '../../server/src/core/parser';
import { LineIndex } from '../../server/src/core/text';
import { anyInput, docArbitrary, render, textChar } from './property-model';

const SEED = 20261123;

/** The catalog of these tests: the type of an entity a span links by id only. */
const CATALOG: Record<string, string> = { khafaji: 'PER', isis: 'ORG', un: 'ORG', iraq: 'GPE' };
const typeOfId = (id: string): string | undefined => CATALOG[id];

/** What the client draws from, for a whole document: the server's spans. */
function documentSpans(text: string): LineSpan[] {
  const lines = new LineIndex(text);
  return parse(text).spans.map((s) => {
    const open = lines.position(s.range.start);
    const column = (offset: number): number => offset - lines.starts[open.line]!;
    const id = s.label.id?.name;
    return { line: open.line, start: open.character, close: column(s.closeBracket), end: column(s.range.end), depth: s.depth, type: s.label.type?.name ?? (id !== undefined ? typeOfId(id) : undefined), id };
  });
}

describe('line edits (the client draws them without asking the server)', () => {
  const edit = fc.record({
    at: fc.nat(),
    removed: fc.nat({ max: 6 }),
    inserted: fc.oneof(
      fc.constant(''),
      fc.array(textChar, { minLength: 1, maxLength: 3 }).map((c) => c.join('')),
      fc.constantFrom('[', ']', '{', '}', '\\', '-', '\n', '\r', '\r\n', ' ب', '}x', ']{ORG}', '[x]{@isis}', '[y]{@nobody}', '---', '\n---\n', '\ufeff', 'a\nb'),
    ),
  });
  const documents = fc.oneof(anyInput(), docArbitrary({ broken: false, typed: false, frontMatter: true, maxDepth: 3, maxLines: 4 }).map((d) => render(d).source));

  it('give the spans of the lines they touch as parsing the whole document does; other lines keep theirs', () => {
    let read = 0;
    fc.assert(
      fc.property(documents, edit, (text, { at, removed, inserted }) => {
        const offset = at % (text.length + 1);
        const count = Math.min(removed, text.length - offset);
        const line = new LineIndex(text).position(offset).line;
        const edited = editedLines(text, line, offset, count, inserted, typeOfId);
        if (!edited) return;
        read++;
        const { firstLine, linesBefore, linesAfter, spans } = edited;
        const moved = linesAfter - linesBefore;
        const expected = [
          ...documentSpans(text).filter((s) => s.line < firstLine),
          ...spans,
          ...documentSpans(text)
            .filter((s) => s.line >= firstLine + linesBefore)
            .map((s) => ({ ...s, line: s.line + moved })),
        ];
        assert.deepEqual(documentSpans(text.slice(0, offset) + inserted + text.slice(offset + count)), expected);
      }),
      { seed: SEED, numRuns: 4000 },
    );
    // The property says something only if many edits were read on the client.
    assert.ok(read > 1500, `${read} edits of 4000 read on the client`);
  });

  it('leave to the server what may touch the front matter, and ids of unknown type', () => {
    const text = '---\nid: d\n---\nقال [داعش]{ORG}\n- x\n';
    const on = (needle: string, delta = 0): [number, number] => {
      const offset = text.indexOf(needle) + delta;
      return [new LineIndex(text).position(offset).line, offset];
    };
    assert.ok(editedLines(text, ...on('قال'), 0, 'ب', typeOfId), 'a body line');
    assert.ok(editedLines(text, ...on('ORG', 1), 0, 'X', typeOfId), 'a label');
    assert.ok(editedLines(text, ...on('قال'), 0, 'a\nb', typeOfId), 'a line break');
    assert.equal(editedLines(text, ...on('id:'), 0, 'x', typeOfId), undefined, 'in the front matter');
    assert.equal(editedLines(text, ...on('---\nقال'), 3, '', typeOfId), undefined, 'its closing fence');
    assert.equal(editedLines(text, ...on('- x', 1), 0, '--', typeOfId), undefined, 'a line that may become a fence');
    assert.equal(editedLines(text, ...on('قال'), 0, '[x]{@nobody} ', typeOfId), undefined, 'an id of no known type');
    assert.deepEqual(editedLines(text, ...on('قال'), 0, '[x]{@isis} ', typeOfId)?.spans[0]?.type, 'ORG');
  });
});

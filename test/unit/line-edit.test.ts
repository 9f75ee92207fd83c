import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { type LineChange, type LineSpan, bodyLine, editedLines, splitLines } from '../../client/src/lineEdit';
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

  /** Replacing `count` units at `offset` of `text` by `inserted`, as VS Code reports it. */
  function changeAt(text: string, offset: number, count: number, inserted: string): LineChange {
    const index = new LineIndex(text);
    const start = index.position(offset);
    const end = index.position(offset + count);
    return { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character, text: inserted };
  }

  it('give the spans of the lines they touch as parsing the whole document does; other lines keep theirs', () => {
    let read = 0;
    fc.assert(
      fc.property(documents, edit, (source, { at, removed, inserted }) => {
        // As VS Code holds it: one line break throughout, also in what an edit puts in.
        const lines = splitLines(source);
        const text = lines.join('\n');
        const offset = at % (text.length + 1);
        const count = Math.min(removed, text.length - offset);
        const edited = editedLines(lines, bodyLine(text), changeAt(text, offset, count, inserted), typeOfId);
        if (!edited) return;
        read++;
        const after = text.slice(0, offset) + inserted.replace(/\r\n|\r/g, '\n') + text.slice(offset + count);
        const { firstLine, linesBefore, spans } = edited;
        assert.deepEqual([...lines.slice(0, firstLine), ...edited.lines, ...lines.slice(firstLine + linesBefore)], splitLines(after), 'the lines after the edit');
        const moved = edited.lines.length - linesBefore;
        const expected = [
          ...documentSpans(text).filter((s) => s.line < firstLine),
          ...spans,
          ...documentSpans(text)
            .filter((s) => s.line >= firstLine + linesBefore)
            .map((s) => ({ ...s, line: s.line + moved })),
        ];
        assert.deepEqual(documentSpans(after), expected);
      }),
      { seed: SEED, numRuns: 4000 },
    );
    // The property says something only if many edits were read on the client.
    assert.ok(read > 1500, `${read} edits of 4000 read on the client`);
  });

  it('leave to the server what may touch the front matter, and ids of unknown type', () => {
    const text = '---\nid: d\n---\nقال [داعش]{ORG}\n- x\n';
    const lines = splitLines(text);
    const body = bodyLine(text);
    assert.equal(body, 3);
    const edited = (needle: string, delta: number, removed: number, inserted: string): ReturnType<typeof editedLines> =>
      editedLines(lines, body, changeAt(text, text.indexOf(needle) + delta, removed, inserted), typeOfId);
    assert.ok(edited('قال', 0, 0, 'ب'), 'a body line');
    assert.ok(edited('ORG', 1, 0, 'X'), 'a label');
    assert.ok(edited('قال', 0, 0, 'a\nb'), 'a line break');
    assert.equal(edited('id:', 0, 0, 'x'), undefined, 'in the front matter');
    assert.equal(edited('---\nقال', 3, 1, ''), undefined, 'its closing fence');
    assert.equal(edited('- x', 1, 0, '--'), undefined, 'a line that may become a fence');
    assert.equal(edited('قال', 0, 0, '[x]{@nobody} '), undefined, 'an id of no known type');
    assert.deepEqual(edited('قال', 0, 0, '[x]{@isis} ')?.spans[0]?.type, 'ORG');
    assert.equal(editedLines(lines, body, { startLine: 3, startCharacter: 0, endLine: 9, endCharacter: 0, text: '' }, typeOfId), undefined, 'a range past the last line');
  });
});

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { columnAfterEdit, isPlainEdit } from '../../client/src/plainEdit';
import { parse } from '../../server/src/core/parser';
import { LineIndex } from '../../server/src/core/text';
import { anyInput, docArbitrary, render, textChar } from './property-model';

const SEED = 20261123;

/** What the client draws from: each span's line, the columns of its `[`, `]` and end, depth, type, id. */
function spanColumns(text: string): [number, number, number, number, number, string | undefined, string | undefined][] {
  const lines = new LineIndex(text);
  return parse(text).spans.map((s) => {
    const open = lines.position(s.range.start);
    const col = (offset: number): number => lines.position(offset).character;
    return [open.line, open.character, col(s.closeBracket), col(s.range.end), s.depth, s.label.type?.name, s.label.id?.name];
  });
}

function applied(text: string, offset: number, removed: number, inserted: string): string {
  return text.slice(0, offset) + inserted + text.slice(offset + removed);
}

describe('plain edits (the client draws them without asking the server)', () => {
  const edit = fc.record({
    at: fc.nat(),
    removed: fc.nat({ max: 3 }),
    inserted: fc.oneof(fc.constant(''), fc.array(textChar, { minLength: 1, maxLength: 3 }).map((c) => c.join('')), fc.constantFrom('[', ']', '{', '}', '\\', '-', '\n', ' ب', '}x', '---')),
  });
  const documents = fc.oneof(anyInput(), docArbitrary({ broken: false, typed: false, frontMatter: true, maxDepth: 3, maxLines: 4 }).map((d) => render(d).source));

  it('leave every span as it was, shifted along its line: the parser agrees', () => {
    let plain = 0;
    fc.assert(
      fc.property(documents, edit, (text, { at, removed, inserted }) => {
        const offset = at % (text.length + 1);
        const count = Math.min(removed, text.length - offset);
        if (!isPlainEdit(text, offset, count, inserted)) return;
        plain++;
        const { line, character } = new LineIndex(text).position(offset);
        const shifted = spanColumns(text).map(([l, open, close, end, depth, type, id]) => {
          const move = (column: number): number => (l === line ? columnAfterEdit(column, character, count, inserted.length) : column);
          return [l, move(open), move(close), move(end), depth, type, id];
        });
        assert.deepEqual(spanColumns(applied(text, offset, count, inserted)), shifted);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // The property says something only if many edits were plain.
    assert.ok(plain > 500, `${plain} plain edits of 3000`);
  });

  it('are not edits of markup, labels, escapes, line breaks or front matter fences', () => {
    const text = 'قال [داعش]{ORG @isis} \\[ب\\] x\n---\nو';
    const at = (s: string, after = 0): number => text.indexOf(s) + after;
    assert.equal(isPlainEdit(text, at('قال', 1), 0, 'ب'), true);
    assert.equal(isPlainEdit(text, at('داعش', 1), 0, 'ب'), true, 'inside a surface');
    assert.equal(isPlainEdit(text, at('داعش', 1), 1, ''), true, 'a letter of a surface deleted');
    assert.equal(isPlainEdit(text, at('داعش'), 0, 'ب'), false, 'right after [');
    assert.equal(isPlainEdit(text, at(']{'), 0, 'ب'), false, 'right before ]');
    assert.equal(isPlainEdit(text, at('ORG', 1), 0, 'X'), false, 'in a label');
    assert.equal(isPlainEdit(text, at('@isis', 2), 1, ''), false, 'in a label');
    assert.equal(isPlainEdit(text, at('\\['), 1, ''), false, 'an escape deleted');
    assert.equal(isPlainEdit(text, at('ب\\]', 1), 0, 'ب'), false, 'between a letter and an escape');
    assert.equal(isPlainEdit(text, at(' x', 1), 0, '['), false, 'markup typed');
    assert.equal(isPlainEdit(text, at(' x', 1), 0, '\n'), false, 'a line break typed');
    assert.equal(isPlainEdit(text, at('---', 1), 0, 'a'), false, 'on a fence');
    assert.equal(isPlainEdit('x---\n', 0, 1, ''), false, 'making a fence');
  });
});

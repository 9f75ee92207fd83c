import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { type ContentChange, type PlaceRange, blockStarts, endsMovedAlike, movedAlike, movedLine } from '../../client/src/decorationMoves';
import { LineIndex } from '../../server/src/core/text';

const range = (line: number, start: number, endLine: number, end: number): PlaceRange => ({ start: { line, character: start }, end: { line: endLine, character: end } });
const on = (line: number, start: number, end: number): PlaceRange => range(line, start, line, end);
const change = (r: PlaceRange, text: string): ContentChange => ({ range: r, text });
const insert = (line: number, character: number, text: string): ContentChange => change(on(line, character, character), text);

describe('decorations moved by VS Code with the text', () => {
  const drawn = [on(0, 5, 10), on(0, 20, 25), on(2, 3, 8)];

  it('a letter typed between ranges moves the ones after it on its line', () => {
    assert.equal(movedAlike(drawn, [on(0, 5, 10), on(0, 21, 26), on(2, 3, 8)], [[insert(0, 15, 'ب')]]), true);
    assert.equal(movedAlike(drawn, [on(0, 5, 10), on(0, 20, 25), on(2, 3, 8)], [[insert(0, 15, 'ب')]]), false, 'the server must agree');
  });

  it('an edit at the edge of a range or inside it is left to a redraw', () => {
    for (const at of [5, 7, 10]) assert.equal(movedAlike(drawn, [on(0, 5, 11), on(0, 21, 26), on(2, 3, 8)], [[insert(0, at, 'x')]]), false, `at ${at}`);
    assert.equal(movedAlike(drawn, [on(0, 5, 9), on(0, 19, 24), on(2, 3, 8)], [[change(on(0, 9, 11), 'x')]]), false, 'a deletion over an end');
  });

  it('follows lines put in and taken out', () => {
    // A line break before the second range: it goes to a new line, the later lines one down.
    assert.equal(movedAlike(drawn, [on(0, 5, 10), on(1, 7, 12), on(3, 3, 8)], [[insert(0, 15, 'ab\ncd')]]), true);
    // Line 1 deleted with the break before it: the third range goes up one line.
    assert.equal(movedAlike(drawn, [on(0, 5, 10), on(0, 20, 25), on(1, 3, 8)], [[change(range(0, 30, 1, 4), '')]]), true);
    assert.equal(movedAlike(drawn, [on(0, 5, 10), on(0, 20, 25), on(1, 3, 8)], [[change(range(0, 26, 1, 4), '\r\n')]]), false, 'CRLF is one break');
    assert.equal(movedAlike(drawn, [on(0, 5, 10), on(0, 20, 25), on(2, 3, 8)], [[change(range(0, 26, 1, 4), '\r\n')]]), true);
  });

  it('applies the changes of several versions, and of one version, in order', () => {
    // Typed, then deleted again: where they were.
    assert.equal(movedAlike(drawn, drawn, [[insert(0, 15, 'ب')], [change(on(0, 15, 16), '')]]), true);
    // One version's two insertions, the later one first (each relative to the text the previous left).
    assert.equal(movedAlike(drawn, [on(0, 6, 11), on(0, 22, 27), on(2, 3, 8)], [[insert(0, 15, 'y'), insert(0, 2, 'x')]]), true);
  });

  it('ranges added or removed: a redraw', () => {
    assert.equal(movedAlike(drawn, drawn.slice(1), [[insert(1, 0, 'x')]]), false);
    assert.equal(movedAlike([], [], [[insert(1, 0, 'x')]]), true);
  });
});

describe('ranges standing for lines (the overview ruler), their ends moved on their own', () => {
  // Lines 2 to 5, and line 8: ranges from the start of the first line to the start of the last.
  const runs = [range(2, 0, 5, 0), range(8, 0, 8, 0)];

  it('a letter typed inside a run leaves it as it is; one before it on its line moves nothing either', () => {
    assert.equal(endsMovedAlike(runs, runs, [[insert(3, 4, 'ب')]]), true);
    assert.equal(endsMovedAlike(runs, runs, [[insert(5, 4, 'ب')]]), true, 'on its last line, after the start');
    assert.equal(movedAlike(runs, runs, [[insert(3, 4, 'ب')]]), false, 'what movedAlike leaves to a redraw');
  });

  it('a line break inside a run moves its end and every later run one line down', () => {
    assert.equal(endsMovedAlike(runs, [range(2, 0, 6, 0), range(9, 0, 9, 0)], [[insert(3, 4, '\n')]]), true);
    assert.equal(endsMovedAlike(runs, runs, [[insert(3, 4, '\n')]]), false);
  });

  it('an edit at an end, or over one, is left to a redraw', () => {
    assert.equal(endsMovedAlike(runs, runs, [[insert(2, 0, 'x')]]), false, 'at the start of the first line');
    assert.equal(endsMovedAlike(runs, [range(2, 0, 4, 0), range(7, 0, 7, 0)], [[change(range(3, 2, 4, 1), '')]]), true, 'lines joined inside');
    assert.equal(endsMovedAlike(runs, [range(2, 0, 4, 0), range(7, 0, 7, 0)], [[change(range(4, 2, 5, 1), '')]]), false, 'over the last start');
  });
});

describe('blocks of decorations moved by VS Code with the text', () => {
  it('a line the edits do not reach moves as its text does', () => {
    const text = fc.array(fc.constantFrom('a', 'ب', ' ', '\n', '\r\n', '\r'), { maxLength: 40 }).map((c) => c.join(''));
    const edit = fc.record({ at: fc.nat(), removed: fc.nat({ max: 8 }), inserted: fc.constantFrom('', 'x', '\n', 'a\nb', '\r\n\r\n', 'ب') });
    let moved = 0;
    fc.assert(
      fc.property(text, fc.array(edit, { minLength: 1, maxLength: 3 }), fc.nat(), (initial, edits, pick) => {
        let current = initial;
        const lines = new LineIndex(initial);
        const line = pick % lines.starts.length;
        // Where the line's first character is, followed through the edits (undefined: an edit reached it).
        let offset: number | undefined = lines.starts[line]!;
        const changes: ContentChange[][] = [];
        for (const { at, removed, inserted } of edits) {
          const index = new LineIndex(current);
          const start = at % (current.length + 1);
          const end = Math.min(current.length, start + removed);
          // VS Code never places an edit between the two characters of a CRLF.
          const insideCrlf = (at: number): boolean => current[at - 1] === '\r' && current[at] === '\n';
          if (insideCrlf(start) || insideCrlf(end)) return;
          changes.push([change({ start: index.position(start), end: index.position(end) }, inserted)]);
          if (offset !== undefined && offset < start) {
            // Before the edit: it stays.
          } else if (offset !== undefined && offset > end) offset += inserted.length - (end - start);
          else offset = undefined;
          current = current.slice(0, start) + inserted + current.slice(end);
          // A CR and an LF the edit brought together are one line break: not this test's case.
          if (insideCrlf(start) || insideCrlf(start + inserted.length)) return;
        }
        if (offset === undefined) return;
        const after = new LineIndex(current);
        if (after.position(offset).character !== 0) return;
        moved++;
        assert.equal(movedLine(line, changes), after.position(offset).line);
      }),
      { seed: 20261124, numRuns: 2000 },
    );
    assert.ok(moved > 500, `${moved} lines followed`);
  });

  it('lines an edit took out go to where its text ends, so the blocks stay in order', () => {
    // From line 2 to line 4 replaced by text of two lines: line 4 is gone into line 3, line 5 is line 4.
    const changes = [[change(range(2, 1, 4, 2), 'x\ny')]];
    assert.deepEqual([1, 2, 3, 4, 5, 9].map((line) => movedLine(line, changes)), [1, 2, 3, 3, 4, 8]);
  });

  it('a block starts every so many spans, never between two spans of one line', () => {
    assert.deepEqual(blockStarts([0, 0, 1, 1, 1, 2, 5, 5, 6], 2), [1, 2, 6]);
    assert.deepEqual(blockStarts([0, 0, 0, 0, 0], 2), []);
    assert.deepEqual(blockStarts([], 2), []);
    assert.deepEqual(blockStarts([0, 1, 2, 3, 4, 5, 6], 3), [3, 6]);
  });
});

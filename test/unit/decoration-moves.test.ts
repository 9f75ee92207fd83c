import * as assert from 'node:assert/strict';
import { type ContentChange, type PlaceRange, movedAlike } from '../../client/src/decorationMoves';

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

import { strict as assert } from 'node:assert';
import { applyEdits, wrapEdits } from '../../server/src/core/edits';
import { parse } from '../../server/src/core/parser';
import { plainRangeToSource } from '../../server/src/core/text';
import { textPositions } from '../../server/src/service/workspace';

/** Wraps the plain-text range [start, end) of `source` in a PER span, as "annotate selection" does. */
function wrap(source: string, start: number, end: number): ReturnType<typeof parse> {
  const doc = parse(source);
  return parse(applyEdits(source, wrapEdits(plainRangeToSource(doc, start, end), 'PER', source)));
}

// Failures the property tests and the fuzz run found (docs/reliability.md lists them), each with
// its minimal counterexample, so they stay fixed whatever the generators do next.
describe('regressions found by fuzzing', () => {
  it('front matter with lone CR line ends is read line by line', () => {
    // The yaml package took '\r' for text: `date` came out as '2021-05-04\r', two keys as an error.
    assert.deepEqual(parse('---\rdate: 2021-05-04\r---\r').frontMatter?.data, { date: '2021-05-04' });
    const doc = parse('---\rid: a\rlabels: [x]\r---\rbody');
    assert.deepEqual(doc.problems, []);
    assert.deepEqual(doc.frontMatter?.data, { id: 'a', labels: ['x'] });
    assert.deepEqual(doc.frontMatter?.labels, [{ value: 'x', range: { start: 19, end: 20 } }]);
    assert.equal(doc.plainText, 'body');
  });

  it('wrapping a selection that ends with a literal backslash keeps it literal', () => {
    // `\ ` wrapped as `[\]{PER} `: the new `]` was escaped, and the span was lost.
    const doc = wrap('\\ ', 0, 1);
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.plainText, '\\ ');
    assert.deepEqual(doc.spans.map((s) => s.text), ['\\']);
  });

  it('wrapping a selection right after a literal backslash, or from an escaped bracket', () => {
    const after = wrap('a\\b', 2, 3);
    assert.deepEqual([after.problems, after.plainText, after.spans.map((s) => s.text)], [[], 'a\\b', ['b']]);
    const escaped = wrap('\\[x', 0, 2);
    assert.deepEqual([escaped.problems, escaped.plainText, escaped.spans.map((s) => s.text)], [[], '[x', ['[x']]);
  });

  it('a lone surrogate is one code point (UTF-32) and three UTF-8 bytes (U+FFFD), not half a pair', () => {
    // '\ud83d[': the '[' was taken for the low half of a pair, so offset 1 came back as 2.
    const utf32 = textPositions('\ud83d[x', 'utf-32');
    assert.deepEqual(utf32.positionAt(1), { line: 0, character: 1 });
    assert.equal(utf32.offsetAt({ line: 0, character: 1 }), 1);
    const utf8 = textPositions('\udc00\ud83d[', 'utf-8');
    assert.deepEqual(utf8.positionAt(2), { line: 0, character: 6 });
    assert.equal(utf8.offsetAt({ line: 0, character: 6 }), 2);
    assert.equal(textPositions('😀[', 'utf-8').offsetAt({ line: 0, character: 4 }), 2, 'a pair is still four bytes');
  });
});

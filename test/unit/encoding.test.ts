import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { chooseEncoding, fromUtf16Character, toUtf16Character, updateDocument } from '../../server/src/service/encoding';

describe('position encodings', () => {
  it('chooses UTF-16 when offered, else UTF-32, else UTF-8', () => {
    assert.equal(chooseEncoding(undefined), 'utf-16');
    assert.equal(chooseEncoding(['utf-8', 'utf-16']), 'utf-16');
    assert.equal(chooseEncoding(['utf-8', 'utf-32']), 'utf-32');
    assert.equal(chooseEncoding(['utf-8']), 'utf-8');
    assert.equal(chooseEncoding(['latin-1']), 'utf-16');
  });

  // 😀 is 2 UTF-16 units, 1 code point, 4 UTF-8 bytes; ق is 1, 1, 2; a is 1, 1, 1.
  const line = 'a😀ق[x]';
  const cases: [string, number, number][] = [
    ['utf-16', 4, 4],
    ['utf-32', 4, 3],
    ['utf-8', 4, 7],
    ['utf-32', 1, 1],
    ['utf-8', 3, 5],
  ];
  for (const [encoding, utf16, encoded] of cases) {
    it(`${encoding}: UTF-16 character ${utf16} is ${encoded} and back`, () => {
      assert.equal(fromUtf16Character(line, utf16, encoding as 'utf-8'), encoded);
      assert.equal(toUtf16Character(line, encoded, encoding as 'utf-8'), utf16);
    });
  }

  it('applies incremental edits given in code points, in order', () => {
    const doc = TextDocument.create('file:///x.txt', 'annotated-text', 1, '😀 داعش\nb');
    // Wrap داعش (code points 2..6 on line 0), then the line after the first edit.
    const updated = updateDocument(
      doc,
      [
        { range: { start: { line: 0, character: 6 }, end: { line: 0, character: 6 } }, text: ']{ORG}' },
        { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }, text: '[' },
      ],
      2,
      'utf-32',
    );
    assert.equal(updated.getText(), '😀 [داعش]{ORG}\nb');
  });
});

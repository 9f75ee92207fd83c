import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ParsedDocument } from '../../server/src/core/model';
import { parse } from '../../server/src/core/parser';
import { reparse } from '../../server/src/core/reparse';
import { anyInput, docArbitrary, render, textChar } from './property-model';

const SEED = 20261124;

describe('parsing again from the lines an edit touched', function () {
  this.timeout(60000);
  const edit = fc.record({
    at: fc.nat(),
    removed: fc.oneof(fc.nat({ max: 4 }), fc.nat({ max: 40 })),
    inserted: fc.oneof(
      fc.constant(''),
      fc.array(textChar, { minLength: 1, maxLength: 3 }).map((c) => c.join('')),
      fc.constantFrom('[', ']', '{', '}', '\\', '"', '=', '@', '-', '\n', '\r', '\r\n', '\n\n', ' ب', '}x', ']{ORG}', '[x]{@isis}', '{PER note="a}"}', '[😀]{X}', '---', '\n---\n', '---\n', '\ufeff', 'a\nb'),
    ),
  });
  const documents = fc.oneof(
    anyInput(),
    docArbitrary({ broken: false, typed: false, frontMatter: true, maxDepth: 3, maxLines: 6 }).map((d) => render(d).source),
    docArbitrary({ broken: true, typed: false, frontMatter: false, maxDepth: 2, maxLines: 8 }).map((d) => render(d).source),
  );

  it('gives what parsing the whole new text gives, over chains of edits, and leaves the earlier parses as they were', () => {
    let reused = 0;
    let edits = 0;
    fc.assert(
      fc.property(documents, fc.array(edit, { minLength: 1, maxLength: 5 }), (text, chain) => {
        const versions: ParsedDocument[] = [parse(text)];
        for (const { at, removed, inserted } of chain) {
          const before = versions[versions.length - 1]!;
          const offset = at % (before.source.length + 1);
          const next = before.source.slice(0, offset) + inserted + before.source.slice(offset + removed);
          const after = reparse(before, next);
          assert.deepEqual(after, parse(next));
          edits++;
          // Spans before the edited lines are the previous parse's own objects.
          if (after.spans.length > 0 && after.spans[0] === before.spans[0]) reused++;
          versions.push(after);
        }
        // Nothing an edit did reached back into an earlier version.
        for (const version of versions) assert.deepEqual(version, parse(version.source));
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // The property says something only if many edits kept spans from before.
    assert.ok(reused > edits / 5, `${reused} of ${edits} edits kept earlier spans`);
  });

  it('keeps the front matter when an edit is past it, and reads it again when the edit is in it or may close it', () => {
    const text = '---\nid: d\n---\nقال [داعش]{ORG}\n[بغداد]{GPE} x\n';
    const doc = parse(text);
    const typed = reparse(doc, text.replace('x\n', 'xy\n'));
    assert.equal(typed.frontMatter, doc.frontMatter, 'the same front matter object');
    assert.equal(typed.spans[0], doc.spans[0], 'the span on an earlier line is kept');
    assert.deepEqual(typed, parse(typed.source));

    const inFrontMatter = text.replace('id: d', 'id: e');
    assert.deepEqual(reparse(doc, inFrontMatter), parse(inFrontMatter));
    assert.equal(reparse(doc, inFrontMatter).frontMatter?.data?.id, 'e');

    // An opening fence never closed: a `---` line typed further down closes it.
    const unclosed = '---\nقال [داعش]{ORG}\nx\n';
    const closed = unclosed.replace('x\n', '---\n');
    const again = reparse(parse(unclosed), closed);
    assert.deepEqual(again, parse(closed));
    assert.ok(again.frontMatter, 'the front matter is closed now');
  });

  it('moves what follows the edit in the source, the plain text, code points and the list of spans', () => {
    const text = 'أ [😀 ب]{X}\nقال [داعش]{ORG} و[بغداد]{GPE @baghdad note="x"}\n';
    const doc = parse(text);
    const next = text.replace('أ', '[أ]{PER} 😀');
    const after = reparse(doc, next);
    assert.deepEqual(after, parse(next));
    const last = after.spans[after.spans.length - 1]!;
    assert.equal(last.text, 'بغداد');
    assert.equal(last.cpStart - doc.spans[doc.spans.length - 1]!.cpStart, ' 😀'.length - 1, 'the emoji counts once in code points');
    assert.equal(after.spans.length, doc.spans.length + 1);
  });
});

import { strict as assert } from 'node:assert';
import { labelTokenAt, labelTokens, parse } from '../../server/src/core/parser';
import { plainRangeToSource, sourceToPlain } from '../../server/src/core/text';

/** A span as tests compare it: surface, offsets in both units, label parts, depth. */
function spansOf(text: string) {
  return parse(text).spans.map((s) => ({
    text: s.text,
    utf16: [s.start, s.end],
    cp: [s.cpStart, s.cpEnd],
    type: s.label.type?.name,
    id: s.label.id?.name,
    attributes: Object.fromEntries(s.label.attributes.map((a) => [a.key, a.value])),
    depth: s.depth,
  }));
}

function codesOf(text: string): string[] {
  return parse(text).problems.map((p) => p.code);
}

describe('parser', () => {
  describe('plain text', () => {
    const cases: [string, string, string][] = [
      ['markup removed', 'قال [الخفاجي]{PER @khafaji} إن', 'قال الخفاجي إن'],
      ['nested spans', '[[جهاز مكافحة الإرهاب]{ORG} في [السليمانية]{GPE}]{ORG @cts-suly}', 'جهاز مكافحة الإرهاب في السليمانية'],
      ['escapes', 'a \\[b\\] \\{c\\} d\\\\e', 'a [b] {c} d\\e'],
      ['an escape inside a span', '[x \\] y]{PER}', 'x ] y'],
      ['other backslashes are text', 'a\\b \\n', 'a\\b \\n'],
      ['front matter excluded', '---\nid: a\n---\n[x]{PER} y', 'x y'],
      ['front matter with CRLF excluded', '---\r\nid: a\r\n---\r\nline1\r\nline2', 'line1\r\nline2'],
      ['BOM excluded', '\uFEFF[x]{PER}', 'x'],
      ['BOM then front matter', '\uFEFF---\nid: a\n---\nz', 'z'],
      ['CRLF kept', '[a]{PER}\r\n[b]{ORG}\r\n', 'a\r\nb\r\n'],
      ['broken markup stays text', 'a [b] c', 'a [b] c'],
      ['an unclosed bracket stays text and the next line is fine', '[a\n[b]{PER}', '[a\nb'],
      ['a label in a quoted value may hold }', '[x]{PER note="a } b"}y', 'xy'],
      ['no front matter when not at the start', 'x\n---\nid: a\n---\n', 'x\n---\nid: a\n---\n'],
    ];
    for (const [name, input, expected] of cases) {
      it(name, () => assert.equal(parse(input).plainText, expected));
    }
  });

  describe('spans', () => {
    it('reads type, id and attributes, bare and quoted', () => {
      assert.deepEqual(spansOf('[البيشمركة]{ORG @peshmerga role=armed-force note="قوات \\"الإقليم\\""}'), [
        { text: 'البيشمركة', utf16: [0, 9], cp: [0, 9], type: 'ORG', id: 'peshmerga', attributes: { role: 'armed-force', note: 'قوات "الإقليم"' }, depth: 0 },
      ]);
    });

    it('takes the type from the catalog when only an @id is given (type left empty here)', () => {
      assert.deepEqual(spansOf('[الخفاجي]{@khafaji}')[0]!.type, undefined);
      assert.deepEqual(spansOf('[الخفاجي]{@khafaji}')[0]!.id, 'khafaji');
    });

    it('nests: parents before children, with depth, parent and children', () => {
      const doc = parse('[[a]{X} b [c [d]{Z}]{Y}]{W}');
      assert.deepEqual(
        doc.spans.map((s) => [s.text, s.depth, s.parent, s.children]),
        [
          ['a b c d', 0, -1, [1, 2]],
          ['a', 1, 0, []],
          ['c d', 1, 0, [3]],
          ['d', 2, 2, []],
        ],
      );
      assert.deepEqual(doc.roots, [0]);
    });

    it('counts code points and UTF-16 units apart after a non-BMP character', () => {
      assert.deepEqual(spansOf('😀 [داعش]{ORG}')[0], { text: 'داعش', utf16: [3, 7], cp: [2, 6], type: 'ORG', id: undefined, attributes: {}, depth: 0 });
    });

    it('keeps bidi marks and diacritics inside the surface as written', () => {
      const [span] = spansOf('\u200F[العِراقُ]{GPE}');
      assert.equal(span!.text, 'العِراقُ');
      assert.deepEqual(span!.utf16, [1, 9]);
    });

    it('gives source ranges of the span, its label and every label token', () => {
      const text = 'x [ab]{PER @k r=v}';
      const span = parse(text).spans[0]!;
      assert.equal(text.slice(span.range.start, span.range.end), '[ab]{PER @k r=v}');
      assert.equal(text.slice(span.contentRange.start, span.contentRange.end), 'ab');
      assert.equal(text.slice(span.label.range.start, span.label.range.end), '{PER @k r=v}');
      assert.equal(text.slice(span.label.type!.range.start, span.label.type!.range.end), 'PER');
      assert.equal(text.slice(span.label.id!.range.start, span.label.id!.range.end), 'k');
      assert.equal(span.label.tokenCount, 3);
      assert.deepEqual(labelTokens(text, span.label).map((t) => [t.kind, text.slice(t.range.start, t.range.end)]), [
        ['type', 'PER'],
        ['id', '@k'],
        ['attribute', 'r=v'],
      ]);
      assert.equal(labelTokenAt(text, span.label, text.indexOf('@k') + 1)?.text, '@k');
      assert.equal(labelTokenAt(text, span.label, text.indexOf('ab')), undefined);
    });

    it('every surface equals the plain-text slice at its offsets', () => {
      const doc = parse('a [b [c]{X}]{Y}\\[ 😀[e]{Z}\r\n[f]{X}');
      for (const span of doc.spans) assert.equal(doc.plainText.slice(span.start, span.end), span.text);
      assert.deepEqual(doc.spans.map((s) => s.text), ['b c', 'c', 'e', 'f']);
    });

    it('maps plain offsets to source and back', () => {
      const text = 'ab [cd]{X} \\[e';
      const doc = parse(text);
      assert.equal(doc.plainText, 'ab cd [e');
      const cd = plainRangeToSource(doc, 3, 5);
      assert.equal(text.slice(cd.start, cd.end), 'cd');
      assert.equal(sourceToPlain(doc.offsets, text.indexOf('e')), doc.plainText.indexOf('e'));
    });

    it('parses 100,000 nested spans without recursion', () => {
      const depth = 100_000;
      const doc = parse('['.repeat(depth) + 'x' + ']{X}'.repeat(depth));
      assert.equal(doc.spans.length, depth);
      assert.equal(doc.spans[depth - 1]!.depth, depth - 1);
      assert.equal(doc.plainText, 'x');
    });
  });

  describe('problems', () => {
    const cases: [string, string, string[]][] = [
      ['unclosed span', '[a b', ['unclosed-span']],
      ['unclosed span recovers on the next line', '[a\nb [c]{X}', ['unclosed-span']],
      ['label not closed on its line', '[a]{PER\nb', ['unclosed-span']],
      ['stray ]', 'a ] b', ['unmatched-bracket']],
      ['stray { and }', 'a { b } c', ['unmatched-bracket', 'unmatched-bracket']],
      ['missing label', '[a] b', ['missing-label']],
      ['empty span', '[]{PER}', ['empty-span']],
      ['empty label', '[a]{}', ['empty-label']],
      ['blank label', '[a]{  }', ['empty-label']],
      ['two types', '[a]{PER ORG}', ['bad-label']],
      ['two ids', '[a]{PER @x @y}', ['bad-label']],
      ['type after id', '[a]{@x PER}', ['bad-label']],
      ['id after attribute', '[a]{PER k=v @x}', ['bad-label']],
      ['attribute without value', '[a]{PER k=}', ['bad-label']],
      ['unterminated quoted value', '[a]{PER note="abc}', ['unclosed-span']],
      ['text after a quoted value', '[a]{PER note="abc"x}', ['bad-label']],
      ['duplicate attribute', '[a]{PER k=1 k=2}', ['bad-label']],
      ['bad type name', '[a]{1PER}', ['bad-label']],
      ['bad id', '[a]{PER @x/y}', ['bad-label']],
      ['well-formed', '[a]{PER @wikidata:Q796 role=x note="y z"} \\[ok\\]', []],
      ['bad front matter', '---\nid: [a\n---\ntext', ['bad-front-matter']],
      ['unclosed front matter', '---\nid: a\ntext', ['bad-front-matter']],
      ['front matter that is not a mapping', '---\n- a\n---\ntext', ['bad-front-matter']],
    ];
    for (const [name, input, expected] of cases) {
      it(name, () => assert.deepEqual(codesOf(input), expected));
    }

    it('reports where the problem is', () => {
      const text = 'ok\n[a b\nc ] d';
      const problems = parse(text).problems;
      assert.deepEqual(
        problems.map((p) => [p.code, text.slice(p.range.start, p.range.end), p.range.start]),
        [
          ['unclosed-span', '[', 3],
          ['unmatched-bracket', ']', 10],
        ],
      );
    });

    it('never throws on garbage', () => {
      const garbage = ['[', ']', '{', '}', '\\', '[]{', ']{}', '{[}]', '"', '=', '@', '\r', '\n', '---\n', '\uFEFF', '😀', '\uD800'];
      let seed = 7;
      for (let n = 0; n < 300; n++) {
        let text = '';
        for (let k = 0; k < 40; k++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          text += garbage[seed % garbage.length];
        }
        const doc = parse(text);
        for (const span of doc.spans) assert.equal(doc.plainText.slice(span.start, span.end), span.text);
        for (const p of doc.problems) assert.ok(p.range.start >= 0 && p.range.end <= text.length && p.range.start <= p.range.end);
      }
    });
  });

  describe('front matter', () => {
    it('reads data and document labels with their ranges', () => {
      const text = '---\nid: rudaw-1\nsource: روداو\nlabels: [security, kurdistan]\n---\nx';
      const fm = parse(text).frontMatter!;
      assert.deepEqual(fm.data, { id: 'rudaw-1', source: 'روداو', labels: ['security', 'kurdistan'] });
      assert.deepEqual(
        fm.labels.map((l) => [l.value, text.slice(l.range.start, l.range.end)]),
        [
          ['security', 'security'],
          ['kurdistan', 'kurdistan'],
        ],
      );
    });

    it('keeps dates as written (no implicit timestamps)', () => {
      assert.deepEqual(parse('---\ndate: 2021-05-04\n---\n').frontMatter!.data, { date: '2021-05-04' });
    });

    it('refuses an alias bomb without hanging', () => {
      const bomb = '---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\nx';
      const doc = parse(bomb);
      assert.deepEqual(doc.problems.map((p) => p.code), ['bad-front-matter']);
      assert.equal(doc.plainText, 'x');
    });
  });
});

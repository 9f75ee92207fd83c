import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { firstCluster, sentences, tokenize } from '../../server/src/core/tokenizer';

const words = (text: string, boundaries?: number[]): string[] => tokenize(text, boundaries).map((t) => text.slice(t.start, t.end));

describe('export: tokenizer', () => {
  const cases: [string, string, string[]][] = [
    ['Arabic words stay whole with their diacritics', 'قال مُحَمَّد عالٍ', ['قال', 'مُحَمَّد', 'عالٍ']],
    ['tatweel and ZWNJ stay inside the word', 'الـعراق می\u200cخواهم', ['الـعراق', 'می\u200cخواهم']],
    ['Arabic punctuation is split off', 'قال، إن «داعش» (التنظيم)؛ انتهى؟', ['قال', '،', 'إن', '«', 'داعش', '»', '(', 'التنظيم', ')', '؛', 'انتهى', '؟']],
    ['Latin punctuation is split off', 'said: "yes"!', ['said', ':', '"', 'yes', '"', '!']],
    ['numbers keep their separators between digits', '3.5 1,000 ٣٫٥ ١٬٠٠٠', ['3.5', '1,000', '٣٫٥', '١٬٠٠٠']],
    ['a separator not between digits is punctuation', '2017. و,ب', ['2017', '.', 'و', ',', 'ب']],
    ['every punctuation mark is a token', '...', ['.', '.', '.']],
    ['an emoji is a token, sequences and flags whole', '😀قال 👨‍👩‍👧 🇮🇶 👍🏽', ['😀', 'قال', '👨‍👩‍👧', '🇮🇶', '👍🏽']],
    ['bidi marks and ZWSP separate and belong to no token', '\u200eكلمة\u200fأخرى\u200bثالثة\u061c', ['كلمة', 'أخرى', 'ثالثة']],
    ['line breaks, tabs and no-break spaces separate', 'أ\r\nب\tج\u00a0د', ['أ', 'ب', 'ج', 'د']],
    ['a leading combining mark starts a word', '\u064bأ', ['\u064bأ']],
    ['letters beyond the BMP are letters, and a lone surrogate a token of its own', '𝐀𝐁 a𝐀b 𝐀\u064b x\ud800y', ['𝐀𝐁', 'a𝐀b', '𝐀\u064b', 'x', '\ud800', 'y']],
    ['a word runs through its marks and joiners, up to a digit-less separator or a symbol', 'ab\u064b\u200cc٣,d ab\u200d😀', ['ab\u064b\u200cc٣', ',', 'd', 'ab\u200d', '😀']],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(words(text), expected));
  }

  it("takes a symbol's grapheme cluster as the segmenter does, whatever BMP character follows it", () => {
    // The tokenizer asks the segmenter only when the next character may extend the cluster.
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const clusterOf = (text: string): number => [...segmenter.segment(text)][0]!.segment.length;
    for (const symbol of ['”', '😀']) {
      const wrong: string[] = [];
      for (let next = 0; next < 0x10000; next++) {
        if (next >= 0xd800 && next <= 0xdfff) continue;
        const text = symbol + String.fromCharCode(next);
        if (firstCluster(text, 0) !== clusterOf(text)) wrong.push(next.toString(16));
      }
      assert.deepEqual(wrong, [], symbol);
    }
  });

  it('cuts a token where a span boundary falls inside it (و[داعش])', () => {
    const text = 'وداعش قال';
    const tokens = tokenize(text, [1, 5]);
    assert.deepEqual(
      tokens.map((t) => [text.slice(t.start, t.end), t.cut === true]),
      [
        ['و', true],
        ['داعش', true],
        ['قال', false],
      ],
    );
  });

  it('cuts at several boundaries inside one token and ignores those between tokens', () => {
    assert.deepEqual(words('abcdef gh', [2, 4, 6, 7, 9]), ['ab', 'cd', 'ef', 'gh']);
  });

  it('cuts as the plain way does: the tokens, then each cut at the sorted, distinct boundaries inside it', () => {
    const plain = (text: string, boundaries: number[]): [number, number, boolean][] => {
      const cuts = [...new Set(boundaries)].sort((a, b) => a - b);
      const out: [number, number, boolean][] = [];
      for (const token of tokenize(text)) {
        const inside = cuts.filter((c) => c > token.start && c < token.end);
        const edges = [token.start, ...inside, token.end];
        for (let i = 0; i + 1 < edges.length; i++) out.push([edges[i]!, edges[i + 1]!, inside.length > 0]);
      }
      return out;
    };
    const piece = fc.constantFrom('و', 'داعش', 'مُحَمَّد', ' ', '\n', '،', '«', '»', '3.5', '٫', '\u200c', '\u064b', '😀', '👨‍👩‍👧', 'ab', '.', '𝐀', '\ud800');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
        fc.array(fc.nat(60), { maxLength: 12 }),
        (text, boundaries) => {
          const got = tokenize(text, boundaries).map((t): [number, number, boolean] => [t.start, t.end, t.cut === true]);
          assert.deepEqual(got, plain(text, boundaries));
        },
      ),
      { seed: 20261207, numRuns: 2000 },
    );
  });

  describe('sentences', () => {
    const split = (text: string, keep: [number, number][] = []): string[] => {
      const tokens = tokenize(text);
      return sentences(
        text,
        tokens,
        keep.map(([start, end]) => ({ start, end })),
      ).map(([a, b]) => tokens.slice(a, b).map((t) => text.slice(t.start, t.end)).join(' '));
    };

    it('ends a sentence after . ! ? ؟ and at line breaks', () => {
      assert.deepEqual(split('قال كذا. هل جاء؟ نعم! ثم\nسطر آخر'), ['قال كذا .', 'هل جاء ؟', 'نعم !', 'ثم', 'سطر آخر']);
    });

    it('keeps a run of terminators and the closing quote written right after them', () => {
      assert.deepEqual(split('قال: "انتهى!؟" ثم ذهب. » بعد'), ['قال : " انتهى ! ؟ "', 'ثم ذهب .', '» بعد']);
    });

    it('does not end a sentence inside an entity', () => {
      const text = 'قابل د. أحمد اليوم. ثم ذهب';
      const start = text.indexOf('د.');
      const end = text.indexOf('أحمد') + 'أحمد'.length;
      assert.deepEqual(split(text, [[start, end]]), ['قابل د . أحمد اليوم .', 'ثم ذهب']);
      assert.deepEqual(split(text), ['قابل د .', 'أحمد اليوم .', 'ثم ذهب']);
    });

    it('gives no sentence for no token', () => {
      assert.deepEqual(sentences('  \n', []), []);
    });
  });
});

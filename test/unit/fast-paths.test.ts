/**
 * The performance work's fast paths against what they replace: character tables against the
 * Unicode regexes, the hand-written tokenizer against the TOKEN regex, missed-mention search
 * against the straightforward algorithm, the incremental index against one built afresh.
 * Each must give exactly the same answers, on varied and on generated text.
 */

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { KeyTokenRoom, type KeyTokens, keyInitial, matchingKey, matchingKeyTokens, stringHash, unitsHash } from '../../server/src/core/arabic';
import { EDGE, EDGE_RE, SPACE, SPACE_RE, WORD, WORD_RE, bmpClasses, hasClass } from '../../server/src/core/charClass';
import { type CorpusConfig, effectiveType, loadConfig } from '../../server/src/core/config';
import { CorpusIndex, FirstToken, FirstTokenTable, type KnownSurface, SurfacesStarting, TOKEN, signatureOf } from '../../server/src/core/corpusIndex';
import { diagnoseDocument } from '../../server/src/core/diagnostics';
import { MissedMentionCache, type Occurrence, type SurfaceSource, findMissedMentions } from '../../server/src/core/missedMentions';
import type { ParsedDocument } from '../../server/src/core/model';
import { parse } from '../../server/src/core/parser';
import { LineIndex, floorIndex, isWordCharAt } from '../../server/src/core/text';
import { decodeUtf8 } from '../../server/src/node/files';

const SEED = 20240611;

/** Text pieces that stress the classes: Arabic with marks, digits, white space of every kind, astral and lone surrogates. */
const PIECES = [
  'قال',
  'العِرَاقُ',
  'داعـــش',
  'إقليم',
  'ديالى',
  'المشتركة',
  'وال',
  'لل',
  'ISIS',
  'U.S.',
  '2014',
  '٣٫٥',
  '،',
  '؛',
  '«',
  '»',
  '.',
  '-',
  '"',
  '[',
  ']{',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u1680',
  '\u2003',
  '\u2028',
  '\u202f',
  '\u3000',
  '\ufeff',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u061c',
  '\u0651',
  '\u0300',
  '😀',
  '👨‍👩‍👧',
  '🇮🇶',
  '𝐀𝐁',
  '𝟘',
  '\ud800',
  '\udc00',
  '\udc00\ud800',
  'x\u0301',
];

const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

function regexTokens(text: string): [number, number][] {
  return [...text.matchAll(TOKEN)].map((m) => [m.index!, m.index! + m[0].length]);
}

/** The tokens of a text's matching key, as matchingKeyTokens finds them and as the TOKEN regex does; each token with its hash. */
function keyTokens(text: string): { found: [number, number, number][]; expected: [number, number, number][] } {
  const { key, count, starts, ends, hashes } = matchingKeyTokens(text);
  return {
    found: Array.from({ length: count }, (_, i) => [starts[i]!, ends[i]!, hashes[i]!]),
    expected: regexTokens(key).map(([start, end]) => [start, end, stringHash(key.slice(start, end))]),
  };
}

function assertKeyTokens(text: string): void {
  const { found, expected } = keyTokens(text);
  assert.deepEqual(found, expected, JSON.stringify(text));
}

describe('fast paths: character classes', () => {
  it('the BMP table agrees with the regexes on every code unit', () => {
    const table = bmpClasses();
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      // A lone surrogate is a code point of its own to a `u` regex: in none of the classes.
      const expected = (WORD_RE.test(ch) ? WORD : 0) | (SPACE_RE.test(ch) ? SPACE : 0) | (EDGE_RE.test(ch) ? EDGE : 0);
      if (table[c] !== expected) assert.fail(`U+${c.toString(16)}: table ${table[c]}, regexes ${expected}`);
    }
  });

  it('code points outside the BMP go to the regexes', () => {
    for (const ch of ['😀', '𝐀', '𝟘', '\u{10100}', '\u{E0020}', '\u{1F3FD}']) {
      const cp = ch.codePointAt(0)!;
      assert.equal(hasClass(cp, WORD), WORD_RE.test(ch), ch);
      assert.equal(hasClass(cp, SPACE), SPACE_RE.test(ch), ch);
      assert.equal(hasClass(cp, EDGE), EDGE_RE.test(ch), ch);
    }
  });

  it('isWordCharAt agrees with the regex at every offset, surrogates included', () => {
    const reference = (text: string, offset: number): boolean => {
      if (offset < 0 || offset >= text.length) return false;
      let at = offset;
      const c = text.charCodeAt(at);
      if (c >= 0xdc00 && c <= 0xdfff && at > 0) at--;
      return /[\p{L}\p{M}\p{N}]/u.test(String.fromCodePoint(text.codePointAt(at)!));
    };
    fc.assert(
      fc.property(textArb, (text) => {
        for (let i = -1; i <= text.length; i++) assert.equal(isWordCharAt(text, i), reference(text, i), `${JSON.stringify(text)} at ${i}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('fast paths: tokens of a matching key', () => {
  it('matchingKeyTokens finds the tokens the TOKEN regex finds in the key, on every piece', () => {
    for (const piece of [...PIECES, '', PIECES.join(''), PIECES.join(' ')]) assertKeyTokens(piece);
  });

  it('matchingKeyTokens finds the tokens the TOKEN regex finds in the key, on generated text', () => {
    fc.assert(fc.property(textArb, assertKeyTokens), { seed: SEED, numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), assertKeyTokens), { seed: SEED, numRuns: 500 });
  });

  it('a surrogate pair split by units the key drops is one code point of the key', () => {
    // U+1D400 (a letter) with a kasra between its halves: the key joins them into one letter.
    const text = 'a\ud835\u0650\udc00b \ud83d\u064b\ude00';
    const { key } = matchingKeyTokens(text);
    assert.equal(key, 'a\u{1d400}b \u{1f600}');
    assertKeyTokens(text);
  });

  it('matchingKeyTokens gives the same in a room used before, by a longer text or a shorter one', () => {
    const room = new KeyTokenRoom();
    const seen = (t: KeyTokens): unknown[] => [t.key, [...t.offsets], t.count, [...t.starts.subarray(0, t.count)], [...t.ends.subarray(0, t.count)]];
    for (const text of ['و ، '.repeat(2000), 'قال', 'العِرَاقُ و داعـــش 😀 '.repeat(300), '', 'ISIS']) {
      assert.deepEqual(seen(matchingKeyTokens(text, room)), seen(matchingKeyTokens(text)));
      assertKeyTokens(text);
    }
  });

  it('matchingKeyTokens passing over stretches finds the tokens of the whole stretch read that overlap none of them', () => {
    /** Offsets a stretch may start or end at: not inside a surrogate pair (units the key drops may sit in one). */
    const cuttable = (text: string): number[] => {
      const inside = new Set<number>();
      for (let i = 0; i < text.length; i++) {
        if (!/[\ud800-\udbff]/.test(text[i]!)) continue;
        let j = i + 1;
        while (j < text.length && matchingKey(text[j]!).length === 0) j++;
        if (/[\udc00-\udfff]/.test(text[j] ?? '')) for (let k = i + 1; k <= j; k++) inside.add(k);
      }
      return Array.from({ length: text.length + 1 }, (_, i) => i).filter((i) => !inside.has(i));
    };
    const room = new KeyTokenRoom();
    const tokensOf = (t: KeyTokens, base: number): [number, number, string, number][] =>
      Array.from({ length: t.count }, (_, i) => [base + t.offsets[t.starts[i]!]!, base + t.offsets[t.ends[i]! - 1]! + 1, String.fromCharCode(...t.units.subarray(t.starts[i]!, t.ends[i]!)), t.hashes[i]!]);
    const caseArb = textArb.chain((text) => {
      const at = cuttable(text);
      return fc.tuple(fc.constant(text), fc.uniqueArray(fc.constantFrom(...at), { maxLength: 12 }));
    });
    fc.assert(
      fc.property(caseArb, ([text, picked]) => {
        // The first and last offsets picked bound the stretch read; the others pair up into stretches passed over.
        const cuts = [...picked].sort((a, b) => a - b);
        const from = cuts.length >= 2 ? cuts.shift()! : 0;
        const to = cuts.length >= 1 ? cuts.pop()! : text.length;
        const skipped = { starts: cuts.filter((_, i) => i % 2 === 0 && i + 1 < cuts.length), ends: cuts.filter((_, i) => i % 2 === 1) };
        const found = tokensOf(matchingKeyTokens(text, room, from, to, skipped), 0);
        const overlaps = ([start, end]: [number, number, string, number]): boolean => skipped.starts.some((s, i) => s < end && start < skipped.ends[i]!);
        const expected = tokensOf(matchingKeyTokens(text.slice(from, to)), from).filter((token) => !overlaps(token));
        assert.deepEqual(found, expected, JSON.stringify({ text, from, to, skipped }));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('matchingKeyTokens gives the key matchingKey gives, and where each unit came from', () => {
    const reference = (text: string): number[] => {
      const offsets: number[] = [];
      for (let i = 0; i < text.length; i++) if (matchingKey(text[i]!).length > 0) offsets.push(i);
      return [...offsets, text.length];
    };
    fc.assert(
      fc.property(textArb, (text) => {
        const { key, offsets } = matchingKeyTokens(text);
        assert.equal(key, matchingKey(text));
        assert.deepEqual([...offsets], reference(text));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('keyInitial is the first unit of the matching key, without the key', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const key = matchingKey(text);
        assert.equal(keyInitial(text), key.length > 0 ? key.charCodeAt(0) : -1);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a first-token table finds every token it holds by its signature', () => {
    fc.assert(
      fc.property(fc.array(textArb.filter((t) => t.length > 0), { minLength: 1, maxLength: 20 }), (tokens) => {
        const table = new FirstTokenTable();
        for (const t of tokens) table.add(new FirstToken(t), [t]);
        for (const t of tokens) {
          assert.ok(table.has(t));
          assert.ok(table.withSignature(signatureOf(t))!.some((first) => first.token === t));
          // Read from inside a longer text: the hash the tokenizer gives, whose signature the search looks up.
          const text = `x${t}y`;
          const units = new Uint16Array(text.length).map((_, i) => text.charCodeAt(i));
          assert.equal(stringHash(t), unitsHash(units, 1, t.length + 1));
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
  it('the surfaces before a next token keep every one that can match there, in order', () => {
    const words = ['علي', 'بن', 'ابي', 'طالب', 'حسن', 'ب', 'ن'];
    const surfaceArb = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }).map((tokens) => ({ key: tokens.join(' '), tokens, known: (): KnownSurface | undefined => undefined }));
    fc.assert(
      fc.property(fc.uniqueArray(surfaceArb, { maxLength: 12, selector: (s) => s.key }), (surfaces) => {
        const all = [...surfaces].sort((a, b) => b.tokens.length - a.tokens.length);
        const starting = new SurfacesStarting(all);
        for (const next of [...words, undefined]) {
          const kept = starting.before(next === undefined ? undefined : stringHash(next));
          // In the order of all: a subsequence of it.
          let at = 0;
          for (const surface of kept) {
            while (at < all.length && all[at] !== surface) at++;
            assert.ok(at++ < all.length, `${surface.tokens.join(' ')} out of order before ${next}`);
          }
          for (const surface of all) {
            if (surface.tokens.length < 2 || surface.tokens[1] === next) assert.ok(kept.includes(surface), `${surface.key} missing before ${next}`);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

// --- missed mentions against the straightforward search --------------------------------------

const CONFIG_YAML = `types: [PER, ORG, GPE]
entities:
  isis: { type: ORG, name: داعش, aliases: [الدولة الإسلامية] }
  krg: { type: GPE, name: إقليم كوردستان, aliases: [الإقليم] }
  ap: { type: ORG, name: د ب ا }
`;

/**
 * What findMissedMentions does without its fast paths: every token of the whole text's key from
 * the TOKEN regex (spans included), every proclitic tried, every known surface (the keys
 * annotated and the catalog's names, as knownSurface tells) tried in turn, the longest that
 * overlaps no span taken, for a document without markup problems.
 */
function referenceMissedMentions(doc: ParsedDocument, index: CorpusIndex, config: CorpusConfig): Occurrence[] {
  const names = [...config.entities.values()].flatMap((e) => [e.name, ...e.aliases]).filter((name): name is string => !!name);
  const known = [...new Set([...index.keys(), ...names.map((name) => matchingKey(name).trim())])].flatMap((key) => index.knownSurface(key) ?? []);
  const plain = doc.plainText;
  const { key, offsets } = matchingKeyTokens(plain);
  const tokens = [...key.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
  const rootStarts = doc.roots.map((i) => doc.spans[i]!.start);
  const overlapsSpan = (start: number, end: number): boolean => {
    if (rootStarts.length === 0) return false;
    const i = floorIndex(rootStarts, end - 1);
    for (const j of [i - 1, i]) {
      const span = j >= 0 ? doc.spans[doc.roots[j]!] : undefined;
      if (span && span.start < end && start < span.end) return true;
    }
    return false;
  };
  const isMark = (c: number): boolean => (c >= 0x064b && c <= 0x0652) || c === 0x0670 || c === 0x0640;
  const proclitics = config.clitics.proclitics.map(matchingKey).filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  const found: Occurrence[] = [];
  for (let t = 0; t < tokens.length; t++) {
    let best: Occurrence | undefined;
    let bestTokens = 0;
    const tryCandidate = (first: string, skip: number): void => {
      for (const surface of known) {
        if (surface.tokens[0] !== first || surface.tokens.length <= bestTokens || t + surface.tokens.length > tokens.length) continue;
        // Not across a line break: a span cannot be written there.
        if (/[\n\r]/.test(key.slice(tokens[t]!.start, tokens[t + surface.tokens.length - 1]!.end))) continue;
        let match = true;
        for (let k = 1; k < surface.tokens.length && match; k++) match = tokens[t + k]!.text === surface.tokens[k];
        if (!match) continue;
        const last = tokens[t + surface.tokens.length - 1]!;
        let end = offsets[last.end - 1]! + 1;
        while (end < plain.length && isMark(plain.charCodeAt(end))) end++;
        const start = offsets[tokens[t]!.start + skip]!;
        if (overlapsSpan(start, end)) continue;
        best = { start, end, surface };
        bestTokens = surface.tokens.length;
      }
    };
    const text = tokens[t]!.text;
    tryCandidate(text, 0);
    for (const p of proclitics) {
      if (text.length - p.length < 2 || !text.startsWith(p)) continue;
      tryCandidate(text.slice(p.length), p.length);
      if (p.endsWith('لل')) tryCandidate(`ا${text.slice(p.length - 1)}`, p.length - 1);
    }
    if (best) {
      found.push(best);
      t += bestTokens - 1;
    }
  }
  return found;
}

const SURFACES = ['قيادة العمليات', 'داعش', 'العراق', 'إقليم كوردستان', 'الإقليم', 'الخفاجي', 'قيادة العمليات المشتركة', 'د ب ا', 'ISIS', 'الدولة الإسلامية'];
const WORDS = ['قال', 'في', 'إن', 'وزارة', 'العمليات', 'قيادة', 'و', 'ب', 'لل', 'بال', 'فال', '،', '.', '«', '»', '3', '٣', '😀', '\u200c', 'ـ', 'ISISx'];
const PROCLITICS = ['', '', '', 'و', 'ب', 'ل', 'وال', 'بال', 'ف', 'وب'];

/** A piece of annotated text: words, surfaces (maybe behind proclitics, maybe with marks), spans, nesting. */
const pieceArb = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.tuple(fc.constantFrom(...PROCLITICS), fc.constantFrom(...SURFACES), fc.boolean()).map(([p, s, marked]) => p + (marked ? s.replace(/([\u0627-\u064a])/, '$1\u064e') : s)),
  fc.tuple(fc.constantFrom(...PROCLITICS), fc.constantFrom(...SURFACES), fc.constantFrom('PER', 'ORG', 'GPE', 'ORG @isis')).map(([p, s, l]) => `${p}[${s}]{${l}}`),
  fc.tuple(fc.constantFrom(...SURFACES), fc.constantFrom(...SURFACES)).map(([a, b]) => `[[${a}]{ORG} في ${b}]{GPE}`),
  // ل before the article takes its alef: ل + العراق = للعراق.
  fc.constantFrom(...SURFACES.filter((s) => s.startsWith('ال'))).map((s) => `لل${s.slice(2)}`),
);
const docArb = fc.array(fc.tuple(pieceArb, fc.constantFrom(' ', ' ', ' ', '\n', '، ', '')), { maxLength: 30 }).map((parts) => parts.map(([p, s]) => p + s).join(''));

describe('fast paths: missed mentions', () => {
  const config = loadConfig(CONFIG_YAML).config;

  it('finds what the straightforward search finds, with the index and with one surface', () => {
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 4 }), docArb, (others, text) => {
        const doc = parse(text);
        fc.pre(doc.problems.length === 0);
        const index = new CorpusIndex(config);
        others.forEach((other, i) => index.update(`other${i}`, parse(other), i % 2 === 0));
        index.update('doc', doc);
        const simple = (o: Occurrence[]): [number, number, string][] => o.map((x) => [x.start, x.end, x.surface.key]);
        assert.deepEqual(simple(findMissedMentions(doc, index, config)), simple(referenceMissedMentions(doc, index, config)));
        // Without the first-token table (a source that has none) the answers are the same.
        const plain: SurfaceSource = { surfacesStartingWith: (t) => index.surfacesStartingWith(t), knownSurface: (k) => index.knownSurface(k) };
        assert.deepEqual(simple(findMissedMentions(doc, plain, config)), simple(referenceMissedMentions(doc, index, config)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("finds what the straightforward search finds with proclitics of the corpus's own, and searched with another configuration than the index's", () => {
    const own = loadConfig(`${CONFIG_YAML}clitics:\n  proclitics: [و, س, ولل, بال]\n`).config;
    // Words behind the corpus's own proclitics: ولل before the article takes its alef, as لل does.
    const ownPieceArb = fc.oneof(
      pieceArb,
      fc.tuple(fc.constantFrom('س', 'و', 'سو'), fc.constantFrom(...SURFACES)).map(([p, s]) => p + s),
      fc.constantFrom(...SURFACES.filter((s) => s.startsWith('ال'))).map((s) => `ولل${s.slice(2)}`),
    );
    const ownDocArb = fc.array(fc.tuple(ownPieceArb, fc.constantFrom(' ', '\n', '، ')), { maxLength: 30 }).map((parts) => parts.map(([p, s]) => p + s).join(''));
    fc.assert(
      fc.property(fc.array(ownDocArb, { minLength: 1, maxLength: 3 }), ownDocArb, (others, text) => {
        const doc = parse(text);
        fc.pre(doc.problems.length === 0);
        const index = new CorpusIndex(own);
        others.forEach((other, i) => index.update(`other${i}`, parse(other)));
        index.update('doc', doc);
        const simple = (o: Occurrence[]): [number, number, string][] => o.map((x) => [x.start, x.end, x.surface.key]);
        assert.deepEqual(simple(findMissedMentions(doc, index, own)), simple(referenceMissedMentions(doc, index, own)));
        // The index's first-token table knows its own configuration's proclitics, not these.
        assert.deepEqual(simple(findMissedMentions(doc, index, config)), simple(referenceMissedMentions(doc, index, config)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('with a cache of the lines kept across edits, finds what a search afresh finds', () => {
    // An edit of the document; now and then another document changes too (its surfaces come and go).
    const editsArb = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.oneof(pieceArb, fc.constantFrom('\n', ' ', '\r\n', '[')), fc.option(docArb, { freq: 4 })), { maxLength: 12 });
    fc.assert(
      fc.property(docArb, docArb, editsArb, (other, start, edits) => {
        const index = new CorpusIndex(config);
        index.update('other', parse(other));
        const cache = new MissedMentionCache();
        const simple = (o: Occurrence[]): [number, number, string, string | undefined][] => o.map((x) => [x.start, x.end, x.surface.key, x.surface.type]);
        let text = start;
        for (const [at, removed, inserted, otherText] of [[0, 0, '', null] as const, ...edits]) {
          if (otherText !== null) index.update('other', parse(otherText));
          const cut = at % (text.length + 1);
          text = text.slice(0, cut) + inserted + text.slice(cut + removed);
          const doc = parse(text);
          index.update('doc', doc);
          assert.deepEqual(simple(findMissedMentions(doc, index, config, cache)), simple(findMissedMentions(doc, index, config)), JSON.stringify(text));
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a surface matched across a line break gives way to a shorter one on the line', () => {
    const index = new CorpusIndex(config);
    index.update('a', parse('[داعش]{ORG} [داعش في]{ORG}\n'));
    const doc = parse('قال داعش\nفي العراق\n');
    index.update('doc', doc);
    assert.deepEqual(
      findMissedMentions(doc, index, config).map((o) => doc.plainText.slice(o.start, o.end)),
      ['داعش'],
    );
  });

  it('the fix annotating all occurrences of a surface lists each of them once', () => {
    const index = new CorpusIndex(config);
    index.update('a', parse('[العراق]{GPE}\n'));
    const text = 'العراق و العراق والعراق بالعراق\n'.repeat(50);
    const doc = parse(text);
    index.update('doc', doc);
    const missed = diagnoseDocument(doc, { docId: 'doc', index }).filter((d) => d.code === 'missed-mention');
    assert.equal(missed.length, 200);
    for (const d of missed) {
      const all = d.fixes!.find((f) => f.title.startsWith('Annotate all'))!;
      assert.equal(all.edits.length, 400);
      assert.equal(new Set(all.edits.map((e) => `${e.range.start}:${e.newText}`)).size, 400);
    }
  });
});

// --- the incremental index against one built afresh ---------------------------------------------

/** Everything the index answers, in a form that does not depend on the order of updates. */
function snapshot(index: CorpusIndex): unknown {
  const keys = [...index.keys()].sort();
  const surfaces: Record<string, KnownSurface | undefined> = {};
  const allKeys = new Set(keys);
  for (const key of [...SURFACES.map((s) => matchingKey(s)), 'داعش', 'الاقليم', 'د ب ا']) allKeys.add(key);
  // A tie between types is broken by which came first, which depends on the order of updates
  // (as it always has): then only the rest of the answer is compared.
  const comparable = (surface: KnownSurface): KnownSurface => {
    const counts = [...index.typeCounts(surface.key).values()];
    const tied = counts.filter((c) => c === Math.max(...counts)).length > 1;
    return tied ? { key: surface.key, tokens: surface.tokens, count: surface.count } : surface;
  };
  for (const key of allKeys) {
    const surface = index.knownSurface(key);
    surfaces[key] = surface && comparable(surface);
  }
  const mentions = (list: Iterable<{ docId: string; spanIndex: number; key: string; text: string; type?: string; id?: string }>): string[] =>
    [...list].map((m) => `${m.docId}#${m.spanIndex}:${m.key}:${m.text}:${m.type ?? ''}:${m.id ?? ''}`).sort();
  return {
    documents: [...index.documentIds()].sort(),
    keys: keys.map((key) => ({ key, count: index.countOfKey(key), documents: index.documentCountOf({ key }), types: [...index.typeCounts(key)].sort(), mentions: mentions(index.mentionsOfKey(key)) })),
    surfaces,
    conflicting: [...index.conflictingKeys()].sort(),
    entities: ['isis', 'krg', 'ap'].map((id) => [index.countOfEntity(id), index.documentCountOf({ id }), mentions(index.mentionsOfEntity(id))]),
    types: ['PER', 'ORG', 'GPE'].map((type) => [index.countOfType(type), index.documentCountOf({ type }), mentions(index.mentionsOfType(type))]),
    // What each span names, as diagnostics and statistics read it.
    names: [...index.documentIds()].sort().map((docId) => index.namesIn(docId).map((m) => `${m.key}:${m.text}:${m.type ?? ''}:${m.id ?? ''}`)),
    // The known surfaces by first token, as they stand (the index keeps these lists between updates).
    first: [...allKeys].map((key) => {
      const listed = index.surfacesStartingWith(key.split(' ')[0]!) ?? [];
      return [key, [...listed].sort((a, b) => (a.key < b.key ? -1 : 1)).map(comparable)];
    }),
    // As references list them: documents by id, each one's mentions in order (not sorted here).
    byDocument: [...keys.map((key) => ({ key })), ...['isis', 'krg', 'ap'].map((id) => ({ id })), ...['PER', 'ORG', 'GPE'].map((type) => ({ type }))].map((of) =>
      [...index.mentionsByDocument(of)].map(([docId, list]) => `${docId}:${list.map((m) => m.spanIndex).join(',')}`),
    ),
  };
}

describe('fast paths: the incremental index', () => {
  const config = loadConfig(CONFIG_YAML).config;
  const op = fc.oneof(
    fc.tuple(fc.constant('update' as const), fc.integer({ min: 0, max: 3 }), docArb, fc.boolean()),
    fc.tuple(fc.constant('remove' as const), fc.integer({ min: 0, max: 3 }), fc.constant(''), fc.constant(true)),
    // Text typed into a document outside its spans: the mentions move, nothing is named anew.
    fc.tuple(fc.constant('move' as const), fc.integer({ min: 0, max: 3 }), fc.constantFrom('و ', 'قال\n', '\n\n', ' '), fc.boolean()),
    // A piece typed anywhere, into a surface or a label too: some mentions change, the rest stay.
    fc.tuple(fc.constant('edit' as const), fc.integer({ min: 0, max: 3 }), fc.tuple(fc.nat(), pieceArb), fc.boolean()),
  );

  it('answers after any updates and removals as an index built from the final documents', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const index = new CorpusIndex(config);
        const final = new Map<string, [string, boolean]>();
        for (const [kind, n, text, retain] of ops) {
          const docId = `d${n}`;
          if (kind === 'remove') {
            index.remove(docId);
            final.delete(docId);
          } else if (kind === 'edit') {
            const before = final.get(docId)?.[0] ?? '';
            const [at, piece] = text;
            const edited = before.slice(0, at % (before.length + 1)) + piece + before.slice(at % (before.length + 1));
            index.update(docId, parse(edited), retain);
            final.set(docId, [edited, retain]);
          } else if (kind === 'move') {
            const before = final.get(docId)?.[0] ?? '';
            // Typed at a line start after the first line: never inside a span or the front matter.
            const at = before.indexOf('\n') + 1;
            const moved = at > 0 ? before.slice(0, at) + text + before.slice(at) : before + '\n' + text;
            index.update(docId, parse(moved), retain);
            final.set(docId, [moved, retain]);
          } else {
            index.update(docId, parse(text), retain);
            final.set(docId, [text, retain]);
          }
          // Ask in between, so stale cached answers would show.
          snapshot(index);
        }
        const fresh = new CorpusIndex(config);
        for (const [docId, [text]] of final) fresh.update(docId, parse(text));
        assert.deepEqual(snapshot(index), snapshot(fresh));
        // The first-token table holds every known first token.
        const table = index.firstTokens();
        for (const key of index.keys()) if (index.knownSurface(key)) assert.ok(table.has(index.knownSurface(key)!.tokens[0]!), key);
        // A document given without its parse comes back parsed the same, mentions and all.
        for (const [docId, [text, retain]] of final) {
          assert.equal(index.retains(docId), retain);
          assert.equal(index.source(docId), text);
          const again = index.parsed(docId)!;
          assert.deepEqual(again.spans.map((s) => [s.start, s.end, s.text, s.range, s.contentRange]), parse(text).spans.map((s) => [s.start, s.end, s.text, s.range, s.contentRange]));
          for (const m of index.mentionsIn(docId)) assert.deepEqual({ start: m.contentStart, end: m.contentEnd }, again.spans[m.spanIndex]!.contentRange);
          // What the index says each span names is what the span says.
          assert.deepEqual(
            index.namesIn(docId).map(({ text, key, type, id }) => ({ text, key, type, id })),
            again.spans.map((s) => ({ text: s.text, key: matchingKey(s.text).trim(), type: effectiveType(s, config), id: s.label.idName })),
          );
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('text typed outside the spans moves the mentions to their new places, kept with and without the parse', () => {
    for (const retain of [true, false]) {
      const index = new CorpusIndex(config);
      const before = 'قال [داعش]{@isis}\nو[العراق]{GPE}\n';
      index.update('d', parse(before), retain);
      const after = 'ثم قال [داعش]{@isis}\n\nو[العراق]{GPE}\n';
      index.update('d', parse(after), retain);
      const places = [...index.mentionsIn('d')].map((m) => after.slice(m.contentStart, m.contentEnd));
      assert.deepEqual(places, ['داعش', 'العراق']);
      assert.deepEqual([...index.mentionsOfEntity('isis')].map((m) => m.spanStart), [after.indexOf('[')]);
      assert.equal(index.source('d'), after);
      assert.equal(index.lineIndex('d')?.position(after.lastIndexOf('[')).line, 2);
    }
  });

  it('tells which first tokens of surfaces came or went since a version, while it remembers', () => {
    const index = new CorpusIndex(config);
    const start = index.surfaceSetVersion;
    index.update('a', parse('[قيادة العمليات]{ORG} [داعش]{ORG}\n'));
    const afterA = index.surfaceSetVersion;
    // Moved mentions and more mentions of known surfaces change no surface.
    index.update('a', parse('قال [قيادة العمليات]{ORG} [داعش]{ORG}\n'));
    index.update('b', parse('[داعش]{ORG}\n'));
    assert.equal(index.surfaceSetVersion, afterA);
    assert.deepEqual(index.surfaceChangesSince(afterA), []);
    index.remove('a');
    assert.deepEqual(index.surfaceChangesSince(afterA)!.sort(), ['قياده']);
    assert.deepEqual(index.surfaceChangesSince(start)!.sort(), ['داعش', 'قياده', 'قياده']);
    // A new configuration may change anything; so may changes beyond what the index remembers.
    index.setConfig(config);
    assert.equal(index.surfaceChangesSince(afterA), undefined);
    const afterConfig = index.surfaceSetVersion;
    for (let i = 0; i < 600; i++) index.update(`n${i}`, parse(`[كلمة${i}]{ORG}\n`));
    assert.equal(index.surfaceChangesSince(afterConfig), undefined);
    assert.deepEqual(index.surfaceChangesSince(index.surfaceSetVersion - 2), ['كلمه598', 'كلمه599']);
  });

  it('a surface no annotation carries keeps its entry only until the next document is counted in', () => {
    const index = new CorpusIndex(config);
    // The entries are the index's own business: what is observable is the memory they hold.
    const hasEntry = (key: string): boolean => (index as unknown as { records: Map<string, unknown> }).records.has(key);
    index.update('a', parse('[قيادة العمليات]{ORG}\n'));
    assert.deepEqual(index.surfacesStartingWith('قياده')?.map((s) => s.count), [1]);
    index.remove('a');
    // Dormant: its entry kept, but no longer known, listed or found in running text.
    assert.ok(hasEntry('قياده العمليات'));
    assert.equal(index.surfacesStartingWith('قياده'), undefined);
    assert.equal(index.knownSurface('قياده العمليات'), undefined);
    assert.deepEqual(findMissedMentions(parse('قال قيادة العمليات\n'), index, config), []);
    // Put back: known again, as before.
    index.update('a', parse('[قيادة العمليات]{ORG}\n'));
    assert.equal(index.knownSurface('قياده العمليات')?.type, 'ORG');
    assert.equal(findMissedMentions(parse('قال قيادة العمليات\n'), index, config).length, 1);
    // Gone for good: swept when another document comes in.
    index.remove('a');
    index.update('b', parse('[داعش]{ORG}\n'));
    assert.ok(!hasEntry('قياده العمليات'));
    assert.equal(index.surfacesStartingWith('قياده'), undefined);
    assert.deepEqual(index.typeCounts('قياده العمليات'), new Map());
    // The first-token table keeps up with first tokens that come while it stands.
    index.firstTokens();
    index.update('c', parse('[ابو بكر]{PER}\n'));
    assert.ok(index.firstTokens().has('ابو'));
  });

  it('a document taken out and put back leaves the lists of surfaces by first token as they were', () => {
    const index = new CorpusIndex(config);
    index.update('a', parse('[قيادة العمليات]{ORG} [داعش]{ORG}\n'));
    index.update('b', parse('[العراق]{GPE}\n'));
    const table = index.firstTokens();
    const first = table.withSignature(signatureOf('قياده'))!.find((f) => f.token === 'قياده')!;
    const listed = index.surfacesOf(first);
    assert.ok(listed);
    index.remove('a');
    index.update('a', parse('[قيادة العمليات]{ORG} [داعش]{ORG}\n'));
    // The same list, not one worked out again: its surfaces are the keys' records, known again.
    assert.equal(index.surfacesOf(first), listed);
    assert.equal(index.firstTokens(), table);
    assert.deepEqual(listed.all.map((c) => c.known()?.type), ['ORG']);
    // A surface that comes under the first token makes a new list.
    index.update('c', parse('[قيادة]{ORG}\n'));
    assert.notEqual(index.surfacesOf(first), listed);
    assert.deepEqual(index.surfacesOf(first)!.all.map((c) => c.tokens.join(' ')), ['قياده العمليات', 'قياده']);
  });

  it('a first-token table passes a word by where no surface can start: a longer one needs its second token next', () => {
    const table = new FirstTokenTable();
    const ali = new FirstToken('علي');
    table.add(ali, ['علي', 'بن', 'ابي', 'طالب']);
    assert.deepEqual(table.startingAt(stringHash('علي'), stringHash('بن')), [ali]);
    assert.equal(table.startingAt(stringHash('علي'), stringHash('قال')), undefined);
    assert.equal(table.startingAt(stringHash('علي'), undefined), undefined);
    assert.equal(table.startingAt(stringHash('قال'), stringHash('بن')), undefined);
    // A surface of one token starts anywhere its token stands.
    table.add(ali, ['علي']);
    assert.deepEqual(table.startingAt(stringHash('علي'), stringHash('قال')), [ali]);
    assert.deepEqual(table.startingAt(stringHash('علي'), undefined), [ali]);
  });

  it('a new configuration re-types documents kept with and without their parse', () => {
    const index = new CorpusIndex(config);
    index.update('kept', parse('[داعش]{@isis} و[العراق]{GPE}\n'));
    index.update('disk', parse('[داعش]{@isis}\n'), false);
    index.setConfig(loadConfig(CONFIG_YAML.replace('type: ORG, name: داعش', 'type: PER, name: داعش')).config);
    assert.deepEqual([...index.typeCounts('داعش')], [['PER', 2]]);
    assert.equal(index.retains('kept'), true);
    assert.equal(index.retains('disk'), false);
  });
});

describe('fast paths: grapheme clusters of symbols', function () {
  this.timeout(20000);
  it('no symbol forms a cluster with a following character below U+0300 or an Arabic letter', () => {
    // The tokenizer skips the segmenter in exactly these cases; the segmenter must agree.
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const after = [' ', 'a', '.', '\n', '\u00ad', '\u0621', 'ب', '\u064a'];
    const symbols: string[] = [];
    for (let c = 0x2000; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) symbols.push(String.fromCharCode(c));
    for (let c = 0x1f000; c < 0x1fb00; c += 3) symbols.push(String.fromCodePoint(c));
    for (const symbol of symbols) {
      for (const next of after) {
        const first = segmenter.segment(symbol + next)[Symbol.iterator]().next().value!.segment;
        if (first !== symbol) assert.fail(`U+${symbol.codePointAt(0)!.toString(16)} joins ${JSON.stringify(next)}`);
      }
    }
  });
});

describe('fast paths: reading UTF-8', () => {
  /** What decodeUtf8 checked byte by byte before it asked the platform's strict decoder first. */
  function firstInvalid(bytes: Uint8Array): number {
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      if (b === 0) return i;
      if (b < 0x80) {
        i++;
        continue;
      }
      const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
      if (need < 0) return i;
      const min = [0, 0x80, 0x800, 0x10000][need]!;
      let cp = b & (0x3f >> need);
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (c === undefined || (c & 0xc0) !== 0x80) return i;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
      i += need + 1;
    }
    return -1;
  }

  /** Valid text, then a few bytes changed: cut sequences, overlong forms, surrogates, NULs. */
  const bytesArb = fc
    .tuple(
      textArb.map((t) => t.replace(/[\ud800-\udfff]/g, '')),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x00, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xe0, 0xed, 0xa0, 0xef, 0xf0, 0xf4, 0xf5, 0xff)), { maxLength: 3 }),
      fc.boolean(),
    )
    .map(([text, changes, bom]) => {
      const bytes = Buffer.from((bom ? '\ufeff' : '') + text, 'utf8');
      for (const [at, value] of changes) if (bytes.length > 0) bytes[at % bytes.length] = value;
      return new Uint8Array(bytes);
    });

  it('decodeUtf8 accepts and refuses what the byte-by-byte check does, and says where', () => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        const result = decodeUtf8(bytes, 'f.txt');
        const bad = firstInvalid(bytes);
        if (bad >= 0) {
          assert.ok('message' in result, 'refused');
          const prefix = new TextDecoder().decode(bytes.subarray(0, bad));
          const lines = prefix.split(/\r\n|\r|\n/);
          assert.equal((result as { line: number }).line, lines.length);
          return;
        }
        assert.ok('text' in result, 'accepted');
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        assert.equal(result.text, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        assert.equal(result.bom, text.charCodeAt(0) === 0xfeff);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('fast paths: line starts', () => {
  /** Line starts as LineIndex found them before it searched with indexOf: each char read in turn. */
  function lineStartsCharByChar(text: string): number[] {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10) {
        starts.push(i + 1);
      }
    }
    return starts;
  }

  /** Breaks of every kind side by side (LF CR is two breaks, CR LF one), between letters, astral chars and a lone surrogate. */
  const breaksArb = fc.array(fc.constantFrom('\n', '\r', '\r\n', '\n\r', '\r\r', 'قال', ' ', 'x', '😀', '\ud800'), { maxLength: 60 }).map((parts) => parts.join(''));

  it('LineIndex finds the line starts a reading of each char finds, with LF, CR and CR LF mixed', () => {
    fc.assert(
      fc.property(fc.oneof(breaksArb, textArb), (text) => {
        assert.deepEqual(new LineIndex(text).starts, lineStartsCharByChar(text));
      }),
      { seed: SEED, numRuns: 3000 },
    );
    assert.deepEqual(new LineIndex('').starts, [0]);
    assert.deepEqual(new LineIndex('a\r\nb\rc\nd\r').starts, [0, 3, 5, 7, 9]);
  });
});

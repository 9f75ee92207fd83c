import { strict as assert } from 'node:assert';
import { matchingKeyTokens } from '../../server/src/core/arabic';
import { loadConfig } from '../../server/src/core/config';
import { CorpusIndex } from '../../server/src/core/corpusIndex';
import { diagnoseDocument } from '../../server/src/core/diagnostics';
import { applyEdits, wrapEdits } from '../../server/src/core/edits';
import { exportCorpus } from '../../server/src/core/export';
import { importDocuments, renderImport } from '../../server/src/core/import';
import { tokenize } from '../../server/src/core/tokenizer';
import { parse } from '../../server/src/core/parser';
import { plainRangeToSource } from '../../server/src/core/text';
import { textPositions } from '../../server/src/service/workspace';

/** Diagnostics of a one-document corpus, and the text each fix gives. */
function fixesOf(source: string): { code: string; fixed: string[] }[] {
  const { config } = loadConfig('types: [PER, ORG]\nentities:\n  khafaji: { type: PER, name: الخفاجي }\n');
  const index = new CorpusIndex(config);
  const doc = parse(source);
  index.update('d', doc);
  return diagnoseDocument(doc, { docId: 'd', index }).map((d) => ({ code: d.code, fixed: (d.fixes ?? []).map((f) => applyEdits(source, f.edits)) }));
}

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

  it('moving brackets never lands one right after a backslash (trim, extend, clitic fixes)', () => {
    // '[ا\\[]{ORG}': trimming the escaped '[' put ']' between '\\' and '[', breaking the escape.
    for (const source of ['[ا\\[]{ORG}\n', 'x \\ [ \\y]{ORG}\n']) {
      const found = fixesOf(source);
      assert.deepEqual(found.map((d) => d.code), ['span-whitespace'], source);
      for (const fixed of found.flatMap((d) => d.fixed)) assert.deepEqual(parse(fixed).problems, [], fixed);
    }
  });

  it('moving brackets compares positions, not text (an inner label\'s } reads like a plain })', () => {
    // Trimming the outer spans' '}' moved their ']' before the inner label's '}'.
    const found = fixesOf('[[[ا\\}]{ORG}]{ORG}]{ORG}\n');
    assert.deepEqual(found.map((d) => d.code), ['span-whitespace', 'span-whitespace', 'span-whitespace']);
    for (const fixed of found.flatMap((d) => d.fixed)) assert.deepEqual(parse(fixed).problems, [], fixed);
  });

  it('no missed mention is reported inside broken markup (the rest of a line after an unclosed label)', () => {
    // Annotating there wrapped text that is part of a broken label, tangling it further.
    const found = fixesOf('[الخفاجي]{PER @khafaji قال الخفاجي\n');
    assert.deepEqual(found.filter((d) => d.code === 'missed-mention').map((d) => d.fixed), [['[[الخفاجي]{PER @khafaji}]{PER @khafaji قال الخفاجي\n']], 'only the one inside the brackets');
  });

  it('a Label Studio file with a stray } where a task should start is an error, not an endless loop', () => {
    // The element scanner stopped at the '}' without moving: import ran until the heap was full.
    const result = importDocuments('label-studio', [{ path: 't.json', name: 't.json', text: '[ {"data": {"text": "x"}} } ]' }]);
    assert.deepEqual(result.issues.map((i) => i.message), ["not valid JSON: unexpected '}' where a task should start"]);
  });

  it('conll: an empty document comes back, so export(import(export)) is the same file', () => {
    const { config } = loadConfig('types: [PER]\n');
    const documents = [{ path: 'a.txt', parsed: parse('') }, { path: 'b.txt', parsed: parse('[x]{PER}') }];
    const first = exportCorpus('conll', documents, config).files[0]!.content;
    assert.equal(first, '-DOCSTART- O\n\n-DOCSTART- O\n\nx B-PER\n\n');
    const imported = importDocuments('conll', [{ path: 'c.conll', name: 'c.conll', text: first }]);
    assert.deepEqual(imported.documents.map((d) => d.text), ['', 'x']);
    const again = renderImport(imported, { name: 'c', format: 'conll', sources: [] }).filter((f) => f.relativePath.endsWith('.txt'));
    assert.equal(exportCorpus('conll', again.map((f) => ({ path: f.relativePath, parsed: parse(f.content) })), config).files[0]!.content, first);
  });

  it('conll import: a token starting with a combining mark is not glued to an opening bracket', () => {
    // '[' then 'ًا' were joined as '[ًا', which tokenizes as '[ً' and 'ا'.
    const imported = importDocuments('conll', [{ path: 'c.conll', name: 'c.conll', text: '[ O\n\u064bا O\n' }]);
    assert.equal(imported.documents[0]!.text, '[ \u064bا');
    assert.deepEqual(tokenize(imported.documents[0]!.text).map((t) => imported.documents[0]!.text.slice(t.start, t.end)), ['[', '\u064bا']);
  });

  it('tokenizer: a joiner right before a word belongs to it (a token cut after a letter may start with one)', () => {
    const text = 'ن \u200c\u064b';
    assert.deepEqual(tokenize(text).map((t) => text.slice(t.start, t.end)), ['ن', '\u200c\u064b']);
    assert.deepEqual(tokenize('a \u200c b').map((t) => t.end - t.start), [1, 1], 'alone, a joiner is still no token');
  });

  it('brat: a note holding a tab is written with a space, and the export says so', () => {
    const { config } = loadConfig('types: [PER]\n');
    const result = exportCorpus('brat', [{ path: 'a.txt', parsed: parse('[x]{PER note="a\tb"}') }], config);
    assert.match(result.files.find((f) => f.relativePath === 'a.ann')!.content, /AnnotatorNotes T1\ta b\n/);
    assert.deepEqual(result.issues.map((i) => [i.severity, i.message]), [['warning', "the note's tabs are written as spaces: a brat note is one field of one line"]]);
  });

  it('import keeps a text that starts with U+FEFF, behind a front matter fence', () => {
    // It was dropped as if it were a byte order mark.
    const line = JSON.stringify({ id: 'a', text: '\ufeff [x]', spans: [{ start: 0, end: 2, type: 'PER' }] });
    const result = importDocuments('jsonl', [{ path: 'a.jsonl', name: 'a.jsonl', text: line + '\n' }]);
    const [written] = renderImport(result, { name: 'a', format: 'jsonl', sources: [] });
    assert.equal(written!.content, '---\n---\n[\ufeff ]{PER}\\[x\\]');
    assert.equal(parse(written!.content).plainText, '\ufeff [x]');
  });

  it('a backslash at the end of a line inside a quoted label value does not carry the label onto the next line', () => {
    // The escape skipped the line break: the label, and its span, ran on to the next line.
    const doc = parse('[x]{PER note="a\\\n"}');
    assert.deepEqual(doc.spans, []);
    assert.deepEqual(doc.problems.map((p) => p.code), ['unclosed-span', 'unmatched-bracket']);
    assert.equal(doc.plainText, '[x]{PER note="a\\\n"}');
  });

  it('applyEdits puts two inserts at one offset in the order given (as LSP does)', () => {
    // Annotating two adjacent occurrences gave '[[]{ORG}...': the second '[' landed before the first ']{ORG}'.
    const edits = [...wrapEdits({ start: 0, end: 1 }, 'ORG'), ...wrapEdits({ start: 1, end: 2 }, 'ORG')];
    assert.equal(applyEdits('ab', edits), '[a]{ORG}[b]{ORG}');
  });

  it('conll import: a closer after a terminator is glued only where the sentence ends with it', () => {
    const text = (conll: string): string => importDocuments('conll', [{ path: 'c.conll', name: 'c.conll', text: conll }]).documents[0]!.text;
    assert.equal(text('؟ O\n" O\n'), '؟"', 'at the end of the sentence: written right after');
    assert.equal(text('؟ B-PER\n" I-PER\n\\ O\n'), '؟ " \\', 'followed by more of the sentence: a space, or the sentence would end there');
    assert.equal(text('؟ O\n] B-PER\nا I-PER\n'), '؟] ا', 'an entity holds the closer and what follows together');
    assert.equal(text('. O\n} O\n» B-PER\nـ I-PER\n'), '.}» ـ', 'closers glued in a row, then an entity goes on');
  });

  it('brat: a text that starts with U+FEFF is exported with a warning (a .txt reads it as a byte order mark)', () => {
    const { config } = loadConfig('types: [PER]\n');
    const result = exportCorpus('brat', [{ path: 'a.txt', parsed: parse('---\n---\n\ufeff[x]{PER}') }], config);
    assert.deepEqual(result.issues.map((i) => [i.severity, i.line]), [['warning', 3]]);
    assert.match(result.issues[0]!.message, /starts with U\+FEFF/);
  });

  it('the matching key keeps a leading U+FEFF, so it lines up with its offsets', () => {
    // A UTF-16 decoder dropped it as a BOM: a mention of 'ن' was then reported on the line break before it.
    const { key, offsets } = matchingKeyTokens('\ufeff\u064b\nن');
    assert.equal(key, '\ufeff\nن');
    assert.deepEqual([...offsets], [0, 2, 3, 4]);
    assert.deepEqual(fixesOf('---\n---\n\ufeff\u064b\n[ن]{ORG} ن\n').map((d) => [d.code, d.fixed]), [['missed-mention', ['---\n---\n\ufeff\u064b\n[ن]{ORG} [ن]{ORG}\n']]]);
  });

  it('a surface of several words is not matched across a line break', () => {
    // 'ا ب' annotated elsewhere matched 'ا' + line break + 'ب': its fix wrapped two lines in one span.
    const found = fixesOf('[ا ب]{PER} ثم ا\nب\n');
    assert.deepEqual(found.map((d) => d.code), []);
  });

  it('corpus.yaml held in an editor is measured in UTF-8, as the file on disk is', () => {
    // 4.7 million Arabic letters: 9 MB on disk (refused) but under 8 million UTF-16 units (read).
    const text = `# ${'ا'.repeat(4_700_000)}\ntypes: [PER]\n`;
    assert.deepEqual(loadConfig(text).problems.map((p) => p.code), ['config-too-large']);
    assert.deepEqual(loadConfig(`# ${'ا'.repeat(4_000_000)}\ntypes: [PER]\n`).problems, []);
  });
});

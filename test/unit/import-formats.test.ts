import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadConfig } from '../../server/src/core/config';
import { type ImportFormat, type ImportOptions, type ImportResult, type SourceFile, importDocuments, renderImport } from '../../server/src/core/import';
import { parse } from '../../server/src/core/parser';
import { DATA, readText } from './export-support';

const source = (name: string, text: string, bom = false): SourceFile => ({ path: name, name, text, bom });
const load = (format: ImportFormat, files: SourceFile[], options: ImportOptions = {}): ImportResult => importDocuments(format, files, options);
const errors = (result: ImportResult): string[] => result.issues.filter((i) => i.severity === 'error').map((i) => `${i.file}:${i.line}: ${i.message}`);
const warnings = (result: ImportResult): string[] => result.issues.filter((i) => i.severity === 'warning').map((i) => `${i.file}:${i.line}: ${i.message}`);
/** Each document's spans as `TYPE surface`, in document order. */
const spansOf = (result: ImportResult): string[][] => result.documents.map((d) => d.spans.map((s) => `${s.type} ${d.text.slice(s.start, s.end)}`));
const dataFile = (name: string): SourceFile => {
  const { text, bom } = readText(path.join(DATA, name));
  return { path: name, name, text, bom };
};

describe('import: conll', () => {
  const schemes: [string, string, string[]][] = [
    ['IOB2', 'محمد B-PER\nعلي I-PER\nحسن B-PER\nفي O\nبغداد B-GPE\n', ['PER محمد علي', 'PER حسن', 'GPE بغداد']],
    ['IOB1', 'محمد I-PER\nعلي I-PER\nحسن B-PER\nفي O\nبغداد I-GPE\n', ['PER محمد علي', 'PER حسن', 'GPE بغداد']],
    ['BIOES', 'محمد B-PER\nعلي E-PER\nحسن S-PER\nفي O\nبغداد S-GPE\n', ['PER محمد علي', 'PER حسن', 'GPE بغداد']],
    ['BILOU', 'محمد B-PER\nعلي L-PER\nحسن U-PER\nفي O\nبغداد U-GPE\n', ['PER محمد علي', 'PER حسن', 'GPE بغداد']],
  ];
  for (const [scheme, text, expected] of schemes) {
    it(`tells ${scheme} from the tags and reads the same entities`, () => {
      const result = load('conll', [source('a.conll', text)]);
      assert.deepEqual(errors(result), []);
      assert.deepEqual(spansOf(result), [expected]);
      assert.deepEqual(result.notes, [`a.conll: tags read as ${scheme === 'BILOU' ? 'BIOES' : scheme}`]);
    });
  }

  it('reads IOB1 as IOB2 would differ: I- after O starts an entity, B- splits two touching ones', () => {
    const text = 'أ I-ORG\nب B-ORG\nج I-ORG\n';
    assert.deepEqual(spansOf(load('conll', [source('a.conll', text)])), [['ORG أ', 'ORG ب ج']]);
    assert.deepEqual(spansOf(load('conll', [source('a.conll', text)], { scheme: 'iob2' })), [['ORG أ', 'ORG ب ج']]);
  });

  it('reads an I- that starts an entity in IOB2 data as its start, with one warning naming its line', () => {
    const result = load('conll', [source('a.conll', 'أ B-ORG\nب O\nج I-ORG\nد B-PER\n\nه O\nو I-LOC\n')]);
    assert.deepEqual(spansOf(result), [['ORG أ', 'ORG ج', 'PER د', 'LOC و']]);
    assert.deepEqual(warnings(result), ['a.conll:3: I-ORG starts an entity (IOB2 starts entities with B-); read as its start, as are 1 more like it']);
  });

  it('joins tokens with spaces, none before closing or after opening punctuation, a sentence a line', () => {
    const result = load('conll', [source('a.conll', 'قال O\n، O\n« O\nنعم O\n» O\n. O\n\nثم O\n( O\nهنا O\n) O\n')]);
    assert.equal(result.documents[0]!.text, 'قال، «نعم». \nثم (هنا)'.replace('. \n', '.\n'));
  });

  it('starts a document at each -DOCSTART- and every N sentences when asked', () => {
    const text = '-DOCSTART- -X- -X- O\n\nأ O\n\nب O\n-DOCSTART- O\n\nج O\n';
    assert.deepEqual(
      load('conll', [source('d/x.conll', text)]).documents.map((d) => [d.name, d.text]),
      [
        ['d/x-001.txt', 'أ\nب'],
        ['d/x-002.txt', 'ج'],
      ],
    );
    assert.deepEqual(
      load('conll', [source('x.conll', text)], { sentencesPerDocument: 1 }).documents.map((d) => d.text),
      ['أ', 'ب', 'ج'],
    );
  });

  it('reads extra tag columns as nested layers, outermost first (Wojood cut)', () => {
    const result = load('conll', [dataFile('wojood-sample-cut.conll')]);
    assert.deepEqual(errors(result), []);
    assert.equal(result.documents.length, 1);
    const doc = result.documents[0]!;
    assert.equal(doc.text.split('\n').length, 2);
    assert.deepEqual(spansOf(result)[0], [
      'PERS سمير',
      'ORG محكمة حكومة فلسطين',
      'ORG حكومة فلسطين',
      'GPE فلسطين',
      'ORG بلدية مدينة البيرة',
      'GPE مدينة البيرة',
      'EVENT الانتداب البريطاني على فلسطين',
    ]);
    const rendered = renderImport(result, { name: 'w', format: 'conll', sources: [] })[0]!.content;
    assert.ok(rendered.includes('[[محكمة [حكومة [فلسطين]{GPE}]{ORG}]{ORG}'.slice(1)), rendered);
  });

  it('tolerates a BOM, CRLF, U+200E marks and tab-only separator lines (NewsFANE cut)', () => {
    const file = dataFile('newsfane-gold-2014-cut.conll');
    assert.equal(file.bom, true);
    assert.ok(file.text.includes('\r\n\t\r\n') && file.text.includes('\u200e'));
    const result = load('conll', [file]);
    assert.deepEqual(errors(result), []);
    const doc = result.documents[0]!;
    assert.ok(!doc.text.includes('\u200e') && !doc.text.includes('\r') && !doc.text.includes('\t'));
    assert.equal(doc.text.split('\n').length, 3, 'a sentence a line (tab-only lines end them)');
    assert.equal(spansOf(result)[0]![0], 'Population-Center فرانكفورت');
    assert.equal(doc.spans[0]!.where.line, 1);
    assert.deepEqual(warnings(result), ['newsfane-gold-2014-cut.conll:83: I-Non-Governmental starts an entity (IOB2 starts entities with B-); read as its start']);
  });

  it('reports malformed lines as file:line and keeps reading', () => {
    const result = load('conll', [source('bad.conll', 'أ O\nب\nج NNP\nد B-\n')]);
    assert.deepEqual(errors(result), [
      "bad.conll:2: expected TOKEN TAG, found \"ب\"",
      "bad.conll:3: 'NNP' is not a tag (O, or B-, I-, E-, S- followed by a type)",
      "bad.conll:4: 'B-' is not a tag (O, or B-, I-, E-, S- followed by a type)",
    ]);
  });

  it('refuses a type the markup cannot write', () => {
    assert.deepEqual(errors(load('conll', [source('a.conll', 'أ B-2PER\n')])), ["a.conll:1: type '2PER' cannot be written in a label (a letter, then letters, digits, _ - .)"]);
  });
});

describe('import: brat', () => {
  const pair = (ann: string, txt: string, bom = false): SourceFile[] => [source('d/a.ann', ann), source('d/a.txt', txt, bom)];

  it('reads T, A, N and # lines: type, attributes, catalog id and links, note', () => {
    const txt = '😀 قال الخفاجي';
    const ann = 'T1\tPER 6 13\tالخفاجي\nA1\trole T1 spokesperson\nA2\tNegated T1\nN1\tReference T1 Catalog:khafaji\tتحسين\nN2\tReference T1 Wikidata:Q1\tx\n#1\tAnnotatorNotes T1\tملاحظة\tمع تاب\n';
    const result = load('brat', pair(ann, txt));
    assert.deepEqual(errors(result), []);
    const span = result.documents[0]!.spans[0]!;
    assert.deepEqual([span.start, span.end, span.type, span.id, span.attributes, span.note], [7, 14, 'PER', 'khafaji', [['role', 'spokesperson'], ['Negated', 'true']], 'ملاحظة\tمع تاب']);
    assert.deepEqual(Object.fromEntries(result.links), { khafaji: { wikidata: 'Q1' } });
    assert.equal(result.documents[0]!.name, 'd/a.txt', 'named after the .txt, relative to the source folder');
  });

  it('makes an id of a Wikidata reference when no Catalog id is given', () => {
    const result = load('brat', pair('T1\tGPE 0 6\tالعراق\nN1\tReference T1 Wikidata:Q796\tالعراق\n', 'العراق'));
    assert.equal(result.documents[0]!.spans[0]!.id, 'wikidata:Q796');
  });

  it('splits a discontinuous span into one span a fragment, with a warning', () => {
    const txt = 'قوات و\nالبيشمركة';
    const result = load('brat', pair('T1\tORG 0 4;7 16\tقوات البيشمركة\n', txt));
    assert.deepEqual(spansOf(result), [['ORG قوات', 'ORG البيشمركة']]);
    assert.deepEqual(warnings(result), ['d/a.ann:1: T1 has 2 fragments; each becomes a span of its own']);
  });

  it('splits a span across a line break into one span a line, trimmed, with a warning', () => {
    const result = load('brat', pair('T1\tORG 0 17\n', 'قوات و \nالبيشمركة'));
    assert.deepEqual(spansOf(result), [['ORG قوات و', 'ORG البيشمركة']]);
    assert.match(warnings(result)[0]!, /^d\/a.ann:1: the span "قوات و \\nالبيشمركة" crosses a line break; it is written as 2 spans, one a line$/);
  });

  it('counts a BOM of the .txt as a character, as brat does, then drops it', () => {
    const result = load('brat', pair('T1\tGPE 1 6\tبغداد\n', 'بغداد', true));
    assert.deepEqual(errors(result), []);
    assert.deepEqual(spansOf(result), [['GPE بغداد']]);
  });

  it('skips relations and events with a warning', () => {
    const result = load('brat', pair('T1\tPER 0 1\tأ\nT2\tPER 2 3\tب\nR1\tKnows Arg1:T1 Arg2:T2\n*\tEquiv T1 T2\n', 'أ ب'));
    assert.deepEqual(warnings(result), ['d/a.ann:3: 2 relation, event or equivalence lines skipped: the markup holds spans only']);
  });

  it('reports text that does not match the offsets, bad lines and a missing .txt', () => {
    const result = load('brat', [...pair('T1\tPER 0 2\tخطأ\nT2 PER 0 1\nA1\trole T9 x\n', 'أب'), source('d/b.ann', '')]);
    assert.deepEqual(errors(result), [
      'd/a.ann:1: T1: its text "خطأ" is not the text at its offsets, "أب" (offsets in code points)',
      'd/a.ann:2: expected ID<TAB>annotation: no tab on this line',
      "d/a.ann:3: A1: 'T9' is not a text-bound annotation of this file",
      'd/b.ann:1: no b.txt beside this .ann: brat offsets need the text',
    ]);
  });

  it('refuses crossing spans: the markup nests but cannot cross', () => {
    const result = load('brat', pair('T1\tORG 0 3\tأ ب\nT2\tGPE 2 5\tب ج\n', 'أ ب ج'));
    assert.deepEqual(errors(result), ['d/a.ann:2: the span "ب ج" crosses the span "أ ب" (line 1): spans may nest but not cross']);
  });
});

describe('import: JSON formats', () => {
  it('jsonl: reads spans in code points and checks their text', () => {
    const line = JSON.stringify({ id: 'd1', text: '😀 داعش', meta: { source: 'x' }, labels: ['security'], spans: [{ start: 2, end: 6, type: 'ORG', id: 'isis', attributes: { role: 'x' }, note: 'n', text: 'داعش' }] });
    const result = load('jsonl', [source('in.jsonl', line + '\n')]);
    assert.deepEqual(errors(result), []);
    const doc = result.documents[0]!;
    assert.deepEqual([doc.name, doc.meta], ['d1.txt', { source: 'x', labels: ['security'] }]);
    assert.deepEqual(renderImport(result, { name: 'n', format: 'jsonl', sources: [] })[0]!.content, '---\nsource: x\nlabels:\n  - security\n---\n😀 [داعش]{ORG @isis role=x note=n}');
  });

  it('jsonl: offsets in the wrong unit are caught by the span text', () => {
    const line = JSON.stringify({ text: '😀 داعش', spans: [{ start: 3, end: 7, type: 'ORG', text: 'داعش' }] });
    assert.deepEqual(errors(load('jsonl', [source('in.jsonl', line)])), ['in.jsonl:1: span 1: [3, 7) is not a range of the text (6 code points long)']);
    assert.deepEqual(errors(load('jsonl', [source('in.jsonl', line)], { offsets: 'utf16' })), []);
  });

  it('jsonl: reports broken JSON and bad fields by line', () => {
    const text = ['{"text": "أ", "spans": []}', '{"text": ', '{"text": "أب", "spans": [{"start": 0, "end": 9, "type": "X"}]}', '[1]'].join('\n');
    assert.deepEqual(errors(load('jsonl', [source('in.jsonl', text)])), [
      'in.jsonl:2: not valid JSON: the JSON ends too early',
      'in.jsonl:3: span 1: [0, 9) is not a range of the text (2 code points long)',
      'in.jsonl:4: expected an object with a "text" string',
    ]);
  });

  it('doccano: UTF-16 units by default, its relation format too', () => {
    const lines = [JSON.stringify({ text: '😀 داعش', label: [[3, 7, 'ORG']] }), JSON.stringify({ text: 'أ ب', entities: [{ id: 1, start_offset: 2, end_offset: 3, label: 'PER' }], relations: [] })];
    const result = load('doccano', [source('d.jsonl', lines.join('\n'))]);
    assert.deepEqual(spansOf(result), [['ORG داعش'], ['PER ب']]);
    assert.deepEqual(
      result.documents.map((d) => d.name),
      ['d-0001.txt', 'd-0002.txt'],
    );
  });

  it('doccano: grapheme offsets for projects that count clusters', () => {
    const line = JSON.stringify({ text: 'مُحَمَّد وعلي', label: [[6, 9, 'PER']] });
    assert.deepEqual(spansOf(load('doccano', [source('d.jsonl', line)], { offsets: 'graphemes' })), [['PER علي']]);
  });

  it('spacy: reads every span group, a span found in several groups once', () => {
    const line = JSON.stringify({ text: 'قال داعش', entities: [[4, 8, 'ORG']], spans: { sc: [[4, 8, 'ORG'], [4, 8, 'ORG']], other: [[4, 8, 'ORG'], [0, 3, 'X']] } });
    assert.deepEqual(spansOf(load('spacy', [source('s.jsonl', line)])), [['X قال', 'ORG داعش', 'ORG داعش']]);
  });

  it('label-studio: labels results with per-region id, attributes, note, from any project', () => {
    const task = {
      data: { text: '😀 قال الخفاجي' },
      annotations: [
        { was_cancelled: true, result: [] },
        {
          result: [
            { id: 'a', from_name: 'ner', to_name: 'text', type: 'labels', value: { start: 6, end: 13, text: 'الخفاجي', labels: ['PER'] } },
            { id: 'a', from_name: 'comment', to_name: 'text', type: 'textarea', value: { start: 6, end: 13, text: ['رسمي'] } },
            { id: 'a', from_name: 'entity', to_name: 'text', type: 'textarea', value: { start: 6, end: 13, text: ['khafaji'] } },
            { id: 'a', from_name: 'note', to_name: 'text', type: 'textarea', value: { start: 6, end: 13, text: ['ملاحظة'] } },
            { id: 'doc', from_name: 'document_labels', to_name: 'text', type: 'choices', value: { choices: ['security'] } },
          ],
        },
      ],
    };
    const result = load('label-studio', [source('t.json', `[\n${JSON.stringify(task)}\n]`)]);
    assert.deepEqual(errors(result), []);
    const span = result.documents[0]!.spans[0]!;
    assert.deepEqual([span.type, span.id, span.attributes, span.note], ['PER', 'khafaji', [['comment', 'رسمي']], 'ملاحظة']);
    assert.deepEqual(result.documents[0]!.meta, { labels: ['security'] });
  });

  it('label-studio: names the line of the task at fault', () => {
    const text = '[\n  {"data": {"text": "أ"}},\n  {"data": {"text": "ب"}, "annotations": [{"result": [\n    {"id": "x", "type": "labels", "value": {"start": 0, "end": 5, "labels": ["PER"]}}]}]}\n]';
    assert.deepEqual(errors(load('label-studio', [source('t.json', text)])), ['t.json:3: task 2, result 1: [0, 5) is not a range of the text (1 code points long)']);
    assert.deepEqual(errors(load('label-studio', [source('t.json', '[\n{"data": {"text": "أ"}},\n{"data": }\n]')])), ['t.json:3: not valid JSON: Unexpected token \'}\', "{"data": }" is not valid JSON']);
  });
});

describe('import: writing documents', () => {
  const one = (text: string, spans: [number, number, string][], meta: Record<string, unknown> = {}): ImportResult => {
    const result = load('jsonl', [source('in.jsonl', JSON.stringify({ text, meta, spans: spans.map(([start, end, type]) => ({ start, end, type })) }))], { offsets: 'utf16' });
    assert.deepEqual(errors(result), []);
    return result;
  };
  const render = (result: ImportResult): string => renderImport(result, { name: 'n', format: 'jsonl', sources: [] })[0]!.content;

  it('escapes literal brackets, braces and backslashes, and reads back the same', () => {
    const text = 'a [b] {c} \\d [e]{X}';
    const result = one(text, [[3, 4, 'ORG']]);
    const written = render(result);
    assert.equal(written, 'a \\[[b]{ORG}\\] \\{c\\} \\\\d \\[e\\]\\{X\\}');
    assert.equal(parse(written).plainText, text);
  });

  it('writes front matter before a text that starts with ---, so it stays text', () => {
    const written = render(one('---\nنص', [[4, 6, 'X']]));
    assert.equal(written, '---\n---\n---\n[نص]{X}');
    const back = parse(written);
    assert.equal(back.plainText, '---\nنص');
  });

  it('keeps CRLF line ends, front matter included', () => {
    const written = render(one('أ\r\nب', [[3, 4, 'X']], { source: 's' }));
    assert.equal(written, '---\r\nsource: s\r\n---\r\nأ\r\n[ب]{X}');
  });

  it('quotes attribute values and notes that are not bare words', () => {
    const line = JSON.stringify({ text: 'أ', spans: [{ start: 0, end: 1, type: 'X', attributes: { a: 'two words', b: 'q"uote\\', c: 'ok' }, note: '{x}' }] });
    assert.equal(render(load('jsonl', [source('i.jsonl', line)])), '[أ]{X a="two words" b="q\\"uote\\\\" c=ok note="{x}"}');
  });

  it('refuses notes and values holding line breaks, empty spans and bad ids', () => {
    const line = JSON.stringify({ text: 'أب', spans: [{ start: 0, end: 1, type: 'X', note: 'a\nb' }, { start: 1, end: 1, type: 'X' }, { start: 0, end: 2, type: 'X', id: 'two words' }] });
    assert.deepEqual(errors(load('jsonl', [source('i.jsonl', line)])), [
      'i.jsonl:1: the note holds a line break, which a label cannot hold',
      'i.jsonl:1: the span is empty',
      "i.jsonl:1: entity id 'two words' cannot be written as @id (letters, digits, _ - . :)",
    ]);
  });

  it('gives documents distinct, safe names (a path climbing out is not used)', () => {
    const lines = [{ path: '../../etc/passwd', text: 'أ' }, { id: 'a/b', text: 'ب' }, { id: 'a_b', text: 'ج' }, { id: 'corpus', text: 'د' }].map((o) => JSON.stringify(o));
    assert.deepEqual(
      load('jsonl', [source('i.jsonl', lines.join('\n'))]).documents.map((d) => d.name),
      ['i-0001.txt', 'a_b.txt', 'a_b-2.txt', 'corpus.txt'],
    );
  });

  it('writes a corpus.yaml that declares what the documents use and loads clean', () => {
    const line = JSON.stringify({
      text: 'قال الخفاجي في بغداد وبغداد',
      labels: ['security'],
      spans: [
        { start: 4, end: 11, type: 'PER', id: 'khafaji', attributes: { role: 'spokesperson' } },
        { start: 15, end: 20, type: 'GPE' },
        { start: 22, end: 27, type: 'GPE' },
      ],
    });
    const files = renderImport(load('jsonl', [source('i.jsonl', line)]), { name: 'استيراد', format: 'jsonl', sources: ['i.jsonl'] });
    const yaml = files.find((f) => f.relativePath === 'corpus.yaml')!.content;
    assert.equal(
      yaml,
      [
        '# Written by corpus-annotator import --format jsonl from i.jsonl.',
        'name: استيراد',
        'language: ar',
        'direction: rtl',
        'documents: ["**/*.txt"]',
        'types:',
        '  GPE: { color: "#4e79a7" }',
        '  PER: { color: "#f28e2b" }',
        'document_labels: [security]',
        'attributes:',
        '  role: {}',
        'entities:',
        '  khafaji: { type: PER }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(loadConfig(yaml).problems, []);
  });
});

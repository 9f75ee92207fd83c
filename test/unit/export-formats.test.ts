import { strict as assert } from 'node:assert';
import { type ExportFormat, type ExportOptions, EXPORT_FORMATS, createExporter, exportCorpus, MemorySink } from '../../server/src/core/export';
import { bratFragments, toLf } from '../../server/src/core/export/brat';
import { loadConfig } from '../../server/src/core/config';
import { parse } from '../../server/src/core/parser';
import { EXPORT_CORPUS, fileOf, golden, readCorpus, sliceCodePoints, sliceGraphemes, surfaces } from './export-support';

const fixture = readCorpus(EXPORT_CORPUS);
const expected = surfaces(fixture.documents, fixture.config);
const run = (format: ExportFormat, options: ExportOptions = {}) => {
  const result = exportCorpus(format, fixture.documents, fixture.config, options);
  assert.deepEqual(
    result.issues.filter((i) => i.severity === 'error'),
    [],
  );
  return result.files;
};
const jsonLines = (text: string): Record<string, any>[] =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('export: formats on the fixture corpus', () => {
  it('has the constructs the tests are about', () => {
    const emoji = fixture.documents.find((d) => d.path === 'emoji.txt')!.parsed;
    assert.ok(emoji.plainText.startsWith('😀'), 'a character outside the BMP before the first entity');
    assert.ok(emoji.spans.some((s) => s.depth > 0), 'nested spans');
    assert.ok(emoji.spans.some((s) => s.label.attributes.some((a) => a.key === 'note')), 'a note');
    assert.ok(emoji.spans.some((s) => s.label.attributes.some((a) => a.key === 'role')), 'an attribute');
    assert.ok(emoji.spans.some((s) => !s.label.type), 'a span typed by the catalog');
    assert.ok(fixture.documents.find((d) => d.path === 'crlf.txt')!.parsed.plainText.includes('\r\n'), 'a CRLF source');
  });

  it('every format gives the same bytes twice', () => {
    for (const format of Object.keys(EXPORT_FORMATS) as ExportFormat[]) {
      assert.deepEqual(run(format), run(format), format);
    }
  });

  describe('jsonl', () => {
    it('has every span, offsets in code points, sliced as Python slices', () => {
      const lines = jsonLines(fileOf(run('jsonl'), 'corpus.jsonl'));
      const got: [string, string, string][] = [];
      for (const line of lines) {
        for (const span of line['spans']) {
          assert.equal(sliceCodePoints(line['text'], span.start, span.end), span.text);
          got.push([line['path'], span.text, span.type]);
        }
      }
      assert.deepEqual(got, expected);
    });

    it('counts the emoji before the first entity as one code point (two UTF-16 units with --offsets utf16)', () => {
      const cp = jsonLines(fileOf(run('jsonl'), 'corpus.jsonl')).find((l) => l['path'] === 'emoji.txt')!;
      const u16 = jsonLines(fileOf(run('jsonl', { offsets: 'utf16' }), 'corpus.jsonl')).find((l) => l['path'] === 'emoji.txt')!;
      assert.deepEqual([cp['spans'][0].start, cp['spans'][0].end], [6, 13]);
      assert.deepEqual([u16['spans'][0].start, u16['spans'][0].end], [7, 14]);
      assert.equal(u16['text'].slice(7, 14), 'الخفاجي');
    });

    it('carries ids, attributes, notes, metadata and document labels', () => {
      const emoji = jsonLines(fileOf(run('jsonl'), 'corpus.jsonl')).find((l) => l['path'] === 'emoji.txt')!;
      assert.equal(emoji['id'], 'emoji-doc');
      assert.deepEqual(emoji['meta'], { source: 'fixture' });
      assert.deepEqual(emoji['labels'], ['security']);
      assert.deepEqual(emoji['spans'][0], { start: 6, end: 13, type: 'PER', id: 'khafaji', attributes: { role: 'spokesperson' }, note: 'المتحدث "الرسمي" للقيادة', text: 'الخفاجي' });
    });

    it('matches the golden file', () => {
      const text = fileOf(run('jsonl'), 'corpus.jsonl');
      assert.equal(text, golden('jsonl/corpus.jsonl', text));
    });
  });

  describe('doccano', () => {
    it('counts UTF-16 code units by default, as its editor does', () => {
      const got: [string, string, string][] = [];
      const lines = jsonLines(fileOf(run('doccano'), 'corpus.jsonl'));
      lines.forEach((line, i) => {
        for (const [start, end, type] of line['label']) got.push([fixture.documents[i]!.path, line['text'].slice(start, end), type]);
      });
      assert.deepEqual(got, expected);
      assert.equal(lines[1]!['meta']['id'], 'emoji-doc');
    });

    it('counts grapheme clusters with offsets: graphemes (مُحَمَّد is 4 clusters, 8 code points)', () => {
      const lines = jsonLines(fileOf(run('doccano', { offsets: 'graphemes' }), 'corpus.jsonl'));
      const got: string[] = [];
      for (const line of lines) for (const [start, end] of line['label']) got.push(sliceGraphemes(line['text'], start, end));
      assert.deepEqual(
        got,
        expected.map((e) => e[1]),
      );
      const emoji = lines[1]!;
      const [start, end] = emoji['label'].find((l: unknown[]) => l[2] === 'PER' && emoji['text'].includes('مُحَمَّد'))!;
      assert.equal(end - start, 7 /* الخفاجي, the first PER */);
      const muhammad = emoji['label'].filter((l: unknown[]) => l[2] === 'PER')[1];
      assert.equal(muhammad[1] - muhammad[0], 4);
    });
  });

  describe('spacy', () => {
    it('gives code point offsets, outermost entities for doc.ents and every span in spans.sc', () => {
      const lines = jsonLines(fileOf(run('spacy'), 'corpus.jsonl'));
      const all: string[] = [];
      for (const line of lines) {
        for (const [start, end] of line['spans']['sc']) all.push(sliceCodePoints(line['text'], start, end));
        const ents: number[][] = line['entities'];
        for (let i = 1; i < ents.length; i++) assert.ok(ents[i]![0]! >= ents[i - 1]![1]!, 'doc.ents must not overlap');
      }
      assert.deepEqual(
        all,
        expected.map((e) => e[1]),
      );
    });

    it('words and spaces rebuild the text, with a token boundary at every span boundary (char_span strict)', () => {
      for (const line of jsonLines(fileOf(run('spacy'), 'corpus.jsonl'))) {
        const words: string[] = line['words'];
        const spaces: boolean[] = line['spaces'];
        assert.equal(words.map((w, i) => w + (spaces[i] ? ' ' : '')).join(''), line['text']);
        // Token boundaries in code points, as spaCy counts them.
        const bounds = new Set<number>([0]);
        let at = 0;
        words.forEach((w, i) => {
          at += Array.from(w).length;
          bounds.add(at);
          if (spaces[i]) bounds.add(++at);
        });
        for (const [start, end] of line['spans']['sc']) assert.ok(bounds.has(start) && bounds.has(end), `[${start}, ${end}) is not on token boundaries`);
      }
    });
  });

  describe('brat', () => {
    const files = run('brat');

    it('writes NAME.txt (LF, no BOM) and NAME.ann per document, and the configuration', () => {
      assert.deepEqual(
        files.map((f) => f.relativePath),
        ['annotation.conf', 'crlf.ann', 'crlf.txt', 'emoji.ann', 'emoji.txt', 'no-spans.ann', 'no-spans.txt', 'visual.conf'],
      );
      for (const f of files.filter((f) => f.relativePath.endsWith('.txt'))) {
        assert.ok(!f.content.includes('\r'), `${f.relativePath} has a CR`);
        assert.notEqual(f.content.charCodeAt(0), 0xfeff);
      }
      assert.equal(fileOf(files, 'no-spans.ann'), '');
    });

    it('T offsets are code points into the .txt, shifted for CRLF sources', () => {
      const got: [string, string, string][] = [];
      for (const ann of files.filter((f) => f.relativePath.endsWith('.ann'))) {
        const stem = ann.relativePath.slice(0, -4);
        const txt = fileOf(files, `${stem}.txt`);
        for (const line of ann.content.split('\n').filter((l) => l.startsWith('T'))) {
          const [, typeAndOffsets, text] = line.split('\t');
          const [type, start, end] = typeAndOffsets!.split(' ');
          assert.equal(sliceCodePoints(txt, Number(start), Number(end)), text);
          got.push([`${stem}.txt`, text!, type!]);
        }
      }
      assert.deepEqual(got, expected);
      // الجيش is on the second line of crlf.txt: one CR before it is gone.
      const jsonl = jsonLines(fileOf(run('jsonl'), 'corpus.jsonl')).find((l) => l['path'] === 'crlf.txt')!;
      const army = jsonl['spans'].find((s: { text: string }) => s.text === 'الجيش');
      assert.ok(fileOf(files, 'crlf.ann').includes(`T3\tORG ${army.start - 1} ${army.end - 1}\tالجيش`));
    });

    it('matches the golden .ann and .conf files', () => {
      for (const name of ['emoji.ann', 'crlf.ann', 'annotation.conf', 'visual.conf']) {
        assert.equal(fileOf(files, name), golden(`brat/${name}`, fileOf(files, name)), name);
      }
    });

    it('declares nesting, attributes and types in annotation.conf', () => {
      const conf = fileOf(files, 'annotation.conf');
      assert.match(conf, /\[entities\]\nPER\nORG\nGPE\nLOC\n/);
      assert.match(conf, /<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:contain\|equal/);
      assert.match(conf, /\nrole\tArg:<ENTITY>, Value:spokesperson\|leader\|armed-force\n/);
    });

    it('refuses an attribute value brat cannot declare', () => {
      const doc = { path: 'a.txt', parsed: parse('[x]{PER role="two words"}') };
      const result = exportCorpus('brat', [doc], fixture.config);
      assert.deepEqual(result.files, []);
      assert.match(result.issues[0]!.message, /brat cannot hold the value of role="two words"/);
      assert.deepEqual([result.issues[0]!.line, result.issues[0]!.column], [1, 1]);
    });

    it('writes the links brat can hold for every mention of an entity, and warns at each mention of the others', () => {
      const { config } = loadConfig('types: [ORG]\nentities:\n  joc: { type: ORG, name: "قيادة\tالعمليات", links: { wikidata: Q1, viaf: "12 34", "x:y": Z9 } }\n');
      const doc = { path: 'a.txt', parsed: parse('[القيادة]{@joc} ثم\n[قيادة العمليات]{ORG @joc}') };
      const result = exportCorpus('brat', [doc], config);
      assert.deepEqual(
        fileOf(result.files, 'a.ann').split('\n').filter((l) => l.startsWith('N')),
        ['N1\tReference T1 Catalog:joc\tقيادة العمليات', 'N2\tReference T1 Wikidata:Q1\tقيادة العمليات', 'N3\tReference T2 Catalog:joc\tقيادة العمليات', 'N4\tReference T2 Wikidata:Q1\tقيادة العمليات'],
      );
      assert.deepEqual(
        result.issues.map((i) => [i.line, i.column, i.severity, i.message]),
        [1, 2].flatMap((line) => [
          [line, 1, 'warning', `the link viaf: "12 34" of '@joc' is not written: a brat reference is DB:ID without spaces`],
          [line, 1, 'warning', `the link x:y: "Z9" of '@joc' is not written: a brat reference is DB:ID without spaces`],
        ]),
      );
    });

    it("makes fragments of a span across a line break as brat's editor does (one a line, trimmed)", () => {
      const text = 'aa bb\n  cc\n\ndd ee';
      assert.deepEqual(bratFragments(text, 3, 15), [
        [3, 5],
        [8, 10],
        [12, 14],
      ]);
      assert.deepEqual(bratFragments(text, 0, 5), [[0, 5]]);
      assert.deepEqual(bratFragments(' a ', 0, 3), [[0, 3]], 'a span on one line keeps its white space');
    });

    it('writes a span across a line break as a fragmented T line (only a model that allows such spans makes one)', () => {
      const parsed = parse('[قوات]{ORG} و\n[البيشمركة]{ORG}');
      // Stretch the first span over the line break, as an imported model might one day hold.
      const first = parsed.spans[0]!;
      first.end = parsed.plainText.length;
      first.text = parsed.plainText;
      const sink = new MemorySink();
      const exporter = createExporter('brat', fixture.config);
      exporter.add({ path: 'x.txt', parsed }, sink);
      const ann = sink.files().find((f) => f.relativePath === 'x.ann')!.content;
      assert.equal(ann.split('\n')[0], 'T1\tORG 0 6;7 16\tقوات و البيشمركة');
    });

    it('maps CRLF offsets to LF offsets', () => {
      const { text, map } = toLf('a\r\nb\rc\r\nd');
      assert.equal(text, 'a\nb\nc\nd');
      assert.deepEqual([0, 1, 3, 4, 5, 6, 8].map(map), [0, 1, 2, 3, 4, 5, 6]);
    });
  });

  describe('label-studio', () => {
    const files = run('label-studio');
    const tasks = JSON.parse(fileOf(files, 'tasks.json'));

    it('is a JSON array of tasks whose labels results slice in code points', () => {
      assert.equal(tasks.length, 3);
      const got: [string, string, string][] = [];
      for (const task of tasks) {
        for (const r of task.annotations[0].result.filter((r: { type: string }) => r.type === 'labels')) {
          assert.equal(sliceCodePoints(task.data.text, r.value.start, r.value.end), r.value.text);
          got.push([task.data.path, r.value.text, r.value.labels[0]]);
        }
      }
      assert.deepEqual(got, expected);
    });

    it("carries a span's id, attributes and note on per-region results with the span's id, and document labels", () => {
      const emoji = tasks.find((t: { data: { id: string } }) => t.data.id === 'emoji-doc');
      const s1 = emoji.annotations[0].result.filter((r: { id: string }) => r.id === 's1');
      assert.deepEqual(
        s1.map((r: { from_name: string; type: string }) => `${r.from_name}:${r.type}`),
        ['label:labels', 'entity:textarea', 'attr-role:textarea', 'note:textarea'],
      );
      assert.deepEqual(s1[1].value, { start: 6, end: 13, text: ['khafaji'] });
      const doc = emoji.annotations[0].result.find((r: { from_name: string }) => r.from_name === 'document_labels');
      assert.deepEqual(doc.value, { choices: ['security'] });
    });

    it('writes a labeling configuration with every type, colour and control used', () => {
      const xml = fileOf(files, 'label_config.xml');
      assert.match(xml, /<Label value="PER" background="#e15759" hint="شخص"\/>/);
      for (const name of ['label', 'text', 'document_labels', 'entity', 'attr-role', 'note']) assert.match(xml, new RegExp(`name="${name}"`));
    });
  });

  describe('conll', () => {
    it('matches the golden file (IOB2, outermost spans)', () => {
      const text = fileOf(run('conll'), 'corpus.conll');
      assert.equal(text, golden('conll/corpus.conll', text));
    });

    it('matches the golden file with BIOES and a tag column per depth', () => {
      const text = fileOf(run('conll', { scheme: 'bioes', nested: 'columns' }), 'corpus.conll');
      assert.equal(text, golden('conll/corpus-bioes-columns.conll', text));
    });

    it('cuts the token at a span boundary inside it: و[البيشمركة] gives و O and البيشمركة B-ORG', () => {
      const result = exportCorpus('conll', fixture.documents, fixture.config);
      const text = fileOf(result.files, 'corpus.conll');
      assert.match(text, /\nو O\nالبيشمركة B-ORG\n/);
      assert.equal(result.stats.cutTokens, 2);
    });

    it('tags exactly the tokens of each outermost span', () => {
      const text = fileOf(run('conll'), 'corpus.conll');
      const chunks: string[] = [];
      let current: string[] | undefined;
      for (const line of text.split('\n')) {
        const [token, tag] = line.split(' ');
        if (tag?.startsWith('B-')) chunks.push((current = [token!]).join(' '));
        else if (tag?.startsWith('I-')) current!.push(token!);
        else current = undefined;
        if (current) chunks[chunks.length - 1] = current.join(' ');
      }
      const outermost = fixture.documents.flatMap((d) => d.parsed.spans.filter((s) => s.depth === 0).map((s) => s.text));
      assert.deepEqual(chunks, outermost);
    });

    it('warns about a span that holds no token and leaves it out', () => {
      const result = exportCorpus('conll', [{ path: 'a.txt', parsed: parse('قال [\u200e]{PER} هنا') }], fixture.config);
      assert.equal(result.issues.length, 1);
      assert.equal(result.issues[0]!.severity, 'warning');
      assert.equal(fileOf(result.files, 'corpus.conll'), '-DOCSTART- O\n\nقال O\nهنا O\n\n');
    });
  });

  describe('problems', () => {
    it('refuses a document with markup errors, naming line and column, and writes nothing', () => {
      const bad = { path: 'bad.txt', parsed: parse('سطر\nقال [داعش{ORG}') };
      for (const format of Object.keys(EXPORT_FORMATS) as ExportFormat[]) {
        const result = exportCorpus(format, [...fixture.documents, bad], fixture.config);
        assert.deepEqual(result.files, [], format);
        const error = result.issues.find((i) => i.severity === 'error')!;
        assert.deepEqual([error.path, error.line, error.column], ['bad.txt', 2, 5], format);
      }
    });

    it('refuses a span with no type', () => {
      const result = exportCorpus('jsonl', [{ path: 'a.txt', parsed: parse('[x]{@nobody}') }], fixture.config);
      assert.match(result.issues[0]!.message, /no type and the catalog gives none for '@nobody'/);
    });

    it('reports progress and stops when cancelled', () => {
      const seen: number[] = [];
      const done = exportCorpus('jsonl', fixture.documents, fixture.config, {}, { onProgress: (n, total) => seen.push(n * 10 + total!) });
      assert.deepEqual(seen, [13, 23, 33]);
      assert.equal(done.cancelled, false);
      let calls = 0;
      const cancelled = exportCorpus('jsonl', fixture.documents, fixture.config, {}, { isCancelled: () => ++calls > 1 });
      assert.equal(cancelled.cancelled, true);
      assert.deepEqual(cancelled.files, []);
    });

    it('streaming: a document with errors writes nothing and the output stays well formed', () => {
      const sink = new MemorySink();
      const exporter = createExporter('label-studio', fixture.config);
      exporter.begin(sink);
      const bad = exporter.add({ path: 'bad.txt', parsed: parse('[x') }, sink);
      const good = exporter.add(fixture.documents[0]!, sink);
      exporter.end(sink);
      assert.equal(bad[0]!.severity, 'error');
      assert.deepEqual(good, []);
      const tasks = JSON.parse(fileOf(sink.files(), 'tasks.json'));
      assert.deepEqual(
        tasks.map((t: { data: { path: string } }) => t.data.path),
        ['crlf.txt'],
      );
      assert.equal(exporter.stats.documents, 1);
    });

    it('rejects an offset unit the format does not use', () => {
      assert.throws(() => createExporter('brat', fixture.config, { offsets: 'utf16' }), /brat offsets are codepoints/);
    });
  });
});

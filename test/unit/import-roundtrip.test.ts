import { strict as assert } from 'node:assert';
import { type CorpusConfig, loadConfig } from '../../server/src/core/config';
import { type ExportDocument, type ExportFormat, type ExportOptions, exportCorpus } from '../../server/src/core/export';
import { stemOf } from '../../server/src/core/export/common';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions, importDocuments, renderImport } from '../../server/src/core/import';
import { parse } from '../../server/src/core/parser';
import { SEEDS } from '../support/paths';
import { EXPORT_CORPUS, asSources, haveSeeds, readCorpus } from './export-support';

/** What a round trip must give back for a document: its plain text and every span's data. */
interface Carried {
  ids: boolean;
  attributes: boolean;
  notes: boolean;
  /** brat writes LF line ends: compare texts with CRLF as LF. */
  lf?: boolean;
}

function summary(doc: ExportDocument['parsed'], config: CorpusConfig, carried: Carried): { text: string; spans: string[] } {
  const text = carried.lf ? doc.plainText.replace(/\r\n?/g, '\n') : doc.plainText;
  const shift = (offset: number): number => (carried.lf ? doc.plainText.slice(0, offset).replace(/\r\n/g, '\n').length : offset);
  const spans = doc.spans.map((s) => {
    const type = s.label.type?.name ?? config.entities.get(s.label.id?.name ?? '')?.type;
    const parts = [`${shift(s.start)}-${shift(s.end)}`, type];
    if (carried.ids) parts.push(`@${s.label.id?.name ?? ''}`);
    for (const a of s.label.attributes) {
      if (a.key === 'note' ? carried.notes : carried.attributes) parts.push(`${a.key}=${a.value}`);
    }
    return parts.join(' ');
  });
  return { text, spans };
}

function roundTrip(format: ExportFormat & ImportFormat, corpus: { config: CorpusConfig; documents: ExportDocument[] }, carried: Carried, exportOptions: ExportOptions = {}, importOptions: ImportOptions = {}): void {
  const exported = exportCorpus(format, corpus.documents, corpus.config, exportOptions);
  assert.deepEqual(exported.issues, []);
  // As the CLI reads an output folder: the format's files only (not label_config.xml, *.conf).
  const sources = asSources(exported.files).filter((f) => IMPORT_FORMATS[format].extensions.some((e) => f.name.endsWith(e)));
  const imported = importDocuments(format, sources, importOptions);
  assert.deepEqual(imported.issues, []);
  const files = renderImport(imported, { name: 'rt', format, sources: [] });
  const { config } = loadConfig(files.find((f) => f.relativePath === 'corpus.yaml')!.content);
  assert.equal(files.length, corpus.documents.length + 1);
  for (const original of corpus.documents) {
    // jsonl and label-studio keep the path; the others name documents by id.
    const file =
      files.find((f) => f.relativePath === original.path) ??
      files.find((f) => f.relativePath === `${String(original.parsed.frontMatter?.data?.['id'] ?? stemOf(original.path))}.txt`) ??
      files.find((f) => f.relativePath === `${stemOf(original.path)}.txt`);
    assert.ok(file, `${format}: no document for ${original.path} among ${files.map((f) => f.relativePath).join(', ')}`);
    const back = parse(file.content);
    assert.deepEqual(back.problems, [], `${format}: ${file.relativePath}`);
    assert.deepEqual(summary(back, config, carried), summary(original.parsed, corpus.config, carried), `${format}: ${original.path}`);
  }
}

const everything: Carried = { ids: true, attributes: true, notes: true };
const typesOnly: Carried = { ids: false, attributes: false, notes: false };

describe('round trips: import(export(corpus)) gives back text and spans', () => {
  const corpora: [string, () => { config: CorpusConfig; documents: ExportDocument[] }][] = [['the fixture corpus', () => readCorpus(EXPORT_CORPUS)]];
  if (haveSeeds()) corpora.push(['the seed corpus', () => readCorpus(SEEDS)]);

  for (const [name, read] of corpora) {
    describe(name, () => {
      const corpus = read();
      it('jsonl: everything, metadata and document labels too', () => {
        roundTrip('jsonl', corpus, everything);
        const exported = exportCorpus('jsonl', corpus.documents, corpus.config);
        const imported = importDocuments('jsonl', asSources(exported.files));
        for (const [i, doc] of imported.documents.entries()) {
          const fm = corpus.documents[i]!.parsed.frontMatter?.data ?? {};
          assert.deepEqual(doc.meta, Object.fromEntries(Object.entries(fm).filter(([k]) => k !== 'id' || fm['id'] !== stemOf(corpus.documents[i]!.path))));
        }
      });
      it('jsonl with UTF-16 offsets', () => roundTrip('jsonl', corpus, everything, { offsets: 'utf16' }, { offsets: 'utf16' }));
      it('brat: types, ids, attributes and notes (line ends as LF)', () => roundTrip('brat', corpus, { ...everything, lf: true }));
      it('label-studio: types, ids, attributes and notes', () => roundTrip('label-studio', corpus, everything));
      it('doccano: types', () => roundTrip('doccano', corpus, typesOnly));
      it('doccano with grapheme offsets', () => roundTrip('doccano', corpus, typesOnly, { offsets: 'graphemes' }, { offsets: 'graphemes' }));
      it('spacy: types', () => roundTrip('spacy', corpus, typesOnly));

      it('conll: up to tokenization, so export(import(export)) is the same file', () => {
        for (const options of [{}, { nested: 'columns', scheme: 'bioes' }] as ExportOptions[]) {
          const first = exportCorpus('conll', corpus.documents, corpus.config, options);
          const imported = importDocuments('conll', asSources(first.files));
          assert.deepEqual(imported.issues, []);
          const files = renderImport(imported, { name: 'rt', format: 'conll', sources: [] });
          const { config } = loadConfig(files.find((f) => f.relativePath === 'corpus.yaml')!.content);
          const documents = files.filter((f) => f.relativePath !== 'corpus.yaml').map((f) => ({ path: f.relativePath, parsed: parse(f.content) }));
          const second = exportCorpus('conll', documents, config, options);
          assert.deepEqual(second.issues, []);
          assert.equal(second.files[0]!.content, first.files[0]!.content, JSON.stringify(options));
        }
      });
    });
  }
});

import { strict as assert } from 'node:assert';
import { loadConfig } from '../../server/src/core/config';
import { CorpusIndex } from '../../server/src/core/corpusIndex';
import { type Diagnostic, diagnoseDocument } from '../../server/src/core/diagnostics';
import { applyEdits } from '../../server/src/core/edits';
import { parse } from '../../server/src/core/parser';

const CONFIG = `
types:
  PER: { name: شخص, color: "#d62728" }
  ORG: { name: منظمة, color: "#1f77b4" }
  GPE: { name: كيان, color: "#2ca02c" }
  LOC: { name: موقع }
document_labels: [security]
attributes:
  role: { values: [spokesperson, leader] }
entities:
  khafaji:
    type: PER
    name: تحسين الخفاجي
    aliases: [الخفاجي]
  isis:
    type: ORG
    name: داعش
  untyped:
    name: شيء
`;

/**
 * Diagnoses `docs.main` in a corpus of `docs` with `config`. `⟦` and `⟧` in the main document
 * mark where one diagnostic is expected; they are removed before parsing.
 */
function check(main: string, others: Record<string, string> = {}, config = CONFIG): { diagnostics: Diagnostic[]; expected?: { start: number; end: number }; text: string } {
  const open = main.indexOf('⟦');
  const close = main.indexOf('⟧');
  const text = main.replace('⟦', '').replace('⟧', '');
  const index = new CorpusIndex(loadConfig(config).config);
  for (const [id, other] of Object.entries(others)) index.update(id, parse(other));
  const parsed = parse(text);
  index.update('main', parsed);
  const result: ReturnType<typeof check> = { diagnostics: diagnoseDocument(parsed, { docId: 'main', index }), text };
  if (open >= 0) result.expected = { start: open, end: close - 1 };
  return result;
}

function codes(main: string, others?: Record<string, string>, config?: string): string[] {
  return check(main, others, config).diagnostics.map((d) => d.code);
}


interface Row {
  code: string;
  /** A document with the mistake; ⟦ ⟧ mark the diagnostic's range. */
  bad: string;
  /** The same thing done right: no diagnostic of this code. */
  good: string;
  others?: Record<string, string>;
  config?: string;
  severity: string;
  /** The text after applying the first fix, when the row has one. */
  fixed?: string;
}

const NO_NESTING = CONFIG + 'nesting: false\n';

const ROWS: Row[] = [
  { code: 'unclosed-span', bad: 'قال ⟦[⟧الخفاجي إن', good: 'قال [الخفاجي]{PER @khafaji} إن', severity: 'error', fixed: 'قال \\[الخفاجي إن' },
  { code: 'unmatched-bracket', bad: 'قال ⟦]⟧ إن', good: 'قال \\] إن', severity: 'error', fixed: 'قال \\] إن' },
  { code: 'missing-label', bad: 'قال ⟦[الخفاجي]⟧ إن', good: 'قال [الخفاجي]{PER @khafaji} إن', severity: 'error' },
  { code: 'empty-span', bad: 'قال ⟦[]{PER}⟧ إن', good: 'قال [الخفاجي]{PER @khafaji} إن', severity: 'error' },
  { code: 'empty-label', bad: 'قال [الخفاجي]⟦{}⟧ إن', good: 'قال [الخفاجي]{PER @khafaji} إن', severity: 'error' },
  { code: 'bad-label', bad: 'قال [الخفاجي]{PER ⟦ORG⟧} إن', good: 'قال [الخفاجي]{PER} إن', severity: 'error' },
  { code: 'unknown-type', bad: 'قال [الخفاجي]{⟦PRE⟧} إن', good: 'قال [الخفاجي]{PER} إن', severity: 'error', fixed: 'قال [الخفاجي]{PER} إن' },
  { code: 'unknown-entity', bad: 'قال [الخفاجي]{PER @⟦khafagi⟧} إن', good: 'قال [الخفاجي]{PER @khafaji} إن', severity: 'error' },
  { code: 'type-mismatch', bad: 'قال [الخفاجي]{⟦ORG⟧ @khafaji} إن', good: 'قال [الخفاجي]{@khafaji} إن', severity: 'warning', fixed: 'قال [الخفاجي]{PER @khafaji} إن' },
  { code: 'unknown-attribute', bad: 'قال [الخفاجي]{PER ⟦rank⟧=general} إن', good: 'قال [الخفاجي]{PER role=spokesperson note="any note"} إن', severity: 'warning' },
  { code: 'bad-attribute-value', bad: 'قال [الخفاجي]{PER role=⟦speaker⟧} إن', good: 'قال [الخفاجي]{PER role=spokesperson} إن', severity: 'warning' },
  { code: 'nesting-not-allowed', bad: '[⟦[جهاز مكافحة الإرهاب]{ORG}⟧ في السليمانية]{ORG}', good: '[جهاز مكافحة الإرهاب]{ORG} في [السليمانية]{GPE}', config: NO_NESTING, severity: 'error' },
  { code: 'span-whitespace', bad: 'قال ⟦[ الخفاجي،]{PER}⟧ إن', good: 'قال [الخفاجي]{PER}، إن', severity: 'warning', fixed: 'قال  [الخفاجي]{PER}، إن' },
  { code: 'partial-word', bad: 'قال ⟦[الخفا]{PER}⟧جي إن', good: 'قال و[الخفاجي]{PER} إن', severity: 'warning', fixed: 'قال [الخفاجي]{PER} إن' },
  { code: 'clitic-inside', bad: 'قال ⟦[والخفاجي]{PER}⟧ إن', good: 'قال و[الخفاجي]{PER} إن', severity: 'info', fixed: 'قال و[الخفاجي]{PER} إن' },
  {
    code: 'conflicting-type',
    bad: 'قال [داعش]⟦{GPE}⟧ إن',
    good: 'قال [داعش]{ORG} إن',
    others: { a: '[داعش]{ORG}', b: '[داعش]{ORG}' },
    severity: 'warning',
    fixed: 'قال [داعش]{ORG} إن',
  },
  { code: 'missed-mention', bad: 'هاجم ⟦داعش⟧ القرية', good: 'هاجم [داعش]{ORG @isis} القرية', severity: 'hint', fixed: 'هاجم [داعش]{ORG @isis} القرية' },
  { code: 'unknown-document-label', bad: '---\nlabels: [security, ⟦sports⟧]\n---\nنص', good: '---\nlabels: [security]\n---\nنص', severity: 'warning' },
  { code: 'bad-front-matter', bad: '---\nid: ⟦a⟧: b\n---\nنص', good: '---\nid: a\n---\nنص', severity: 'error' },
];

describe('diagnostics: every row of markup.md section 4', () => {
  for (const row of ROWS) {
    describe(row.code, () => {
      it(`reports it at its range as ${row.severity}`, () => {
        const { diagnostics, expected, text } = check(row.bad, row.others, row.config);
        const found = diagnostics.filter((d) => d.code === row.code);
        assert.equal(found.length, 1, `expected one ${row.code}, got ${JSON.stringify(diagnostics.map((d) => d.code))}`);
        assert.deepEqual(found[0]!.range, expected, `range: got '${text.slice(found[0]!.range.start, found[0]!.range.end)}'`);
        assert.equal(found[0]!.severity, row.severity);
        assert.ok(found[0]!.message.length > 10);
        if (row.fixed !== undefined) {
          const fix = found[0]!.fixes?.[0];
          assert.ok(fix, 'has a fix');
          const after = applyEdits(text, fix.edits);
          assert.equal(after, row.fixed);
          // A fix mends what it claims to: the code is gone afterwards.
          assert.ok(!codes(after, row.others, row.config).includes(row.code), `still ${row.code} after the fix`);
        }
      });
      it('does not report the correct form', () => {
        assert.deepEqual(codes(row.good, row.others, row.config).filter((c) => c === row.code), []);
      });
    });
  }
});

describe('diagnostics: details', () => {
  it('a span right after the proclitic و is not a partial word', () => {
    assert.deepEqual(codes('و[داعش]{ORG} وب[الخفاجي]{PER} ل[داعش]{ORG} بال[عراق]{GPE}'), []);
  });

  it('a span before an enclitic pronoun is not a partial word', () => {
    assert.deepEqual(codes('[داعش]{ORG}هم'), []);
  });

  it('a boundary after a word-final letter (ى, ة) is a word boundary, as in a missing space', () => {
    assert.deepEqual(codes('[ديالى]{GPE}المعروفة'), []);
  });

  it('offers the closest type names for an unknown type', () => {
    const d = check('[x]{OGR}').diagnostics.find((x) => x.code === 'unknown-type')!;
    assert.deepEqual(d.fixes!.map((f) => f.title), ['Change type to ORG']);
  });

  it('adds an unknown entity to the catalog in corpus.yaml', () => {
    const d = check('[القائد]{PER @new-one}').diagnostics.find((x) => x.code === 'unknown-entity')!;
    const edit = d.fixes![0]!.edits[0]!;
    assert.equal(edit.file, 'corpus');
    const after = CONFIG.slice(0, edit.range.start) + edit.newText + CONFIG.slice(edit.range.end);
    const { config, problems } = loadConfig(after);
    assert.deepEqual(problems, []);
    assert.deepEqual({ ...config.entities.get('new-one'), keyRange: undefined, range: undefined }, { id: 'new-one', type: 'PER', name: 'القائد', aliases: [], links: {}, file: 'corpus', keyRange: undefined, range: undefined, typeRange: config.entities.get('new-one')!.typeRange });
  });

  it('wants a type when the entity has none', () => {
    assert.deepEqual(codes('[شيء]{@untyped}'), ['bad-label']);
    assert.deepEqual(codes('[داعش]{@isis}'), []);
  });

  it('conflicting-type flags every span when the types are tied, with the others as related places', () => {
    const { diagnostics } = check('[داعش]{GPE}', { a: '[داعش]{ORG}' });
    const d = diagnostics.find((x) => x.code === 'conflicting-type')!;
    assert.equal(d.related!.length, 1);
    assert.equal(d.related![0]!.docId, 'a');
  });

  it('conflicting-type compares normalized surfaces (hamza, diacritics, tatweel)', () => {
    assert.ok(codes('[الأمم المتحدة]{GPE}', { a: '[الامم المتحدة]{ORG}', b: '[الأُمَم المتـحدة]{ORG}' }).includes('conflicting-type'));
  });

  it('missed-mention finds occurrences behind a proclitic and across spellings, not inside spans', () => {
    const { diagnostics, text } = check('قال الخفاجى وداعش [تحسين الخفاجي]{PER @khafaji} ثم داعشي');
    const found = diagnostics.filter((d) => d.code === 'missed-mention').map((d) => text.slice(d.range.start, d.range.end));
    assert.deepEqual(found, ['الخفاجى', 'داعش']);
  });

  it('missed-mention annotates all occurrences in one fix', () => {
    const { diagnostics, text } = check('داعش و داعش');
    const fix = diagnostics[0]!.fixes!.find((f) => f.title.startsWith('Annotate all'))!;
    assert.equal(applyEdits(text, fix.edits), '[داعش]{ORG @isis} و [داعش]{ORG @isis}');
  });

  it('rules: set severities and turn codes off', () => {
    const config = CONFIG + 'rules:\n  missed-mention: warning\n  span-whitespace: off\n';
    const diagnostics = check('داعش [ الخفاجي]{PER}', {}, config).diagnostics;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['missed-mention', 'warning']]);
    // A severity set by a rule keeps the fixes (a missed mention makes them when asked).
    assert.deepEqual(diagnostics[0]!.fixes!.map((f) => f.title), ["Annotate 'داعش' as {ORG @isis}"]);
  });

  it('outside a corpus only syntax is checked', () => {
    const parsed = parse('[x]{NOPE @nobody} ]');
    assert.deepEqual(diagnoseDocument(parsed, { docId: 'x' }).map((d) => d.code), ['unmatched-bracket']);
  });
});

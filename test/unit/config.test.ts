import { strict as assert } from 'node:assert';
import { type EntitiesFileRead, loadConfig } from '../../server/src/core/config';
import { LineIndex } from '../../server/src/core/text';

/** Problems as `line:col code` (1-based), with the text they point at. */
function problemsOf(text: string, entities?: Record<string, string>): string[] {
  const read = (path: string): EntitiesFileRead => (entities && path in entities ? { text: entities[path]! } : { missing: true });
  const { problems } = loadConfig(text, read);
  return problems.map((p) => {
    const source = p.file === 'entities' ? Object.values(entities ?? {})[0]! : text;
    const at = new LineIndex(source).position(p.range.start);
    return `${p.file}:${at.line + 1}:${at.character + 1} ${p.severity} ${p.code} '${source.slice(p.range.start, p.range.end)}'`;
  });
}

describe('corpus.yaml', () => {
  it('reads the example of markup.md section 3', () => {
    const { config, problems } = loadConfig(`
name: Iraq security news
language: ar
direction: rtl
documents: ["seeds/*.txt"]
exclude: []
types:
  PER: { name: شخص, description: A named person, color: "#d62728" }
  ORG: { name: منظمة, description: Organisation, color: "#1f77b4" }
document_labels: [security, politics]
attributes:
  role: { values: [spokesperson, leader] }
entities:
  khafaji:
    type: PER
    name: تحسين الخفاجي
    aliases: [الخفاجي, اللواء تحسين الخفاجي]
    description: Spokesman
    links: { wikidata: Q123 }
nesting: true
clitics:
  policy: outside
  proclitics: [و, ف]
rules:
  missed-mention: hint
`);
    assert.deepEqual(problems, []);
    assert.equal(config.name, 'Iraq security news');
    assert.deepEqual([...config.types.keys()], ['PER', 'ORG']);
    assert.equal(config.types.get('ORG')!.index, 1);
    assert.equal(config.types.get('PER')!.name, 'شخص');
    assert.deepEqual(config.documents, ['seeds/*.txt']);
    assert.deepEqual(config.attributes.get('role')!.values, ['spokesperson', 'leader']);
    const khafaji = config.entities.get('khafaji')!;
    assert.deepEqual([khafaji.type, khafaji.name, khafaji.aliases, khafaji.links], ['PER', 'تحسين الخفاجي', ['الخفاجي', 'اللواء تحسين الخفاجي'], { wikidata: 'Q123' }]);
    assert.deepEqual(config.clitics.proclitics, ['و', 'ف']);
    assert.equal(config.rules.get('missed-mention'), 'hint');
  });

  it('fills the defaults: all .txt documents, nesting on, Arabic clitics', () => {
    const { config } = loadConfig('name: x\n');
    assert.deepEqual(config.documents, ['**/*.txt']);
    assert.equal(config.nesting, true);
    assert.equal(config.clitics.policy, 'outside');
    assert.ok(config.clitics.proclitics.includes('وال'));
    assert.ok(config.clitics.enclitics.includes('هم'));
  });

  const cases: [string, string, string[]][] = [
    ['YAML syntax', 'name: [x\ntypes: {}\n', ["corpus:2:1 error yaml-syntax 't'"]],
    ['unknown key', 'name: x\ntpyes:\n  PER: {}\n', ["corpus:2:1 warning unknown-key 'tpyes'"]],
    ['bad colour', 'types:\n  PER: { color: red }\n', ["corpus:2:17 error bad-color 'red'"]],
    ['unknown type field', 'types:\n  PER: { colour: "#fff" }\n', ["corpus:2:10 warning unknown-key 'colour'"]],
    ['catalog entry of an unknown type', 'types:\n  PER: {}\nentities:\n  a: { type: ORGG }\n', ["corpus:4:14 error unknown-type 'ORGG'"]],
    ['duplicate id', 'entities:\n  a: { name: x }\n  a: { name: y }\n', ["corpus:3:3 error duplicate-id 'a'"]],
    ['bad direction', 'direction: up\n', ["corpus:1:12 error bad-value 'up'"]],
    ['bad rule severity', 'rules:\n  missed-mention: loud\n', ["corpus:2:19 error bad-value 'loud'"]],
    ['missing entities file', 'entities: people.yaml\n', ["corpus:1:11 error missing-entities-file 'people.yaml'"]],
    ['entities path escaping the corpus', 'entities: ../../etc/passwd\n', ["corpus:1:11 error entities-outside-corpus '../../etc/passwd'"]],
    ['absolute entities path', 'entities: /etc/passwd\n', ["corpus:1:11 error entities-outside-corpus '/etc/passwd'"]],
    ['not a mapping', '- a\n- b\n', ["corpus:1:1 error bad-value '- a\n- b\n'"]],
    ['rules can turn a corpus.yaml check off', 'tpyes: 1\nrules:\n  unknown-key: off\n', []],
  ];
  for (const [name, text, expected] of cases) {
    it(`reports ${name} at the exact key`, () => assert.deepEqual(problemsOf(text), expected));
  }

  it('reads the catalog from a separate file, with positions in that file', () => {
    const entities = 'entities:\n  isis: { type: ORG, name: داعش }\n  isis: { type: ORG }\n  x: { type: NOPE }\n';
    assert.deepEqual(problemsOf('types:\n  ORG: {}\nentities: cat/entities.yaml\n', { 'cat/entities.yaml': entities }), [
      "entities:3:3 error duplicate-id 'isis'",
      "entities:4:14 error unknown-type 'NOPE'",
    ]);
    const { config } = loadConfig('entities: ./cat/entities.yaml\n', () => ({ text: entities }));
    assert.equal(config.entitiesPath, 'cat/entities.yaml');
    assert.equal(config.entities.get('isis')!.file, 'entities');
  });

  it('accepts a plain list of types', () => {
    const { config, problems } = loadConfig('types: [PER, ORG]\n');
    assert.deepEqual(problems, []);
    assert.deepEqual([...config.types.keys()], ['PER', 'ORG']);
  });

  it('refuses an alias bomb quickly, with an error', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill('*' + 'abcdefghij'[i - 1]).join(', ')}]`);
    bomb.push('document_labels: *i');
    const started = Date.now();
    const { problems } = loadConfig(bomb.join('\n') + '\n');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(problems.map((p) => p.code), ['yaml-syntax']);
    assert.match(problems[0]!.message, /refused: .*alias/i);
  });

  it('refuses a corpus.yaml over the size limit', () => {
    const { problems } = loadConfig('#'.repeat(9 * 1024 * 1024));
    assert.deepEqual(problems.map((p) => p.code), ['config-too-large']);
  });

  describe('where a new catalog entry goes', () => {
    const insert = (text: string): string => {
      const at = loadConfig(text).config.catalogInsertion!;
      return text.slice(0, at.offset) + at.prefix + `${at.indent}new: { name: n }\n` + text.slice(at.offset);
    };
    const cases: [string, string][] = [
      ['after the last entry', 'entities:\n  a:\n    name: x\nrules: {}\n'],
      ['under an empty entities key', 'entities:\nrules: {}\n'],
      ['in a new catalog at the end', 'name: x'],
      ['at a deeper indentation', 'entities:\n    a: { name: x }\n'],
    ];
    for (const [name, text] of cases) {
      it(name, () => {
        const after = insert(text);
        const { config, problems } = loadConfig(after);
        assert.deepEqual(problems, [], after);
        assert.ok(config.entities.has('new'), after);
      });
    }
    it('nowhere in a flow-style catalog', () => assert.equal(loadConfig('entities: { a: { name: x } }\n').config.catalogInsertion, undefined));
  });
});

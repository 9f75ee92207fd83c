import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, FIXTURES, REPO_ROOT, SEEDS } from '../support/paths';

const CORPUS = path.join(FIXTURES, 'export', 'corpus');
const DATA = path.join(FIXTURES, 'data');

function cli(args: string[], cwd = REPO_ROOT): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** Every file under a folder, relative, sorted. */
function tree(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return (fs.readdirSync(folder, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(folder, f)).isFile()).sort();
}

describe('cli: export and import', function () {
  this.timeout(60000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-export-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const outputs: Record<string, string[]> = {
    jsonl: ['corpus.jsonl'],
    doccano: ['corpus.jsonl'],
    spacy: ['corpus.jsonl'],
    brat: ['annotation.conf', 'crlf.ann', 'crlf.txt', 'emoji.ann', 'emoji.txt', 'no-spans.ann', 'no-spans.txt', 'visual.conf'],
    conll: ['corpus.conll'],
    'label-studio': ['label_config.xml', 'tasks.json'],
  };
  for (const [format, files] of Object.entries(outputs)) {
    it(`exports the fixture corpus as ${format}, then the same bytes again`, () => {
      const out = path.join(tmp, 'out');
      const first = cli(['export', '--format', format, '--out', out, CORPUS]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`^exported 3 documents, 16 spans.* as ${format}`));
      assert.deepEqual(tree(out), files);
      const again = cli(['export', '--format', format, '--out', path.join(tmp, 'again'), CORPUS]);
      assert.equal(again.code, 0, again.stderr);
      for (const file of files) assert.ok(fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(tmp, 'again', file))), file);
    });
  }

  it('exports the seed corpus in every format', function () {
    if (!fs.existsSync(path.join(SEEDS, 'corpus.yaml'))) this.skip();
    for (const format of Object.keys(outputs)) {
      const run = cli(['export', '--format', format, '--out', path.join(tmp, format), 'seeds']);
      assert.equal(run.code, 0, `${format}: ${run.stderr}`);
    }
  });

  it("a corpus too big to write at the end is written on the export's own thread, the same bytes", () => {
    // 300 documents, some 1,300,000 characters of brat: the files go to the writing thread the
    // bundle starts (dist/fileWriterWorker.js) as they are rendered.
    const corpus = path.join(tmp, 'big');
    fs.mkdirSync(path.join(corpus, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(corpus, 'corpus.yaml'), 'types: [PER, ORG]\n');
    const line = (i: number): string => `قال المتحدث ${i} باسم [قيادة العمليات المشتركة]{ORG} اللواء [تحسين الخفاجي]{PER} 😀 إن القوات تقدمت.\n`;
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(corpus, 'docs', `${String(i).padStart(3, '0')}.txt`), Array.from({ length: 30 }, (_, k) => line(i * 30 + k)).join(''));
    const run = cli(['export', '--format', 'brat', '--out', path.join(tmp, 'out'), corpus]);
    assert.equal(run.code, 0, run.stderr);
    const files = tree(path.join(tmp, 'out'));
    assert.equal(files.length, 602);
    // Each document exported alone (written at the end, on the main thread) gives the same bytes.
    for (const name of ['000', '137', '299']) {
      const alone = path.join(tmp, `alone-${name}`);
      fs.mkdirSync(path.join(alone, 'docs'), { recursive: true });
      fs.copyFileSync(path.join(corpus, 'corpus.yaml'), path.join(alone, 'corpus.yaml'));
      fs.copyFileSync(path.join(corpus, 'docs', `${name}.txt`), path.join(alone, 'docs', `${name}.txt`));
      assert.equal(cli(['export', '--format', 'brat', '--out', path.join(tmp, `out-${name}`), alone]).code, 0);
      for (const ext of ['txt', 'ann']) {
        const file = path.join('docs', `${name}.${ext}`);
        assert.ok(fs.readFileSync(path.join(tmp, 'out', file)).equals(fs.readFileSync(path.join(tmp, `out-${name}`, file))), file);
      }
    }
  });

  it('refuses a non-empty output folder without --force and leaves it alone', () => {
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const refused = cli(['export', '--format', 'conll', '--out', out, CORPUS]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /is not empty .*--force/);
    assert.deepEqual(tree(out), ['keep.txt']);
    const forced = cli(['export', '--format', 'conll', '--out', out, '--force', CORPUS]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(tree(out), ['corpus.conll', 'keep.txt']);
    assert.equal(fs.readFileSync(path.join(out, 'keep.txt'), 'utf8'), 'mine');
  });

  it('writes nothing when a document cannot be exported, and says where', () => {
    const corpus = path.join(tmp, 'corpus');
    fs.cpSync(CORPUS, corpus, { recursive: true });
    fs.writeFileSync(path.join(corpus, 'zz-bad.txt'), 'سطر\nقال [داعش]{@nobody}\n');
    const out = path.join(tmp, 'out');
    const run = cli(['export', '--format', 'brat', '--out', out, corpus]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /zz-bad\.txt:2:5: error: the span has no type and the catalog gives none for '@nobody'/);
    assert.match(run.stderr, /nothing was written/);
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['corpus'], 'no staging folder left behind');
  });

  it('rejects options the format does not have', () => {
    const out = path.join(tmp, 'out');
    assert.match(cli(['export', '--format', 'brat', '--offsets', 'utf16', '--out', out, CORPUS]).stderr, /brat offsets are in codepoints, not utf16/);
    assert.match(cli(['export', '--format', 'jsonl', '--scheme', 'bioes', '--out', out, CORPUS]).stderr, /options of conll/);
    assert.match(cli(['export', '--format', 'xml', '--out', out, CORPUS]).stderr, /unknown format 'xml'/);
    assert.equal(cli(['export', '--format', 'jsonl', CORPUS]).code, 2);
    assert.equal(fs.existsSync(out), false);
  });

  it('says the offset unit of every format in its help', () => {
    const help = cli(['export', '--help']).stdout;
    for (const unit of ['UTF-16 code units', 'Code points', 'graphemes']) assert.ok(help.includes(unit), unit);
  });

  it('imports an export back, and check finds nothing wrong', () => {
    for (const format of ['jsonl', 'brat', 'label-studio', 'doccano', 'spacy', 'conll']) {
      const exported = path.join(tmp, `${format}-out`);
      assert.equal(cli(['export', '--format', format, '--out', exported, CORPUS]).code, 0);
      const imported = path.join(tmp, `${format}-in`);
      const run = cli(['import', '--format', format, '--out', imported, exported]);
      assert.equal(run.code, 0, `${format}: ${run.stderr}`);
      assert.ok(tree(imported).includes('corpus.yaml'));
      const check = cli(['check', imported]);
      assert.equal(check.code, 0, `${format}: ${check.stdout}`);
      assert.match(check.stdout, /no problems|0 errors/);
    }
  });

  it('imports the real-data cuts and the result checks without errors', () => {
    const out = path.join(tmp, 'in');
    const run = cli(['import', '--format', 'conll', '--out', out, path.join(DATA, 'newsfane-gold-2014-cut.conll'), path.join(DATA, 'wojood-sample-cut.conll')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /newsfane-gold-2014-cut\.conll:83: warning: I-Non-Governmental starts an entity/);
    assert.deepEqual(tree(out), ['corpus.yaml', 'newsfane-gold-2014-cut.txt', 'wojood-sample-cut.txt']);
    const check = cli(['check', '--format', 'json', out]);
    assert.equal(JSON.parse(check.stdout).summary.errors, 0);
  });

  it('writes nothing for malformed input and names file:line', () => {
    const src = path.join(tmp, 'bad.conll');
    fs.writeFileSync(src, 'أ O\nب\n');
    const out = path.join(tmp, 'in');
    const run = cli(['import', '--format', 'conll', '--out', out, src], tmp);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^bad\.conll:2: error: expected TOKEN TAG/m);
    assert.equal(fs.existsSync(out), false);
  });

  it('never overwrites an existing file without --force', () => {
    const src = path.join(tmp, 'a.conll');
    fs.writeFileSync(src, 'أ B-PER\n');
    const out = path.join(tmp, 'in');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'a.txt'), 'mine');
    const refused = cli(['import', '--format', 'conll', '--out', out, src]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /would overwrite a\.txt .*--force/);
    assert.deepEqual(tree(out), ['a.txt']);
    assert.equal(fs.readFileSync(path.join(out, 'a.txt'), 'utf8'), 'mine');
    assert.equal(cli(['import', '--format', 'conll', '--out', out, '--force', src]).code, 0);
    assert.equal(fs.readFileSync(path.join(out, 'a.txt'), 'utf8'), '[أ]{PER}');
  });
});

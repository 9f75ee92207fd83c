import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../server/src/core/config';
import { parse } from '../../server/src/core/parser';
import { SANDBOX, normalCorpus, tmpFolder } from '../support/hostile';
import { CLI, REPO_ROOT, SEEDS } from '../support/paths';

// Nothing in a corpus is ever executed, and the tools never reach the network: file names and
// contents full of shell syntax stay text, YAML tags are reported and never interpreted, and a
// full check, export and import run with every network and process function trapped.

/** Every file below `folder`, relative. */
function tree(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true }) as string[]).sort();
}

function cli(cwd: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('security: nothing runs, nothing reaches out', function () {
  this.timeout(60000);
  let root: string;
  beforeEach(() => {
    root = tmpFolder('security');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('check, export in every format and import run with no network, DNS or child process (all trapped)', () => {
    const log = path.join(root, 'sandbox.log');
    const corpus = normalCorpus(path.join(root, 'corpus'));
    const sandboxed = (cwd: string, args: string[]): { code: number | null; stderr: string } => cli(cwd, args, { SANDBOX_LOG: log }, ['-r', SANDBOX]);
    const runs: [string[], number][] = [[['check', SEEDS], 0], [['check', corpus], 0]];
    for (const format of ['jsonl', 'doccano', 'spacy', 'brat', 'conll', 'label-studio']) runs.push([['export', '--format', format, '--out', path.join(root, format), corpus], 0]);
    runs.push([['import', '--format', 'brat', '--out', path.join(root, 'back'), path.join(root, 'brat')], 0]);
    runs.push([['check', path.join(root, 'back')], 0]);
    for (const [args, code] of runs) {
      const run = sandboxed(root, args);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    }
    // The sandbox logs an attempt before throwing; each run logs its exit.
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), runs.map(([, code]) => `exit ${code}`));
  });

  it('the sandbox does catch an attempt (so the test above can fail)', () => {
    const log = path.join(root, 'sandbox.log');
    const run = spawnSync(process.execPath, ['-r', SANDBOX, '-e', "require('node:https').get('https://example.org')"], { env: { ...process.env, SANDBOX_LOG: log }, encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(fs.readFileSync(log, 'utf8'), /^attempt https\.get at /);
  });

  it('the code that reads corpora imports no network, process or code-loading module, and evaluates nothing', () => {
    const forbidden = /\bfrom ['"](?:node:)?(?:child_process|net|http|https|http2|dns|tls|dgram|cluster|worker_threads|vm|inspector)['"]|\brequire\(|\beval\(|\bnew Function\b|\bimport\(/;
    const files = (fs.readdirSync(path.join(REPO_ROOT, 'server', 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 30);
    // One thread, and one only: the export's file writer, started from its own script beside the
    // module that starts it (a constant path), with no code given as text.
    const writerStarter = path.join('node', 'writeAtomic.ts');
    const writer = path.join('node', 'fileWriterWorker.ts');
    for (const file of files) {
      let text = fs.readFileSync(path.join(REPO_ROOT, 'server', 'src', file), 'utf8');
      // `require.main === module` (the CLI's entry test) is not a require call.
      text = text.replace(/require\.main === module/g, '');
      if (file === writerStarter) {
        assert.deepEqual(text.match(/new Worker\([^)]*\)/g), ['new Worker(WRITER_SCRIPT)']);
        assert.match(text, /const WRITER_SCRIPT = path\.join\(__dirname, 'fileWriterWorker\.js'\);/);
        text = text.replace("import { Worker } from 'node:worker_threads';", '');
      }
      if (file === writer) text = text.replace("import { parentPort } from 'node:worker_threads';", '');
      assert.doesNotMatch(text, forbidden, `server/src/${file}`);
    }
  });

  it('file names and contents full of shell syntax are plain text to check, export and import', () => {
    const corpus = normalCorpus(path.join(root, 'corpus'));
    const names = ['$(touch PWNED1).txt', '`touch PWNED2`.txt', 'a;touch PWNED3;.txt', 'b|touch PWNED4.txt', 'c && touch PWNED5.txt', '>PWNED6.txt', "'q' \"d\".txt", '-rf --help.txt', '%s%n%x.txt'];
    for (const name of names) fs.writeFileSync(path.join(corpus, name), `قال [$(touch PWNED7)]{ORG} و[\`id\`]{PER} ; rm -rf / | sh && [x]{ORG}\n`);
    const check = cli(corpus, ['check', '--format', 'json']);
    assert.equal(check.code, 0, check.stderr);
    const checked = JSON.parse(check.stdout) as { summary: { files: number } };
    assert.equal(checked.summary.files, 3 + names.length);
    for (const format of ['brat', 'jsonl', 'conll']) assert.equal(cli(root, ['export', '--format', format, '--out', path.join(root, format), corpus]).code, 0);
    for (const name of names) assert.ok(fs.existsSync(path.join(root, 'brat', name.replace(/\.txt$/, '.ann'))), `brat kept the name ${name}`);
    assert.equal(cli(root, ['import', '--format', 'brat', '--out', path.join(root, 'back'), path.join(root, 'brat')]).code, 0);
    assert.equal(cli(root, ['import', '--format', 'jsonl', '--out', path.join(root, 'back-jsonl'), path.join(root, 'jsonl')]).code, 0);
    // Imported names are made safe (letters, digits, _ . -); the content comes back as written.
    const back = tree(path.join(root, 'back-jsonl')).filter((f) => f.endsWith('.txt'));
    assert.ok(back.includes('_touch_PWNED1_.txt') && back.every((f) => /^[\p{L}\p{N}_.\-]+$/u.test(f)), back.join(', '));
    assert.ok(fs.readFileSync(path.join(root, 'back-jsonl', '_touch_PWNED1_.txt'), 'utf8').includes('[$(touch PWNED7)]{ORG}'));
    // A shell would have made files named PWNED1..PWNED7: there are none, here or in the current folder.
    const everything = [...tree(root), ...fs.readdirSync(process.cwd()), ...fs.readdirSync(REPO_ROOT)];
    assert.deepEqual(everything.filter((f) => /^PWNED\d$/.test(path.basename(f))), [], 'no command ran');
  });

  it('YAML tags in corpus.yaml and front matter are reported, never interpreted or run', () => {
    const tags = [
      'name: !!js/function "function () { require(\'fs\').writeFileSync(\'PWNED\', \'\') }"',
      'name: !custom x',
      'types: !!js/regexp /x/',
      'types: !!set { PER: null }',
      'name: !!binary aGVsbG8=',
      'name: !!timestamp 2001-12-14',
      'name: !!python/object/apply:os.system ["touch PWNED"]',
    ];
    for (const line of tags) {
      const { config, problems } = loadConfig(`${line}\n`);
      assert.deepEqual(problems.map((p) => p.code), ['yaml-syntax'], line);
      assert.match(problems[0]!.message, /^Unresolved tag: /, line);
      assert.equal(config.name, undefined, `${line}: nothing read from the file`);
      const doc = parse(`---\n${line.replace(/^(name|types):/, 'source:')}\n---\n[x]{PER}`);
      assert.deepEqual(doc.problems.map((p) => p.code), ['bad-front-matter'], `front matter: ${line}`);
      assert.equal(doc.frontMatter?.data, undefined);
      assert.equal(doc.plainText, 'x');
    }
    // On the command line: a corpus.yaml with a tag is refused in one line, and nothing ran.
    fs.writeFileSync(path.join(root, 'corpus.yaml'), `${tags[0]}\ntypes: [PER]\n`);
    fs.writeFileSync(path.join(root, 'a.txt'), `---\n${tags[6]!.replace('name:', 'source:')}\n---\n[x]{PER}\n`);
    const run = cli(root, ['check']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'corpus-annotator: corpus.yaml:1:7: Unresolved tag: tag:yaml.org,2002:js/function\n');
    assert.deepEqual(tree(root), ['a.txt', 'corpus.yaml']);
  });
});

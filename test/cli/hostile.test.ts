import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aliasBomb, bigCatalog, bigDocument, corpusWithLinkLoops, figure, hundredThousandFiles, nestedSpans, normalCorpus, tmpFolder, unclosedLine } from '../support/hostile';
import { CLI } from '../support/paths';

// Hostile inputs on the command line: each ends in diagnostics or a one-line error naming the
// file, never a stack trace or a hang. Big inputs are built here, in os.tmpdir(). Figures are
// printed with CA_FIGURES=1; no test holds a time budget, only generous timeouts.

const HAS_TIME = fs.existsSync('/usr/bin/time');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak memory of the child (Linux), in MB. */
  peakMb?: number;
}

/** Runs the CLI in `cwd`; with `stdoutFile`, its output goes there instead of into memory. */
function cli(cwd: string, args: string[], { stdoutFile, nodeArgs = [] }: { stdoutFile?: string; nodeArgs?: string[] } = {}): Run {
  const t0 = performance.now();
  const out = stdoutFile !== undefined ? fs.openSync(stdoutFile, 'w') : 'pipe';
  // GNU time, where there is one, measures the child's memory (for the figures only).
  const command = [process.execPath, ...nodeArgs, CLI, ...args];
  const run = HAS_TIME
    ? spawnSync('/usr/bin/time', ['-f', '%M', ...command], { cwd, encoding: 'utf8', stdio: ['ignore', out, 'pipe'], maxBuffer: 64 << 20 })
    : spawnSync(command[0]!, command.slice(1), { cwd, encoding: 'utf8', stdio: ['ignore', out, 'pipe'], maxBuffer: 64 << 20 });
  if (typeof out === 'number') fs.closeSync(out);
  // GNU time writes the peak resident set (kB) as the last line of stderr.
  const lines = (run.stderr ?? '').trimEnd().split('\n').filter((l) => !l.startsWith('Command exited with non-zero status'));
  const peak = HAS_TIME && /^\d+$/.test(lines[lines.length - 1] ?? '') ? Math.round(Number(lines.pop()) / 1024) : undefined;
  return { code: run.status, stdout: run.stdout ?? '', stderr: lines.join('\n') + (lines.length > 0 && lines[0] !== '' ? '\n' : ''), ms: performance.now() - t0, ...(peak !== undefined ? { peakMb: peak } : {}) };
}


/** One line of stderr per failure, each naming a file, no stack trace. */
function assertOneLineErrors(stderr: string, count: number): string[] {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, count, stderr);
  for (const line of lines) assert.match(line, /^corpus-annotator( \w+)?: \S/, line);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines;
}

describe('hostile inputs: the command line', function () {
  this.timeout(120000);
  const folders: string[] = [];
  const folder = (name: string): string => {
    const dir = tmpFolder(name);
    folders.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a 50 MB document is checked; one over 64 MB is refused in one line', () => {
    const root = normalCorpus(folder('50mb'));
    fs.writeFileSync(path.join(root, 'big.txt'), bigDocument(50 * 1024 * 1024));
    const check = cli(root, ['check', '--max-warnings', '0'], { stdoutFile: path.join(root, '..', `${path.basename(root)}.out`) });
    figure('50 MB document: check', `${Math.round(check.ms)} ms, ${check.peakMb} MB`);
    assert.equal(check.code, 0, check.stderr);
    const summary = fs.readFileSync(path.join(root, '..', `${path.basename(root)}.out`), 'utf8').trimEnd().split('\n').pop();
    fs.rmSync(path.join(root, '..', `${path.basename(root)}.out`));
    assert.match(summary ?? '', /^4 files checked: 0 errors, 0 warnings, 0 infos, \d{6} hints$/);

    fs.rmSync(path.join(root, 'big.txt'));
    fs.writeFileSync(path.join(root, 'huge.txt'), Buffer.alloc(65 * 1024 * 1024, 'x'));
    const refused = cli(root, ['check']);
    assert.equal(refused.code, 2);
    assert.deepEqual(assertOneLineErrors(refused.stderr, 1), ['corpus-annotator: huge.txt: too large to read (65.0 MB; the limit is 64 MB)']);
  });

  it('100,000 properly nested spans: checked and exported, no stack overflow', () => {
    const root = normalCorpus(folder('nested'));
    fs.writeFileSync(path.join(root, 'deep.txt'), nestedSpans(100_000));
    const check = cli(root, ['check', 'deep.txt']);
    figure('100,000 nested spans: check', `${Math.round(check.ms)} ms, ${check.peakMb} MB`);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, '1 file checked: no problems\n');
    const out = path.join(root, '..', `${path.basename(root)}-out`);
    for (const format of ['jsonl', 'brat', 'conll']) {
      const exported = cli(root, ['export', '--format', format, '--out', path.join(out, format)]);
      assert.equal(exported.code, 0, `${format}: ${exported.stderr}`);
    }
    const line = fs.readFileSync(path.join(out, 'jsonl', 'corpus.jsonl'), 'utf8').split('\n').find((l) => l.includes('"deep'))!;
    assert.equal((JSON.parse(line) as { spans: unknown[] }).spans.length, 100_000);
    assert.equal(fs.readFileSync(path.join(out, 'brat', 'deep.ann'), 'utf8').split('\n').filter((l) => l.startsWith('T')).length, 100_000);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('a 1 MB line of unclosed brackets: every one reported, in one pass', () => {
    const root = normalCorpus(folder('unclosed'));
    fs.writeFileSync(path.join(root, 'brackets.txt'), unclosedLine(1024 * 1024));
    const outFile = path.join(root, '..', `${path.basename(root)}.out`);
    const check = cli(root, ['check', 'brackets.txt'], { stdoutFile: outFile });
    figure('1 MB of unclosed brackets: check (1,048,576 lines printed)', `${Math.round(check.ms)} ms, ${check.peakMb} MB`);
    assert.equal(check.code, 1, check.stderr);
    const output = fs.readFileSync(outFile, 'utf8');
    fs.rmSync(outFile);
    assert.ok(output.startsWith('brackets.txt:1:1  error  \'[\' is not closed by \']{...}\' on its line  unclosed-span\n'));
    assert.ok(output.endsWith('1 file checked: 1048576 errors, 0 warnings, 0 infos, 0 hints\n'));
  });

  it('invalid UTF-8, binary and empty files: one line each naming the file and where, the rest checked', () => {
    const root = normalCorpus(folder('bytes'));
    fs.writeFileSync(path.join(root, 'latin1.txt'), Buffer.from([0x71, 0x61, 0x6c, 0x0a, 0x41, 0xe9, 0x74, 0xe9]));
    fs.writeFileSync(path.join(root, 'binary.txt'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    fs.writeFileSync(path.join(root, 'empty.txt'), '');
    const check = cli(root, ['check']);
    assert.equal(check.code, 2);
    assert.deepEqual(assertOneLineErrors(check.stderr, 2).sort(), [
      'corpus-annotator: binary.txt:1:5: not a UTF-8 text file: a NUL byte (binary file?)',
      'corpus-annotator: latin1.txt:2:2: not a UTF-8 text file: bytes that are not valid UTF-8',
    ]);
    assert.equal(check.stdout, '4 files checked: no problems\n', 'corpus.yaml, a.txt, b.txt and the empty file');
    const exported = cli(root, ['export', '--format', 'jsonl', '--out', path.join(root, '..', `${path.basename(root)}-out`)]);
    assert.equal(exported.code, 2);
    assertOneLineErrors(exported.stderr, 1);
    assert.ok(!fs.existsSync(path.join(root, '..', `${path.basename(root)}-out`)), 'nothing written');
  });

  it('symbolic link loops under a corpus: each document checked once', () => {
    const root = corpusWithLinkLoops(folder('loops'));
    const check = cli(root, ['check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, '4 files checked: no problems\n');
  });

  it('files deleted or renamed between listing and reading: skipped by check and export', () => {
    const root = normalCorpus(folder('vanish'));
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, `n${i}.txt`), `هاجم [داعش]{ORG @isis} ${i}\n`);
    // A preload that makes every fifth document vanish (deleted, or renamed away) right before
    // it is opened, which is where reading starts (listing opens nothing).
    const vanish = path.join(root, '..', `${path.basename(root)}-vanish.cjs`);
    fs.writeFileSync(
      vanish,
      `const fs = require('node:fs'); const path = require('node:path'); const open = fs.openSync;
fs.openSync = function (file, ...rest) {
  const m = /[\\\\/]n(\\d+)\\.txt$/.exec(String(file));
  if (m && Number(m[1]) % 5 === 0 && fs.existsSync(file)) {
    if (Number(m[1]) % 10 === 0) fs.renameSync(file, path.join(path.dirname(file), 'moved-' + m[1]));
    else fs.unlinkSync(file);
  }
  return open.call(this, file, ...rest);
};`,
    );
    const check = cli(root, ['check'], { nodeArgs: ['-r', vanish] });
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, '43 files checked: no problems\n', 'corpus.yaml, a.txt, b.txt and 40 of the 50');
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, `n${i}.txt`), `هاجم [داعش]{ORG @isis} ${i}\n`);
    const out = path.join(root, '..', `${path.basename(root)}-out`);
    const exported = cli(root, ['export', '--format', 'jsonl', '--out', out], { nodeArgs: ['-r', vanish] });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^exported 42 documents/);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(vanish);
  });

  it('corpus.yaml: an alias bomb and a 10 MB file end in one line naming the file', () => {
    const root = folder('yaml');
    const bomb = path.join(root, 'bomb');
    fs.mkdirSync(bomb);
    fs.writeFileSync(path.join(bomb, 'corpus.yaml'), aliasBomb());
    fs.writeFileSync(path.join(bomb, 'doc.txt'), '[x]{PER}\n');
    const refused = cli(bomb, ['check']);
    figure('alias bomb: check', `${Math.round(refused.ms)} ms, ${refused.peakMb} MB`);
    assert.equal(refused.code, 2);
    assert.deepEqual(assertOneLineErrors(refused.stderr, 1), ['corpus-annotator: corpus.yaml:1:1: refused: Excessive alias count indicates a resource exhaustion attack']);
    const exported = cli(bomb, ['export', '--format', 'jsonl', '--out', path.join(root, 'out')]);
    assert.equal(exported.code, 2);
    assertOneLineErrors(exported.stderr, 1);

    const huge = path.join(root, 'huge');
    fs.mkdirSync(huge);
    fs.writeFileSync(path.join(huge, 'corpus.yaml'), `types: [PER]\n# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const tooLarge = cli(huge, ['check']);
    assert.equal(tooLarge.code, 2);
    assert.deepEqual(assertOneLineErrors(tooLarge.stderr, 1), ['corpus-annotator: corpus.yaml: too large to read (10.0 MB; the limit is 8 MB)']);
  });

  it('a catalog of 100,000 entities: checked, its names found in documents', () => {
    const root = folder('catalog');
    fs.writeFileSync(path.join(root, 'corpus.yaml'), bigCatalog(100_000));
    fs.writeFileSync(path.join(root, 'a.txt'), 'قال [اسم 5]{PER @e5} إن كنية 9 حضر.\n');
    const check = cli(root, ['check']);
    figure('100,000-entity catalog: check', `${Math.round(check.ms)} ms, ${check.peakMb} MB`);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, "a.txt:1:25  hint  'كنية 9' is in the catalog as 'e9', but not here  missed-mention\n2 files checked: 0 errors, 0 warnings, 0 infos, 1 hint\n");
  });

  it('documents globs matching 100,000 files: checked and exported; an export killed midway leaves nothing', async () => {
    const root = folder('many');
    fs.writeFileSync(path.join(root, 'corpus.yaml'), 'types: [PER]\ndocuments: ["docs/**/*.txt"]\n');
    const { docs, ms } = hundredThousandFiles();
    figure('100,000 files: create (once for both suites)', `${Math.round(ms)} ms`);
    fs.symlinkSync(docs, path.join(root, 'docs'));
    const check = cli(root, ['check']);
    figure('100,000 files: check', `${Math.round(check.ms)} ms, ${check.peakMb} MB`);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, '100001 files checked: no problems\n');
    const out = path.join(root, '..', `${path.basename(root)}-out`);
    const exported = cli(root, ['export', '--format', 'conll', '--out', out]);
    figure('100,000 files: export conll', `${Math.round(exported.ms)} ms, ${exported.peakMb} MB`);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(fs.readFileSync(path.join(out, 'corpus.conll'), 'utf8').split('-DOCSTART-').length - 1, 100_000);
    fs.rmSync(out, { recursive: true, force: true });

    // Kill an export halfway: the output folder never appears, half written or otherwise.
    const killed = path.join(root, '..', `${path.basename(root)}-killed`);
    const child = spawn(process.execPath, [CLI, 'export', '--format', 'jsonl', '--out', killed], { cwd: root, stdio: 'ignore' });
    const t0 = performance.now();
    // Wait until it is writing (its staging folder exists), then kill it.
    while (!fs.readdirSync(path.dirname(killed)).some((f) => f.startsWith(`.${path.basename(killed)}.corpus-annotator-`))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(performance.now() - t0 < 60000, 'the export started writing');
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.ok(!fs.existsSync(killed), 'a killed export leaves no output folder');
    for (const f of fs.readdirSync(path.dirname(killed))) if (f.startsWith(`.${path.basename(killed)}.corpus-annotator-`)) fs.rmSync(path.join(path.dirname(killed), f), { recursive: true });

    // Ctrl-C a brat export once files are being written in the background (the staging folder
    // holds some): no output folder either.
    const interrupted = path.join(root, '..', `${path.basename(root)}-interrupted`);
    const stagingOf = (): string | undefined => fs.readdirSync(path.dirname(interrupted)).find((f) => f.startsWith(`.${path.basename(interrupted)}.corpus-annotator-`));
    const brat = spawn(process.execPath, [CLI, 'export', '--format', 'brat', '--out', interrupted], { cwd: root, stdio: 'ignore' });
    const t1 = performance.now();
    for (;;) {
      const staging = stagingOf();
      if (staging && fs.readdirSync(path.join(path.dirname(interrupted), staging)).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(performance.now() - t1 < 60000, 'the brat export started writing');
    }
    brat.kill('SIGINT');
    await new Promise((resolve) => brat.on('exit', resolve));
    assert.ok(!fs.existsSync(interrupted), 'an interrupted export leaves no output folder');
    fs.rmSync(path.join(path.dirname(interrupted), stagingOf()!), { recursive: true });
  });

  it('an entities: path that leaves the corpus folder is refused, also through a symbolic link', () => {
    const root = folder('escape');
    fs.writeFileSync(path.join(root, 'secret.yaml'), 'secret: { type: PER, name: كلمة السر }\n');
    const cases: [string, string, string][] = [
      ['up', 'entities: ../secret.yaml', "entities-outside-corpus: the entities file '../secret.yaml' must be a relative path inside the corpus folder"],
      ['absolute', `entities: ${path.join(root, 'secret.yaml')}`, `entities-outside-corpus: the entities file '${path.join(root, 'secret.yaml')}' must be a relative path inside the corpus folder`],
      ['link', 'entities: people.yaml', "missing-entities-file: the entities file 'people.yaml' cannot be read: it resolves to a place outside the corpus folder"],
    ];
    for (const [name, line] of cases) {
      fs.mkdirSync(path.join(root, name));
      fs.writeFileSync(path.join(root, name, 'corpus.yaml'), `types: [PER]\n${line}\n`);
      fs.writeFileSync(path.join(root, name, 'c.txt'), 'قال [كلمة السر]{PER @secret}\n');
    }
    fs.symlinkSync(path.join(root, 'secret.yaml'), path.join(root, 'link', 'people.yaml'));
    for (const [name, , expected] of cases) {
      const check = cli(path.join(root, name), ['check', '--format', 'json']);
      assert.equal(check.code, 1, check.stderr);
      const problems = (JSON.parse(check.stdout) as { problems: { path: string; code: string; message: string }[] }).problems;
      assert.deepEqual(
        problems.map((p) => `${p.path} ${p.code}: ${p.message}`),
        [`c.txt unknown-entity: '@secret' is not in the catalog`, `corpus.yaml ${expected}`],
        name,
      );
    }
  });
});

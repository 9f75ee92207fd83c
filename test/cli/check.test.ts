import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SEVERITY } from '../../server/src/core/diagnostics';
import { parse } from '../../server/src/core/parser';
import { CLI, FIXTURES, SEEDS } from '../support/paths';
import { removeTempFolders, tempFolder } from '../support/tempFolders';

const CHECK = path.join(FIXTURES, 'check');

/** Runs the CLI as a user would, in `cwd`. */
function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('corpus-annotator check', () => {
  after(removeTempFolders);
  it('finds the annotated seed corpus clean: no errors, warnings, infos or hints', () => {
    const { code, stdout, stderr } = run(SEEDS, 'check');
    assert.equal(stderr, '');
    assert.equal(stdout, '3 files checked: no problems\n');
    assert.equal(code, 0);
  });

  it('keeps the plain text of each seed equal to the original text', () => {
    // sha256 of the raw seed texts as published (the originals are not part of this repository).
    const originals: Record<string, string> = {
      '000_4a0e1c5fe764b639.txt': '21959eba7404534a4c2946971b6689da9ca10e3606fd7cf5ea9fb5e21b820491',
      '002_a34780c4b943295e.txt': '7389eaea281d7348b6be2cd13b0f4472d883277e6725fe82fa49ca1f71533881',
    };
    for (const [file, sha] of Object.entries(originals)) {
      const doc = parse(fs.readFileSync(path.join(SEEDS, file), 'utf8'));
      assert.equal(createHash('sha256').update(doc.plainText, 'utf8').digest('hex'), sha, file);
      assert.ok(doc.spans.length > 50, `${file} is annotated`);
    }
  });

  it('reports each mistake of markup.md section 4 at its line and column with its code', () => {
    const cwd = path.join(CHECK, 'mistakes');
    const { code, stdout } = run(cwd, 'check');
    assert.equal(stdout, fs.readFileSync(path.join(cwd, 'expected.out'), 'utf8'));
    assert.equal(code, 1);
    // Every code of the table is there, on the line that names it.
    const lines = stdout.trim().split('\n').slice(0, -1);
    const mistakes = fs.readFileSync(path.join(cwd, 'mistakes.txt'), 'utf8').split('\n');
    for (const [i, line] of mistakes.entries()) {
      const named = /^([a-z-]+):/.exec(line)?.[1];
      if (!named || !(named in DEFAULT_SEVERITY)) continue;
      assert.ok(lines.some((l) => l.startsWith(`mistakes.txt:${i + 1}:`) && l.endsWith(`  ${named}`)), `${named} on line ${i + 1}`);
    }
    assert.ok(lines.some((l) => /^mistakes\.txt:2:\d+  warning  .*  unknown-document-label$/.test(l)));
    assert.ok(lines.some((l) => /^front-matter\.txt:\d+:\d+  error  .*  bad-front-matter$/.test(l)));
    assert.ok(!lines.some((l) => l.startsWith('clean.txt')), 'the clean document gets nothing');
  });

  it('reports nesting where the corpus forbids it', () => {
    const { code, stdout } = run(CHECK, 'check', 'no-nesting');
    assert.match(stdout, /^no-nesting\/nested\.txt:1:2  error  .*  nesting-not-allowed$/m);
    assert.equal(code, 1);
  });

  it('checks one file given by name, against its whole corpus', () => {
    const { code, stdout } = run(CHECK, 'check', 'mistakes/clean.txt');
    assert.equal(stdout, '1 file checked: no problems\n');
    assert.equal(code, 0);
    const conflicting = run(CHECK, 'check', 'mistakes/mistakes.txt');
    assert.match(conflicting.stdout, /conflicting-type/);
    assert.doesNotMatch(conflicting.stdout, /clean\.txt|front-matter\.txt/);
  });

  it('prints JSON with --format json', () => {
    const { code, stdout } = run(path.join(CHECK, 'mistakes'), 'check', '--format', 'json');
    const out = JSON.parse(stdout);
    assert.equal(code, 1);
    assert.deepEqual(out.summary, { files: 4, errors: 9, warnings: 8, infos: 1, hints: 3 });
    assert.deepEqual(out.problems[0], {
      path: 'front-matter.txt',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 2,
      severity: 'error',
      code: 'bad-front-matter',
      message: 'front matter: Flow sequence in block collection must be sufficiently indented and end with a ]',
    });
  });

  it('fails on too many warnings with --max-warnings', () => {
    const dir = tempFolder('ca-check-');
    fs.writeFileSync(path.join(dir, 'corpus.yaml'), 'types: { PER: {} }\n');
    fs.writeFileSync(path.join(dir, 'a.txt'), '[ x]{PER} [ y]{PER}\n');
    assert.equal(run(dir, 'check').code, 0);
    assert.equal(run(dir, 'check', '--max-warnings', '2').code, 0);
    const over = run(dir, 'check', '--max-warnings', '1');
    assert.equal(over.code, 1);
    assert.match(over.stderr, /2 warnings, more than --max-warnings 1/);
  });

  describe('exit 2 with a one-line message naming the file', () => {
    const cases: [string, string[], RegExp][] = [
      ['a missing path', ['check', 'nowhere'], /^corpus-annotator check: nowhere: no such file or folder\n$/],
      ['a broken corpus.yaml, with line and column', ['check', 'broken-yaml'], /^corpus-annotator: broken-yaml\/corpus\.yaml:4:1: Flow map in block collection must be sufficiently indented and end with a \}\n$/],
      ['a file that is not UTF-8, with line and column', ['check', 'binary'], /^corpus-annotator: binary\/bad\.txt:2:3: not a UTF-8 text file: bytes that are not valid UTF-8\n$/],
      ['an unknown option', ['check', '--frmat', 'json'], /^corpus-annotator check: Unknown option '--frmat'.*\n$/],
      ['a bad --format', ['check', '--format', 'xml'], /^corpus-annotator check: --format must be text or json, not 'xml'\n$/],
    ];
    for (const [name, args, expected] of cases) {
      it(name, () => {
        const { code, stderr } = run(CHECK, ...args);
        assert.match(stderr, expected);
        assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
        assert.equal(code, 2);
      });
    }

    it('a folder with no corpus', () => {
      const dir = tempFolder('ca-none-');
      const { code, stderr } = run(dir, 'check');
      assert.match(stderr, /^corpus-annotator check: \.: no corpus here/);
      assert.equal(code, 2);
    });
  });

  it('checks the syntax of a file outside every corpus', () => {
    const dir = tempFolder('ca-loose-');
    fs.writeFileSync(path.join(dir, 'loose.txt'), 'a [b]{ANY @thing} ]\n');
    const { code, stdout } = run(dir, 'check', 'loose.txt');
    assert.equal(stdout, "loose.txt:1:19  error  stray ']' (write '\\]' for a literal bracket)  unmatched-bracket\n1 file checked: 1 error, 0 warnings, 0 infos, 0 hints\n");
    assert.equal(code, 1);
  });

  it('exits quietly when its reader stops early (check | head)', () => {
    // Far more output than a pipe buffers, so the CLI is still writing when head has gone.
    const dir = tempFolder('ca-epipe-');
    fs.writeFileSync(path.join(dir, 'corpus.yaml'), 'types: { ORG: {} }\n');
    fs.writeFileSync(path.join(dir, 'a.txt'), ']'.repeat(20000) + '\n');
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" check --format json | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8' });
    assert.equal(result.stderr, '', 'no crash report');
    assert.match(result.stdout, /^status 1$/m, 'the exit status still says there are errors');
  });

  it('documents everything in --help', () => {
    const { code, stdout } = run(CHECK, 'check', '--help');
    assert.equal(code, 0);
    for (const option of ['--format', '--max-warnings', 'Exit status', 'path:line:col']) assert.ok(stdout.includes(option), option);
    const top = run(CHECK, '--help');
    assert.equal(top.code, 0);
    for (const command of ['check', 'export', 'import']) assert.ok(top.stdout.includes(command), command);
  });

  it('counts columns in UTF-16 units and lines after CRLF and a BOM as editors do', () => {
    const dir = tempFolder('ca-crlf-');
    fs.writeFileSync(path.join(dir, 'corpus.yaml'), 'types: { ORG: {} }\n');
    fs.writeFileSync(path.join(dir, 'a.txt'), '\uFEFFok\r\n😀 [x]{NOPE}\r\n');
    const { stdout } = run(dir, 'check');
    assert.match(stdout, /^a\.txt:2:8  error  unknown type 'NOPE'/m);
  });
});

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportToFolder } from '../../server/src/node/exportToFolder';
import { isFileError, listDocuments, loadCorpus } from '../../server/src/node/files';
import { StagedOutput } from '../../server/src/node/writeAtomic';

/** Every file under a folder, relative, with its bytes. */
function tree(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of (fs.readdirSync(folder, { recursive: true }) as string[]).sort()) {
    const file = path.join(folder, f);
    if (fs.statSync(file).isFile()) files.set(f.split(path.sep).join('/'), fs.readFileSync(file, 'latin1'));
  }
  return files;
}

/** What a test writes: many small files in many folders, and one file appended to between them. */
function* writes(): Iterable<[string, string]> {
  for (let i = 0; i < 1500; i++) {
    yield [`d${i % 37}/f${i}.txt`, `نص ${i} 😀 `.repeat(1 + (i % 50)) + '\n'];
    yield ['appended.conll', `سطر ${i} O\n`.repeat(1 + (i % 7))];
  }
}

describe('export: writing the output (staging, background writes)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-writing-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes many files at once in the background, appends in order, byte for byte as written synchronously', async () => {
    // Synchronously, as import writes.
    const sync = StagedOutput.open(path.join(tmp, 'sync'), { policy: 'empty', force: false });
    for (const [file, text] of writes()) sync.write(file, text);
    sync.commit();

    // In the background, flushing after every write as the export does: the appended file is
    // written while more text for it comes, and thousands of files are written meanwhile.
    const staged = StagedOutput.open(path.join(tmp, 'background'), { policy: 'empty', force: false });
    let written = 0;
    for (const [file, text] of writes()) {
      staged.write(file, text);
      await staged.flush();
      if (++written % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await staged.flush(true);
    const files = staged.commit();

    assert.equal(files.length, 1501);
    const expected = tree(path.join(tmp, 'sync'));
    assert.equal(expected.size, 1501);
    assert.deepEqual(tree(path.join(tmp, 'background')), expected);
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['background', 'sync'], 'no staging folder left behind');
  });

  it('an abort while the writing thread writes the files leaves nothing, once the thread has stopped', async () => {
    const out = path.join(tmp, 'out');
    const staged = StagedOutput.open(out, { policy: 'empty', force: false });
    for (const [file, text] of writes()) staged.write(file, text);
    const flushing = staged.flush(); // more than a batch is buffered: the writing thread starts on it now
    await staged.abort();
    await flushing.then(
      () => undefined,
      () => undefined,
    );
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(fs.readdirSync(tmp), [], 'the staging folder is gone');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(fs.readdirSync(tmp), [], 'and nothing comes back after');
  });

  /** A staged output with a file to write where a folder is (EISDIR when it is opened), among many. */
  function stagedWithAFileWhereAFolderIs(): StagedOutput {
    const staged = StagedOutput.open(path.join(tmp, 'out'), { policy: 'empty', force: false });
    staged.write('d/f.txt', 'نص');
    staged.write('d', 'a file where the folder is');
    for (const [file, text] of writes()) staged.write(file, text);
    return staged;
  }

  it('a failed write rejects the flush, writes nothing more, and the abort leaves nothing', async () => {
    // One flush at the end: written on the main thread.
    const staged = stagedWithAFileWhereAFolderIs();
    await assert.rejects(staged.flush(true), (error: NodeJS.ErrnoException) => error.code === 'EISDIR');
    await assert.rejects(staged.flush(true), (error: NodeJS.ErrnoException) => error.code === 'EISDIR');
    await staged.abort();
    assert.deepEqual(fs.readdirSync(tmp), []);
  });

  it('a write that fails on the writing thread rejects the flush with the error as fs gives it, and the abort leaves nothing', async () => {
    const staged = stagedWithAFileWhereAFolderIs();
    // More than a batch is buffered: the files go to the writing thread, not written here, and
    // this flush does not wait for them; the next one says how it went.
    await staged.flush();
    const fromFs = (error: NodeJS.ErrnoException): boolean => error.code === 'EISDIR' && error.syscall === 'open' && error.path?.endsWith(`${path.sep}d`) === true;
    await assert.rejects(staged.flush(true), fromFs);
    // Nothing more is written, or handed over.
    for (const [file, text] of writes()) staged.write(file, text);
    await assert.rejects(staged.flush(true), fromFs);
    await staged.abort();
    assert.deepEqual(fs.readdirSync(tmp), []);
  });

  it('a writing thread that stops before its work is done fails the flush', async () => {
    const staged = StagedOutput.open(path.join(tmp, 'out'), { policy: 'empty', force: false });
    for (const [file, text] of writes()) staged.write(file, text);
    await staged.flush(); // more than a batch: the thread starts, and is stopped before it has begun
    await (staged as unknown as { writer: { terminate(): Promise<number> } }).writer.terminate();
    await assert.rejects(staged.flush(true), /the thread writing the files stopped/);
    await staged.abort();
    assert.deepEqual(fs.readdirSync(tmp), []);
  });

  it('a process waits for the writing thread while it has work, and not when it is idle', () => {
    // A process with nothing else to wait for: it must not end before the files are written, nor
    // be kept alive by a thread with nothing to do (a staged output left without commit or abort).
    const script = (commit: boolean): string => `
      const { StagedOutput } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'server', 'src', 'node', 'writeAtomic.js'))});
      const staged = StagedOutput.open(${JSON.stringify(path.join(tmp, commit ? 'out' : 'left'))}, { policy: 'empty', force: false });
      for (let i = 0; i < 3000; i++) staged.write('f' + i + '.txt', 'نص '.repeat(100));
      ${commit ? 'staged.flush().then(() => staged.flush(true)).then(() => staged.commit());' : 'staged.flush();'}`;
    for (const commit of [true, false]) {
      const run = spawnSync(process.execPath, ['-e', script(commit)], { encoding: 'utf8', timeout: 20000 });
      assert.equal(run.status, 0, `${commit ? 'commit' : 'left'}: ${run.stderr}${run.error ?? ''}`);
    }
    assert.equal(fs.readdirSync(path.join(tmp, 'out')).length, 3000);
    assert.equal(fs.readFileSync(path.join(tmp, 'out', 'f2999.txt'), 'utf8'), 'نص '.repeat(100));
  });

  it('an export cancelled midway, with files already written to staging, leaves no output', async () => {
    const corpus = path.join(tmp, 'corpus');
    fs.mkdirSync(path.join(corpus, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(corpus, 'corpus.yaml'), 'types: [PER, ORG]\n');
    const line = 'قال المتحدث باسم [قيادة العمليات المشتركة]{ORG} اللواء [تحسين الخفاجي]{PER} إن القوات تقدمت.\n';
    for (let i = 0; i < 400; i++) fs.writeFileSync(path.join(corpus, 'docs', `${String(i).padStart(3, '0')}.txt`), line.repeat(30));
    const loaded = loadCorpus(corpus);
    assert.ok(!isFileError(loaded));
    const documents = listDocuments(loaded);
    assert.equal(documents.length, 400);
    const out = path.join(tmp, 'out');
    const staging = (): string | undefined => fs.readdirSync(tmp).find((f) => f.startsWith('.out.corpus-annotator-'));
    let stagedFiles = 0;
    const outcome = await exportToFolder({
      folder: corpus,
      config: loaded.config,
      documents,
      format: 'brat',
      options: {},
      outDir: out,
      force: false,
      onProgress: (done) => {
        // Past 300 documents (some 900,000 characters of brat), background writes are under way.
        if (done === 300) stagedFiles = fs.readdirSync(path.join(tmp, staging()!), { recursive: true }).length;
      },
      isCancelled: () => stagedFiles > 0,
    });
    assert.equal(outcome.kind, 'cancelled');
    assert.ok(stagedFiles > 0, 'files were written before the cancellation');
    assert.equal(fs.existsSync(out), false);
    assert.equal(staging(), undefined, 'no staging folder left behind');

    // The same export, not cancelled, writes every file.
    const written = await exportToFolder({ folder: corpus, config: loaded.config, documents, format: 'brat', options: {}, outDir: out, force: false });
    assert.equal(written.kind, 'written');
    assert.equal(tree(out).size, 802);
  });
});

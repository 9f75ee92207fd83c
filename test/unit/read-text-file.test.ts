import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type DecodedText, type FileError, isFileError, readTextFile } from '../../server/src/node/files';
import { tmpFolder } from '../support/hostile';

describe('reading a text file', () => {
  let root: string;
  beforeEach(() => {
    root = tmpFolder('read');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const failure = (read: DecodedText | FileError): FileError => {
    assert.ok(isFileError(read), 'expected an error');
    return read;
  };

  it('gives the text without its BOM, and the bytes read', () => {
    const file = path.join(root, 'a.txt');
    fs.writeFileSync(file, '\ufeffقال [داعش]{ORG}\n');
    const read = readTextFile(file);
    assert.ok(!isFileError(read));
    assert.deepEqual(read, { text: 'قال [داعش]{ORG}\n', bom: true, size: Buffer.byteLength('\ufeffقال [داعش]{ORG}\n') });
    fs.writeFileSync(file, '');
    assert.deepEqual(readTextFile(file), { text: '', bom: false, size: 0 });
  });

  it('refuses a file over the limit, a folder and a missing file, naming the reason', () => {
    const file = path.join(root, 'big.txt');
    fs.writeFileSync(file, 'x'.repeat(2 << 20));
    assert.equal(failure(readTextFile(file, 1 << 20)).message, 'too large to read (2.0 MB; the limit is 1 MB)');
    // Windows refuses to open a folder; elsewhere it opens and is then found not to be a file.
    assert.equal(failure(readTextFile(root)).message, process.platform === 'win32' ? 'is a folder, not a file' : 'not a regular file');
    const missing = failure(readTextFile(path.join(root, 'gone.txt')));
    assert.deepEqual([missing.code, missing.message], ['ENOENT', 'no such file or folder']);
  });

  it('refuses a named pipe at once instead of waiting for a writer', function () {
    const fifo = path.join(root, 'pipe.txt');
    if (process.platform === 'win32' || spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
    // Opening a pipe for reading blocks until something opens it for writing, and would block
    // this process for good: the read is made in a child, which is killed if it hangs.
    const files = path.join(__dirname, '..', '..', 'server', 'src', 'node', 'files.js');
    const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(files)}).readTextFile(${JSON.stringify(fifo)})))`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(child.signal, null, 'the read hung on the pipe');
    assert.equal(failure(JSON.parse(child.stdout) as FileError).message, 'not a regular file');
  });
});

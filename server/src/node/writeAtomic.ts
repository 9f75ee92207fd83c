/**
 * Writing an export or an import all at once or not at all: files are written into a staging
 * folder beside (or inside) the output folder, then moved into place by rename, which is atomic
 * on one file system. A failure or an abort leaves the output folder as it was.
 *
 * Two ways to write. Import writes its few files synchronously (`write`, then `commit`). Export
 * calls `flush` as it goes: files are then created in libuv's thread pool, many at once, while
 * the main thread renders the next documents. Creating a file can cost far more than writing it:
 * ext4 without a journal (as on the development VM) scans past every inode of the block group
 * freed in the last minute (five while not yet written back) for each new file, 0.3-0.9 ms of
 * kernel time a file after some 20,000 files were deleted nearby, against 20-30 µs otherwise.
 * Only the open goes through the pool: the write and close after it are cheap and done inline,
 * because each trip through the pool costs the main thread more than a small write does (20,000
 * files into /dev/shm, main-thread time: 0.34 s synchronously, 0.45 s opening in the pool,
 * 0.8-1 s with fs.writeFile or fs.promises.writeFile, which make three trips). Nothing is
 * fsynced: the rename makes the output appear whole; durability is the file system's.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError } from './files';

/** A problem with the output folder, said in one line. */
export class OutputError extends Error {}

export interface StagingOptions {
  /**
   * `empty`: refuse a non-empty output folder (export). `no-overwrite`: refuse to replace an
   * existing file (import). `force` lifts either refusal.
   */
  policy: 'empty' | 'no-overwrite';
  force: boolean;
}

/** Buffered characters per file before they go to disk, and in all (synchronous writing). */
const FILE_BUFFER = 1 << 20;
const TOTAL_BUFFER = 16 << 20;

/** Background writing (`flush`): buffered characters worth handing to the thread pool at once. */
const BATCH = 256 << 10;
/**
 * Files being opened at once. More than the pool's four threads: the main thread takes the
 * finished opens only between chunks of documents, and the pool should not run dry meanwhile.
 */
const OPENS_IN_FLIGHT = 64;
/** Characters handed to the background writes and not yet written, above which `flush` waits. */
const BACKLOG = 16 << 20;

/** Files written into a staging folder until `commit` moves them into the output folder. */
export class StagedOutput {
  private readonly buffers = new Map<string, { chunks: string[]; size: number }>();
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  private buffered = 0;
  private done = false;

  // Background writing, started by the first `flush`.
  private background = false;
  /** Files handed to the background writes, in order, waiting for an open: [relative path, text]. */
  private queue: [string, string][] = [];
  private queueHead = 0;
  /** Characters queued or being written. */
  private pending = 0;
  private opening = 0;
  /** Files queued or being written: text for them written meanwhile waits in its buffer, so that appends stay in order. */
  private readonly writing = new Set<string>();
  private failure: { error: unknown } | undefined;
  /** Called after every background write ends: `flush` and `abort` wait on them. */
  private waiters: (() => void)[] = [];

  private constructor(
    readonly outDir: string,
    private readonly staging: string,
    /** Whether the output folder existed before (else the staging folder becomes it). */
    private readonly existed: boolean,
    private readonly options: StagingOptions,
  ) {}

  /** Checks the output folder and makes the staging folder; throws OutputError. */
  static open(outDir: string, options: StagingOptions): StagedOutput {
    let existed = false;
    try {
      const stat = fs.statSync(outDir);
      if (!stat.isDirectory()) throw new OutputError(`${outDir} is not a folder`);
      existed = true;
    } catch (error) {
      if (error instanceof OutputError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(`${outDir}: ${describeFsError(error)}`);
    }
    if (existed && options.policy === 'empty' && !options.force) {
      const entries = fs.readdirSync(outDir);
      if (entries.length > 0) throw new OutputError(`${outDir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); give --force to write into it`);
    }
    try {
      // Inside an existing folder, or beside a new one: either way on the output's file system.
      const parent = existed ? outDir : path.dirname(outDir);
      fs.mkdirSync(parent, { recursive: true });
      const staging = fs.mkdtempSync(path.join(parent, existed ? '.corpus-annotator-' : `.${path.basename(outDir)}.corpus-annotator-`));
      return new StagedOutput(outDir, staging, existed, options);
    } catch (error) {
      throw new OutputError(`cannot write into ${outDir}: ${describeFsError(error)}`);
    }
  }

  /** Appends `text` to the file `relativePath` (with `/`), creating it on first write. */
  write(relativePath: string, text: string): void {
    if (this.done) throw new Error('write after commit or abort');
    // Checked once a file: conll appends to one file 10,000 times.
    if (!this.files.has(relativePath)) {
      if (relativePath.split('/').some((p) => p === '..' || p === '') || path.isAbsolute(relativePath)) throw new Error(`bad output path ${relativePath}`);
      this.files.add(relativePath);
    }
    let buffer = this.buffers.get(relativePath);
    if (!buffer) this.buffers.set(relativePath, (buffer = { chunks: [], size: 0 }));
    buffer.chunks.push(text);
    buffer.size += text.length;
    this.buffered += text.length;
    // In the background mode `flush` writes the buffers: a write here could overtake one in flight.
    if (this.background) return;
    if (buffer.size >= FILE_BUFFER) this.flushSync(relativePath);
    if (this.buffered >= TOTAL_BUFFER) for (const file of [...this.buffers.keys()]) this.flushSync(file);
  }

  private flushSync(relativePath: string): void {
    const text = this.take(relativePath);
    if (text !== undefined) fs.appendFileSync(path.join(this.staging, relativePath), text);
  }

  /** Takes a file's buffered text out of the buffers, making its folder if need be. */
  private take(relativePath: string): string | undefined {
    const buffer = this.buffers.get(relativePath);
    if (!buffer) return undefined;
    const folder = path.dirname(path.join(this.staging, relativePath));
    if (!this.folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    this.buffered -= buffer.size;
    this.buffers.delete(relativePath);
    return buffer.chunks.join('');
  }

  /**
   * Writes the buffered files in the background (see the top of this file) once enough is
   * buffered, or all of them with `all`. Resolves when less than BACKLOG characters wait to be
   * written (`all`: when everything is written); rejects with the first error of a write, and
   * then nothing more is written. From the first call on, `write` only buffers.
   */
  async flush(all = false): Promise<void> {
    if (this.done) throw new Error('flush after commit or abort');
    this.background = true;
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.done) throw new Error('flush after commit or abort');
      if (all || this.buffered >= BATCH) {
        for (const file of [...this.buffers.keys()]) {
          if (this.writing.has(file)) continue; // its turn comes when the write under way ends
          const text = this.take(file)!;
          this.writing.add(file);
          this.queue.push([file, text]);
          this.pending += text.length;
        }
        this.startOpens();
      }
      const waitFor = all ? this.pending > 0 || this.buffered > 0 : this.pending >= BACKLOG;
      if (!waitFor) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private startOpens(): void {
    while (this.opening < OPENS_IN_FLIGHT && this.queueHead < this.queue.length && !this.failure && !this.done) {
      const [file, text] = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined!; // let the text go once written
      this.opening++;
      fs.open(path.join(this.staging, file), 'a', (openError, fd) => {
        let error: unknown = openError ?? undefined;
        if (!error && !this.done && !this.failure) {
          try {
            fs.writeFileSync(fd, text); // all of it; leaves fd open
          } catch (writeError) {
            error = writeError;
          }
        }
        if (!openError) {
          try {
            fs.closeSync(fd);
          } catch (closeError) {
            error ??= closeError;
          }
        }
        if (error && !this.failure) this.failure = { error };
        this.opening--;
        this.pending -= text.length;
        this.writing.delete(file);
        if (this.queueHead === this.queue.length) {
          this.queue = [];
          this.queueHead = 0;
        }
        this.startOpens();
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  /** Files (relative paths) that exist in the output folder and would be replaced. */
  conflicts(): string[] {
    if (!this.existed) return [];
    return [...this.files].filter((file) => fs.existsSync(path.join(this.outDir, file))).sort();
  }

  /** Moves everything into the output folder; returns the relative paths written, sorted. */
  commit(): string[] {
    if (this.pending > 0) throw new Error('commit during background writes: await flush(true) first');
    for (const file of [...this.buffers.keys()]) this.flushSync(file);
    if (this.options.policy === 'no-overwrite' && !this.options.force) {
      const conflicts = this.conflicts();
      if (conflicts.length > 0) {
        this.abort();
        const shown = conflicts.slice(0, 5).join(', ') + (conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '');
        throw new OutputError(`would overwrite ${shown} in ${this.outDir}; give --force to replace them`);
      }
    }
    this.done = true;
    try {
      if (!this.existed) {
        fs.renameSync(this.staging, this.outDir);
      } else {
        for (const file of [...this.files].sort()) {
          const target = path.join(this.outDir, file);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.renameSync(path.join(this.staging, file), target);
        }
        fs.rmSync(this.staging, { recursive: true, force: true });
      }
    } catch (error) {
      fs.rmSync(this.staging, { recursive: true, force: true });
      throw new OutputError(`cannot move the files into ${this.outDir}: ${describeFsError(error)}`);
    }
    return [...this.files].sort();
  }

  /**
   * Drops everything written so far. The staging folder is removed at once, or, when files are
   * being opened in the background, once they are closed (an open under way could create a file
   * in it again): the promise says when it is gone.
   */
  abort(): Promise<void> {
    this.done = true;
    this.buffers.clear();
    this.queue = [];
    this.queueHead = 0;
    const remove = (): void => fs.rmSync(this.staging, { recursive: true, force: true });
    if (this.opening === 0) {
      remove(); // synchronously: import calls this without waiting
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const whenClosed = (): void => {
        if (this.opening > 0) return void this.waiters.push(whenClosed);
        try {
          remove();
          resolve();
        } catch (error) {
          reject(error);
        }
      };
      whenClosed();
    });
  }
}

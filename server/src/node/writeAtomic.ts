/**
 * Writing an export or an import all at once or not at all: files are written into a staging
 * folder beside (or inside) the output folder, then moved into place by rename, which is atomic
 * on one file system. A failure or an abort leaves the output folder as it was.
 *
 * Two ways to write. Import writes its few files synchronously (`write`, then `commit`). Export
 * calls `flush` as it goes: files are then written by a thread of their own, in batches, while
 * the main thread renders the next documents. Creating a file can cost far more than writing it:
 * ext4 without a journal (as on the development VM) scans past every inode of the block group
 * freed in the last minute (five while not yet written back) for each new file, 0.3-0.9 ms of
 * kernel time a file after some 20,000 files were deleted nearby, against 20-30 µs otherwise.
 * One thread, not libuv's pool: each trip through the pool cost the main thread more than the
 * write it carried, and four threads creating files in one folder at once slowed each other
 * down (20,000 files of 2,500 characters while the main thread rendered for 1.1 s: 1.2 s in all
 * with the writing thread, 1.8-1.9 s opening in the pool, into /dev/shm; on the VM's ext4 after
 * mass deletions, 1.3-2.7 s against 4.3-11 s, the pool's threads spending 7-22 s of CPU time).
 * An export that never buffers a batch is written synchronously at the end: no thread is worth
 * starting for it. Nothing is fsynced: the rename makes the output appear whole; durability is
 * the file system's.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeFsError } from './files';
import type { BatchReply, WriteBatch } from './fileWriterWorker';

/** The writing thread's script, built beside this module (see fileWriterWorker.ts). */
const WRITER_SCRIPT = path.join(__dirname, 'fileWriterWorker.js');

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

/** Background writing (`flush`): buffered characters worth handing to the writing thread at once. */
const BATCH = 256 << 10;
/** Characters handed to the writing thread and not yet written, above which `flush` waits. */
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
  /** The writing thread, started when the first batch is handed over. */
  private writer: Worker | undefined;
  /** The characters of each batch handed over and not yet answered, in order. */
  private readonly batches: number[] = [];
  /** Characters handed over and not yet written. */
  private pending = 0;
  private failure: { error: unknown } | undefined;
  /** Called after every batch the thread answers: `flush` waits on them. */
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
    this.throwIfEnded();
    this.background = true;
    if (all && !this.writer) {
      // Less than a batch in all: written here and now.
      try {
        for (const file of [...this.buffers.keys()]) this.flushSync(file);
      } catch (error) {
        this.failure = { error };
        throw error;
      }
      return;
    }
    if (all || this.buffered >= BATCH) this.handOver();
    for (;;) {
      this.throwIfEnded();
      if (!(all ? this.pending > 0 : this.pending >= BACKLOG)) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Throws the first write's error, or (after commit or abort) that there is nothing to flush. */
  private throwIfEnded(): void {
    if (this.failure) throw this.failure.error;
    if (this.done) throw new Error('flush after commit or abort');
  }

  /** Hands every buffered file to the writing thread, as one batch; it writes them in the order given. */
  private handOver(): void {
    if (this.failure || this.buffers.size === 0) return;
    const batch: WriteBatch = { files: [], texts: [] };
    let size = 0;
    for (const file of [...this.buffers.keys()]) {
      const text = this.take(file)!;
      batch.files.push(path.join(this.staging, file));
      batch.texts.push(text);
      size += text.length;
    }
    const writer = this.writerThread();
    writer.postMessage(batch);
    // Held while it has work, as a write in libuv's pool would hold the process.
    writer.ref();
    this.batches.push(size);
    this.pending += size;
  }

  private writerThread(): Worker {
    if (this.writer) return this.writer;
    const writer = new Worker(WRITER_SCRIPT);
    writer.on('message', (reply: BatchReply) => {
      this.pending -= this.batches.shift()!;
      if (this.batches.length === 0) writer.unref();
      if (!reply.ok && !this.failure) this.failure = { error: Object.assign(new Error(reply.error.message), reply.error) };
      this.wake();
    });
    const lost = (error: Error): void => {
      this.failure ??= { error };
      this.wake();
    };
    writer.on('error', lost);
    writer.on('exit', (code) => {
      if (!this.done) lost(new Error(`the thread writing the files stopped (exit code ${code})`));
    });
    // Idle, it keeps no process alive (commit and abort end it). Unref'd after the listeners are
    // added: adding one refs it again.
    writer.unref();
    return (this.writer = writer);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
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
    void this.writer?.terminate();
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
   * Drops everything written so far. The staging folder is removed at once, or, when a writing
   * thread was started, once it has stopped (a write under way could create a file in it again):
   * the promise says when it is gone.
   */
  abort(): Promise<void> {
    this.done = true;
    this.buffers.clear();
    const remove = (): void => fs.rmSync(this.staging, { recursive: true, force: true });
    const waiting = this.waiters.splice(0);
    if (!this.writer) {
      remove(); // synchronously: import calls this without waiting
      waiting.forEach((wake) => wake());
      return Promise.resolve();
    }
    return this.writer.terminate().then(() => {
      remove();
      waiting.forEach((wake) => wake());
    });
  }
}

/**
 * Writing an export or an import all at once or not at all: files are written into a staging
 * folder beside (or inside) the output folder, then moved into place by rename, which is atomic
 * on one file system. A failure or an abort leaves the output folder as it was.
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

/** Buffered bytes per file before they go to disk, and in all. */
const FILE_BUFFER = 1 << 20;
const TOTAL_BUFFER = 16 << 20;

/** Files written into a staging folder until `commit` moves them into the output folder. */
export class StagedOutput {
  private readonly buffers = new Map<string, { chunks: string[]; size: number }>();
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  private buffered = 0;
  private done = false;

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
    if (relativePath.split('/').some((p) => p === '..' || p === '') || path.isAbsolute(relativePath)) throw new Error(`bad output path ${relativePath}`);
    this.files.add(relativePath);
    let buffer = this.buffers.get(relativePath);
    if (!buffer) this.buffers.set(relativePath, (buffer = { chunks: [], size: 0 }));
    buffer.chunks.push(text);
    buffer.size += text.length;
    this.buffered += text.length;
    if (buffer.size >= FILE_BUFFER) this.flush(relativePath);
    if (this.buffered >= TOTAL_BUFFER) for (const file of [...this.buffers.keys()]) this.flush(file);
  }

  private flush(relativePath: string): void {
    const buffer = this.buffers.get(relativePath);
    if (!buffer) return;
    const target = path.join(this.staging, relativePath);
    const folder = path.dirname(target);
    if (!this.folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    fs.appendFileSync(target, buffer.chunks.join(''));
    this.buffered -= buffer.size;
    this.buffers.delete(relativePath);
  }

  /** Files (relative paths) that exist in the output folder and would be replaced. */
  conflicts(): string[] {
    if (!this.existed) return [];
    return [...this.files].filter((file) => fs.existsSync(path.join(this.outDir, file))).sort();
  }

  /** Moves everything into the output folder; returns the relative paths written, sorted. */
  commit(): string[] {
    for (const file of [...this.buffers.keys()]) this.flush(file);
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

  /** Drops everything written so far. */
  abort(): void {
    this.done = true;
    this.buffers.clear();
    fs.rmSync(this.staging, { recursive: true, force: true });
  }
}

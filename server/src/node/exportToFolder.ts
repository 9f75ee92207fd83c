/**
 * Exports a corpus's documents into a folder: read each file, feed the exporter, stage the
 * output, and move it into place only when every document exported cleanly. The CLI and the
 * language server's export request both run this, so both write the same bytes.
 */

import * as path from 'node:path';
import type { CorpusConfig } from '../core/config';
import { type ExportFormat, type ExportIssue, type ExportOptions, type ExportStats, createExporter } from '../core/export';
import { parse } from '../core/parser';
import { type FileError, isFileError, readTextFile } from './files';
import { StagedOutput } from './writeAtomic';

export interface ExportJob {
  /** The corpus folder; exported paths are relative to it. */
  folder: string;
  config: CorpusConfig;
  /** Absolute paths, in the order to export (sorted, for the same bytes every time). */
  documents: string[];
  format: ExportFormat;
  options: ExportOptions;
  outDir: string;
  force: boolean;
  /** After each document: how many are done and the bytes just read. */
  onProgress?: (done: number, bytes: number) => void;
  /** Checked before each document. */
  isCancelled?: () => boolean;
}

export type ExportOutcome =
  | { kind: 'written'; files: string[]; stats: ExportStats; issues: ExportIssue[] }
  /** Some document could not be exported: nothing was written. Issue paths are absolute. */
  | { kind: 'refused'; issues: ExportIssue[] }
  | { kind: 'unreadable'; error: FileError }
  | { kind: 'cancelled' };

/**
 * Documents exported between two yields to the event loop: progress and cancellation get
 * through, and the files opened in the background meanwhile are written and closed.
 */
const CHUNK = 32;

/** Runs an export. Rejects with OutputError when the folder cannot be written (e.g. not empty without force). */
export async function exportToFolder(job: ExportJob): Promise<ExportOutcome> {
  const staged = StagedOutput.open(job.outDir, { policy: 'empty', force: job.force });
  try {
    const exporter = createExporter(job.format, job.config, job.options);
    const issues: ExportIssue[] = [];
    exporter.begin(staged);
    for (const [done, file] of job.documents.entries()) {
      if (job.isCancelled?.()) {
        await staged.abort();
        return { kind: 'cancelled' };
      }
      const read = readTextFile(file);
      // Deleted (or renamed away) since the corpus was listed: no longer a document.
      if (isFileError(read) && read.code === 'ENOENT') continue;
      if (isFileError(read)) {
        await staged.abort();
        return { kind: 'unreadable', error: read };
      }
      const relative = path.relative(job.folder, file).split(path.sep).join('/');
      for (const issue of exporter.add({ path: relative, parsed: parse(read.text) }, staged)) issues.push({ ...issue, path: path.join(job.folder, issue.path) });
      job.onProgress?.(done + 1, read.size);
      // The files rendered so far are written in the background while the next documents are
      // rendered; this waits only when too much is waiting to be written.
      await staged.flush();
      if ((done + 1) % CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (issues.some((i) => i.severity === 'error')) {
      await staged.abort();
      return { kind: 'refused', issues };
    }
    exporter.end(staged);
    await staged.flush(true);
    return { kind: 'written', files: staged.commit(), stats: exporter.stats, issues };
  } catch (error) {
    await staged.abort();
    throw error;
  }
}

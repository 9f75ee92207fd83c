/** What the CLI's commands share: how they print, fail and find their corpora. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCorpusFolderAbove, findCorpusFolders } from '../node/files';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress lines are drawn only there). */
  isTTY?: boolean;
}

/** An error that ends the command with a one-line message and exit code 2. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

/** The options `export` and `import` share, for node:util's parseArgs. */
export const FORMAT_COMMAND_OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  offsets: { type: 'string' },
  scheme: { type: 'string' },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The `--format` and `--out` of `export` and `import`, both required; the format one the command knows. */
export function formatAndOut<F extends string>(values: { format?: string; out?: string }, isFormat: (value: string) => value is F, formats: Readonly<Record<F, unknown>>): { format: F; out: string } {
  const known = Object.keys(formats).join(', ');
  const format = values.format;
  if (format === undefined) throw new CliError(`--format is required (${known})`);
  if (!isFormat(format)) throw new CliError(`unknown format '${format}' (formats: ${known})`);
  if (values.out === undefined) throw new CliError('--out DIR is required');
  return { format, out: values.out };
}

/** A path relative to the current folder, with `/`, as the CLI prints it. */
export function displayPath(io: CliIo, file: string): string {
  const relative = path.relative(io.cwd, file) || '.';
  return relative.split(path.sep).join('/');
}

/** What one PATH argument asks for: whole corpora, or some of a corpus's files. */
export interface Target {
  /** The corpus folder, or undefined for a file outside every corpus. */
  corpusFolder?: string;
  /** Restrict to these absolute paths/folders (undefined: every document of the corpus). */
  within?: string;
}

/**
 * Resolves PATH arguments (files or folders; none means the current folder) to the corpora
 * they touch. A folder means every corpus in it, or the corpus it lies in.
 */
export function resolveTargets(io: CliIo, paths: string[]): Target[] {
  const targets: Target[] = [];
  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = path.resolve(io.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new CliError(`${given}: no such file or folder`);
    }
    const above = findCorpusFolderAbove(stat.isDirectory() ? absolute : path.dirname(absolute));
    if (stat.isFile()) {
      targets.push(above ? { corpusFolder: above, within: absolute } : { within: absolute });
      continue;
    }
    if (above) {
      targets.push({ corpusFolder: above, within: absolute });
      // Corpora nested below the folder are their own.
      for (const folder of findCorpusFolders(absolute)) if (folder !== above) targets.push({ corpusFolder: folder });
      continue;
    }
    const below = findCorpusFolders(absolute);
    if (below.length === 0) throw new CliError(`${given}: no corpus here: no corpus.yaml in this folder, above it or below it`);
    for (const folder of below) targets.push({ corpusFolder: folder });
  }
  return targets;
}

/** Whether `file` is `within` or lies below it. */
export function isWithin(file: string, within: string | undefined): boolean {
  if (within === undefined) return true;
  return file === within || file.startsWith(within.endsWith(path.sep) ? within : within + path.sep);
}

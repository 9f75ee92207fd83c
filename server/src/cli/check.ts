/** `corpus-annotator check`: the language server's diagnostics, on the command line. */

import { parseArgs } from 'node:util';
import type { ConfigProblem } from '../core/config';
import { diagnoseDocument } from '../core/diagnostics';
import type { OffsetRange, Severity } from '../core/model';
import { parse } from '../core/parser';
import { LineIndex } from '../core/text';
import { type CorpusOnDisk, openCorpus } from '../node/corpusOnDisk';
import { type FileError, type LoadedCorpus, isFileError, readTextFile } from '../node/files';
import { type CliIo, CliError, displayPath, isWithin, resolveTargets } from './common';

export const CHECK_HELP = `Usage: corpus-annotator check [options] [PATH...]

Checks annotated documents and their corpus.yaml, as the editor does, and prints one problem a
line:

  path:line:col  severity  message  code

Paths are relative to the current folder; line and column count from 1, columns in UTF-16
units as editors show them. A PATH is a document or a folder; a folder means every corpus in
it, or the part of the corpus it lies in. Without PATH, the current folder. Cross-document
checks (conflicting-type, missed-mention) always consider the whole corpus.

Options:
  --format text|json    output format (default: text). json prints one object:
                        { "problems": [{ path, line, column, endLine, endColumn, severity,
                        code, message }], "summary": { files, errors, warnings, infos, hints } }
  --max-warnings N      also fail (exit 1) when there are more than N warnings
  -h, --help            show this help

Exit status: 0 no errors; 1 errors (or too many warnings); 2 a path is missing, a file cannot
be read, or a corpus.yaml cannot be parsed (a one-line message names the file).`;

/** One problem as printed. */
export interface ReportedProblem {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

/** Problems of corpus.yaml that make the corpus unusable: reported as failures (exit 2). */
const FATAL_CONFIG_CODES = new Set(['yaml-syntax', 'config-too-large']);

export function runCheck(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'max-warnings': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(CHECK_HELP + '\n');
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'json') throw new CliError(`--format must be text or json, not '${values.format}'`);
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new CliError(`--max-warnings takes a whole number, not '${values['max-warnings']}'`);
  }

  const failures: string[] = [];
  const problems: ReportedProblem[] = [];
  const checkedFiles = new Set<string>();
  const corpora = new Map<string, CorpusOnDisk | FileError>();
  const reportedBroken = new Set<string>();
  const report = (file: string, text: string, diagnostics: { range: OffsetRange; severity: Severity; code: string; message: string }[]): void => {
    checkedFiles.add(file);
    if (diagnostics.length === 0) return;
    const lines = new LineIndex(text);
    for (const d of diagnostics) {
      const start = lines.position(d.range.start);
      const end = lines.position(d.range.end);
      problems.push({
        path: displayPath(io, file),
        line: start.line + 1,
        column: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
      });
    }
  };
  const fail = (error: FileError): void => {
    const where = error.line !== undefined ? `:${error.line}:${error.column ?? 1}` : '';
    failures.push(`${displayPath(io, error.file)}${where}: ${error.message}`);
  };

  for (const target of resolveTargets(io, positionals)) {
    if (target.corpusFolder === undefined) {
      // A file outside every corpus: syntax checks only.
      const read = readTextFile(target.within!);
      if (isFileError(read)) fail(read);
      else report(target.within!, read.text, diagnoseDocument(parse(read.text), { docId: target.within! }));
      continue;
    }
    let opened = corpora.get(target.corpusFolder);
    if (!opened) corpora.set(target.corpusFolder, (opened = openCorpus(target.corpusFolder)));
    if (isFileError(opened)) {
      if (!reportedBroken.has(target.corpusFolder)) fail(opened);
      reportedBroken.add(target.corpusFolder);
      continue;
    }
    const { corpus, index, documents, unreadable } = opened;
    const fatal = corpus.problems.filter((p) => FATAL_CONFIG_CODES.has(p.code));
    if (fatal.length > 0) {
      if (!reportedBroken.has(target.corpusFolder)) for (const problem of fatal) fail(configFailure(corpus, problem));
      reportedBroken.add(target.corpusFolder);
      continue;
    }

    const ownFiles = [corpus.configFile, corpus.entitiesFile].filter((f): f is string => f !== undefined);
    const wholeCorpus = target.within === undefined || target.within === corpus.folder;
    if (wholeCorpus || target.within === corpus.configFile) {
      report(corpus.configFile, corpus.configText, corpus.problems.filter((p) => p.file === 'corpus'));
    }
    if (corpus.entitiesFile !== undefined && corpus.entitiesText !== undefined && (wholeCorpus || target.within === corpus.entitiesFile)) {
      report(corpus.entitiesFile, corpus.entitiesText, corpus.problems.filter((p) => p.file === 'entities'));
    }
    for (const error of unreadable) if (isWithin(error.file, target.within)) fail(error);
    let matched = false;
    for (const document of documents) {
      if (!isWithin(document.file, target.within)) continue;
      matched = true;
      if (!checkedFiles.has(document.file)) report(document.file, document.text, diagnoseDocument(document.parsed, { docId: document.file, index }));
    }
    const namedFile = target.within !== undefined && target.within !== corpus.folder && !ownFiles.includes(target.within);
    if (namedFile && !matched && !unreadable.some((e) => e.file === target.within)) {
      // A file named on the command line that the corpus does not count as a document
      // (documents:/exclude:): its syntax is still worth checking.
      const read = readTextFile(target.within!);
      if (isFileError(read)) fail(read);
      else if (!read.text.includes('\0')) report(target.within!, read.text, diagnoseDocument(parse(read.text), { docId: target.within! }));
    }
  }

  problems.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
  const count = (severity: Severity): number => problems.filter((p) => p.severity === severity).length;
  const summary = { files: checkedFiles.size, errors: count('error'), warnings: count('warning'), infos: count('info'), hints: count('hint') };

  if (values.format === 'json') {
    io.stdout(JSON.stringify({ problems, summary, failures }, null, 2) + '\n');
  } else {
    for (const p of problems) io.stdout(`${p.path}:${p.line}:${p.column}  ${p.severity}  ${p.message}  ${p.code}\n`);
    io.stdout(summaryLine(summary) + '\n');
  }
  for (const failure of failures) io.stderr(`corpus-annotator: ${failure}\n`);

  if (failures.length > 0) return 2;
  if (summary.errors > 0) return 1;
  if (maxWarnings !== undefined && summary.warnings > maxWarnings) {
    io.stderr(`corpus-annotator: ${summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function summaryLine(s: { files: number; errors: number; warnings: number; infos: number; hints: number }): string {
  const files = `${s.files} file${s.files === 1 ? '' : 's'} checked`;
  const total = s.errors + s.warnings + s.infos + s.hints;
  if (total === 0) return `${files}: no problems`;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${files}: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}, ${plural(s.hints, 'hint')}`;
}

function configFailure(corpus: LoadedCorpus, problem: ConfigProblem): FileError {
  const inEntities = problem.file === 'entities' && corpus.entitiesFile !== undefined && corpus.entitiesText !== undefined;
  const file = inEntities ? corpus.entitiesFile! : corpus.configFile;
  const text = inEntities ? corpus.entitiesText! : corpus.configText;
  const p = new LineIndex(text).position(problem.range.start);
  return { file, message: problem.message, line: p.line + 1, column: p.character + 1 };
}

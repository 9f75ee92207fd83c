/** The export request: the CLI's export, run by the server for the editor's "Export Corpus…". */

import * as path from 'node:path';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { type ExportOptions, isExportFormat } from '../core/export';
import { OFFSET_UNITS, type OffsetUnit } from '../core/offsetUnits';
import { exportToFolder } from '../node/exportToFolder';
import { listDocuments } from '../node/files';
import { OutputError } from '../node/writeAtomic';
import type { ExportParams, ExportResult } from '../protocol';
import { type Workspace, pathToUri, uriToPath } from './workspace';

/** Issues quoted in a refusal; the rest are counted. */
const QUOTED_ISSUES = 5;

export async function exportCorpusRequest(workspace: Workspace, params: ExportParams, onProgress?: (done: number, total: number) => void, isCancelled?: () => boolean): Promise<ExportResult> {
  const fail = (message: string): never => {
    throw new ResponseError(ErrorCodes.InvalidParams, message);
  };
  const state = workspace.corpusAt(params.uri) ?? workspace.corpusOfConfigFile(params.uri)?.state ?? fail('this is not inside a corpus (no corpus.yaml above it)');
  if (state.brokenConfig) fail('corpus.yaml has errors: fix them before exporting');
  const format = params.format;
  if (!isExportFormat(format)) return fail(`unknown format '${format}'`);
  const outDir = uriToPath(params.outUri) ?? fail('the output folder must be a local folder');
  if (format === 'brat' && (outDir === state.folder || outDir.startsWith(state.folder + path.sep))) fail('the output folder is inside the corpus: the exported .txt files would be read as documents');

  const options: ExportOptions = {};
  const given = params.options ?? {};
  if (given.offsets !== undefined) {
    if (!(OFFSET_UNITS as readonly string[]).includes(given.offsets)) fail(`offsets must be one of ${OFFSET_UNITS.join(', ')}`);
    options.offsets = given.offsets as OffsetUnit;
  }
  if (given.scheme === 'iob2' || given.scheme === 'bioes') options.scheme = given.scheme;
  if (given.nested === 'outermost' || given.nested === 'columns') options.nested = given.nested;

  const documents = listDocuments(state.loaded);
  // A report per percent, not per document: 10,000 notifications would cost the export itself.
  const percent = (done: number): number => Math.floor((done * 100) / Math.max(documents.length, 1));
  const report = onProgress
    ? (done: number): void => {
        if (percent(done) !== percent(done - 1)) onProgress(done, documents.length);
      }
    : undefined;
  let outcome;
  try {
    outcome = await exportToFolder({
      folder: state.folder,
      config: state.config,
      documents,
      format,
      options,
      outDir: outDir!,
      force: params.force === true,
      ...(report ? { onProgress: report } : {}),
      ...(isCancelled ? { isCancelled } : {}),
    });
  } catch (error) {
    if (error instanceof OutputError) fail(error.message);
    throw new ResponseError(ErrorCodes.InternalError, (error as Error).message);
  }
  switch (outcome!.kind) {
    case 'written':
      return { files: outcome.files.length, documents: outcome.stats.documents, spans: outcome.stats.spans, outUri: pathToUri(outDir!) };
    case 'cancelled':
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'export cancelled; nothing was written');
    case 'unreadable':
      return fail(`${outcome.error.file}: ${outcome.error.message}`);
    case 'refused': {
      const errors = outcome.issues.filter((i) => i.severity === 'error');
      const quoted = errors.slice(0, QUOTED_ISSUES).map((i) => `${path.relative(state.folder, i.path)}:${i.line}:${i.column}: ${i.message}`);
      const more = errors.length > QUOTED_ISSUES ? ` (and ${errors.length - QUOTED_ISSUES} more)` : '';
      return fail(`nothing was written: ${quoted.join('; ')}${more}`);
    }
  }
}

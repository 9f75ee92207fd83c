/** Diagnostics of documents and of corpus.yaml files, as LSP diagnostics. */

import type { DiagnosticRelatedInformation, Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { ConfigProblem } from '../core/config';
import type { CorpusIndex } from '../core/corpusIndex';
import { type Diagnostic, type RelatedPlace, diagnoseDocument, limitDiagnostics } from '../core/diagnostics';
import type { ParsedDocument } from '../core/model';
import { SOURCE, toRange, toSeverity } from './convert';
import type { CorpusState, PositionMapper, Workspace } from './workspace';

/** The core diagnostics of a document, computed against its corpus (syntax only outside one). */
export function coreDiagnostics(workspace: Workspace, uri: string): Diagnostic[] {
  const parsed = workspace.parsed(uri);
  if (!parsed) return [];
  const state = workspace.syncOpenDocument(uri);
  const index = state?.index;
  const known = lastDiagnosis.get(parsed);
  if (known && known.index === index && known.indexVersion === index?.version) return known.diagnostics;
  const missedMentions = workspace.missedMentionCache(uri);
  const diagnostics = diagnoseDocument(parsed, index ? { docId: uri, index, ...(missedMentions ? { missedMentions } : {}) } : { docId: uri });
  lastDiagnosis.set(parsed, { index, indexVersion: index?.version, diagnostics });
  return diagnostics;
}

/**
 * The last diagnosis of each parse, good while its corpus's index is unchanged (cross-document
 * checks read the index). The diagnostics published after an edit and the quick fixes an editor
 * asks for on every cursor move then share one diagnosis: a 1 MB document's takes tens of ms.
 * Weak: a parse that is replaced or closed takes its diagnosis with it.
 */
const lastDiagnosis = new WeakMap<ParsedDocument, { index: CorpusIndex | undefined; indexVersion: number | undefined; diagnostics: Diagnostic[] }>();

export function toLspDiagnostics(workspace: Workspace, uri: string, diagnostics: Diagnostic[]): LspDiagnostic[] {
  const mapper = workspace.positions(uri);
  if (!mapper) return [];
  // Diagnostics of one conflict share their list of related places: converted once.
  const converted = new Map<readonly RelatedPlace[], DiagnosticRelatedInformation[]>();
  const relatedInformation = (related: readonly RelatedPlace[]): DiagnosticRelatedInformation[] => {
    let out = converted.get(related);
    if (out === undefined) {
      out = related.flatMap((r) => {
        const other = workspace.positions(r.docId);
        return other ? [{ location: { uri: r.docId, range: toRange(other, r.range) }, message: r.message }] : [];
      });
      converted.set(related, out);
    }
    return out;
  };
  return limitDiagnostics(diagnostics).map((d) => {
    const out: LspDiagnostic = { range: toRange(mapper, d.range), severity: toSeverity(d.severity), code: d.code, source: SOURCE, message: d.message };
    if (d.related && d.related.length > 0) out.relatedInformation = relatedInformation(d.related);
    return out;
  });
}

/** Problems of a corpus's corpus.yaml or entities file. */
export function configDiagnostics(workspace: Workspace, state: CorpusState, file: 'corpus' | 'entities'): LspDiagnostic[] {
  // Problems of a broken text point into that text, not into the last good one.
  const loaded = state.brokenConfig ?? state.loaded;
  const open = workspace.openDocument(state.fileUri(file));
  const text = file === 'entities' ? (loaded.entitiesText ?? '') : loaded.configText;
  const mapper: PositionMapper = open && open.getText() === text ? workspace.positions(state.fileUri(file))! : workspace.textMapper(text);
  return loaded.problems
    .filter((p: ConfigProblem) => p.file === file)
    .map((p) => ({ range: toRange(mapper, p.range), severity: toSeverity(p.severity), code: p.code, source: SOURCE, message: p.message }));
}

/**
 * An id for a pulled diagnostic report, from its content: a client that pulls again with the id
 * of what it shows gets "unchanged" and leaves its 1,000 markers alone. VS Code pulls every open
 * document again after each cross-document refresh, and most of those reports are the same.
 */
export function diagnosticReportId(items: readonly LspDiagnostic[]): string {
  const text = JSON.stringify(items);
  // Two 32-bit FNV-1a hashes of different seeds, and the length: a collision would leave stale markers, so make it unlikely.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `${text.length.toString(36)}-${(a >>> 0).toString(36)}-${(b >>> 0).toString(36)}`;
}

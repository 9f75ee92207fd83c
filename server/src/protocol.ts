/**
 * Custom messages between the Corpus Annotator client and server, declared once for both.
 * Everything else travels over standard LSP. Positions are LSP positions in the negotiated
 * encoding (UTF-16 unless agreed otherwise).
 */

import { RequestType } from 'vscode-languageserver-protocol';
import type { Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';

/**
 * The code action kinds of the server's annotation refactors. The client's commands ask for one
 * family with `only` (e.g. "Remove Annotation" asks for `remove`) and apply what comes back.
 */
export const ActionKind = {
  annotate: 'refactor.rewrite.annotate',
  remove: 'refactor.rewrite.annotate.remove',
  changeType: 'refactor.rewrite.annotate.changeType',
  link: 'refactor.rewrite.annotate.link',
  annotateAll: 'refactor.rewrite.annotate.all',
} as const;

/** A declared entity type, as the client shows it. */
export interface TypeInfo {
  key: string;
  /** Display name (e.g. Arabic). */
  name?: string;
  description?: string;
  /** `#rrggbb` or similar, when the corpus gives one. */
  color?: string;
  /** Position in `types:` from 0: the first nine are Annotate as Type 1..9. */
  index: number;
}

export interface SpansParams {
  uri: string;
}

/** The layout of `SpansResult.data` this server sends (see SpansResult). */
export const SPANS_FORMAT = 1;

/** How many numbers `SpansResult.data` holds per span in format 1. */
export const SPAN_FIELDS = 7;

/**
 * The spans of a document, packed as numbers: a 1 MB document has some 20,000 spans, and four
 * LSP ranges each (7 MB of JSON) took longer to encode, send and decode than the 100 ms a
 * redraw after an edit may take. Spans never cross a line (the parser settles every `[` at the
 * end of its line), so a line and four characters locate a span, as semantic tokens do.
 */
export interface SpansResult {
  /** The document version the spans were computed from. */
  version: number;
  /**
   * The layout of `data` and `strings`, SPANS_FORMAT; a client that does not know the number
   * must not guess at the layout. Format 1: `data` holds SPAN_FIELDS (7) integers per span, the
   * spans in source order of their `[` (an enclosing span before the spans inside it):
   *
   * 0. `deltaLine`: the span's line minus the previous span's line (the first span: its line);
   * 1. `deltaStart`: the character of the `[`, minus the previous span's `[` character when
   *    `deltaLine` is 0, else the character itself;
   * 2. `close`: the character of the `]` that ends the content, minus the `[` character;
   * 3. `end`: the character just after the label's `}`, minus the `[` character;
   * 4. `depth`: 0 for a top-level span, 1 inside one, and so on;
   * 5. `type`: the index in `strings` of the span's type (its label's, else its catalog
   *    entity's when it is linked by id only), or -1;
   * 6. `id`: the index in `strings` of the span's `@id` without the `@`, or -1.
   *
   * Characters are in the negotiated position encoding. `[` is one unit in every encoding, so
   * with `s` the `[` character, the ranges of a span on line `l` are: the span `(l, s)-(l, s +
   * end)`, the `[` `(l, s)-(l, s + 1)`, the content `(l, s + 1)-(l, s + close)` and the label
   * with its `]` `(l, s + close)-(l, s + end)`.
   */
  format: number;
  data: number[];
  /** The type and id names `data` points at, each once. */
  strings: string[];
  /** Types of the document's corpus (empty outside a corpus). */
  types: TypeInfo[];
  /** Whether the document belongs to a corpus. */
  inCorpus: boolean;
}

/**
 * Sent by the client whenever a visible annotated document changes, to draw the type colours
 * and dim the markup, and for the navigation commands: the client never parses markup itself.
 */
export const SpansRequest = new RequestType<SpansParams, SpansResult | null, void>('corpusAnnotator/spans');

export interface StatisticsParams {
  /** A document or folder of the corpus to describe; the first corpus when absent. */
  uri?: string;
}

export interface EntityCount {
  id: string;
  name?: string;
  count: number;
}

export interface SurfaceCount {
  text: string;
  /** The matching key shared by the surface's spellings. */
  key: string;
  count: number;
}

export interface TypeStatistics {
  type: string;
  name?: string;
  color?: string;
  count: number;
  /** Catalog entities of this type with their mention counts, most mentioned first. */
  entities: EntityCount[];
  /** Surfaces of this type's spans not linked to an entity, most frequent first. */
  surfaces: SurfaceCount[];
}

export interface StatisticsResult {
  corpusUri: string;
  name?: string;
  documents: number;
  spans: number;
  types: TypeStatistics[];
  /** Span counts by type for the document named in the request, when it is one. */
  document?: { uri: string; spans: number; byType: Record<string, number> };
}

/**
 * Sent by the client for the Entities view and the status bar: counts of the corpus by type,
 * entity and surface, and of one document.
 */
export const StatisticsRequest = new RequestType<StatisticsParams, StatisticsResult | null, void>('corpusAnnotator/statistics');

export interface MentionsParams {
  /** Any document or folder of the corpus. */
  uri: string;
  type?: string;
  id?: string;
  /** A surface's matching key (from StatisticsResult). */
  key?: string;
}

/** A mention's location, with the context a list of mentions shows for it. */
export interface MentionLocation extends Location {
  /** The mention's line as plain text (no markup), cut around it; `start`/`end`: the surface in `text`. */
  preview?: { text: string; start: number; end: number };
}

/**
 * Sent by the client when the Entities view expands an entity, type or surface: every mention
 * in the corpus, open or not.
 */
export const MentionsRequest = new RequestType<MentionsParams, MentionLocation[], void>('corpusAnnotator/mentions');

export interface ExportParams {
  /** Any document or folder of the corpus to export. */
  uri: string;
  format: string;
  /** The folder to write into (a file URI). */
  outUri: string;
  /** Write into a non-empty folder. */
  force?: boolean;
  /** Format options as on the command line (e.g. { offsets: 'utf16', scheme: 'bioes' }). */
  options?: Record<string, string>;
}

export interface ExportResult {
  files: number;
  documents: number;
  spans: number;
  outUri: string;
}

/**
 * Sent by the client's "Export Corpus…" command: the server exports with the same core code as
 * the CLI and reports progress through the request's work-done token.
 */
export const ExportRequest = new RequestType<ExportParams, ExportResult, void>('corpusAnnotator/export');

export interface CorpusDocumentParams {
  uri: string;
}

/**
 * Sent by the client when a plain-text file opens, to learn whether it is a document of a
 * corpus (the nearest corpus.yaml's `documents:`/`exclude:` say so) and should switch to the
 * "Annotated Text" language without any user setting.
 */
export const CorpusDocumentRequest = new RequestType<CorpusDocumentParams, boolean, void>('corpusAnnotator/isCorpusDocument');

export interface WordAtParams {
  uri: string;
  position: Position;
}

/**
 * Sent by the client's "Annotate as Type N" when nothing is selected: the range of the word
 * under the cursor, without its separable proclitics (و ف ب ل ك) when the corpus keeps them
 * outside spans (`clitics.policy: outside`); null outside running text (labels, front matter).
 */
export const WordAtRequest = new RequestType<WordAtParams, Range | null, void>('corpusAnnotator/wordAt');

export interface LinkEditParams {
  uri: string;
  /** Anywhere on the span (its innermost span there is linked). */
  position: Position;
  /** A catalog entity's id, without the `@`. */
  id: string;
}

/**
 * Sent by the client's "Link to Entity…" once the user has picked any catalog entity: the edit
 * that links the span (the "Link to" code actions offer only the likeliest few). Null when there
 * is no span there or no such entity.
 */
export const LinkEditRequest = new RequestType<LinkEditParams, WorkspaceEdit | null, void>('corpusAnnotator/linkEdit');

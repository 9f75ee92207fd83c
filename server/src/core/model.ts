/**
 * The document model: what the parser yields and every other part of the core reads.
 *
 * All ranges into the *source* are half-open UTF-16 offsets into the string that was parsed
 * (JavaScript string indices). Offsets into the *plain text* come in two units: UTF-16 code
 * units (`start`/`end`) and Unicode code points (`cpStart`/`cpEnd`), because exports count code
 * points while editors and JavaScript count UTF-16 units.
 */

/** A half-open range `[start, end)` of UTF-16 offsets. */
export interface OffsetRange {
  start: number;
  end: number;
}

/** Severity of a diagnostic, from most to least severe. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A token of a label body: the type, the `@id`, or one `key=value` attribute. */
export interface LabelToken {
  kind: 'type' | 'id' | 'attribute';
  /** Source range of the whole token (for an id, including the `@`). */
  range: OffsetRange;
  /** The token as written. */
  text: string;
}

/** A `key=value` attribute of a label. */
export interface Attribute {
  key: string;
  /** The value with quotes removed and `\"` / `\\` unescaped. */
  value: string;
  quoted: boolean;
  range: OffsetRange;
  keyRange: OffsetRange;
  valueRange: OffsetRange;
}

/**
 * The objects a parse keeps for every span (the span, its label and its surface) hold their
 * source offsets as numbers, and make `range` objects (and a label's type and id tokens) only
 * when asked: a 1 MB document has 20,000 spans, and each object a span keeps is one more for V8
 * to copy while the parse runs and to mark while the document is open. An object read and
 * dropped costs next to nothing.
 */

/** A named token of a label (type or id) with where it stands. */
export class NamedToken {
  constructor(
    readonly name: string,
    /** Source offsets of the name (for an id, without the `@`). */
    readonly start: number,
    readonly end: number,
  ) {}

  get range(): OffsetRange {
    return { start: this.start, end: this.end };
  }
}

/**
 * The `{...}` after a span's content. Its type and id are kept as a name and where the name
 * starts, and `type` and `id` make their tokens when asked: most readers want the name alone
 * (`typeName`, `idName`), and kept for the seeds' 20,000 labels the tokens made about a third of
 * the garbage collector's work while that 1 MB document was parsed, indexed and diagnosed.
 */
export class Label {
  constructor(
    /** Source offset of the `{`. */
    readonly openBrace: number,
    /** Source offset of the `}`. */
    readonly closeBrace: number,
    /** Attributes in the order written, `note` included. */
    readonly attributes: readonly Attribute[],
    /** How many tokens the body has, including ones the grammar rejected (`labelTokens` lists them). */
    readonly tokenCount: number,
    readonly typeName: string | undefined,
    /** Source offset of the type's name (-1 without a type). */
    readonly typeStart: number,
    readonly idName: string | undefined,
    /** Source offset of the id's name, past its `@` (-1 without an id). */
    readonly idStart: number,
  ) {}

  get type(): NamedToken | undefined {
    return this.typeName === undefined ? undefined : new NamedToken(this.typeName, this.typeStart, this.typeStart + this.typeName.length);
  }

  get id(): NamedToken | undefined {
    return this.idName === undefined ? undefined : new NamedToken(this.idName, this.idStart, this.idStart + this.idName.length);
  }

  /** From `{` to `}` inclusive (the body lies between the braces). */
  get range(): OffsetRange {
    return { start: this.openBrace, end: this.closeBrace + 1 };
  }
}

/** An annotated span: `[` content `]{label}`. */
export class Span {
  /** Plain-text offsets of the surface, UTF-16 units. */
  start = 0;
  end = 0;
  /** Plain-text offsets of the surface, code points. */
  cpStart = 0;
  cpEnd = 0;
  /** The surface: the plain-text slice `[start, end)`. */
  text = '';
  /** 0 for a top-level span. */
  depth = 0;
  /** Index of the enclosing span in `ParsedDocument.spans`, or -1. */
  parent = -1;

  constructor(
    /** Source offset of the `[` that opens the span. */
    readonly openBracket: number,
    /** Source offset of the `]` that closes the content. */
    readonly closeBracket: number,
    readonly label: Label,
    /** Indices of the directly nested spans in `ParsedDocument.spans`. */
    public children: readonly number[],
  ) {}

  /** Source offset just past the label's `}`: where the span's markup ends. */
  get afterLabel(): number {
    return this.label.closeBrace + 1;
  }

  /** From `[` to the label's `}` inclusive. */
  get range(): OffsetRange {
    return { start: this.openBracket, end: this.afterLabel };
  }

  /** The source between `[` and `]` (markup of nested spans included). */
  get contentRange(): OffsetRange {
    return { start: this.openBracket + 1, end: this.closeBracket };
  }
}

/** The YAML block between `---` lines at the start of a document. */
export interface FrontMatter {
  /** From the opening `---` to the end of the closing `---` line (its line break included). */
  range: OffsetRange;
  /** The YAML text between the two `---` lines. */
  contentRange: OffsetRange;
  /** The parsed mapping, or undefined when the YAML is broken or not a mapping. */
  data?: Record<string, unknown>;
  /** Document labels (`labels:`), with the source range of each. */
  labels: { value: string; range: OffsetRange }[];
}

/** A markup problem found by the parser (diagnostic codes from markup.md section 4). */
export interface SyntaxProblem {
  code: string;
  message: string;
  range: OffsetRange;
}

/**
 * Maps plain-text offsets to source offsets and back. The plain text is a sequence of runs
 * copied verbatim from the source; run `i` starts at plain offset `plainStarts[i]` and source
 * offset `sourceStarts[i]`.
 */
export interface OffsetMap {
  plainStarts: Int32Array;
  sourceStarts: Int32Array;
}

/** What the parser yields for one document. */
export interface ParsedDocument {
  /** The text that was parsed, unchanged. */
  source: string;
  /** Whether the source began with U+FEFF (kept in `source`, not part of the plain text). */
  bom: boolean;
  frontMatter?: FrontMatter;
  /** The document without front matter, BOM and markup. */
  plainText: string;
  /** Every well-formed span in source order (preorder: a parent before its children). */
  spans: Span[];
  /** Indices of top-level spans in `spans`. */
  roots: number[];
  problems: SyntaxProblem[];
  offsets: OffsetMap;
}

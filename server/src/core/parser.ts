/**
 * The inline-markup parser (markup.md section 2).
 *
 * One linear pass over the source finds the markup; a second pass copies the text between
 * markup into the plain text. Spans never cross a line, so every unclosed `[` is settled at the
 * end of its line and the next line starts clean: one typo never poisons the rest of a document.
 * Nothing here recurses, so any nesting depth is safe.
 */

import { type Attribute, type FrontMatter, Label, type LabelToken, type OffsetRange, type ParsedDocument, Span, type SyntaxProblem } from './model';
import { parseFrontMatter } from './frontMatter';
import { CodePointCounter, RunsBuilder, grown, isLineBreak, lineBreakFrom } from './text';
import { ENTITY_ID, TYPE_NAME } from './grammar';

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const EQUALS = 61;
const AT = 64;


/**
 * The pieces of markup a scan removes, in source order: where each starts and ends, and what it
 * is (an escape's backslash, a span's `[`, or its `]{...}`). One buffer serves every scan (a scan
 * never starts inside another), so a 1 MB document's 60,000 pieces are no lists that grow.
 */
class RemovedMarkup {
  private data = new Int32Array(3 * 1024);
  count = 0;

  /** `what`: ESCAPE, the slot of the span a `[` opens, or `closing(slot)` for its `]{...}`. */
  add(start: number, end: number, what: number): number {
    if (3 * this.count === this.data.length) this.data = grown(this.data);
    const at = 3 * this.count;
    this.data[at] = start;
    this.data[at + 1] = end;
    this.data[at + 2] = what;
    return this.count++;
  }

  start(piece: number): number {
    return this.data[3 * piece]!;
  }
  end(piece: number): number {
    return this.data[3 * piece + 1]!;
  }
  what(piece: number): number {
    return this.data[3 * piece + 2]!;
  }
  /** A bracket that turned out to be text: its piece removes nothing. */
  keep(piece: number): void {
    this.data[3 * piece + 1] = this.data[3 * piece]!;
  }

  /** Done with the pieces: a buffer grown past what a 1 MB document needs is not kept for the next scan. */
  clear(): void {
    this.count = 0;
    if (this.data.length > 3 * 131072) this.data = new Int32Array(3 * 1024);
  }
}

const ESCAPE = -1;
/** What a span's `]{...}` piece holds: its slot, told apart from a `[`'s. */
const closing = (slot: number): number => -2 - slot;

const removed = new RemovedMarkup();

/** A `[` waiting for its `]` on the current line. */
interface OpenBracket {
  offset: number;
  /** Its piece of removed markup (kept as text if the bracket turns out literal). */
  piece: number;
  /** Slot the span will take in preorder. */
  slot: number;
  /** Slots of completed spans directly inside it (NO_CHILDREN until the first). */
  children: number[];
}

/**
 * The `[`s waiting on the current line, innermost last. A popped bracket's object is used again
 * for the next one pushed at its depth: a document has 20,000 brackets, a line a few at a time.
 * What `pop` returns stays valid until the next `push`.
 */
class OpenBrackets {
  private readonly frames: OpenBracket[] = [];
  private depth = 0;

  push(offset: number, piece: number, slot: number): void {
    const frame = this.frames[this.depth];
    if (frame) {
      frame.offset = offset;
      frame.piece = piece;
      frame.slot = slot;
      frame.children = NO_CHILDREN;
    } else this.frames.push({ offset, piece, slot, children: NO_CHILDREN });
    this.depth++;
  }

  pop(): OpenBracket | undefined {
    return this.depth > 0 ? this.frames[--this.depth] : undefined;
  }

  /** The innermost, or undefined when none waits. */
  top(): OpenBracket | undefined {
    return this.depth > 0 ? this.frames[this.depth - 1] : undefined;
  }
}

/** Notes a completed span inside `open`; a span's list of children is made at its first child. */
function addChild(open: OpenBracket, slot: number): void {
  if (open.children === NO_CHILDREN) open.children = [slot];
  else open.children.push(slot);
}

/** Parses an annotated-text document. Never throws; problems are reported, not raised. */
export function parse(source: string): ParsedDocument {
  const problems: SyntaxProblem[] = [];
  const bom = source.charCodeAt(0) === 0xfeff;
  let bodyStart = bom ? 1 : 0;

  let frontMatter: FrontMatter | undefined;
  const fm = parseFrontMatter(source, bodyStart);
  if (fm) {
    problems.push(...fm.problems);
    if (fm.frontMatter) {
      frontMatter = fm.frontMatter;
      bodyStart = fm.frontMatter.range.end;
    }
  }

  const runs = new RunsBuilder();
  runs.push(0, bodyStart);
  const body = parseLines(source, bodyStart, source.length, 0, 0, runs);
  const offsets = runs.done();
  for (const problem of body.problems) problems.push(problem);
  problems.sort(bySourceOrder);

  const doc: ParsedDocument = { source, bom, plainText: body.plain, spans: body.spans, roots: [], problems, offsets };
  for (let index = 0; index < body.spans.length; index++) if (body.spans[index]!.parent === -1) doc.roots.push(index);
  if (frontMatter) doc.frontMatter = frontMatter;
  return doc;
}

/** Problems in the order a reader meets them: by start, then by end. */
export function bySourceOrder(a: SyntaxProblem, b: SyntaxProblem): number {
  return a.range.start - b.range.start || a.range.end - b.range.end;
}

/** What parsing some whole lines of a document's body gives. */
export interface LinesParse {
  /** Their spans in preorder; `parent` and `children` index this list. */
  spans: Span[];
  /** Their problems, in no particular order. */
  problems: SyntaxProblem[];
  /** Their plain text. */
  plain: string;
}

/**
 * Parses the lines `[from, to)` of a document's body: `from` starts a line (or the body), and
 * `to` is a line break or the end of the source. Spans never cross a line, so these lines parse
 * the same alone as in the whole document. Their plain text starts at plain offset `plainBase`
 * (code point `cpBase`), and the runs of plain text they hold are appended to `runs`, whose last
 * run is the one `from` lies in.
 */
export function parseLines(source: string, from: number, to: number, plainBase: number, cpBase: number, runs: RunsBuilder): LinesParse {
  const problems: SyntaxProblem[] = [];
  removed.count = 0;

  const labels = new LabelTable();

  // Spans by preorder slot; a slot stays empty when its `[` turns out not to open a span.
  const slots: (Span | undefined)[] = [];
  const stack = new OpenBrackets();

  /** The brackets of `open` were not markup after all: its children move up a level. */
  const abandon = (open: OpenBracket): void => {
    removed.keep(open.piece);
    const parent = stack.top();
    if (parent) for (const child of open.children) addChild(parent, child);
  };

  const closeLine = (): void => {
    for (let open = stack.pop(); open; open = stack.pop()) {
      problems.push({
        code: 'unclosed-span',
        message: "'[' is not closed by ']{...}' on its line",
        range: { start: open.offset, end: open.offset + 1 },
      });
      abandon(open);
    }
  };

  // Whether the plain text may hold a surrogate pair: without one, code point offsets are UTF-16 offsets.
  let surrogates = false;
  let i = from;
  while (i < to) {
    const c = source.charCodeAt(i);
    // Fast paths: every character that matters is ASCII at or below '}', and none of them is
    // between the line breaks and '[' (spaces, digits, most punctuation).
    if (c > CLOSE_BRACE) {
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
      i++;
      continue;
    }
    if (c > CR && c < OPEN_BRACKET) {
      i++;
      continue;
    }
    switch (c) {
      case LF:
      case CR:
        closeLine();
        i++;
        break;
      case BACKSLASH: {
        const next = source.charCodeAt(i + 1);
        if (next === OPEN_BRACKET || next === CLOSE_BRACKET || next === OPEN_BRACE || next === CLOSE_BRACE || next === BACKSLASH) {
          removed.add(i, i + 1, ESCAPE);
          i += 2;
        } else {
          i++;
        }
        break;
      }
      case OPEN_BRACKET:
        stack.push(i, removed.add(i, i + 1, slots.length), slots.length);
        slots.push(undefined);
        i++;
        break;
      case CLOSE_BRACKET: {
        const open = stack.pop();
        if (!open) {
          problems.push({ code: 'unmatched-bracket', message: "stray ']' (write '\\]' for a literal bracket)", range: { start: i, end: i + 1 } });
          i++;
          break;
        }
        if (source.charCodeAt(i + 1) !== OPEN_BRACE) {
          problems.push({
            code: 'missing-label',
            message: "'[...]' is not followed by a label '{TYPE}' (write '\\[' and '\\]' for literal brackets)",
            range: { start: open.offset, end: i + 1 },
          });
          abandon(open);
          i++;
          break;
        }
        const labelEnd = findLabelEnd(source, i + 2);
        if (labelEnd < 0) {
          // The rest of the line is a broken label: one problem, not a cascade of stray braces.
          const end = lineBreakFrom(source, i + 1);
          problems.push({ code: 'unclosed-span', message: "the label '{' is not closed by '}' on its line", range: { start: i + 1, end } });
          abandon(open);
          // That rest of the line stays text, and the scan does not read it.
          surrogates = true;
          i = end;
          break;
        }
        const label = labels.labelAt(source, i + 1, labelEnd, problems);
        if (label.tokenCount === 0) {
          problems.push({ code: 'empty-label', message: 'the label is empty: give a type or an @id', range: label.range });
        }
        slots[open.slot] = new Span(open.offset, i, label, open.children);
        removed.add(i, labelEnd + 1, closing(open.slot));
        const parent = stack.top();
        if (parent) addChild(parent, open.slot);
        i = labelEnd + 1;
        break;
      }
      case OPEN_BRACE:
      case CLOSE_BRACE:
        problems.push({
          code: 'unmatched-bracket',
          message: `stray '${String.fromCharCode(c)}' (write '\\${String.fromCharCode(c)}' for a literal brace)`,
          range: { start: i, end: i + 1 },
        });
        i++;
        break;
      default:
        i++;
    }
  }
  closeLine();

  // Emission: copy the text between live pieces of markup, noting span offsets on the way. The
  // pieces are concatenated, not joined: V8 links them and copies once, when the text is first
  // read, and a list of 40,000 pieces is not made.
  let plain = '';
  let plainLength = plainBase;
  let at = from;
  for (let k = 0; k < removed.count; k++) {
    const s = removed.start(k);
    const e = removed.end(k);
    if (s === e) continue; // a bracket that turned out to be literal text
    if (s > at) {
      plain += source.slice(at, s);
      plainLength += s - at;
    }
    const what = removed.what(k);
    if (what >= 0) {
      const span = slots[what];
      if (span) span.start = plainLength;
    } else if (what !== ESCAPE) {
      slots[closing(what)]!.end = plainLength;
    }
    at = e;
    runs.pushOrMove(plainLength, e);
  }
  if (at < to) plain += source.slice(at, to);
  removed.clear();

  // A span whose surface came out empty is markup around nothing: reported, and no span.
  for (let slot = 0; slot < slots.length; slot++) {
    const span = slots[slot];
    if (span && span.start === span.end) {
      problems.push({ code: 'empty-span', message: 'the span has no text', range: span.range });
      slots[slot] = undefined;
    }
  }

  const spans = compact(slots);
  const counter = surrogates ? new CodePointCounter(plain) : undefined;
  for (const span of spans) {
    span.text = plain.slice(span.start - plainBase, span.end - plainBase);
    span.cpStart = cpBase + (counter ? counter.toCodePoint(span.start - plainBase) : span.start - plainBase);
    span.cpEnd = cpBase + (counter ? counter.toCodePoint(span.end - plainBase) : span.end - plainBase);
  }
  return { spans, problems, plain };
}

/**
 * Drops the empty slots and rewrites child slots as indices into the compacted list, setting
 * parent and depth. Slots are in preorder, so a parent is always settled before its children.
 */
function compact(slots: (Span | undefined)[]): Span[] {
  // Most parses leave no slot empty (every `[` opened a span): the slots are then the spans,
  // and each child's slot is its index already.
  const full = !slots.includes(undefined);
  const spans = full ? (slots as Span[]) : [];
  const indexOfSlot = full ? undefined : new Int32Array(slots.length).fill(-1);
  if (indexOfSlot) {
    for (let slot = 0; slot < slots.length; slot++) {
      const span = slots[slot];
      if (span) {
        indexOfSlot[slot] = spans.length;
        spans.push(span);
      }
    }
  }
  for (let index = 0; index < spans.length; index++) {
    const span = spans[index]!;
    if (span.children.length === 0) continue;
    // In place: a non-empty list is the span's own, made for it while parsing.
    const children = span.children as number[];
    if (indexOfSlot) {
      let kept = 0;
      for (const slot of children) {
        const child = indexOfSlot[slot]!;
        if (child >= 0) children[kept++] = child;
      }
      children.length = kept;
    }
    children.sort((a, b) => a - b);
    for (const child of children) {
      spans[child]!.parent = index;
      spans[child]!.depth = span.depth + 1;
    }
  }
  return spans;
}

/**
 * Offset of the `}` closing a label whose body starts at `from`, or -1 when the line ends first.
 * A `}` inside a quoted attribute value does not close the label.
 */
function findLabelEnd(source: string, from: number): number {
  let inString = false;
  for (let i = from; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (isLineBreak(c)) return -1;
    if (inString) {
      // A backslash escapes the next character, but never a line break: the label stays on its line.
      if (c === BACKSLASH && !isLineBreak(source.charCodeAt(i + 1))) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE && source.charCodeAt(i - 1) === EQUALS) {
      inString = true;
    } else if (c === CLOSE_BRACE) {
      return i;
    }
  }
  return -1;
}

/** Lists shared by every label without attributes and every span without children (never written to). */
const NO_ATTRIBUTES: Attribute[] = Object.freeze([]) as unknown as Attribute[];
const NO_CHILDREN: number[] = Object.freeze([]) as unknown as number[];

/**
 * Splits a label body into tokens and checks them against the label grammar. The tokens
 * themselves are handed to `collect` only when asked for (see `labelTokens`): a parse keeps what
 * the rest of the core reads, and a 1 MB document has 20,000 labels.
 */
function parseLabel(source: string, open: number, close: number, problems: SyntaxProblem[], names: NameTable, collect?: LabelToken[]): Label {
  let attributes = NO_ATTRIBUTES;
  let typeName: string | undefined;
  let typeStart = -1;
  let idName: string | undefined;
  let idStart = -1;
  let tokenCount = 0;
  const bad = (range: OffsetRange, message: string): void => {
    problems.push({ code: 'bad-label', message, range });
  };

  let i = open + 1;
  while (i < close) {
    const c = source.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    const start = i;
    let inString = false;
    let eq = -1;
    for (; i < close; i++) {
      const d = source.charCodeAt(i);
      if (inString) {
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) inString = false;
      } else if (d === SPACE || d === TAB) break;
      else if (d === EQUALS) {
        if (eq < 0) eq = i - start;
      } else if (d === QUOTE && source.charCodeAt(i - 1) === EQUALS) inString = true;
    }
    i = Math.min(i, close);
    tokenCount++;

    if (c === AT) {
      const name = names.nameAt(source, start + 1, i);
      // The token's range, with its @, is made only for a problem or when the tokens are asked for.
      collect?.push({ kind: 'id', range: { start, end: i }, text: `@${name.text}` });
      if (!name.isEntityId()) bad({ start, end: i }, `'@${name.text}' is not a valid @id (letters, digits, _ - . :)`);
      else if (idName !== undefined) bad({ start, end: i }, `a label links to one entity at most; '@${idName}' is already given`);
      else if (attributes.length > 0) bad({ start, end: i }, `the @id comes before attributes`);
      else {
        idName = name.text;
        idStart = start + 1;
      }
      continue;
    }

    if (eq >= 0) {
      const range = { start, end: i };
      const text = source.slice(start, i);
      collect?.push({ kind: 'attribute', range, text });
      const attribute = parseAttribute(text, start, eq);
      if (typeof attribute === 'string') bad(range, attribute);
      else if (attributes.some((a) => a.key === attribute.key)) bad(range, `attribute '${attribute.key}' is given twice`);
      else if (attributes === NO_ATTRIBUTES) attributes = [attribute];
      else attributes.push(attribute);
      continue;
    }

    const name = names.nameAt(source, start, i);
    collect?.push({ kind: 'type', range: { start, end: i }, text: name.text });
    if (!name.isTypeName()) bad({ start, end: i }, `'${name.text}' is not a valid type name (a letter, then letters, digits, _ - .)`);
    else if (typeName !== undefined) bad({ start, end: i }, `a label has one type at most; '${typeName}' is already given`);
    else if (idName !== undefined || attributes.length > 0) bad({ start, end: i }, `the type comes first in a label`);
    else {
      typeName = name.text;
      typeStart = start;
    }
  }
  return new Label(open, close, attributes, tokenCount, typeName, typeStart, idName, idStart);
}

/** Every token of a label in order, typed, including ones the grammar rejected (for completion and highlighting). */
export function labelTokens(source: string, label: Label): LabelToken[] {
  const tokens: LabelToken[] = [];
  parseLabel(source, label.openBrace, label.closeBrace, [], new NameTable(), tokens);
  return tokens;
}

/** A type or id name met in a document, with its grammar checks done once. */
class Name {
  private typeName: boolean | undefined;
  private entityId: boolean | undefined;
  constructor(readonly text: string) {}
  isTypeName(): boolean {
    return (this.typeName ??= TYPE_NAME.test(this.text));
  }
  isEntityId(): boolean {
    return (this.entityId ??= ENTITY_ID.test(this.text));
  }
}

/**
 * What a label without attributes or problems says, its offsets from its `{`: the labels that
 * read the same share it.
 */
interface LabelReading {
  /** The label's text between its braces. */
  text: string;
  tokenCount: number;
  typeName: string | undefined;
  typeAt: number;
  idName: string | undefined;
  idAt: number;
}

/**
 * The labels of one document. 20,000 labels are a few hundred distinct ones: a label read
 * before (found by a hash of its code units) is not tokenized and checked again. One with
 * attributes or problems is read each time: the ranges of its attributes and problems are its own.
 */
class LabelTable {
  private readonly names = new NameTable();
  private readonly readings = new TextTable<LabelReading>();

  /** The label whose `{` and `}` are at `open` and `close`; its problems go to `problems`. */
  labelAt(source: string, open: number, close: number, problems: SyntaxProblem[]): Label {
    const reading = this.readings.get(source, open + 1, close);
    if (reading) {
      const { tokenCount, typeName, typeAt, idName, idAt } = reading;
      return new Label(open, close, NO_ATTRIBUTES, tokenCount, typeName, typeAt < 0 ? -1 : open + typeAt, idName, idAt < 0 ? -1 : open + idAt);
    }
    const before = problems.length;
    const label = parseLabel(source, open, close, problems, this.names);
    if (problems.length === before && label.attributes.length === 0) {
      this.readings.add({
        text: source.slice(open + 1, close),
        tokenCount: label.tokenCount,
        typeName: label.typeName,
        typeAt: label.typeStart < 0 ? -1 : label.typeStart - open,
        idName: label.idName,
        idAt: label.idStart < 0 ? -1 : label.idStart - open,
      });
    }
    return label;
  }
}

/**
 * The type and id names of one document. 20,000 labels hold a few dozen distinct names: each
 * is found in the source by a hash of its code units, so no string is cut for a name already
 * met, labels share one string per name (and so do the index's mentions), and each name's
 * grammar is checked once.
 */
class NameTable {
  private readonly names = new TextTable<Name>();

  /** The name written at `[start, end)` of the source. */
  nameAt(source: string, start: number, end: number): Name {
    let name = this.names.get(source, start, end);
    if (!name) this.names.add((name = new Name(source.slice(start, end))));
    return name;
  }
}

/**
 * Things read from a source, found again by the text they were read from without cutting it
 * out: by a hash of its code units, then compared where it stands.
 */
class TextTable<T extends { readonly text: string }> {
  private readonly byHash = new Map<number, T | T[]>();

  /** The entry whose text is the source's `[start, end)`, if any. */
  get(source: string, start: number, end: number): T | undefined {
    const known = this.byHash.get(sliceHash(source, start, end));
    if (known === undefined) return undefined;
    if (!Array.isArray(known)) return sameText(known.text, source, start, end) ? known : undefined;
    for (const entry of known) if (sameText(entry.text, source, start, end)) return entry;
    return undefined;
  }

  add(entry: T): void {
    const hash = sliceHash(entry.text, 0, entry.text.length);
    const known = this.byHash.get(hash);
    if (known === undefined) this.byHash.set(hash, entry);
    else if (Array.isArray(known)) known.push(entry);
    else this.byHash.set(hash, [known, entry]);
  }
}

/**
 * TextTable's hash of `text[start, end)`, seeded with its length. Not arabic.ts's `unitsHash`,
 * which hashes a key's units for the missed-mention search and must agree with its tokenizer.
 */
function sliceHash(text: string, start: number, end: number): number {
  let hash = end - start;
  for (let k = start; k < end; k++) hash = (Math.imul(hash, 31) + text.charCodeAt(k)) | 0;
  return hash;
}

function sameText(text: string, source: string, start: number, end: number): boolean {
  return text.length === end - start && source.startsWith(text, start);
}

/** Parses `key=value`; returns an error message when it is out of grammar. */
function parseAttribute(text: string, start: number, eq: number): Attribute | string {
  const key = text.slice(0, eq);
  if (!TYPE_NAME.test(key)) return `'${key}' is not a valid attribute name`;
  const raw = text.slice(eq + 1);
  const keyRange = { start, end: start + eq };
  const valueRange = { start: start + eq + 1, end: start + text.length };
  const range = { start, end: start + text.length };
  if (raw.length === 0) return `attribute '${key}' has no value (write ${key}=value or ${key}="...")`;
  if (raw.charCodeAt(0) === QUOTE) {
    let value = '';
    let k = 1;
    for (; k < raw.length; k++) {
      const d = raw.charCodeAt(k);
      if (d === BACKSLASH && k + 1 < raw.length) {
        value += raw[k + 1];
        k++;
      } else if (d === QUOTE) break;
      else value += raw[k];
    }
    if (k >= raw.length) return `the quoted value of '${key}' is not closed`;
    if (k !== raw.length - 1) return `unexpected text after the quoted value of '${key}'`;
    return { key, value, quoted: true, range, keyRange, valueRange };
  }
  if (/["{}[\]=]/.test(raw)) return `the value of '${key}' must be a bare word or a "quoted string"`;
  return { key, value: raw, quoted: false, range, keyRange, valueRange };
}

/** The token of a label at a source offset (its end included), if any. */
export function labelTokenAt(source: string, label: Label, offset: number): LabelToken | undefined {
  return labelTokens(source, label).find((t) => t.range.start <= offset && offset <= t.range.end);
}

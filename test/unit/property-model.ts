/**
 * Generators for the property tests and the long fuzz run (scripts/fuzz.mjs): annotated documents
 * built as a model (a tree of text, spans and broken markup) and rendered to markup, so each
 * document comes with the plain text, spans and problems the parser must find in it.
 *
 * Text is made of what Arabic news holds: letters with harakat and tatweel, bidi marks, Arabic
 * punctuation and digits, emoji outside the BMP, tabs and odd spaces, CR, LF and CRLF line ends,
 * escaped and literal backslashes.
 */

import fc from 'fast-check';

// --- characters ---------------------------------------------------------------------------

const ARABIC_LETTERS = [...'ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةىئؤٱ'];
/** Harakat U+064B..U+0652 and the superscript alef U+0670. */
const HARAKAT = [...Array(8).keys()].map((i) => String.fromCharCode(0x064b + i)).concat('\u0670');
const TATWEEL = '\u0640';
/** LRM, RLM, ALM, ZWNJ, ZWJ, ZWSP and a zero-width no-break space in the middle of a line. */
const INVISIBLE = ['\u200e', '\u200f', '\u061c', '\u200c', '\u200d', '\u200b', '\ufeff'];
const ARABIC_PUNCTUATION = [...'،؛؟«»٫٬٪'];
const DIGITS = [...'0123456789٠١٢٣٤٥٦٧٨٩'];
const LATIN = [...'abcdefghijklmnopqrstuvwxyzQRSTÉü'];
/** Non-BMP: emoji (with a ZWJ sequence and a flag), a mathematical letter, cuneiform. */
const ASTRAL = ['😀', '👨‍👩‍👧', '🇮🇶', '𝕏', '𒀀', '🤝🏽'];
/** ASCII that is text in running text (markup characters are generated on their own). */
const ASCII_PUNCTUATION = [...'.,!?()-:;\'"=@#/*&%+<>|~`$^_'];
const SPACES = [' ', ' ', ' ', '\t', '\u00a0', '\u2009', '\u2028'];

/** One character of running text: never a markup character, never a line break. */
export const textChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...ARABIC_LETTERS) },
  { weight: 4, arbitrary: fc.constantFrom(...HARAKAT) },
  { weight: 1, arbitrary: fc.constant(TATWEEL) },
  { weight: 4, arbitrary: fc.constantFrom(...SPACES) },
  { weight: 1, arbitrary: fc.constantFrom(...INVISIBLE) },
  { weight: 1, arbitrary: fc.constantFrom(...ARABIC_PUNCTUATION) },
  { weight: 1, arbitrary: fc.constantFrom(...DIGITS) },
  { weight: 2, arbitrary: fc.constantFrom(...LATIN) },
  { weight: 1, arbitrary: fc.constantFrom(...ASTRAL) },
  { weight: 1, arbitrary: fc.constantFrom(...ASCII_PUNCTUATION) },
);

const MARKUP_CHARS = ['[', ']', '{', '}', '\\'] as const;
const EOLS = ['\n', '\r\n', '\r'] as const;
export type Eol = (typeof EOLS)[number];

// --- names of the label grammar -------------------------------------------------------------

const TYPE_POOL = ['PER', 'ORG', 'GPE', 'LOC', 'DATE', 'شخص', 'منظمة', 'X-1', 'a.b', 'Ünï', 'T_2'];
/** A type name: a letter, then letters, marks, digits, `_ . -`. */
export const typeName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TYPE_POOL) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ARABIC_LETTERS, ...LATIN.filter((c) => /\p{L}/u.test(c))), fc.string({ unit: fc.constantFrom(...ARABIC_LETTERS, ...HARAKAT, ...'az09_.-'), maxLength: 6 }))
      .map(([first, rest]) => first + rest),
  },
);

const ID_POOL = ['khafaji', 'joc', 'isis', 'wikidata:Q796', 'جهاز-1', '1st', 'a.b:c', 'e_9'];
/** An entity id: letters, marks, digits, `_ . - :`. */
export const entityId: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ID_POOL) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...ARABIC_LETTERS, ...HARAKAT, ...'az09_.-:'), minLength: 1, maxLength: 8 }).filter((s) => /\p{L}|\p{N}|[_.\-:]/u.test(s[0]!)) },
);

const ATTRIBUTE_KEYS = ['role', 'status', 'مصدر', 'k', 'attr-x', 'entity', 'conf.1'];
/** A value that may stand bare in a label: no white space, quotes, brackets, braces or `=`. */
const bareValue = fc.string({ unit: fc.oneof(fc.constantFrom(...ARABIC_LETTERS, ...LATIN, ...DIGITS, ...'-_.:/@|,\\'), fc.constantFrom(...HARAKAT, ...ASTRAL)), minLength: 1, maxLength: 8 });
/** Any value on one line: spaces, tabs, quotes, backslashes and brackets included. */
const quotedValue = fc.string({ unit: fc.oneof({ weight: 6, arbitrary: textChar }, { weight: 1, arbitrary: fc.constantFrom('"', '\\', '{', '}', '[', ']', '=', '\t') }), maxLength: 12 });

/** A label as the model holds it. */
export interface LabelModel {
  type?: string;
  id?: string;
  /** In the order written, `note` included. */
  attributes: { key: string; value: string; quoted: boolean }[];
  /** Separators: before the first token, between tokens, after the last. */
  pad: [string, string, string];
  /** A label body out of grammar (then only the span's extent is predicted). */
  bad?: string;
}

const separator = fc.string({ unit: fc.constantFrom(' ', '\t'), minLength: 1, maxLength: 3 });
const padding = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });

/** Label bodies out of grammar, each giving exactly one problem and no change of structure. */
export const BAD_LABEL_BODIES: readonly [string, string][] = [
  ['PER PER', 'bad-label'],
  ['@a @b', 'bad-label'],
  ['@a PER', 'bad-label'],
  ['k=v PER', 'bad-label'],
  ['1ABC', 'bad-label'],
  ['k=', 'bad-label'],
  ['k=v k=w', 'bad-label'],
  ['@', 'bad-label'],
  ['k="a"b', 'bad-label'],
  ['x=y=z', 'bad-label'],
  ['', 'empty-label'],
  ['  ', 'empty-label'],
];

export interface LabelOptions {
  /** Allow labels out of grammar. */
  broken: boolean;
  /** Always give a type, or an @id from `typedIds` (so every span has an effective type). */
  typed: boolean;
  /** Ids whose catalog entry has a type: a label may give one of them instead of a type. */
  typedIds?: readonly string[];
}

export function labelArbitrary(options: LabelOptions): fc.Arbitrary<LabelModel> {
  const attribute = fc.record({
    value: fc.oneof(bareValue, quotedValue),
    quoted: fc.boolean(),
  });
  const good = fc
    .record({
      type: fc.option(typeName, { nil: undefined, freq: options.typed ? 8 : 3 }),
      id: fc.option(options.typedIds && options.typedIds.length > 0 ? fc.oneof(fc.constantFrom(...options.typedIds), entityId) : entityId, { nil: undefined, freq: 2 }),
      attributes: fc.uniqueArray(fc.tuple(fc.constantFrom(...ATTRIBUTE_KEYS, 'note'), attribute), { maxLength: 3, selector: ([key]) => key }),
      pad: fc.tuple(padding, separator, padding),
    })
    .map(({ type, id, attributes, pad }): LabelModel => {
      const label: LabelModel = {
        attributes: attributes.map(([key, { value, quoted }]) => ({ key, value, quoted: quoted || !/^[^\s"{}[\]=]+$/u.test(value) })),
        pad,
      };
      if (type !== undefined) label.type = type;
      if (id !== undefined) label.id = id;
      if (options.typed && label.type === undefined && !(label.id !== undefined && options.typedIds?.includes(label.id))) label.type = 'PER';
      // A label with no token at all is an empty label: out of grammar, generated as such below.
      if (label.type === undefined && label.id === undefined && label.attributes.length === 0) label.type = 'ORG';
      return label;
    });
  if (!options.broken) return good;
  return fc.oneof(
    { weight: 8, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_LABEL_BODIES).map(([body]): LabelModel => ({ attributes: [], pad: ['', ' ', ''], bad: body })) },
  );
}

/** The label as written, braces included. */
export function renderLabel(label: LabelModel): string {
  if (label.bad !== undefined) return `{${label.bad}}`;
  const tokens: string[] = [];
  if (label.type !== undefined) tokens.push(label.type);
  if (label.id !== undefined) tokens.push(`@${label.id}`);
  for (const a of label.attributes) tokens.push(`${a.key}=${a.quoted ? `"${a.value.replace(/[\\"]/g, '\\$&')}"` : a.value}`);
  return `{${label.pad[0]}${tokens.join(label.pad[1])}${label.pad[2]}}`;
}

// --- the document model -------------------------------------------------------------------

/** A piece of running text: what it adds to the plain text, and how it is written. */
export interface Piece {
  plain: string;
  source: string;
}

export type Inline =
  | { kind: 'text'; pieces: Piece[] }
  | { kind: 'span'; children: Inline[]; label: LabelModel }
  /** `[` ... `]{...}` with no plain text inside (only other empty spans): reported, no span. */
  | { kind: 'empty'; inner: Inline[]; label: LabelModel }
  /** `[` ... `]` with no label after it: both brackets stay text, the spans inside move up. */
  | { kind: 'missing'; children: Inline[] }
  /** A stray `{` or `}`: text, reported. */
  | { kind: 'brace'; char: '{' | '}' }
  /** A stray `]` (only where no `[` is open on the line): text, reported. */
  | { kind: 'strayClose' };

/** What ends a line after its items: an unclosed `[` or a span whose label is never closed. */
export type Tail =
  /** `[` and the rest of the line: the `[` is text, the spans after it are top-level. */
  | { kind: 'unclosed'; items: Inline[]; tail?: Tail }
  /** `[` ... `]{` and no `}` on the line: the rest of the line is text as written. */
  | { kind: 'unclosedLabel'; children: Inline[]; rest: string };

export interface Line {
  items: Inline[];
  tail?: Tail;
  /** A literal backslash at the very end of the line (before its line break). */
  trailingBackslash: boolean;
  eol: Eol | '';
}

export interface FrontMatterModel {
  id?: string;
  labels: string[];
  source?: string;
  date?: string;
}

export interface DocModel {
  bom: boolean;
  frontMatter?: FrontMatterModel;
  lines: Line[];
}

// --- generation ---------------------------------------------------------------------------

/** What a generated document may hold. */
export interface DocOptions {
  /** Broken markup of every kind format.md lists (else well-formed only). */
  broken: boolean;
  /** Every span has an effective type (a type, or an @id of `typedIds`): exportable documents. */
  typed: boolean;
  typedIds?: readonly string[];
  /** Front matter and a BOM. */
  frontMatter: boolean;
  maxDepth: number;
  maxLines: number;
}

const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 20, arbitrary: textChar.map((c) => ({ plain: c, source: c })) },
  { weight: 2, arbitrary: fc.constantFrom(...MARKUP_CHARS).map((c) => ({ plain: c, source: `\\${c}` })) },
  // A backslash before anything but a markup character is a literal backslash.
  { weight: 1, arbitrary: textChar.map((c) => ({ plain: `\\${c}`, source: `\\${c}` })) },
);

const textNode: fc.Arbitrary<Inline> = fc.array(piece, { minLength: 1, maxLength: 12 }).map((pieces) => ({ kind: 'text' as const, pieces }));

/** Inline items at a nesting depth; `top` says whether a stray `]` is allowed (no `[` open around). */
function inlineArbitraries(options: DocOptions): { items: (depth: number, top: boolean) => fc.Arbitrary<Inline[]>; empty: fc.Arbitrary<Inline> } {
  const label = labelArbitrary({ broken: options.broken, typed: options.typed, ...(options.typedIds ? { typedIds: options.typedIds } : {}) });
  const emptyCache = new Map<number, fc.Arbitrary<Inline>>();
  const emptySpan = (depth: number): fc.Arbitrary<Inline> => {
    let arbitrary = emptyCache.get(depth);
    if (!arbitrary) {
      const inner: fc.Arbitrary<Inline[]> = depth <= 0 ? fc.constant([]) : fc.array(emptySpan(depth - 1), { maxLength: 2 });
      arbitrary = fc.record({ inner, label }).map(({ inner, label }) => ({ kind: 'empty' as const, inner, label }));
      emptyCache.set(depth, arbitrary);
    }
    return arbitrary;
  };
  const cache = new Map<string, fc.Arbitrary<Inline[]>>();
  const items = (depth: number, top: boolean): fc.Arbitrary<Inline[]> => {
    const key = `${depth}:${top}`;
    let arbitrary = cache.get(key);
    if (arbitrary) return arbitrary;
    const choices: fc.WeightedArbitrary<Inline>[] = [{ weight: 6, arbitrary: textNode }];
    if (depth > 0) {
      choices.push({ weight: 4, arbitrary: fc.record({ children: fc.constant(null).chain(() => items(depth - 1, false)), label }).map(({ children, label }) => ({ kind: 'span' as const, children, label })) });
    }
    if (options.broken) {
      choices.push({ weight: 1, arbitrary: emptySpan(Math.min(depth, 2)) });
      choices.push({ weight: 1, arbitrary: fc.constantFrom('{', '}').map((char) => ({ kind: 'brace' as const, char })) });
      if (depth > 0) choices.push({ weight: 1, arbitrary: fc.constant(null).chain(() => items(depth - 1, false)).map((children) => ({ kind: 'missing' as const, children })) });
      if (top) choices.push({ weight: 1, arbitrary: fc.constant({ kind: 'strayClose' as const }) });
    }
    arbitrary = fc.array(fc.oneof(...choices), { maxLength: 4 });
    cache.set(key, arbitrary);
    return arbitrary;
  };
  return { items, empty: emptySpan(1) };
}

function tailArbitrary(options: DocOptions, items: (depth: number, top: boolean) => fc.Arbitrary<Inline[]>, depth: number): fc.Arbitrary<Tail> {
  // The rest of a line after an unclosed label: anything but `}` and line breaks, markup included.
  const rest = fc.string({ unit: fc.oneof({ weight: 4, arbitrary: textChar }, { weight: 1, arbitrary: fc.constantFrom('[', ']', '{', '\\', '"', '=', 'PER', ' @x') }), maxLength: 10 });
  const unclosedLabel = fc.record({ children: items(Math.max(depth - 1, 0), false), rest }).map(({ children, rest }): Tail => ({ kind: 'unclosedLabel', children, rest }));
  if (depth <= 0) return unclosedLabel;
  const unclosed = fc
    .record({ items: items(depth - 1, false), tail: fc.option(fc.constant(null).chain(() => tailArbitrary(options, items, depth - 1)), { nil: undefined, freq: 3 }) })
    .map(({ items, tail }): Tail => (tail ? { kind: 'unclosed', items, tail } : { kind: 'unclosed', items }));
  return fc.oneof(unclosed, unclosedLabel);
}

const frontMatterArbitrary: fc.Arbitrary<FrontMatterModel> = fc
  .record({
    id: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { nil: undefined }),
    labels: fc.uniqueArray(fc.constantFrom('security', 'politics', 'kurdistan', 'أمن'), { maxLength: 3 }),
    source: fc.option(fc.string({ unit: textChar, maxLength: 8 }), { nil: undefined }),
    date: fc.option(fc.constant('2021-05-04'), { nil: undefined }),
  })
  .map(({ id, labels, source, date }) => {
    const fm: FrontMatterModel = { labels };
    if (id !== undefined) fm.id = id;
    if (source !== undefined) fm.source = source;
    if (date !== undefined) fm.date = date;
    return fm;
  });

export function docArbitrary(options: DocOptions): fc.Arbitrary<DocModel> {
  const { items } = inlineArbitraries(options);
  const line = fc
    .record({
      items: items(options.maxDepth, true),
      tail: options.broken ? fc.option(tailArbitrary(options, items, options.maxDepth), { nil: undefined, freq: 4 }) : fc.constant(undefined),
      trailingBackslash: fc.boolean(),
      eol: fc.constantFrom(...EOLS),
    })
    .map(({ items, tail, trailingBackslash, eol }): Line => {
      const out: Line = { items, trailingBackslash: trailingBackslash && tail === undefined, eol };
      if (tail) out.tail = tail;
      return out;
    });
  return fc
    .record({
      bom: options.frontMatter ? fc.boolean() : fc.constant(false),
      frontMatter: options.frontMatter ? fc.option(frontMatterArbitrary, { nil: undefined }) : fc.constant(undefined),
      lines: fc.array(line, { minLength: 1, maxLength: options.maxLines }),
      lastEol: fc.boolean(),
    })
    .map(({ bom, frontMatter, lines, lastEol }): DocModel => {
      // Generated values are shared between runs and shrinks: build new objects, never mutate.
      const last = lines[lines.length - 1]!;
      const doc: DocModel = { bom, lines: lastEol ? lines : [...lines.slice(0, -1), { ...last, eol: '' }] };
      if (frontMatter) doc.frontMatter = frontMatter;
      return doc;
    });
}

// --- rendering, with what the parser must find --------------------------------------------

/** A span the parser must find, in preorder. */
export interface ExpectedSpan {
  /** Plain-text offsets, UTF-16. */
  start: number;
  end: number;
  depth: number;
  parent: number;
  label: LabelModel;
  /** Source offset of its `[`. */
  open: number;
}

export interface Rendered {
  source: string;
  plain: string;
  spans: ExpectedSpan[];
  /** Problems whose place is known: code and source offset of their start. */
  problems: { code: string; at: number }[];
  /** Problems counted only (bad labels). */
  labelProblems: string[];
  /** The front matter's data as the parser must read it. */
  frontMatter?: Record<string, unknown>;
}

const FENCE = /^---[ \t]*(\r\n|\n|\r|$)/;

/** Writes a model as annotated text, noting the plain text, spans and problems it must give. */
export function render(doc: DocModel): Rendered {
  let source = '';
  let plain = '';
  const spans: ExpectedSpan[] = [];
  const problems: { code: string; at: number }[] = [];
  const labelProblems: string[] = [];
  /** Set after `[...]` with no label: the next character written must not be `{`. */
  let noBraceNext = false;

  const emit = (src: string, text: string): void => {
    if (src.length === 0) return;
    if (noBraceNext && src[0] === '{') {
      source += ' ';
      plain += ' ';
    }
    noBraceNext = false;
    source += src;
    plain += text;
  };
  const label = (l: LabelModel): void => {
    emit(renderLabel(l), '');
    const bad = BAD_LABEL_BODIES.find(([body]) => body === l.bad);
    if (bad) labelProblems.push(bad[1]);
  };

  /** Writes items; `parent` is the index of the enclosing span (or -1), `depth` its depth + 1. */
  const items = (list: Inline[], parent: number, depth: number): void => {
    for (const item of list) inline(item, parent, depth);
  };
  const inline = (item: Inline, parent: number, depth: number): void => {
    switch (item.kind) {
      case 'text':
        for (const p of item.pieces) emit(p.source, p.plain);
        return;
      case 'span': {
        emit('[', '');
        const index = spans.length;
        const expected: ExpectedSpan = { start: plain.length, end: 0, depth, parent, label: item.label, open: source.length - 1 };
        spans.push(expected);
        items(item.children, index, depth + 1);
        // A span with no plain text would be an empty span: give it a letter.
        if (plain.length === expected.start) emit('ن', 'ن');
        emit(']', '');
        expected.end = plain.length;
        label(item.label);
        return;
      }
      case 'empty': {
        emit('[', '');
        problems.push({ code: 'empty-span', at: source.length - 1 });
        items(item.inner, parent, depth);
        emit(']', '');
        label(item.label);
        return;
      }
      case 'missing': {
        emit('[', '[');
        problems.push({ code: 'missing-label', at: source.length - 1 });
        items(item.children, parent, depth);
        emit(']', ']');
        noBraceNext = true;
        return;
      }
      case 'brace':
        emit(item.char, item.char);
        problems.push({ code: 'unmatched-bracket', at: source.length - 1 });
        return;
      case 'strayClose':
        emit(']', ']');
        problems.push({ code: 'unmatched-bracket', at: source.length - 1 });
        return;
    }
  };
  const tail = (t: Tail): void => {
    if (t.kind === 'unclosed') {
      emit('[', '[');
      problems.push({ code: 'unclosed-span', at: source.length - 1 });
      items(t.items, -1, 0);
      if (t.tail) tail(t.tail);
      return;
    }
    emit('[', '[');
    items(t.children, -1, 0);
    emit(']', ']');
    // The label opens at `{` and runs to the end of the line: all of it is text as written.
    emit('{', '{');
    problems.push({ code: 'unclosed-span', at: source.length - 1 });
    emit(t.rest, t.rest);
  };

  if (doc.bom) source += '\ufeff';
  let frontMatter: Record<string, unknown> | undefined;
  if (doc.frontMatter) {
    const eol = doc.lines[0]!.eol || '\n';
    const fm = doc.frontMatter;
    const yaml: string[] = [];
    frontMatter = {};
    if (fm.id !== undefined) {
      yaml.push(`id: ${fm.id}`);
      frontMatter['id'] = fm.id;
    }
    if (fm.source !== undefined) {
      yaml.push(`source: ${JSON.stringify(fm.source)}`);
      frontMatter['source'] = fm.source;
    }
    if (fm.date !== undefined) {
      yaml.push(`date: ${fm.date}`);
      frontMatter['date'] = fm.date;
    }
    if (fm.labels.length > 0) {
      yaml.push(`labels: [${fm.labels.join(', ')}]`);
      frontMatter['labels'] = fm.labels;
    }
    source += `---${eol}${yaml.map((l) => l + eol).join('')}---${eol}`;
  }
  const bodyStart = source.length;
  for (const line of doc.lines) {
    items(line.items, -1, 0);
    if (line.tail) tail(line.tail);
    if (line.trailingBackslash) emit('\\', '\\');
    noBraceNext = false;
    emit(line.eol, line.eol);
  }
  // A body that begins with a `---` line would be read as front matter: start it with a letter.
  // A body that begins with U+FEFF (and no BOM before it) would be read as a BOM: same.
  if (FENCE.test(source.slice(bodyStart)) || (!doc.bom && !doc.frontMatter && source.charCodeAt(0) === 0xfeff)) {
    source = source.slice(0, bodyStart) + 'ا' + source.slice(bodyStart);
    plain = 'ا' + plain;
    for (const s of spans) {
      s.start++;
      s.end++;
      s.open++;
    }
    for (const p of problems) p.at++;
  }
  const out: Rendered = { source, plain, spans, problems, labelProblems };
  if (frontMatter) out.frontMatter = frontMatter;
  return out;
}

// --- arbitrary input ----------------------------------------------------------------------

/** A lone surrogate: what an editor buffer may hold, never a file read as UTF-8. */
const loneSurrogate = fc.constantFrom('\ud83d', '\ude00', '\udbff', '\udc00');

/** Strings dense in markup and in everything else that has bitten parsers: any input at all. */
export const markupNoise: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({
      unit: fc.oneof(
        { weight: 10, arbitrary: textChar },
        { weight: 6, arbitrary: fc.constantFrom('[', ']', '{', '}', '\\', '"', '=', '@', ' ') },
        { weight: 2, arbitrary: fc.constantFrom(...EOLS) },
        { weight: 2, arbitrary: fc.constantFrom('PER', 'ORG', '@id', 'k=v', 'note="', ']{', ']{PER}', '\\\\', '---\n', '---', '\ufeff') },
        { weight: 1, arbitrary: loneSurrogate },
      ),
      maxLength: 80,
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** A well-formed or broken document, then mangled: inputs close to real ones, but anything. */
export function mangled(doc: fc.Arbitrary<DocModel>): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: fc.oneof(fc.constant(''), markupNoise.map((s) => s.slice(0, 6))) });
  return fc.tuple(doc, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([model, edits]) => {
    let text = render(model).source;
    for (const e of edits) {
      const at = text.length === 0 ? 0 : e.at % (text.length + 1);
      text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
    }
    return text;
  });
}

/** Any input: noise, and mangled documents. */
export function anyInput(): fc.Arbitrary<string> {
  return fc.oneof(markupNoise, mangled(docArbitrary({ broken: true, typed: false, frontMatter: true, maxDepth: 3, maxLines: 3 })));
}

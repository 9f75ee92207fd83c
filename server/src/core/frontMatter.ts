/** Front matter: a YAML block between `---` lines at the very start of a document. */

import type { FrontMatter, OffsetRange, SyntaxProblem } from './model';
import { isMap, isScalar, nodeRange, readYaml, scalarString, seqItems } from './yamlSource';

/** Length of a `---` line (trailing blanks allowed) with its line break at `offset`, or -1. */
function fenceLength(source: string, offset: number): number {
  const match = /^---[ \t]*(\r\n|\n|\r|$)/.exec(source.slice(offset, offset + 64));
  return match ? match[0].length : -1;
}

/** Offset just past the line break of the line starting at `offset` (or the text's end). */
function nextLine(source: string, offset: number): number {
  for (let i = offset; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return source.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return source.length;
}

/** The `---` lines of a front matter starting at `start`: where its YAML starts and ends, and where it ends; 'unclosed' or undefined (none). */
function fences(source: string, start: number): { contentStart: number; contentEnd: number; end: number } | 'unclosed' | undefined {
  const open = fenceLength(source, start);
  if (open < 0) return undefined;
  const contentStart = start + open;
  for (let line = contentStart; line < source.length; line = nextLine(source, line)) {
    const close = fenceLength(source, line);
    if (close >= 0) return { contentStart, contentEnd: line, end: line + close };
  }
  return 'unclosed';
}

/** Where the body of a document whose text starts at `start` (after a BOM) begins: past its front matter, if it has one. */
export function bodyStart(source: string, start: number): number {
  const found = fences(source, start);
  return typeof found === 'object' ? found.end : start;
}

/**
 * Finds and reads the front matter of a document whose text starts at `start` (after a BOM).
 * Returns undefined when the document has none. An opening `---` that is never closed is
 * reported, and the document is then read as having no front matter. `yamlOnly` has the YAML
 * library read it even where the simple reader would (the property tests compare the two).
 */
export function parseFrontMatter(source: string, start: number, { yamlOnly = false } = {}): { frontMatter?: FrontMatter; problems: SyntaxProblem[] } | undefined {
  const found = fences(source, start);
  if (found === undefined) return undefined;
  if (found !== 'unclosed') {
    const simple = yamlOnly ? undefined : readSimpleYaml(source, found.contentStart, found.contentEnd);
    if (simple) return { frontMatter: { range: { start, end: found.end }, contentRange: { start: found.contentStart, end: found.contentEnd }, ...simple }, problems: [] };
    return readFrontMatter(source, start, found.contentStart, found.contentEnd, found.end);
  }
  return {
    problems: [
      {
        code: 'bad-front-matter',
        message: "front matter opened by '---' is never closed by a '---' line, so the document is read as having none",
        range: { start, end: start + 3 },
      },
    ],
  };
}

/** A key of the simple front matter: a name, as YAML reads it plain. */
const SIMPLE_KEY = /[A-Za-z_][A-Za-z0-9_-]*: +/y;
/**
 * A value of the simple front matter: words of letters, marks, digits, `_`, `.` and `-`, one space
 * apart, starting with a letter. YAML reads it plain as that very string, in a list or not: it
 * holds no indicator (`:`, `#`, `,`, brackets, quotes) and cannot be a number.
 */
const SIMPLE_WORD = /\p{L}[\p{L}\p{M}\p{N}_.-]*(?: [\p{L}\p{M}\p{N}_.-]+)*/uy;
/** Words the core schema reads as something other than a string. */
const NOT_A_STRING = /^(?:true|false|null)$/i;

/**
 * The front matter most documents have, read without the YAML library: lines of `key: value`,
 * each value a word or a flow list of words (`labels: [security, politics]`). Anything else
 * (comments, quotes, block lists, numbers, empty values, CRs, a repeated key) gives undefined,
 * and the library reads it. The library took some 40 µs a document, a fifth of an export's time.
 */
function readSimpleYaml(source: string, from: number, to: number): Pick<FrontMatter, 'data' | 'labels'> | undefined {
  if (from >= to) return undefined;
  const data: Record<string, string | string[]> = {};
  const labels: FrontMatter['labels'] = [];
  const word = (at: number): { value: string; range: OffsetRange } | undefined => {
    SIMPLE_WORD.lastIndex = at;
    const match = SIMPLE_WORD.exec(source);
    if (!match || NOT_A_STRING.test(match[0])) return undefined;
    return { value: match[0], range: { start: at, end: at + match[0].length } };
  };
  let at = from;
  while (at < to) {
    SIMPLE_KEY.lastIndex = at;
    const key = SIMPLE_KEY.exec(source);
    if (!key) return undefined;
    const name = key[0].slice(0, key[0].indexOf(':'));
    // `__proto__` would set the object's prototype: the library makes it a key.
    if (Object.hasOwn(data, name) || name === '__proto__') return undefined;
    at = SIMPLE_KEY.lastIndex;
    const words: { value: string; range: OffsetRange }[] = [];
    if (source.charCodeAt(at) === 0x5b /* [ */) {
      at = skipSpaces(source, at + 1);
      while (source.charCodeAt(at) !== 0x5d /* ] */) {
        const item = word(at);
        if (!item) return undefined;
        words.push(item);
        at = skipSpaces(source, item.range.end);
        if (source.charCodeAt(at) === 0x2c /* , */) at = skipSpaces(source, at + 1);
        else if (source.charCodeAt(at) !== 0x5d) return undefined;
      }
      at++;
      data[name] = words.map((w) => w.value);
    } else {
      const value = word(at);
      if (!value) return undefined;
      words.push(value);
      at = value.range.end;
      data[name] = value.value;
    }
    if (source.charCodeAt(at) !== 10 || at >= to) return undefined;
    at++;
    if (name === 'labels') labels.push(...words);
  }
  return { data, labels };
}

function skipSpaces(source: string, at: number): number {
  while (source.charCodeAt(at) === 0x20) at++;
  return at;
}

function readFrontMatter(source: string, start: number, contentStart: number, contentEnd: number, end: number): { frontMatter: FrontMatter; problems: SyntaxProblem[] } {
  const frontMatter: FrontMatter = { range: { start, end }, contentRange: { start: contentStart, end: contentEnd }, labels: [] };
  const { doc, problems: yamlProblems } = readYaml(source.slice(contentStart, contentEnd), contentStart);
  const problems: SyntaxProblem[] = yamlProblems.map((p) => ({ code: 'bad-front-matter', message: `front matter: ${p.message}`, range: p.range }));
  if (problems.length > 0) return { frontMatter, problems };

  if (doc.contents !== null && !isMap(doc.contents)) {
    problems.push({ code: 'bad-front-matter', message: 'front matter must be a YAML mapping (key: value lines)', range: nodeRange(doc.contents, contentStart) });
    return { frontMatter, problems };
  }
  try {
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    frontMatter.data = (data ?? {}) as Record<string, unknown>;
  } catch (error) {
    problems.push({ code: 'bad-front-matter', message: `front matter: ${(error as Error).message}`, range: { start, end: start + 3 } });
    return { frontMatter, problems };
  }

  const labels = isMap(doc.contents) ? doc.contents.get('labels', true) : undefined;
  const items = seqItems(labels) ?? (isScalar(labels) ? [labels] : []);
  for (const item of items) {
    const value = scalarString(item);
    if (value !== undefined) frontMatter.labels.push({ value, range: nodeRange(item, contentStart) });
    else problems.push({ code: 'bad-front-matter', message: 'front matter: each document label must be a word', range: nodeRange(item, contentStart) });
  }
  return { frontMatter, problems };
}

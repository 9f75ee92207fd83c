/**
 * Reading YAML with exact positions, shared by front matter and corpus.yaml.
 *
 * We walk the `yaml` package's AST (not `toJS`) so every value keeps its source range, and so
 * aliases are expanded under a budget: an alias bomb is refused with an error, never a hang.
 */

import { Alias, Document, isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import type { OffsetRange } from './model';

/** A problem found while reading YAML, at a range of the YAML text. */
export interface YamlProblem {
  code: string;
  message: string;
  range: OffsetRange;
}

/** Aliases expanded in one file before we call it hostile. */
const ALIAS_BUDGET = 1000;

/** Parses YAML text; syntax errors come back as problems with their ranges. */
export function readYaml(text: string, offset = 0, { uniqueKeys = true } = {}): { doc: Document; problems: YamlProblem[] } {
  // The yaml package does not take a lone CR for a line break (YAML does, and so do our
  // documents): a CR-only front matter was read as one line. Each lone CR becomes an LF, one
  // unit for one, so every offset still points into the text as written.
  const doc = parseDocument(text.replace(/\r(?!\n)/g, '\n'), {
    // The core schema: no custom tags, no timestamps or other implicit types beyond JSON's, and
    // no YAML 1.1 tags either (`!!binary`, `!!timestamp`, `!!set`, `!!omap`, `!!pairs`): any
    // tag beyond the core ones is reported ("Unresolved tag"), never interpreted.
    schema: 'core',
    customTags: [],
    resolveKnownTags: false,
    uniqueKeys,
    prettyErrors: false,
    keepSourceTokens: false,
    strict: true,
  });
  const problems: YamlProblem[] = [];
  for (const error of doc.errors) {
    const message = error.code === 'DUPLICATE_KEY' ? `duplicate key: ${firstLine(error.message)}` : firstLine(error.message);
    problems.push({
      code: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
      message,
      range: { start: offset + error.pos[0], end: offset + Math.max(error.pos[1], error.pos[0] + 1) },
    });
  }
  for (const warning of doc.warnings) {
    problems.push({ code: 'yaml-syntax', message: firstLine(warning.message), range: { start: offset + warning.pos[0], end: offset + warning.pos[1] } });
  }
  if (problems.length === 0 && /[&*]/.test(text)) {
    // Anchors and aliases are legal YAML, but an alias bomb expands exponentially: let the yaml
    // package's own guard count the expansion, and refuse the file if it trips.
    try {
      doc.toJS({ maxAliasCount: ALIAS_BUDGET });
    } catch (error) {
      problems.push({ code: 'yaml-syntax', message: `refused: ${firstLine((error as Error).message)}`, range: { start: offset, end: offset } });
    }
  }
  return { doc, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Source range of a node, shifted by `offset`. */
export function nodeRange(node: unknown, offset = 0): OffsetRange {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return { start: offset, end: offset };
  return { start: offset + range[0], end: offset + range[1] };
}

/** Follows aliases within a budget shared by one reading. */
export class AliasBudget {
  private used = 0;
  constructor(private readonly doc: Document) {}

  /** The node an alias stands for (or the node itself); undefined past the budget. */
  resolve(node: unknown): YamlNode | undefined | 'exhausted' {
    let current = node;
    let hops = 0;
    while (isAlias(current)) {
      if (++this.used > ALIAS_BUDGET || ++hops > 100) return 'exhausted';
      current = (current as Alias).resolve(this.doc);
    }
    return current as YamlNode | undefined;
  }
}

/** The pairs of a mapping node, or undefined when it is not a mapping. */
export function mapPairs(node: unknown): Pair<unknown, unknown>[] | undefined {
  return isMap(node) ? (node.items as Pair<unknown, unknown>[]) : undefined;
}

/** The items of a sequence node, or undefined when it is not a sequence. */
export function seqItems(node: unknown): unknown[] | undefined {
  return isSeq(node) ? node.items : undefined;
}

/** A scalar's value as a string (numbers and booleans spelt as written), or undefined. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return node.source ?? String(value);
  return undefined;
}

export { isMap, isScalar, isSeq };

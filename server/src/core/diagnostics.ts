/**
 * Every diagnostic of markup.md section 4, with its quick fix where it has one.
 *
 * Diagnostics are plain data with source offsets; the language service turns them into LSP
 * diagnostics and the CLI into `path:line:col` lines, so both always agree.
 */

import { isWordFinalLetter, keyInitial, matchingKey } from './arabic';
import { EDGE, bmpClasses } from './charClass';
import type { ConfigFile, CorpusConfig, RuleSetting } from './config';
import type { CorpusIndex, KnownSurface } from './corpusIndex';
import type { OffsetRange, ParsedDocument, Severity, Span } from './model';
import { escapesAt, wrapEdits } from './edits';
import { type MissedMentionCache, findMissedMentions } from './missedMentions';
import { isWordCharAt, isWordCharBefore, plainEndToSource, plainRangeToSource, plainToSource } from './text';

/** One text edit of a fix, in the document itself or in one of the corpus's YAML files. */
export interface FixEdit {
  file: 'document' | ConfigFile;
  range: OffsetRange;
  newText: string;
}

/** A quick fix: edits applied together as one undoable change. */
export interface Fix {
  title: string;
  edits: FixEdit[];
  /** The fix an editor may apply on its own ("fix all"). */
  preferred?: boolean;
}

/** Another place that explains a diagnostic (e.g. the other occurrences of a surface). */
export interface RelatedPlace {
  docId: string;
  range: OffsetRange;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: OffsetRange;
  related?: RelatedPlace[];
  fixes?: Fix[];
}

/** Default severities of every code, document and corpus.yaml alike. */
export const DEFAULT_SEVERITY: Readonly<Record<string, Severity>> = {
  'unclosed-span': 'error',
  'unmatched-bracket': 'error',
  'missing-label': 'error',
  'empty-span': 'error',
  'empty-label': 'error',
  'bad-label': 'error',
  'unknown-type': 'error',
  'unknown-entity': 'error',
  'type-mismatch': 'warning',
  'unknown-attribute': 'warning',
  'bad-attribute-value': 'warning',
  'nesting-not-allowed': 'error',
  'span-whitespace': 'warning',
  'partial-word': 'warning',
  'clitic-inside': 'info',
  'conflicting-type': 'warning',
  'missed-mention': 'hint',
  'unknown-document-label': 'warning',
  'bad-front-matter': 'error',
  // corpus.yaml and the entities file
  'yaml-syntax': 'error',
  'duplicate-key': 'error',
  'duplicate-id': 'error',
  'unknown-key': 'warning',
  'bad-value': 'error',
  'bad-color': 'error',
  'missing-entities-file': 'error',
  'entities-outside-corpus': 'error',
  'config-too-large': 'error',
};

/** How many related places a cross-document diagnostic lists at most. */
const MAX_RELATED = 20;

/** What diagnosing a document needs besides the document. */
export interface DiagnoseContext {
  /** The document's id in the index (to tell its own mentions from others'). */
  docId: string;
  /** The corpus's configuration and index; without them only syntax is checked. */
  index?: CorpusIndex;
  /** The missed-mention search's answers for the document's lines, kept between diagnoses. */
  missedMentions?: MissedMentionCache;
}

/** All diagnostics of one document, severities as the corpus's `rules:` set them. */
export function diagnoseDocument(doc: ParsedDocument, context: DiagnoseContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (code: string, message: string, range: OffsetRange, extra?: Partial<Diagnostic>): void => {
    out.push({ code, severity: DEFAULT_SEVERITY[code] ?? 'error', message, range, ...extra });
  };

  for (const problem of doc.problems) {
    const fixes = problem.range.end - problem.range.start === 1 && (problem.code === 'unmatched-bracket' || problem.code === 'unclosed-span') ? [escapeFix(doc, problem.range.start)] : undefined;
    push(problem.code, problem.message, problem.range, fixes ? { fixes } : undefined);
  }

  const index = context.index;
  if (!index) return out;
  const config = index.getConfig();

  checkFrontMatter(doc, config, push);
  for (let i = 0; i < doc.spans.length; i++) checkSpan(doc, doc.spans[i]!, config, push);
  checkCrossDocument(doc, context, index, config, push);
  // Made whole here, not through `push`: their fixes are made when asked for (see MissedMention).
  checkMissedMentions(doc, index, config, out, context.missedMentions);
  // In document order, as a reader meets them (the sort is stable for equal positions).
  out.sort((a, b) => a.range.start - b.range.start);
  return applyRules(out, config.rules);
}

type Push = (code: string, message: string, range: OffsetRange, extra?: Partial<Diagnostic>) => void;

/** Diagnostics an editor is sent for one document at most (VS Code shows 1,000 a file, no more). */
export const MAX_DIAGNOSTICS_PER_DOCUMENT = 1000;

const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/**
 * At most `max` diagnostics, the most severe first, kept in document order, and one more saying
 * how many were left out: a line of a million stray brackets must not become a million messages
 * (it was 300 MB of JSON for the editor to throw away). Linear: a bucket per severity.
 */
export function limitDiagnostics(diagnostics: Diagnostic[], max = MAX_DIAGNOSTICS_PER_DOCUMENT): Diagnostic[] {
  if (diagnostics.length <= max) return diagnostics;
  const keep = new Uint8Array(diagnostics.length);
  let kept = 0;
  for (const severity of SEVERITY_ORDER) {
    for (let i = 0; i < diagnostics.length && kept < max; i++) {
      if (diagnostics[i]!.severity === severity) {
        keep[i] = 1;
        kept++;
      }
    }
  }
  const out: Diagnostic[] = [];
  let firstLeftOut: Diagnostic | undefined;
  diagnostics.forEach((d, i) => {
    if (keep[i]) out.push(d);
    else firstLeftOut ??= d;
  });
  const at = firstLeftOut!.range.start;
  out.push({
    code: 'too-many-problems',
    severity: 'info',
    message: `${diagnostics.length - max} more problems in this document are not shown (the ${max} shown are the most severe); fix these, or run 'corpus-annotator check' for all of them`,
    range: { start: at, end: at },
  });
  return out;
}

/** Drops what the corpus turned off and sets the severities it chose (on the diagnostics given: they are a diagnosis's own). */
export function applyRules<T extends { code: string; severity: Severity }>(diagnostics: T[], rules: ReadonlyMap<string, RuleSetting>): T[] {
  if (rules.size === 0) return diagnostics;
  const out: T[] = [];
  for (const d of diagnostics) {
    const rule = rules.get(d.code);
    if (rule === 'off') continue;
    // In place: a diagnostic may make its fixes when asked (see MissedMention), and a copy would lose that.
    if (rule) d.severity = rule;
    out.push(d);
  }
  return out;
}

function escapeFix(doc: ParsedDocument, offset: number): Fix {
  const char = doc.source[offset];
  return { title: `Escape '${char}' as literal text`, edits: [{ file: 'document', range: { start: offset, end: offset }, newText: '\\' }], preferred: true };
}

function checkFrontMatter(doc: ParsedDocument, config: CorpusConfig, push: Push): void {
  for (const label of doc.frontMatter?.labels ?? []) {
    if (!config.documentLabels.includes(label.value)) {
      const known = config.documentLabels.length > 0 ? ` (declared: ${config.documentLabels.join(', ')})` : ' (corpus.yaml declares no document_labels)';
      push('unknown-document-label', `document label '${label.value}' is not declared in document_labels${known}`, label.range);
    }
  }
}

function checkSpan(doc: ParsedDocument, span: Span, config: CorpusConfig, push: Push): void {
  const label = span.label;
  if (!config.nesting && span.depth > 0) {
    push('nesting-not-allowed', 'nested spans are not allowed in this corpus (nesting: false)', span.range);
  }

  const { typeName, idName } = label;
  const entity = idName !== undefined ? config.entities.get(idName) : undefined;
  if (typeName !== undefined && !config.types.has(typeName)) {
    const range = label.type!.range;
    const fixes = closestNames(typeName, [...config.types.keys()]).map((name, i) => ({
      title: `Change type to ${name}`,
      edits: [{ file: 'document' as const, range, newText: name }],
      preferred: i === 0,
    }));
    push('unknown-type', `unknown type '${typeName}' (declared: ${[...config.types.keys()].join(', ') || 'none'})`, range, { fixes });
  }
  if (idName !== undefined && !entity) {
    const fix = addEntityFix(idName, typeName, span.text, config);
    push('unknown-entity', `'@${idName}' is not in the catalog`, label.id!.range, fix ? { fixes: [fix] } : undefined);
  }
  if (typeName === undefined && label.tokenCount > 0 && (idName === undefined || (entity && entity.type === undefined))) {
    const why = idName !== undefined ? `entity '${idName}' has no type in the catalog` : 'a label needs a type or an @id';
    push('bad-label', `the span has no type: ${why}`, label.range);
  }
  if (typeName !== undefined && entity?.type !== undefined && entity.type !== typeName) {
    const range = label.type!.range;
    push('type-mismatch', `the span says ${typeName} but entity '${entity.id}' is ${entity.type} in the catalog`, range, {
      fixes: [{ title: `Change type to ${entity.type}`, edits: [{ file: 'document', range, newText: entity.type }], preferred: true }],
    });
  }

  for (const attribute of label.attributes) {
    if (attribute.key === 'note') continue;
    const def = config.attributes.get(attribute.key);
    if (!def) {
      const declared = [...config.attributes.keys()];
      push('unknown-attribute', `attribute '${attribute.key}' is not declared in attributes:${declared.length > 0 ? ` (declared: ${declared.join(', ')})` : ''}`, attribute.keyRange);
    } else if (def.values && !def.values.includes(attribute.value)) {
      const fixes = closestNames(attribute.value, def.values).map((value) => ({
        title: `Change value to ${value}`,
        edits: [{ file: 'document' as const, range: attribute.valueRange, newText: value }],
      }));
      push('bad-attribute-value', `'${attribute.value}' is not an allowed value of '${attribute.key}' (allowed: ${def.values.join(', ')})`, attribute.valueRange, { fixes });
    }
  }

  checkSpanEdges(doc, span, config, push);
}

/** span-whitespace and partial-word: what stands at the span's two edges. */
function checkSpanEdges(doc: ParsedDocument, span: Span, config: CorpusConfig, push: Push): void {
  const plain = doc.plainText;
  const text = span.text;
  const lead = edgeRunAt(text, 0) ? text.length - text.replace(/^[\s\p{P}\p{Z}\p{Cf}]+/u, '').length : 0;
  const trail = edgeRunAt(text, text.length - 1) ? text.length - text.replace(/[\s\p{P}\p{Z}\p{Cf}]+$/u, '').length : 0;
  if (lead > 0 || trail > 0) {
    const fix = lead + trail < text.length ? moveBrackets(doc, span, span.start + lead, span.end - trail, 'Trim the span') : undefined;
    const where = lead > 0 && trail > 0 ? 'starts and ends' : lead > 0 ? 'starts' : 'ends';
    push('span-whitespace', `the span ${where} with white space or punctuation`, span.range, fix ? { fixes: [fix] } : undefined);
    return;
  }

  let newStart = span.start;
  let newEnd = span.end;
  if (isWordCharBefore(plain, span.start) && isWordCharAt(plain, span.start)) {
    const wordStart = wordStartBefore(plain, span.start);
    const prefix = plain.slice(wordStart, span.start);
    if (!isProcliticRun(prefix, config.clitics.proclitics) && !isWordFinalLetter(plain.charCodeAt(span.start - 1))) newStart = wordStart;
  }
  if (isWordCharBefore(plain, span.end) && isWordCharAt(plain, span.end)) {
    const wordEnd = wordEndAfter(plain, span.end);
    const suffix = plain.slice(span.end, wordEnd);
    if (!config.clitics.enclitics.includes(matchingKey(suffix)) && !config.clitics.enclitics.includes(suffix) && !isWordFinalLetter(plain.charCodeAt(span.end - 1))) newEnd = wordEnd;
  }
  if (newStart !== span.start || newEnd !== span.end) {
    const fix = moveBrackets(doc, span, newStart, newEnd, `Extend the span to the whole word: '${plain.slice(newStart, newEnd)}'`);
    const where = newStart !== span.start && newEnd !== span.end ? 'start and end cut' : newStart !== span.start ? 'start cuts' : 'end cuts';
    push('partial-word', `the span's ${where} a word: '${plain.slice(newStart, newEnd)}'`, span.range, fix ? { fixes: [fix] } : undefined);
  }
}

/**
 * Whether white space or punctuation may stand at `offset` of `text` (the regexes above decide):
 * false only when the code unit there is outside the surrogates and not of that class, which is
 * the answer for almost every span without running a regex.
 */
function edgeRunAt(text: string, offset: number): boolean {
  const c = text.charCodeAt(offset);
  return !(c >= 0 && (c < 0xd800 || c > 0xdfff) && (bmpClasses()[c]! & EDGE) === 0);
}

function wordStartBefore(plain: string, offset: number): number {
  let i = offset;
  while (i > 0 && isWordCharBefore(plain, i)) i--;
  return i;
}

function wordEndAfter(plain: string, offset: number): number {
  let i = offset;
  while (i < plain.length && isWordCharAt(plain, i)) i++;
  return i;
}

/**
 * Per list of proclitics: their matching keys, and the answers of `isProcliticRun` so far (a
 * document asks about the few letters before thousands of spans: و, ب, ال and the like).
 */
const procliticRuns = new WeakMap<readonly string[], { keys: string[]; answers: Map<string, boolean> }>();

/** How many answers a list of proclitics keeps at most (the prefixes asked about are words' starts). */
const MAX_PROCLITIC_ANSWERS = 4096;

/** Whether `prefix` is one proclitic or a run of them (و + ب + ال ...), compared on the matching key. */
export function isProcliticRun(prefix: string, proclitics: readonly string[]): boolean {
  let memo = procliticRuns.get(proclitics);
  if (!memo) procliticRuns.set(proclitics, (memo = { keys: proclitics.map(matchingKey).filter((p) => p.length > 0), answers: new Map() }));
  let answer = memo.answers.get(prefix);
  if (answer === undefined) {
    answer = splitsIntoProclitics(matchingKey(prefix), memo.keys);
    if (memo.answers.size < MAX_PROCLITIC_ANSWERS) memo.answers.set(prefix, answer);
  }
  return answer;
}

function splitsIntoProclitics(key: string, keys: readonly string[]): boolean {
  if (key.length === 0) return false;
  // ok[i]: key.slice(0, i) splits into proclitics.
  const ok = new Array<boolean>(key.length + 1).fill(false);
  ok[0] = true;
  for (let i = 0; i < key.length; i++) {
    if (!ok[i]) continue;
    for (const p of keys) if (key.startsWith(p, i)) ok[i + p.length] = true;
  }
  return ok[key.length]!;
}

/**
 * A fix moving the span's brackets so its surface becomes the plain range `[newStart, newEnd)`.
 * Offered only when the text the brackets cross holds no markup, so the edit cannot break
 * neighbouring spans, and when no bracket lands right after a backslash (it would be escaped).
 */
function moveBrackets(doc: ParsedDocument, span: Span, newStart: number, newEnd: number, title: string): Fix | undefined {
  const edits: FixEdit[] = [];
  const open = span.range.start;
  const close = span.closeBracket;
  // The source of a plain range that holds no markup, with where it stands: positions, not text,
  // decide whether it touches a bracket (a label's `}` right before a `]` reads like a plain `}`).
  const plainRun = (from: number, to: number): { text: string; start: number; end: number } | undefined => {
    const s = plainToSource(doc.offsets, from);
    const e = plainEndToSource(doc.offsets, to);
    return e - s === to - from ? { text: doc.source.slice(s, e), start: s, end: e } : undefined;
  };
  if (newStart !== span.start) {
    const run = plainRun(Math.min(newStart, span.start), Math.max(newStart, span.start));
    if (run === undefined) return undefined;
    const moved = run.text;
    if (newStart < span.start) {
      if (run.end !== open || escapesAt(doc.source, run.start)) return undefined;
      edits.push({ file: 'document', range: { start: run.start, end: open + 1 }, newText: `[${moved}` });
    } else {
      if (run.start !== open + 1 || escapesAt(moved, moved.length)) return undefined;
      edits.push({ file: 'document', range: { start: open, end: open + 1 + moved.length }, newText: `${moved}[` });
    }
  }
  if (newEnd !== span.end) {
    const run = plainRun(Math.min(newEnd, span.end), Math.max(newEnd, span.end));
    if (run === undefined) return undefined;
    const moved = run.text;
    const labelText = doc.source.slice(close, span.range.end);
    if (newEnd > span.end) {
      if (run.start !== span.range.end || escapesAt(moved, moved.length)) return undefined;
      edits.push({ file: 'document', range: { start: close, end: span.range.end + moved.length }, newText: `${moved}${labelText}` });
    } else {
      if (run.end !== close || escapesAt(doc.source, run.start)) return undefined;
      edits.push({ file: 'document', range: { start: close - moved.length, end: span.range.end }, newText: `${labelText}${moved}` });
    }
  }
  return { title, edits, preferred: true };
}

/** The `unknown-entity` fix: a new catalog entry named after the span. */
function addEntityFix(id: string, type: string | undefined, surface: string, config: CorpusConfig): Fix | undefined {
  const at = config.catalogInsertion;
  if (!at) return undefined;
  const lines = [`${at.indent}${id}:`];
  if (type !== undefined) lines.push(`${at.indent}  type: ${type}`);
  lines.push(`${at.indent}  name: ${JSON.stringify(surface)}`);
  return {
    title: `Add '${id}' to the catalog`,
    edits: [{ file: at.file, range: { start: at.offset, end: at.offset }, newText: `${at.prefix}${lines.join('\n')}\n` }],
    preferred: true,
  };
}

/** The candidates nearest to `name` (ties included, three at most), compared case-insensitively. */
export function closestNames(name: string, candidates: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const scored = candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.ceil(c.length / 2)));
  const best = Math.min(...scored.map(({ d }) => d));
  return scored
    .filter(({ d }) => d === best)
    .sort((a, b) => a.c.localeCompare(b.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

/** Edit distance counting a swap of neighbours as one edit (typos like OGR for ORG). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The label text for annotating an occurrence of a known surface. */
export function labelFor(surface: Pick<KnownSurface, 'type' | 'id'>): string {
  return [surface.type, surface.id !== undefined ? `@${surface.id}` : undefined].filter((t) => t !== undefined).join(' ');
}

/** What a conflicting-type diagnostic says for the mentions of one surface key that carry one type. */
interface Conflict {
  /** The corpus's one most frequent type, when there is one. */
  majority: string | undefined;
  summary: string;
  related: RelatedPlace[];
  /** The message, by the surface as written (it may differ in diacritics between mentions). */
  messages: Map<string, string>;
}

/** conflicting-type and clitic-inside: the document against the corpus (missed-mention too: see `checkMissedMentions`). */
function checkCrossDocument(doc: ParsedDocument, context: DiagnoseContext, index: CorpusIndex, config: CorpusConfig, push: Push): void {
  // A conflict is worked out once per surface key and type, not once per mention: a document
  // can hold hundreds of mentions of one conflicting surface, and each would list the corpus's
  // mentions of it again.
  const conflicts = new Map<string, Map<string, Conflict | null>>();
  const conflicting = index.conflictingKeys();
  const names = conflicting.size > 0 ? index.namesIn(context.docId) : [];
  for (let spanIndex = 0; spanIndex < names.length; spanIndex++) {
    const mention = names[spanIndex]!;
    const type = mention.type;
    if (type === undefined || !conflicting.has(mention.key) || !config.types.has(type)) continue;
    let byType = conflicts.get(mention.key);
    if (!byType) conflicts.set(mention.key, (byType = new Map()));
    let conflict = byType.get(type);
    if (conflict === undefined) byType.set(type, (conflict = conflictOf(index, mention.key, type)));
    if (conflict === null) continue;
    let message = conflict.messages.get(mention.text);
    if (message === undefined) {
      message = `'${mention.text}' is ${type} here, but the corpus types it differently (${conflict.summary})`;
      conflict.messages.set(mention.text, message);
    }
    const span = doc.spans[spanIndex]!;
    const fixes = conflict.majority !== undefined ? changeTypeFix(span, conflict.majority) : [];
    push('conflicting-type', message, span.label.range, { related: conflict.related, fixes });
  }

  if (config.clitics.policy === 'outside') {
    const separable = separableProclitics(config);
    const initials = new Set(separable.map((p) => p.charCodeAt(0)));
    for (const span of doc.spans) {
      if (initials.has(keyInitial(span.text))) checkCliticInside(doc, span, index, separable, push);
    }
  }
}

/** The conflict of a surface key's mentions of one type with the corpus, or null when that type is the corpus's one majority. */
function conflictOf(index: CorpusIndex, key: string, type: string): Conflict | null {
  const counts = index.typeCounts(key);
  let best = 0;
  for (const count of counts.values()) best = Math.max(best, count);
  const majority = [...counts].filter(([, count]) => count === best).map(([name]) => name);
  if (majority.length === 1 && majority[0] === type) return null;
  const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ×${count}`).join(', ');
  const related: RelatedPlace[] = [];
  for (const other of index.mentionsOfKey(key)) {
    if (other.type === type || other.type === undefined) continue;
    related.push({ docId: other.docId, range: { start: other.spanStart, end: other.spanEnd }, message: `'${other.text}' is ${other.type} here` });
    if (related.length >= MAX_RELATED) break;
  }
  return { majority: majority.length === 1 ? majority[0] : undefined, summary, related, messages: new Map() };
}

function changeTypeFix(span: Span, type: string): Fix[] {
  const typeToken = span.label.type;
  if (!typeToken) return [];
  return [{ title: `Change type to ${type}`, edits: [{ file: 'document', range: typeToken.range, newText: type }] }];
}

/**
 * Proclitics that can be split off a name whole, as matching keys: conjunctions and
 * prepositions, not the article (it stays with the name, ATB style) nor لل (ل + the article).
 */
export function separableProclitics(config: Pick<CorpusConfig, 'clitics'>): string[] {
  return config.clitics.proclitics.map(matchingKey).filter((key) => key.length > 0 && !key.endsWith('ال') && key !== 'لل');
}

function checkCliticInside(doc: ParsedDocument, span: Span, index: CorpusIndex, separable: string[], push: Push): void {
  const key = matchingKey(span.text);
  // Try the longest run of proclitics first: وب + العراق before و + بالعراق.
  for (let cut = Math.min(4, key.length - 2); cut >= 1; cut--) {
    const prefix = key.slice(0, cut);
    if (!isProcliticRun(prefix, separable)) continue;
    const rest = index.knownSurface(key.slice(cut).trim());
    if (!rest) continue;
    // The prefix in the surface as written (diacritics may sit between its letters).
    let written = 0;
    for (let kept = 0; written < span.text.length && kept < cut; written++) if (matchingKey(span.text[written]!).length > 0) kept++;
    while (written < span.text.length && matchingKey(span.text[written]!).length === 0) written++;
    const fix = moveBrackets(doc, span, span.start + written, span.end, `Move '${span.text.slice(0, written)}' out of the span`);
    push('clitic-inside', `'${span.text.slice(0, written)}' is a proclitic: this corpus keeps proclitics outside spans ('${span.text.slice(written)}' is a known surface)`, span.range, fix ? { fixes: [fix] } : undefined);
    return;
  }
}

/**
 * The missed mentions of one known surface in a document: what their diagnostics share. A
 * message is made once per surface as written, and the edits wrapping an occurrence when a fix
 * is first asked for: a long document repeats a few hundred surfaces thousands of times, and an
 * editor asks for the fixes at the cursor.
 */
class SurfaceMentions {
  /** The occurrences' source ranges, in order. */
  readonly ranges: OffsetRange[] = [];
  /** Messages by the occurrence as written (it may differ in diacritics). */
  private readonly messages = new Map<string, string>();
  private readonly wraps: FixEdit[][] = [];
  private all: FixEdit[] | undefined;

  constructor(
    private readonly surface: KnownSurface,
    private readonly label: string,
    private readonly source: string,
  ) {}

  message(text: string): string {
    let message = this.messages.get(text);
    if (message === undefined) {
      const { count, type, id } = this.surface;
      const what = count > 0 ? `annotated ${count}× in the corpus${type ? ` as ${type}` : ''}` : `in the catalog${id ? ` as '${id}'` : ''}`;
      this.messages.set(text, (message = `'${text}' is ${what}, but not here`));
    }
    return message;
  }

  /** The fixes of the nth occurrence, written `text`: annotate it, and (one of several) annotate them all. */
  fixes(nth: number, text: string): Fix[] {
    if (this.label.length === 0) return [];
    const fixes: Fix[] = [{ title: `Annotate '${text}' as {${this.label}}`, edits: this.wrap(nth) }];
    const count = this.ranges.length;
    // One list of edits for all, shared by the occurrences' fixes: a list each would cost the square of the occurrences.
    if (count > 1) fixes.push({ title: `Annotate all ${count} occurrences of '${text}' in this document as {${this.label}}`, edits: (this.all ??= this.ranges.flatMap((_, k) => this.wrap(k))) });
    return fixes;
  }

  private wrap(nth: number): FixEdit[] {
    return (this.wraps[nth] ??= wrapEdits(this.ranges[nth]!, this.label, this.source));
  }
}

/** A missed-mention diagnostic, its fixes made when first read. */
class MissedMention implements Diagnostic {
  readonly code = 'missed-mention';
  severity = DEFAULT_SEVERITY['missed-mention']!;
  private made: Fix[] | undefined;

  constructor(
    readonly message: string,
    readonly range: OffsetRange,
    private readonly mentions: SurfaceMentions,
    private readonly nth: number,
    private readonly text: string,
  ) {}

  get fixes(): Fix[] {
    return (this.made ??= this.mentions.fixes(this.nth, this.text));
  }
}

function checkMissedMentions(doc: ParsedDocument, index: CorpusIndex, config: CorpusConfig, out: Diagnostic[], cache: MissedMentionCache | undefined): void {
  const occurrences = findMissedMentions(doc, index, config, cache);
  // One pass: a fix, made when asked for, counts the occurrences of its surface by then all listed.
  const bySurface = new Map<string, SurfaceMentions>();
  for (const o of occurrences) {
    let surface = bySurface.get(o.surface.key);
    if (!surface) bySurface.set(o.surface.key, (surface = new SurfaceMentions(o.surface, labelFor(o.surface), doc.source)));
    const range = plainRangeToSource(doc, o.start, o.end);
    const nth = surface.ranges.push(range) - 1;
    const text = doc.plainText.slice(o.start, o.end);
    out.push(new MissedMention(surface.message(text), range, surface, nth, text));
  }
}

/**
 * `npm run bench`: the performance targets of the "performance at corpus scale" issue, measured.
 *
 * For each source of text (the annotated seeds; and NewsFANE Gold from ../shared/data when that
 * folder exists) it builds, in a temp folder:
 *
 * - a document of about 1 MB (from the seeds: about 20,000 spans, the text between spans cut
 *   down to reach that density), in a small corpus with 20 ordinary documents;
 * - a corpus of 10,000 documents / 50 MB.
 *
 * Then it measures: (1) parse + diagnose of the 1 MB document against a baseline that decodes the
 * same bytes and reads every char once, measured in the same run, in a process of its own with
 * the server's V8 options (and once more in this process, with Node's defaults); (2, 5) the
 * bundled language server over stdio on the 1 MB document; (5) the same document edited in VS
 * Code, the extension drawing its decorations (the editor suite's workbench, code-server +
 * Chromium, running test/editor/decorations.bench.ts; left out when code-server is not
 * installed); (3, 4) the server on the corpus: indexing, memory, cross-document diagnostics,
 * references, export. It prints a table and writes bench/results.json.
 *
 * Options: --quick (smaller corpus, fewer repetitions: for trying things, not for the README),
 * --only=synthetic|real, --parts=core,big,editor,corpus (which targets: 1; 2 and 5; 5 in VS Code;
 * 3 and 4), --profile (the server writes a .cpuprofile per run to bench/profiles/, for
 * `node --cpu-prof` analysis).
 */

import { spawnSync } from 'node:child_process';
import { SERVER_NODE_OPTIONS } from '../server/src/launch';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { matchingKey } from '../server/src/core/arabic';
import { type CorpusConfig, loadConfig } from '../server/src/core/config';
import { CorpusIndex } from '../server/src/core/corpusIndex';
import { diagnoseDocument } from '../server/src/core/diagnostics';
import { MissedMentionCache, findMissedMentions } from '../server/src/core/missedMentions';
import type { ParsedDocument } from '../server/src/core/model';
import { parse } from '../server/src/core/parser';
import { reparse } from '../server/src/core/reparse';
import { LineIndex } from '../server/src/core/text';
import { decodeUtf8, isFileError } from '../server/src/node/files';
import { ExportRequest, SPAN_FIELDS, SpansRequest, type SpansResult } from '../server/src/protocol';
import { CORPUS_DOC_BYTES, NEWSFANE, ROOT, type Source, benchSources, bigCorpus, corpusDocuments, newsfaneSource, seedSource, writeCorpus } from './corpora';
import { BenchClient, uriOf } from './lsp';
import { THIS_CORE, baseline, indexedCorpus, interleavedTimings, median, parseIndexDiagnose, percentile, timings } from './measure';
import type { EditorBenchFigures } from '../test/editor/decorations.bench';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const PROFILE = args.includes('--profile');
/** Which parts to run (default all): core (target 1), big (2 and 5), editor (5 in VS Code), corpus (3 and 4). */
const PARTS = new Set((args.find((a) => a.startsWith('--parts='))?.slice('--parts='.length) ?? 'core,big,editor,corpus').split(','));
/** Set in the process that measures target 1 for one source (see `coreRowsAsTheServerRuns`). */
const CORE_CHILD = args.find((a) => a.startsWith('--core-child='))?.slice('--core-child='.length);

const CORPUS_DOCS = QUICK ? 1000 : 10000;
const EDITS = QUICK ? 20 : 50;
const BURSTS = QUICK ? 3 : 10;
const BURST_EDITS = 10;
const BURST_GAP_MS = 5;
const REQUESTS = QUICK ? 20 : 50;
const MB = 1024 * 1024;
/** A memory file system, where Linux has one. */
const SHM = '/dev/shm';

interface Row {
  source: string;
  /** The issue's target number. */
  target: string;
  what: string;
  /** What this source's measurement was of (counts), shown beside the measurement. */
  detail: string;
  budget: string;
  measured: string;
  ratio: string;
  pass: boolean | undefined;
}

const rows: Row[] = [];
const results: Record<string, Record<string, number | string>> = {};
const started = performance.now();

function progress(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

function row(source: Source, target: string, what: string, budget: string, measured: string, pass: boolean | undefined, ratio = '', detail = ''): void {
  rows.push({ source: source.description, target, what, detail, budget, measured, ratio, pass });
  const verdict = pass === undefined ? '' : pass ? 'pass' : 'FAIL';
  progress(`  ${target} ${what}${detail ? ` (${detail})` : ''}: ${measured}${ratio ? `, ${ratio} the baseline` : ''} ${verdict}`);
}

function record(source: Source, key: string, value: number | string): void {
  (results[source.name] ??= {})[key] = typeof value === 'number' ? Math.round(value * 100) / 100 : value;
}

// --- statistics ----------------------------------------------------------------------------------

const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;

/** UTF-8 decoded as the server reads a document from disk (see `decodeUtf8`). */
function decodeAsFiles(bytes: Uint8Array): string {
  const decoded = decodeUtf8(bytes, 'big.txt');
  if (isFileError(decoded)) throw new Error(decoded.message);
  return decoded.text;
}

// --- positions -----------------------------------------------------------------------------------

function positionOf(lines: LineIndex, offset: number): { line: number; character: number } {
  return lines.position(offset);
}

/** `count` items spread evenly over a list. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length === 0) return [];
  return Array.from({ length: count }, (_, k) => items[Math.floor(((k + 0.5) * items.length) / count)]!);
}

/** Offsets right after an Arabic letter that a space follows, outside markup: places to type a letter. */
function typingPlaces(doc: ParsedDocument, count: number): number[] {
  const places: number[] = [];
  const text = doc.source;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i - 1);
    if (text.charCodeAt(i) === 32 && c >= 0x0621 && c <= 0x064a) places.push(i);
  }
  return spread(places, count);
}

// --- 1. the core, in a process started as the server is ---------------------------------------

/** Runs of each measure of target 1. */
const CORE_RUNS = QUICK ? 7 : 41;

/** Parse + diagnose the 1 MB document against its corpus's index, beside the baseline. */
function coreRows(source: Source, big: string, neighbours: string[]): void {
  progress(`${source.description}: target 1, the core on the 1 MB document, in a process with the server's V8 options`);
  const bytes = Buffer.from(big, 'utf8');
  const decoder = new TextDecoder('utf-8');
  const index = indexedCorpus(THIS_CORE, source.configText, big, neighbours);
  let spans = 0;
  let problems = 0;
  const [baseTimes, parseTimes, all, fileBaseTimes, fileAll] = interleavedTimings(CORE_RUNS, [
    () => baseline(bytes),
    () => {
      spans = parse(decoder.decode(bytes)).spans.length;
    },
    () => {
      problems = parseIndexDiagnose(THIS_CORE, index, bytes);
    },
    () => baseline(bytes, decodeAsFiles),
    () => parseIndexDiagnose(THIS_CORE, index, bytes, decodeAsFiles),
  ]);
  const base = median(baseTimes!);
  const parseOnly = median(parseTimes!);
  const full = median(all!);
  // A letter typed in the text between spans, taken as the server takes it: the edited line
  // parsed again, the mentions only moved, the other lines' missed-mention answers kept.
  const place = typingPlaces(parse(big), 1)[0] ?? 0;
  const edited = [big, `${big.slice(0, place)}ب${big.slice(place)}`];
  let round = 0;
  let last = parse(big);
  const missedMentions = new MissedMentionCache();
  diagnoseDocument(last, { docId: 'big', index, missedMentions });
  const keystroke = median(
    timings(CORE_RUNS, () => {
      last = reparse(last, edited[++round % 2]!);
      index.update('big', last);
      diagnoseDocument(last, { docId: 'big', index, missedMentions });
    }),
  );
  const mb = bytes.length / MB;
  record(source, 'bigMB', mb);
  record(source, 'bigSpans', spans);
  record(source, 'bigProblems', problems);
  record(source, 'baselineMs', base);
  record(source, 'parseMs', parseOnly);
  record(source, 'parseDiagnoseMs', full);
  record(source, 'parseDiagnoseMinMs', Math.min(...all!));
  record(source, 'parseDiagnoseRatio', full / base);
  row(source, '1', 'baseline: decode the 1 MB document + read every char once', '', ms(base), undefined, '1.0x', `${mb.toFixed(2)} MB`);
  row(source, '1', 'parse, median', '', ms(parseOnly), undefined, `${(parseOnly / base).toFixed(1)}x`, `${spans} spans`);
  // Two targets on one measure: the time, and the ratio to the baseline.
  row(source, '1', 'parse + index + diagnose, median', '< 50 ms', ms(full), full < 50, `${(full / base).toFixed(1)}x`, `${problems} problems`);
  row(source, '1', 'parse + index + diagnose against the baseline', '< 4x', `${(full / base).toFixed(1)}x`, full / base < 4);
  // The same with the decoder the server reads files with: three times as fast as TextDecoder on
  // Arabic, it takes as much off both sides, and the ratio grows.
  const fileBase = median(fileBaseTimes!);
  const fileFull = median(fileAll!);
  record(source, 'fileDecoderBaselineMs', fileBase);
  record(source, 'fileDecoderParseDiagnoseMs', fileFull);
  record(source, 'fileDecoderParseDiagnoseRatio', fileFull / fileBase);
  row(source, '1', "the same two, both decoding as the server reads files (ICU's transcode, not TextDecoder): baseline / parse + index + diagnose", '', `${ms(fileBase)} / ${ms(fileFull)}`, undefined, `${(fileFull / fileBase).toFixed(1)}x`);
  record(source, 'keystrokeMs', keystroke);
  row(source, '1', 'after a letter typed between spans, as the server takes it: the edited line parsed again, re-index, diagnose, median', '', ms(keystroke), undefined, `${(keystroke / base).toFixed(1)}x`);
}

/**
 * Target 1 measured in a process of its own, started with the V8 options the server is started
 * with (a young generation sized for a 1 MB document's parse: see server/src/launch.ts), as the
 * core runs in an editor. Its rows and records join this process's.
 */
function coreRowsAsTheServerRuns(source: Source): void {
  const run = spawnSync(process.execPath, [...SERVER_NODE_OPTIONS, __filename, `--core-child=${source.name}`, ...(QUICK ? ['--quick'] : [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 2],
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  if (run.status !== 0) throw new Error(`target 1's process for ${source.name} failed (exit ${run.status ?? run.signal})`);
  const child = JSON.parse(run.stdout) as { rows: Row[]; results: Record<string, number | string> };
  rows.push(...child.rows);
  for (const [key, value] of Object.entries(child.results)) record(source, key, value);
}

/** The same measure in this process, with Node's default V8 options: for comparison, not judged. */
function coreRowWithNodeDefaults(source: Source, big: string, neighbours: string[]): void {
  const index = indexedCorpus(THIS_CORE, source.configText, big, neighbours);
  const bytes = Buffer.from(big, 'utf8');
  const [baseTimes, fullTimes] = interleavedTimings(CORE_RUNS, [() => baseline(bytes), () => parseIndexDiagnose(THIS_CORE, index, bytes)]);
  const base = median(baseTimes!);
  const full = median(fullTimes!);
  record(source, 'parseDiagnoseNodeDefaultsMs', full);
  record(source, 'parseDiagnoseNodeDefaultsRatio', full / base);
  row(source, '1', "parse + index + diagnose, median, in a process with Node's default V8 options", '', ms(full), undefined, `${(full / base).toFixed(1)}x`);
}

// --- 2 and 5. the server on the 1 MB document ----------------------------------------------------

async function bigDocumentRows(source: Source, folder: string, file: string, big: string): Promise<void> {
  progress(`${source.description}: targets 2 and 5, the server over stdio on the 1 MB document`);
  const client = await BenchClient.start(folder, profileArgs(`${source.name}-big`));
  try {
    await client.indexed();
    const doc = parse(big);
    const lines = new LineIndex(big);

    // First diagnostics after open.
    const openedAt = performance.now();
    const uri = await client.open(file, big);
    const first = await client.diagnostics(uri, (p) => p.version === 1, 'first diagnostics');
    const firstMs = first.at - openedAt;
    record(source, 'firstDiagnosticsMs', firstMs);
    row(source, '2', 'first diagnostics after open', '< 1000 ms', ms(firstMs), firstMs < 1000, '', `${first.diagnostics.length} diagnostics`);

    // A one-character edit, then fresh diagnostics: type a letter, delete it, at places spread over the document.
    const places = typingPlaces(doc, Math.ceil(EDITS / 2));
    const edit = async (k: number): Promise<number> => {
      const at = positionOf(lines, places[Math.floor(k / 2)]!);
      const typing = k % 2 === 0;
      const range = typing ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
      return client.change(uri, [{ range, text: typing ? 'ب' : '' }]);
    };
    const editTimes: number[] = [];
    for (let k = 0; k < EDITS; k++) {
      const sent = performance.now();
      const version = await edit(k);
      const fresh = await client.diagnostics(uri, (p) => p.version === version, `diagnostics of version ${version}`);
      editTimes.push(fresh.at - sent);
    }
    const editP95 = percentile(editTimes, 95);
    record(source, 'editDiagnosticsP50Ms', median(editTimes));
    record(source, 'editDiagnosticsP95Ms', editP95);
    row(source, '2', `edit -> fresh diagnostics, p95 of ${EDITS} (each edit sent when the last one's came)`, '< 100 ms', ms(editP95), editP95 < 100);

    // A burst: letters typed 5 ms apart (key repeat, a macro). The server diagnoses an edit at
    // once unless another came within 25 ms; then it waits for 25 ms without one.
    const burstTimes: number[] = [];
    const diagnosesPerBurst: number[] = [];
    for (let b = 0; b < BURSTS; b++) {
      await sleep(100);
      const at = positionOf(lines, places[b % places.length]!);
      const before = client.publishCounts.get(uri) ?? 0;
      let sent = 0;
      let version = 0;
      for (let k = 0; k < BURST_EDITS; k++) {
        if (k > 0) await sleep(BURST_GAP_MS);
        const here = { line: at.line, character: at.character + k };
        sent = performance.now();
        version = await client.change(uri, [{ range: { start: here, end: here }, text: 'ب' }]);
      }
      const fresh = await client.diagnostics(uri, (p) => p.version === version, `diagnostics of version ${version}`);
      burstTimes.push(fresh.at - sent);
      diagnosesPerBurst.push((client.publishCounts.get(uri) ?? 0) - before);
      const typed = { start: at, end: { line: at.line, character: at.character + BURST_EDITS } };
      const restored = await client.change(uri, [{ range: typed, text: '' }]);
      await client.diagnostics(uri, (p) => p.version === restored, `diagnostics of version ${restored}`);
    }
    const burstP95 = percentile(burstTimes, 95);
    record(source, 'burstDiagnosticsP95Ms', burstP95);
    record(source, 'burstDiagnosesMedian', median(diagnosesPerBurst));
    row(source, '2', `a burst of ${BURST_EDITS} letters typed ${BURST_GAP_MS} ms apart -> fresh diagnostics of the last, p95 of ${BURSTS}`, '', ms(burstP95), undefined, '', `${median(diagnosesPerBurst)} diagnoses a burst (median)`);

    // Hover and definition on spans spread over the document.
    const hoverTimes = await timeRequests(client, spread(doc.spans, REQUESTS), (span) => ['textDocument/hover', { textDocument: { uri }, position: positionOf(lines, span.contentRange.start + 1) }]);
    const hoverP95 = percentile(hoverTimes, 95);
    record(source, 'hoverP95Ms', hoverP95);
    row(source, '2', `hover, p95 of ${REQUESTS}`, '< 10 ms', ms(hoverP95), hoverP95 < 10);
    const withIds = doc.spans.filter((s) => s.label.id);
    const definitionTargets = withIds.length > 0 ? withIds.map((s) => s.label.id!.range.start) : doc.spans.map((s) => s.label.type?.range.start ?? s.label.range.start);
    const definitionTimes = await timeRequests(client, spread(definitionTargets, REQUESTS), (offset) => ['textDocument/definition', { textDocument: { uri }, position: positionOf(lines, offset) }]);
    const definitionP95 = percentile(definitionTimes, 95);
    record(source, 'definitionP95Ms', definitionP95);
    row(source, '2', `definition, p95 of ${REQUESTS}`, '< 10 ms', ms(definitionP95), definitionP95 < 10, '', withIds.length > 0 ? '@id -> catalog' : 'type -> corpus.yaml');

    // Document symbols: the whole outline (one symbol per span, nested).
    const symbolRuns = QUICK ? 5 : 20;
    const symbols = await timeWithJsonRpcFloor(client, symbolRuns, 'textDocument/documentSymbol', { textDocument: { uri } }, true);
    const symbolsP95 = percentile(symbols.times, 95);
    const symbolsFloorP95 = percentile(symbols.floors, 95);
    const symbolsBytes = symbols.bytes;
    record(source, 'documentSymbolsP95Ms', symbolsP95);
    record(source, 'documentSymbolsJsonRpcFloorP95Ms', symbolsFloorP95);
    record(source, 'documentSymbolsResponseBytes', symbolsBytes);
    row(
      source,
      '2',
      `document symbols, p95 of ${symbolRuns}`,
      '< 150 ms',
      ms(symbolsP95),
      symbolsP95 < 150,
      `${(symbolsP95 / symbolsFloorP95).toFixed(1)}x`,
      `${doc.spans.length} symbols, ${(symbolsBytes / MB).toFixed(1)} MB of JSON; baseline: the same answer encoded and decoded as JSON-RPC does, p95 ${ms(symbolsFloorP95)}`,
    );

    // Completion right after a label's `{`.
    const completionTimes = await timeRequests(client, spread(doc.spans, REQUESTS), (span) => ['textDocument/completion', { textDocument: { uri }, position: positionOf(lines, span.label.range.start + 1) }]);
    const completionP95 = percentile(completionTimes, 95);
    record(source, 'completionP95Ms', completionP95);
    row(source, '2', `completion in a label, p95 of ${REQUESTS}`, '< 20 ms', ms(completionP95), completionP95 < 20);

    // 5, the server's share of decorations: an edit, then the spans the client draws.
    const spanTimes: number[] = [];
    let last: SpansResult | null = null;
    for (let k = 0; k < EDITS; k++) {
      const sent = performance.now();
      const version = await edit(k);
      last = await client.connection.sendRequest(SpansRequest, { uri });
      spanTimes.push(performance.now() - sent);
      await client.diagnostics(uri, (p) => p.version === version, `diagnostics of version ${version}`);
    }
    const spansP95 = percentile(spanTimes, 95);
    // The response's size as JSON on the wire, measured outside the timed loop.
    const spansBytes = last ? Buffer.byteLength(JSON.stringify(last)) : 0;
    record(source, 'spansAfterEditP95Ms', spansP95);
    record(source, 'spansResponseBytes', spansBytes);
    row(source, '5', `edit -> corpusAnnotator/spans response (the server's share of decorations), p95 of ${EDITS}`, '< 100 ms', ms(spansP95), spansP95 < 100, '', `${(last?.data.length ?? 0) / SPAN_FIELDS} spans, ${spansBytes} bytes of JSON`);

    const rss = client.rss();
    if (rss) record(source, 'bigRssPeakMB', rss.peak);
  } finally {
    await client.stop();
  }
}

/** Sends one request per item, one after the other; returns each round trip in ms. */
async function timeRequests<T>(client: BenchClient, items: T[], request: (item: T) => [string, unknown]): Promise<number[]> {
  // One warm-up request, not counted.
  if (items.length > 0) {
    const [method, params] = request(items[0]!);
    await client.connection.sendRequest(method, params);
  }
  const out: number[] = [];
  for (const item of items) {
    const [method, params] = request(item);
    const start = performance.now();
    await client.connection.sendRequest(method, params);
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * What sending `result` as a JSON-RPC answer costs at the least, in ms: the message encoded as
 * vscode-jsonrpc's writer does (JSON.stringify, then UTF-8 bytes) and decoded as its reader does
 * (TextDecoder, then JSON.parse), in this process, with no server work and no pipe. Writer and
 * reader cannot overlap on one message, so no client of this server can get it in less. Also
 * the message's size in bytes.
 */
function jsonRpcFloor(result: unknown): { ms: number; bytes: number } {
  const start = performance.now();
  const bytes = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result }), 'utf8');
  JSON.parse(new TextDecoder().decode(bytes));
  return { ms: performance.now() - start, bytes: bytes.length };
}

/**
 * `runs` round trips of one request (after a warm-up, unless the first call is to be counted),
 * each followed by the JSON-RPC floor of its answer: the two taken in turn share the machine's
 * drift. With the last answer, and its size as a JSON-RPC message.
 */
async function timeWithJsonRpcFloor(
  client: BenchClient,
  runs: number,
  method: string,
  params: unknown,
  warmUp: boolean,
): Promise<{ times: number[]; floors: number[]; answer: unknown; bytes: number }> {
  if (warmUp) await client.connection.sendRequest(method, params);
  const times: number[] = [];
  const floors: number[] = [];
  let answer: unknown;
  let bytes = 0;
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    answer = await client.connection.sendRequest(method, params);
    times.push(performance.now() - start);
    const floor = jsonRpcFloor(answer);
    floors.push(floor.ms);
    bytes = floor.bytes;
  }
  return { times, floors, answer, bytes };
}

// --- 5. the same document in VS Code -------------------------------------------------------------

/** Where the editor suite installs code-server (scripts/test-vscode.mjs). */
const CODE_SERVER = path.join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');

/** One edit's timings, as test/editor/decorations.bench.ts writes them. */
type EditorEdit = EditorBenchFigures['edits'][number];

/**
 * Target 5 whole: the corpus of the 1 MB document opened in the editor suite's workbench; a
 * letter typed and deleted between spans (plain text) and at the end of a span's type (a
 * label), a line break typed and deleted between spans, timed to the extension's decorations of
 * each version.
 */
function editorRows(source: Source, folder: string, tmp: string): void {
  const what = 'edit -> decorations drawn in VS Code';
  if (!fs.existsSync(CODE_SERVER)) {
    progress(`${source.description}: target 5 in VS Code left out: code-server is not installed (the editor suite installs it: npm run test:vscode -- --install-only)`);
    return;
  }
  progress(`${source.description}: target 5 in VS Code (code-server + Chromium; its output follows)`);
  const output = path.join(tmp, `${source.name}-editor.json`);
  // The launcher's output goes to stderr with the progress lines; stdout is the table's.
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'test-vscode.mjs'), folder, `--bench=${output}`, '--no-build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (run.status !== 0 || !fs.existsSync(output)) {
    row(source, '5', what, '< 100 ms', `failed (launcher exit ${run.status ?? run.signal})`, false);
    return;
  }
  const figures = JSON.parse(fs.readFileSync(output, 'utf8')) as EditorBenchFigures;
  record(source, 'editorFirstDecorationsMs', figures.firstDecorationsMs);
  row(source, '5', 'first decorations after opening the 1 MB document in VS Code', '', ms(figures.firstDecorationsMs), undefined, '', `${figures.document.spans} spans`);
  const symbols = figures.otherRequests['textDocument/documentSymbol'];
  if (symbols) record(source, 'editorDocumentSymbolRequests', symbols.count);
  for (const [kind, name] of [
    ['plain', 'a letter typed between spans'],
    ['label', "a letter typed at the end of a span's type"],
    ['line', 'a line break typed between spans'],
  ] as const) {
    const edits = figures.edits.filter((e) => e.kind === kind);
    if (edits.length === 0) continue;
    const of = (pick: (e: EditorEdit) => number | undefined): number[] => edits.map(pick).filter((v): v is number => v !== undefined);
    const drawn = of((e) => e.drawnMs);
    const p95 = percentile(drawn, 95);
    const prefix = `editor${kind[0]!.toUpperCase()}${kind.slice(1)}`;
    record(source, `${prefix}EditDecorationsP50Ms`, median(drawn));
    record(source, `${prefix}EditDecorationsP95Ms`, p95);
    // Where the time goes (see decorations.bench.ts), medians and p95s.
    for (const [key, pick] of [
      ['WorkbenchBefore', (e) => e.workbenchBeforeMs],
      ['EditInHost', (e) => e.editMs],
      ['SpansRequestSent', (e) => e.requestSentMs],
      ['SpansRequest', (e) => e.requestMs],
      ['AfterResponse', (e) => e.afterResponseMs],
      ['AppliedInWorkbench', (e) => e.workbenchMs],
    ] as [string, (e: EditorEdit) => number | undefined][]) {
      const values = of(pick);
      if (values.length === 0) continue;
      record(source, `${prefix}${key}P50Ms`, median(values));
      record(source, `${prefix}${key}P95Ms`, percentile(values, 95));
    }
    const m = (pick: (e: EditorEdit) => number | undefined): string => median(of(pick)).toFixed(0);
    const requested = edits.filter((e) => e.requests > 0).length;
    const where =
      requested === 0
        ? `no spans request (the edited lines parsed in the extension): the edit reached the extension host after ${m((e) => e.editMs)}, drawn ${m((e) => e.drawnMs - e.editMs)} later`
        : `${requested} of ${edits.length} edits asked for spans; the edit in the extension host ${m((e) => e.editMs)}, spans request sent ${m((e) => e.requestSentMs)} (debounce 50), answered ${m((e) => e.requestMs)} later, drawn ${m((e) => e.afterResponseMs)} after that`;
    row(
      source,
      '5',
      `${what}: ${name}, p95 of ${drawn.length}`,
      '< 100 ms',
      ms(p95),
      p95 < 100,
      '',
      `median ${ms(median(drawn))}; medians: ${where}; a round trip to the workbench just before an edit ${m((e) => e.workbenchBeforeMs)}${kind === 'line' && symbols ? ` (over all the edits the workbench asked for document symbols ${symbols.count} times, ${ms(symbols.medianMs)} each)` : ''}`,
    );
  }
  // The surfaces and markup of the blocks near the view only are drawn: a jump waits for its block.
  const jumps = figures.jumpsMs;
  if (jumps.length > 0) {
    const p95 = percentile(jumps, 95);
    record(source, 'editorJumpDrawnP50Ms', median(jumps));
    record(source, 'editorJumpDrawnP95Ms', p95);
    row(source, '5', `a line far away revealed → its block drawn in VS Code, p95 of ${jumps.length}`, '< 100 ms', ms(p95), p95 < 100, '', `median ${ms(median(jumps))}; only the blocks within 100 lines of the view have their surfaces and markup drawn`);
  }
}

function profileArgs(name: string): string[] {
  if (!PROFILE) return [];
  const dir = path.join(ROOT, 'bench', 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
}

// --- 3 and 4. the server on a corpus of 10,000 documents --------------------------------------------

async function corpusRows(source: Source, config: CorpusConfig, tmp: string): Promise<void> {
  progress(`${source.description}: targets 3 and 4, writing ${CORPUS_DOCS} documents`);
  const folder = path.join(tmp, `${source.name}-corpus`);
  const docs = [...corpusDocuments(source, CORPUS_DOCS, CORPUS_DOC_BYTES)];
  const written = writeCorpus(folder, source.configText, docs);
  const mb = written.bytes / MB;
  record(source, 'corpusDocuments', written.files);
  record(source, 'corpusMB', mb);
  // The same bytes, decoded and read once in this process: the baseline of the corpus rows.
  const buffers = docs.map(([, text]) => Buffer.from(text, 'utf8'));
  const base = median(timings(QUICK ? 3 : 5, () => buffers.forEach((bytes) => baseline(bytes))));
  record(source, 'corpusBaselineMs', base);

  progress(`${source.description}: indexing ${written.files} documents, ${mb.toFixed(1)} MB`);
  const client = await BenchClient.start(folder, profileArgs(`${source.name}-corpus`));
  try {
    const indexedAt = await client.indexed();
    const indexMs = indexedAt - client.spawnedAt;
    const rss = client.rss();
    record(source, 'indexMs', indexMs);
    record(source, 'indexProgressReports', client.progressReports);
    row(
      source,
      '3',
      'initial index, from spawning the server to the end of its progress',
      '< 10 s, progress',
      `${(indexMs / 1000).toFixed(2)} s`,
      indexMs < 10000 && client.progressReports > 0,
      `${(indexMs / base).toFixed(0)}x`,
      `${written.files} documents, ${mb.toFixed(1)} MB, ${client.progressReports} progress reports`,
    );
    if (rss) {
      record(source, 'indexRssMB', rss.now);
      record(source, 'indexRssPeakMB', rss.peak);
      row(source, '3', 'server RSS after indexing (now / peak)', '< 1024 MB', `${rss.now.toFixed(0)} / ${rss.peak.toFixed(0)} MB`, rss.peak < 1024);
    }

    await crossDocumentRows(source, config, client, folder, docs);
    await referencesRow(source, client, folder, docs);
    const afterReferences = client.rss();
    if (afterReferences) record(source, 'references_rssMB', afterReferences.now);

    // Into the temp folder (this machine's disk), and when there is one into a memory file
    // system too: the second row is the tool's own share. The disk exports are kept until the
    // end of the run: on this VM's ext4 (no journal) creating a file costs 0.3-0.9 ms of kernel
    // time for a minute or more after some 20,000 files were deleted nearby (the allocator steps
    // past recently freed inodes), so deleting one export would slow the next one down.
    const places: [string, string][] = [[tmp, 'the temp folder (disk)']];
    if (fs.existsSync(SHM)) places.push([fs.mkdtempSync(path.join(SHM, 'corpus-annotator-bench-')), `${SHM} (memory)`]);
    for (const format of ['conll', 'brat'] as const) {
      for (const [parent, where] of places) {
        const out = path.join(parent, `${source.name}-export-${format}`);
        fs.rmSync(out, { recursive: true, force: true });
        const creation = fileCreationMicros(parent);
        progress(`${source.description}: exporting to ${format} into ${where}`);
        const start = performance.now();
        const result = await client.connection.sendRequest(ExportRequest, { uri: uriOf(folder), format, outUri: uriOf(out), force: true });
        const seconds = (performance.now() - start) / 1000;
        const rate = mb / seconds;
        const key = parent === tmp ? `export_${format}_MBps` : `export_${format}_memory_MBps`;
        record(source, key, rate);
        record(source, `${key.replace(/_MBps$/, '')}_fileCreationMicros`, creation);
        row(source, '4', `export to ${format}, into ${where}`, '>= 20 MB/s', `${rate.toFixed(1)} MB/s`, rate >= 20, `${((seconds * 1000) / base).toFixed(0)}x`, `${result.documents} documents, ${result.files} files; an empty file created there just before: ${creation.toFixed(0)} µs`);
        // Memory is given back at once; the temp folder goes at the end of the run.
        if (parent !== tmp) fs.rmSync(out, { recursive: true, force: true });
        const after = client.rss();
        if (after) record(source, `${key.replace(/_MBps$/, '')}_rssMB`, after.now);
      }
    }
    for (const [parent] of places.slice(1)) fs.rmSync(parent, { recursive: true, force: true });
    const end = client.rss();
    if (end) {
      record(source, 'corpusRssPeakMB', end.peak);
      row(source, '3', 'server RSS peak over the whole session (index, edits, references, exports)', '< 1024 MB', `${end.peak.toFixed(0)} MB`, end.peak < 1024);
    }
  } finally {
    await client.stop();
  }
}

/**
 * What creating a file costs in `parent` now, in µs: the median of 500 empty files. That is the
 * kernel's share of a brat export's 20,000 files: on this VM's ext4, 20-30 µs, or ten times that
 * for minutes after many files were deleted nearby (see `places` above). The files stay until
 * their parent goes, as the exports do: deleting them would slow the next files down.
 */
function fileCreationMicros(parent: string): number {
  const folder = fs.mkdtempSync(path.join(parent, 'file-creation-probe-'));
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const start = performance.now();
    fs.closeSync(fs.openSync(path.join(folder, `f${i}`), 'wx'));
    times.push((performance.now() - start) * 1000);
  }
  return median(times);
}

/**
 * Annotating a word in one open document makes it a known surface, so its occurrences in another
 * open document become missed mentions: the time from the edit to those diagnostics.
 */
async function crossDocumentRows(source: Source, config: CorpusConfig, client: BenchClient, folder: string, docs: [string, string][]): Promise<void> {
  const [aName, aText] = docs[0]!;
  const [bName, bText] = docs[1]!;
  const a = parse(aText);
  const b = parse(bText);
  const type = [...config.types.keys()][0]!;
  const known = new CorpusIndex(config);
  known.update('lines', parse(source.lines.join('\n')));
  const missedIn = (index: CorpusIndex): number => findMissedMentions(b, index, config).length;
  const before = missedIn(known);
  // A word standing alone in A, not a known surface, that B holds outside spans.
  let chosen: { start: number; end: number; word: string; after: number } | undefined;
  for (const m of a.source.matchAll(/(?<=[ \n])[\u0621-\u064a]{5,}(?=[ .،])/g)) {
    const word = m[0];
    if (known.knownSurface(matchingKey(word))) continue;
    if (a.spans.some((s) => s.range.start <= m.index && m.index < s.range.end)) continue;
    if (!b.plainText.includes(word)) continue;
    const trial = new CorpusIndex(config);
    trial.update('lines', parse(source.lines.join('\n')));
    trial.update('a', parse(`${aText.slice(0, m.index)}[${word}]{${type}}${aText.slice(m.index + word.length)}`));
    const after = missedIn(trial);
    if (after > before) {
      chosen = { start: m.index, end: m.index + word.length, word, after };
      break;
    }
  }
  if (!chosen) {
    row(source, '3', `edit in one document -> cross-document diagnostics in another open one, p95 (the 60 ms wait for other documents included)`, '< 200 ms', 'no word to annotate found', false);
    return;
  }
  const aUri = await client.open(path.join(folder, aName), aText);
  const bUri = await client.open(path.join(folder, bName), bText);
  await client.diagnostics(aUri, (p) => p.version === 1, 'A opened');
  await client.diagnostics(bUri, (p) => p.version === 1, 'B opened');
  const missed = (d: Diagnostic[]): number => d.filter((x) => x.code === 'missed-mention').length;
  const baseMissed = missed(client.published.get(bUri)!.diagnostics);
  const aLines = new LineIndex(aText);
  const open = aLines.position(chosen.start);
  const close = aLines.position(chosen.end);
  const label = `]{${type}}`;
  const runs = QUICK ? 10 : 20;
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const annotate = k % 2 === 0;
    // One change event per bracket, as an editor sends a wrap: the later one first.
    const changes = annotate
      ? [
          { range: { start: close, end: close }, text: label },
          { range: { start: open, end: open }, text: '[' },
        ]
      : [
          { range: { start: { line: close.line, character: close.character + 1 }, end: { line: close.line, character: close.character + 1 + label.length } }, text: '' },
          { range: { start: open, end: { line: open.line, character: open.character + 1 } }, text: '' },
        ];
    const expected = annotate ? baseMissed + (chosen.after - before) : baseMissed;
    const sent = performance.now();
    await client.change(aUri, changes);
    const got = await client.diagnostics(bUri, (p) => missed(p.diagnostics) === expected && p.at > sent, `B's diagnostics after edit ${k}`);
    times.push(got.at - sent);
  }
  const p95 = percentile(times, 95);
  record(source, 'crossDocumentP95Ms', p95);
  row(source, '3', `edit in one document -> cross-document diagnostics in another open one, p95 (the 60 ms wait for other documents included)`, '< 200 ms', ms(p95), p95 < 200, '', `${runs} edits`);
}

/** References to the most frequent entity (the most frequent @id, else the most frequent surface). */
async function referencesRow(source: Source, client: BenchClient, folder: string, docs: [string, string][]): Promise<void> {
  const [name, text] = docs[0]!;
  const doc = parse(text);
  const counts = new Map<string, number>();
  const linked = source.lines.some((l) => /\{[^}]*@/.test(l));
  for (const line of source.lines) {
    for (const span of parse(line).spans) {
      const key = linked ? span.label.id?.name : matchingKey(span.text).trim();
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const ranked = [...counts].sort((x, y) => y[1] - x[1]).map(([key]) => key);
  let target: { offset: number; key: string } | undefined;
  for (const key of ranked) {
    const span = doc.spans.find((s) => (linked ? s.label.id?.name === key : matchingKey(s.text).trim() === key));
    if (span) {
      target = { offset: linked ? span.label.id!.range.start : span.contentRange.start + 1, key };
      break;
    }
  }
  if (!target) return;
  const uri = uriOf(path.join(folder, name));
  const position = new LineIndex(text).position(target.offset);
  const runs = QUICK ? 5 : 20;
  // No warm-up: the first call, which finds the locations, is judged too.
  const { times, floors, answer, bytes } = await timeWithJsonRpcFloor(client, runs, 'textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } }, false);
  const found = (answer as unknown[]).length;
  const p95 = percentile(times, 95);
  const floorP95 = percentile(floors, 95);
  record(source, 'referencesFirstMs', times[0]!);
  record(source, 'referencesP95Ms', p95);
  record(source, 'referencesJsonRpcFloorP95Ms', floorP95);
  record(source, 'referencesCount', found);
  record(source, 'referencesResponseBytes', bytes);
  row(
    source,
    '3',
    `references to the most frequent entity, p95 of ${runs} (pass: the first call too)`,
    '< 300 ms',
    ms(p95),
    p95 < 300 && times[0]! < 300,
    `${(p95 / floorP95).toFixed(1)}x`,
    `${linked ? `@${target.key}` : `'${target.key}'`}, ${found} locations, ${(bytes / MB).toFixed(1)} MB of JSON; first call ${ms(times[0]!)}; baseline: the same answer encoded and decoded as JSON-RPC does, p95 ${ms(floorP95)}`,
  );
}

// --- main ----------------------------------------------------------------------------------------------

function machine(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores, ${cpu.trim()}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/** The process `coreRowsAsTheServerRuns` starts: target 1 for one source, rows and records as JSON on stdout. */
function coreChild(name: string): void {
  const source = name === 'real' ? newsfaneSource() : seedSource();
  if (!source) throw new Error(`no ${NEWSFANE}`);
  const { big, neighbours } = bigCorpus(source);
  coreRows(source, big, neighbours.map(([, text]) => text));
  process.stdout.write(JSON.stringify({ rows, results: results[source.name] ?? {} }));
}

async function main(): Promise<void> {
  if (CORE_CHILD !== undefined) return coreChild(CORE_CHILD);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) throw new Error('dist/server.js is missing: run npm run build');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-annotator-bench-'));
  // Other work on this machine slows every row: the load at the start says how busy it was.
  progress(`machine: ${machine()}; load average ${os.loadavg()[0]!.toFixed(2)}; temp folder ${tmp}${QUICK ? '; --quick' : ''}`);
  results.run = { loadAverageAtStart: os.loadavg()[0]! };
  try {
    for (const source of benchSources(ONLY, (why) => progress(`${why}: the real-text rows are left out`))) {
      const config = loadConfig(source.configText).config;
      const { big, keep, neighbours } = bigCorpus(source);
      if (keep !== undefined) record(source, 'bigWordsKeptBetweenSpans', keep);
      const folder = path.join(tmp, `${source.name}-big`);
      writeCorpus(folder, source.configText, [...neighbours, ['big.txt', big]]);
      if (PARTS.has('core')) {
        coreRowsAsTheServerRuns(source);
        coreRowWithNodeDefaults(source, big, neighbours.map(([, text]) => text));
      }
      if (PARTS.has('big')) await bigDocumentRows(source, folder, path.join(folder, 'big.txt'), big);
      if (PARTS.has('editor')) editorRows(source, folder, tmp);
      if (PARTS.has('corpus')) await corpusRows(source, config, tmp);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  report();
}

function report(): void {
  const verdict = (r: Row): string => (r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL');
  const header = ['source', '#', 'target', 'budget', 'measured', 'ratio', 'pass'];
  const cells = rows.map((r) => [r.source, r.target, r.what + (r.detail ? ` (${r.detail})` : ''), r.budget, r.measured, r.ratio, verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(`\n${machine()}; load average at the start ${(results.run?.loadAverageAtStart as number).toFixed(2)}, at the end ${os.loadavg()[0]!.toFixed(2)}${QUICK ? ' (--quick: not comparable)' : ''}`);
  console.log(line(header));
  for (const c of cells) console.log(line(c));
  const failed = rows.filter((r) => r.pass === false).length;
  console.log(`\n${rows.filter((r) => r.pass !== undefined).length - failed} targets met, ${failed} missed; total ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // The same as Markdown, one column per source, for the README.
  const sources = [...new Set(rows.map((r) => r.source))];
  const targets = [...new Map(rows.map((r) => [`${r.target} ${r.what}`, r] as const)).values()];
  const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/->/g, '→');
  const cell = (r: Row | undefined): string => {
    if (!r) return '';
    const ratio = r.ratio ? `, ${r.ratio}` : '';
    const detail = r.detail ? ` <br><sub>${r.detail}</sub>` : '';
    return `${r.pass === false ? '**' : ''}${r.measured}${ratio}${r.pass === undefined ? '' : r.pass ? ' ✓' : ' ✗'}${r.pass === false ? '**' : ''}${detail}`;
  };
  console.log('\nMarkdown (measured, ratio to the same-run baseline where there is one, ✓ met, ✗ missed):\n');
  console.log(`| # | target | budget | ${sources.join(' | ')} |`);
  console.log(`|---|---|---|${sources.map(() => '---').join('|')}|`);
  for (const t of targets) {
    const bySource = sources.map((source) => cell(rows.find((r) => r.source === source && r.target === t.target && r.what === t.what)));
    console.log(`| ${t.target} | ${escape(t.what)} | ${escape(t.budget)} | ${bySource.map(escape).join(' | ')} |`);
  }
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify({ machine: machine(), quick: QUICK, date: new Date().toISOString(), results, rows }, null, 2) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * What `npm run bench` and `npm run bench:compare` measure alike: timings taken in turn with
 * their baseline, and target 1's measure (the 1 MB document parsed, indexed and diagnosed from
 * its bytes), given the core it measures, so that two builds of the core can be measured side by
 * side.
 */

import * as config from '../server/src/core/config';
import * as corpusIndex from '../server/src/core/corpusIndex';
import * as diagnostics from '../server/src/core/diagnostics';
import * as parser from '../server/src/core/parser';

// --- statistics ----------------------------------------------------------------------------------

/** The nearest-rank percentile of some timings. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const median = (values: number[]): number => percentile(values, 50);

/**
 * Timings of `runs` calls of `fn` (after two warm-up calls), in ms. No GC is forced between runs:
 * each run pays for collecting what the runs before it left, as an edit in the server does.
 */
export function timings(runs: number, fn: () => void): number[] {
  fn();
  fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Timings of several measures taken in turn, run by run (after two warm-up rounds): one list per
 * measure. A shared machine's speed drifts, by half and more within a minute here: a measure and
 * its baseline taken one after the other, each for a second or two, could meet different
 * machines, and their ratio said as much about the drift as about the code.
 */
export function interleavedTimings(runs: number, fns: readonly (() => void)[]): number[][] {
  for (let round = 0; round < 2; round++) fns.forEach((fn) => fn());
  const out = fns.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const start = performance.now();
      fn();
      out[k]!.push(performance.now() - start);
    });
  }
  return out;
}

// --- target 1 ------------------------------------------------------------------------------------

/** The baseline: decode the bytes from UTF-8 and read every char code once. */
export function baseline(bytes: Uint8Array, decode = decodeWithTextDecoder): number {
  const text = decode(bytes);
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
  return sum;
}

/** UTF-8 decoded as the baseline has it: the platform's TextDecoder. */
export function decodeWithTextDecoder(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** The parts of the core target 1 measures: this tree's, or another build's of the same shape. */
export interface Core {
  loadConfig: typeof config.loadConfig;
  CorpusIndex: typeof corpusIndex.CorpusIndex;
  parse: typeof parser.parse;
  diagnoseDocument: typeof diagnostics.diagnoseDocument;
}

/** This tree's core. */
export const THIS_CORE: Core = { loadConfig: config.loadConfig, CorpusIndex: corpusIndex.CorpusIndex, parse: parser.parse, diagnoseDocument: diagnostics.diagnoseDocument };

/** An index of the 1 MB document (as 'big') and its neighbours (as n0, n1, ...). */
export function indexedCorpus(core: Core, configText: string, big: string, neighbours: string[]): corpusIndex.CorpusIndex {
  const index = new core.CorpusIndex(core.loadConfig(configText).config);
  neighbours.forEach((text, i) => index.update(`n${i}`, core.parse(text)));
  index.update('big', core.parse(big));
  return index;
}

/**
 * The 1 MB document parsed, indexed and diagnosed, from its bytes; returns how many problems it
 * has. The document is taken out of the index first: indexing it again unchanged would take the
 * index's fast path for a keystroke outside the spans (see the bench's keystroke row), not the
 * full one.
 */
export function parseIndexDiagnose(core: Core, index: corpusIndex.CorpusIndex, bytes: Uint8Array, decode = decodeWithTextDecoder): number {
  const doc = core.parse(decode(bytes));
  index.remove('big');
  index.update('big', doc);
  return core.diagnoseDocument(doc, { docId: 'big', index }).length;
}

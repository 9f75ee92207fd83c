/**
 * `npm run bench`: throughput of the core on a synthetic corpus built from the annotated seeds,
 * printed beside a baseline measured in the same run (this machine is shared and noisy, so
 * only ratios against a same-run baseline mean much).
 *
 * Baseline: decode the same bytes from UTF-8 and read every char code once: the least any
 * parser must do. Measured: decode, parse and diagnose every document against the corpus index.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../server/src/core/config';
import { CorpusIndex } from '../server/src/core/corpusIndex';
import { diagnoseDocument } from '../server/src/core/diagnostics';
import { parse } from '../server/src/core/parser';

const ROOT = path.resolve(__dirname, '..', '..');
const SEEDS = path.join(ROOT, 'seeds');

interface Row {
  target: string;
  budget: string;
  measured: string;
  ratio: string;
  pass: boolean | undefined;
}

/** The body of each annotated seed (front matter removed), to repeat into larger documents. */
function seedBodies(): string[] {
  return fs
    .readdirSync(SEEDS)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(SEEDS, f), 'utf8');
      const fm = parse(text).frontMatter;
      return text.slice(fm ? fm.range.end : 0);
    });
}

/** Documents of about `docBytes` each, `totalBytes` in all, cycling through the seeds. */
function syntheticCorpus(totalBytes: number, docBytes: number): Buffer[] {
  const bodies = seedBodies();
  const docs: Buffer[] = [];
  let total = 0;
  let k = 0;
  while (total < totalBytes) {
    const parts: string[] = [];
    let size = 0;
    while (size < docBytes) {
      const body = bodies[k++ % bodies.length]!;
      parts.push(body.endsWith('\n') ? body : body + '\n');
      size += Buffer.byteLength(parts[parts.length - 1]!);
    }
    const bytes = Buffer.from(parts.join(''), 'utf8');
    docs.push(bytes);
    total += bytes.length;
  }
  return docs;
}

/** Best of `runs` timings of `fn`, in milliseconds. */
function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return min;
}

function baseline(docs: Buffer[]): number {
  const decoder = new TextDecoder('utf-8');
  let sum = 0;
  for (const bytes of docs) {
    const text = decoder.decode(bytes);
    for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
  }
  return sum;
}

function main(): void {
  const config = loadConfig(fs.readFileSync(path.join(SEEDS, 'corpus.yaml'), 'utf8')).config;
  const rows: Row[] = [];
  const results: Record<string, number> = {};

  // 1. The corpus: 10 MB in documents of ~50 KB, parse + diagnose against the whole index.
  const corpus = syntheticCorpus(10 * 1024 * 1024, 50 * 1024);
  const corpusBytes = corpus.reduce((n, b) => n + b.length, 0);
  const decoder = new TextDecoder('utf-8');
  const texts = corpus.map((b) => decoder.decode(b));
  let spans = 0;
  const baseMs = best(5, () => baseline(corpus));
  const parseMs = best(5, () => {
    spans = 0;
    for (const bytes of corpus) spans += parse(decoder.decode(bytes)).spans.length;
  });
  const index = new CorpusIndex(config);
  const parsed = texts.map((t) => parse(t));
  parsed.forEach((p, i) => index.update(String(i), p));
  let problems = 0;
  const diagnoseMs = best(3, () => {
    problems = 0;
    corpus.forEach((bytes, i) => {
      const doc = parse(decoder.decode(bytes));
      problems += diagnoseDocument(doc, { docId: String(i), index }).length;
    });
  });
  const mb = corpusBytes / 1024 / 1024;
  results.corpusMB = mb;
  results.baselineMBps = mb / (baseMs / 1000);
  results.parseMBps = mb / (parseMs / 1000);
  results.parseDiagnoseMBps = mb / (diagnoseMs / 1000);
  rows.push({ target: `baseline: decode + read every char (${mb.toFixed(1)} MB, ${corpus.length} docs)`, budget: '', measured: `${results.baselineMBps.toFixed(0)} MB/s`, ratio: '1.0x', pass: undefined });
  rows.push({ target: `parse (${spans} spans)`, budget: '', measured: `${results.parseMBps.toFixed(1)} MB/s`, ratio: `${(parseMs / baseMs).toFixed(1)}x`, pass: undefined });
  rows.push({ target: `parse + diagnose against the corpus index (${problems} problems)`, budget: '', measured: `${results.parseDiagnoseMBps.toFixed(1)} MB/s`, ratio: `${(diagnoseMs / baseMs).toFixed(1)}x`, pass: undefined });

  // 2. One 1 MB document (the performance issue's target: within 4x of the baseline, < 50 ms).
  const [big] = syntheticCorpus(1024 * 1024, 1024 * 1024);
  const bigText = decoder.decode(big!);
  const bigIndex = new CorpusIndex(config);
  bigIndex.update('big', parse(bigText));
  const bigBase = best(10, () => baseline([big!]));
  let bigSpans = 0;
  const bigMs = best(10, () => {
    const doc = parse(decoder.decode(big!));
    bigSpans = doc.spans.length;
    bigIndex.update('big', doc);
    diagnoseDocument(doc, { docId: 'big', index: bigIndex });
  });
  results.oneMBms = bigMs;
  results.oneMBratio = bigMs / bigBase;
  rows.push({ target: `1 MB document (${bigSpans} spans): parse + index + diagnose`, budget: '< 50 ms, < 4x', measured: `${bigMs.toFixed(1)} ms`, ratio: `${(bigMs / bigBase).toFixed(1)}x`, pass: bigMs < 50 && bigMs / bigBase < 4 });

  const widths = [66, 15, 12, 8];
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
  console.log(line(['target', 'budget', 'measured', 'ratio', 'pass']));
  for (const row of rows) console.log(line([row.target, row.budget, row.measured, row.ratio, row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL']));
  fs.mkdirSync(path.join(ROOT, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify({ node: process.version, results, rows }, null, 2) + '\n');
}

main();

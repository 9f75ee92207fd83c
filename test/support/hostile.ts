/**
 * Hostile inputs for the CLI and server suites, built at test time in os.tmpdir() (big files are
 * never committed), and the figures those suites print when CA_FIGURES=1 (docs/reliability.md).
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, REPO_ROOT } from './paths';

/** The preload that traps every way out of a process (network, DNS, child processes). */
export const SANDBOX = path.join(REPO_ROOT, 'test', 'support', 'sandbox.cjs');

/** A fresh temporary folder. */
export function tmpFolder(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ca-hostile-${name}-`));
}

/** A copy of the server fixture corpus (a.txt and b.txt, types PER ORG GPE, a small catalog) in `folder`. */
export function normalCorpus(folder: string): string {
  fs.cpSync(path.join(FIXTURES, 'server', 'corpus'), folder, { recursive: true });
  return folder;
}

/**
 * The normal corpus with a sub-folder holding one more document and symbolic links that loop:
 * to the parent, to itself, and two links pointing at each other.
 */
export function corpusWithLinkLoops(folder: string): string {
  const root = normalCorpus(folder);
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'sub', 'c.txt'), 'هاجم [داعش]{ORG @isis} مجدداً.\n');
  fs.symlinkSync('..', path.join(root, 'sub', 'up'));
  fs.symlinkSync('.', path.join(root, 'sub', 'self'));
  fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
  return root;
}

/** Annotated Arabic news lines, repeated to `bytes` (UTF-8); each also names الخفاجي outside a span. */
export function bigDocument(bytes: number): string {
  const line = 'قال المتحدث باسم [قيادة العمليات المشتركة]{ORG} اللواء [تحسين الخفاجي]{PER} إن [داعش]{ORG} فقد مواقعه في [العراق]{GPE} 😀، وأكد الخفاجي ذلك.\n';
  return line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
}

/** `n` properly nested spans around one word, on one line. */
export function nestedSpans(n: number, label = 'PER'): string {
  return '['.repeat(n) + 'س' + `]{${label}}`.repeat(n) + '\n';
}

/** A line of `bytes` unclosed brackets. */
export function unclosedLine(bytes: number): string {
  return '['.repeat(bytes) + '\n';
}

/** The "billion laughs" of YAML: nine levels of nine aliases each (387,420,489 strings expanded). */
export function aliasBomb(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  lines.push('types: *i');
  return lines.join('\n') + '\n';
}

/** A corpus.yaml with a catalog of `n` entities (names and aliases in Arabic). */
export function bigCatalog(n: number): string {
  const lines = ['types: [PER, ORG, GPE]', 'entities:'];
  for (let i = 0; i < n; i++) lines.push(`  e${i}:`, `    type: ${i % 2 ? 'PER' : 'ORG'}`, `    name: اسم ${i}`, `    aliases: [كنية ${i}]`);
  return lines.join('\n') + '\n';
}

/** `n` tiny documents under `folder/docs`, a hundred to a folder; every tenth holds a span. */
export function manyFiles(folder: string, n: number): void {
  for (let d = 0; d * 100 < n; d++) {
    const sub = path.join(folder, 'docs', `d${d}`);
    fs.mkdirSync(sub, { recursive: true });
    for (let i = d * 100; i < Math.min(n, (d + 1) * 100); i++) fs.writeFileSync(path.join(sub, `f${i}.txt`), i % 10 === 0 ? `قال [الخفاجي]{PER} ${i}\n` : `نص ${i}\n`);
  }
}

let sharedDocs: string | undefined;

/**
 * A folder of 100,000 tiny documents (see manyFiles), made once per test process and removed
 * when it exits: making (and deleting) that many files is slow on a busy disk, so the CLI and
 * server suites share one, each linking it into its corpus.
 */
export function hundredThousandFiles(): { docs: string; ms: number } {
  const t0 = performance.now();
  if (sharedDocs === undefined) {
    const folder = tmpFolder('100k');
    manyFiles(folder, 100_000);
    sharedDocs = path.join(folder, 'docs');
    process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  }
  return { docs: sharedDocs, ms: performance.now() - t0 };
}

/** Peak resident memory of a process in MB (Linux), or undefined. */
export function peakMemoryMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Prints a measured figure when CA_FIGURES=1 (the suites never assert a time budget). */
export function figure(what: string, value: string): void {
  if (process.env['CA_FIGURES'] === '1') console.log(`      [figure] ${what}: ${value}`);
}

/** Milliseconds since `t0`, as printed. */
export function since(t0: number): string {
  return `${Math.round(performance.now() - t0)} ms`;
}

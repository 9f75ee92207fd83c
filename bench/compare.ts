/**
 * `npm run bench:compare -- REF`: target 1's measure for this tree's core and for the core of a
 * commit (a branch, a tag, a sha), side by side in one process, taken in turn run by run with the
 * baseline between them.
 *
 * Two builds measured in two runs of `npm run bench` meet two machines: this one's speed drifts by
 * half and more within minutes, more than most changes move the core. Taken in turn in one
 * process, both builds meet the same machine, and their ratio says what the change did.
 *
 * The commit's files are taken out with `git archive` into a temp folder and its server built
 * there (this tree's node_modules lent to it); the sources' documents are this tree's bench's, so
 * both cores read the same text. Each build is asked how many problems it finds: a difference is
 * shown, as the two builds then do different work.
 *
 * Options: --runs=N (default 101), --only=synthetic|real, --keep (leave the commit's build in place).
 */

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_NODE_OPTIONS } from '../server/src/launch';
import { ROOT, benchSources, bigCorpus } from './corpora';
import { type Core, THIS_CORE, baseline, indexedCorpus, interleavedTimings, median, parseIndexDiagnose } from './measure';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(option('runs') ?? 101);
const ONLY = option('only');
/** Set in the process that measures: the folder of the commit's build, and the commit's name. */
const CHILD = option('child');
const REF_NAME = option('ref-name') ?? 'REF';

function git(...gitArgs: string[]): string {
  const run = spawnSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${(run.stderr || run.error?.message || '').trim()}`);
  return run.stdout.trim();
}

/** The commit's files in a temp folder, its server's TypeScript built there; the folder. */
function buildCommit(sha: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `corpus-annotator-compare-${sha.slice(0, 7)}-`));
  const tar = path.join(folder, 'commit.tar');
  git('archive', '--format=tar', '-o', tar, sha);
  const untar = spawnSync('tar', ['-xf', tar, '-C', folder], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar -xf: ${untar.stderr.trim()}`);
  fs.rmSync(tar);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(folder, 'server')], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`building ${sha.slice(0, 7)}'s server failed:\n${tsc.stdout}${tsc.stderr}`);
  return folder;
}

/** The core of a build made by `buildCommit`. */
function coreOf(folder: string): Core {
  const core = (name: string): Record<string, unknown> => require(path.join(folder, 'out', 'server', 'src', 'core', name)) as Record<string, unknown>;
  const built = { loadConfig: core('config').loadConfig, CorpusIndex: core('corpusIndex').CorpusIndex, parse: core('parser').parse, diagnoseDocument: core('diagnostics').diagnoseDocument };
  for (const [name, value] of Object.entries(built)) if (typeof value !== 'function') throw new Error(`the commit's core has no ${name}`);
  return built as Core;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** Measures both cores on each source; prints a line each. */
function measure(other: Core): void {
  const sources = benchSources(ONLY, (why) => console.log(`${why}: NewsFANE left out`));
  console.log(`${RUNS} runs each; medians, and the ratio to the baseline of the same runs`);
  for (const source of sources) {
    const { big, neighbours: named } = bigCorpus(source);
    const neighbours = named.map(([, text]) => text);
    const bytes = Buffer.from(big, 'utf8');
    const theirIndex = indexedCorpus(other, source.configText, big, neighbours);
    const myIndex = indexedCorpus(THIS_CORE, source.configText, big, neighbours);
    let theirProblems = 0;
    let myProblems = 0;
    const [base, theirs, ours] = interleavedTimings(RUNS, [
      () => baseline(bytes),
      () => {
        theirProblems = parseIndexDiagnose(other, theirIndex, bytes);
      },
      () => {
        myProblems = parseIndexDiagnose(THIS_CORE, myIndex, bytes);
      },
    ]);
    const b = median(base!);
    const t = median(theirs!);
    const o = median(ours!);
    // Run by run, not median over median: each run's pair met the same moment of the machine.
    const byRun = median(ours!.map((time, i) => time / theirs![i]!));
    const problems = theirProblems === myProblems ? `${myProblems} problems` : `problems: ${REF_NAME} ${theirProblems}, this tree ${myProblems} (they do different work)`;
    console.log(
      `${source.description.padEnd(9)} baseline ${ms(b)}; ${REF_NAME} ${ms(t)}, ${(t / b).toFixed(2)}x; this tree ${ms(o)}, ${(o / b).toFixed(2)}x; this tree / ${REF_NAME}: ${byRun.toFixed(3)} (median of the runs' ratios); ${problems}`,
    );
  }
}

function main(): void {
  if (CHILD !== undefined) return measure(coreOf(CHILD));
  const ref = args.find((a) => !a.startsWith('--'));
  if (ref === undefined) throw new Error('usage: npm run bench:compare -- REF [--runs=N] [--only=synthetic|real] [--keep]');
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const name = sha.startsWith(ref) ? sha.slice(0, 7) : `${ref} (${sha.slice(0, 7)})`;
  console.log(`building ${name}'s server ...`);
  const folder = buildCommit(sha);
  try {
    // In a process started as the server is (its young generation sized for a 1 MB parse), as target 1.
    const child = spawnSync(process.execPath, [...SERVER_NODE_OPTIONS, __filename, `--child=${folder}`, `--ref-name=${name}`, ...args.filter((a) => a.startsWith('--'))], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (child.status !== 0) throw new Error(`the measuring process failed (exit ${child.status ?? child.signal})`);
  } finally {
    if (args.includes('--keep')) console.log(`${name}'s build kept in ${folder}`);
    else fs.rmSync(folder, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

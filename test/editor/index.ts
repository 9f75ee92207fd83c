/**
 * Entry of the editor suite: VS Code loads this module in the extension host (it is the
 * extensionTestsPath) and awaits `run()`. Every `*.test.js` next to it is a mocha BDD file:
 * to add tests, add a `something.test.ts` in test/editor. The `*.bench.js` files are not tests
 * (budgets live in the bench): they run instead of the tests when the launcher is started with
 * `--bench` (see bench/bench.ts, part "editor").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { emit, harnessConfig } from './harness';

interface TestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  duration?: number;
  error?: { message: string; stack?: string };
}

function testFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full, suffix));
    else if (entry.name.endsWith(suffix)) out.push(full);
  }
  return out.sort();
}

function errorInfo(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

function writeResults(results: TestResult[]): { passed: number; failed: number; pending: number } {
  const summary = {
    passed: results.filter((r) => r.state === 'passed').length,
    failed: results.filter((r) => r.state === 'failed').length,
    pending: results.filter((r) => r.state === 'pending').length,
  };
  const { runDir } = harnessConfig();
  if (runDir) {
    const file = path.join(runDir, 'results.json');
    fs.writeFileSync(file + '.tmp', JSON.stringify({ ...summary, tests: results }, null, 2));
    fs.renameSync(file + '.tmp', file);
  }
  return summary;
}

export async function run(): Promise<void> {
  const config = harnessConfig();
  const results: TestResult[] = [];
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, slow: 5_000 });
  if (config.grep) mocha.grep(config.grep);
  for (const file of testFiles(__dirname, config.bench ? '.bench.js' : '.test.js')) mocha.addFile(file);

  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('start', () => emit({ event: 'start', total: runner.total }));
      runner.on('pass', (test) => {
        results.push({ fullTitle: test.fullTitle(), state: 'passed', duration: test.duration });
        emit({ event: 'pass', fullTitle: test.fullTitle(), duration: test.duration });
      });
      runner.on('fail', (test, err) => {
        // Also fires for failing hooks, which count as failures.
        const error = errorInfo(err);
        results.push({ fullTitle: test.fullTitle(), state: 'failed', duration: test.duration, error });
        emit({ event: 'fail', fullTitle: test.fullTitle(), duration: test.duration, error });
      });
      runner.on('pending', (test) => {
        results.push({ fullTitle: test.fullTitle(), state: 'pending' });
        emit({ event: 'pending', fullTitle: test.fullTitle() });
      });
    });
  } catch (err) {
    // A test file that does not load: report it instead of leaving the launcher waiting.
    const error = errorInfo(err);
    results.push({ fullTitle: 'loading the editor suite', state: 'failed', error });
    emit({ event: 'fail', fullTitle: 'loading the editor suite', error });
  }

  const summary = writeResults(results);
  emit({ event: 'end', ...summary });
  if (summary.failed > 0) throw new Error(`${summary.failed} editor test(s) failed`);
  if (summary.passed === 0) throw new Error('no editor test ran');
}

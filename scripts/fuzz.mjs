// `npm run fuzz -- --seed S --runs N`: the property tests of test/unit/property-checks.ts, run long.
// The same properties run in `npm test` with a fixed seed and a few runs each; here each gets N
// runs (default 10000) from seed S (default: from the clock, printed so a failure replays).
//
//   --seed S        the seed (a 32-bit integer)
//   --runs N        runs per property
//   --only TEXT     only the properties whose name holds TEXT
//   --budget SEC    stop a property after SEC seconds (its runs so far count)
//   --no-build      do not run `tsc -b` first
//
// Prints one line per property (runs, time, result), the counterexample of each failure (shrunk,
// with the seed and path that replay it), and a summary line. Exit status 1 when any failed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`fuzz: --${name} needs a value`);
    process.exit(2);
  }
  return value;
}

const seed = Number(option('seed', String(Date.now() % 2 ** 31)));
const runs = Number(option('runs', '10000'));
const only = option('only', undefined);
const budget = option('budget', undefined);
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('fuzz: --seed and --runs take whole numbers (runs above 0)');
  process.exit(2);
}

if (!process.argv.includes('--no-build')) {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('fuzz: the build failed');
    process.exit(2);
  }
}

const fc = require('fast-check');
const { ALL_PROPERTIES } = require(path.join(root, 'out', 'test', 'unit', 'property-checks.js'));
const properties = ALL_PROPERTIES.filter((p) => only === undefined || p.name.includes(only));
if (properties.length === 0) {
  console.error(`fuzz: no property matches '${only}'`);
  process.exit(2);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`fuzz: seed ${seed}, ${runs} runs per property, ${properties.length} properties${budget ? `, at most ${budget} s each` : ''}`);
const started = performance.now();
let total = 0;
const failures = [];
for (const { name, property } of properties) {
  const t0 = performance.now();
  const details = fc.check(property(), {
    seed,
    numRuns: runs,
    ...(budget ? { interruptAfterTimeLimit: Number(budget) * 1000, markInterruptAsFailure: false } : {}),
  });
  const ms = performance.now() - t0;
  total += details.numRuns;
  console.log(`${details.failed ? 'FAIL' : 'ok  '}  ${String(details.numRuns).padStart(7)} runs  ${seconds(ms).padStart(8)}  ${name}`);
  if (details.failed) {
    failures.push(name);
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    console.log(`${fc.defaultReportMessage(details)}\nCaused by: ${cause}`.replace(/^/gm, '      '));
  }
}
console.log(`fuzz: seed ${seed}, ${total} runs in ${seconds(performance.now() - started)}, ${failures.length} failed${failures.length > 0 ? `: ${failures.join('; ')}` : ''}`);
process.exit(failures.length > 0 ? 1 : 0);

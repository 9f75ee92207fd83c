// Bundles the extension client, the language server, the CLI and the export's writing thread
// into dist/ with esbuild.
// Type checking is tsc's job (`tsc -b`); this only bundles.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');

const entries = [
  { in: 'client/src/extension.ts', out: 'client' },
  { in: 'server/src/node/main.ts', out: 'server' },
  { in: 'server/src/cli.ts', out: 'cli' },
  // The thread the server and the CLI write export files on (writeAtomic.ts starts it from
  // beside itself).
  { in: 'server/src/node/fileWriterWorker.ts', out: 'fileWriterWorker' },
].filter((entry) => existsSync(entry.in));

await esbuild.build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  define: { __VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});

/**
 * The `corpus-annotator` command line: the core and node:fs, no LSP.
 * Every failure ends in a one-line message naming the file, never a stack trace.
 */

import { CHECK_HELP, runCheck } from './cli/check';
import { type CliIo, CliError } from './cli/common';
import { EXPORT_HELP, runExport } from './cli/export';
import { IMPORT_HELP, runImport } from './cli/import';

const HELP = `Usage: corpus-annotator <command> [options]

Commands:
  check [PATH...]                         check documents and corpus.yaml (exit 1 on errors)
  export --format F --out DIR [PATH...]   export a corpus (jsonl, doccano, spacy, brat, conll, label-studio)
  import --format F --out DIR SRC...      import annotations into annotated-text documents

Run 'corpus-annotator <command> --help' for a command's options.

${CHECK_HELP}
`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => number | Promise<number>; help: string }> = {
  check: { run: runCheck, help: CHECK_HELP },
  export: { run: runExport, help: EXPORT_HELP },
  import: { run: runImport, help: IMPORT_HELP },
};

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    io.stderr(`corpus-annotator: unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; see --help)\n`);
    return 2;
  }
  try {
    return await entry.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`corpus-annotator ${command}: ${error.message}\n`);
      return error.exitCode;
    }
    // parseArgs reports unknown or malformed options with these codes.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`corpus-annotator ${command}: ${(error as Error).message} (see 'corpus-annotator ${command} --help')\n`);
      return 2;
    }
    io.stderr(`corpus-annotator ${command}: internal error: ${(error as Error).message ?? String(error)}\n`);
    return 3;
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

/** Runs the CLI on this process's arguments and streams, setting its exit code. */
export function runFromProcess(): void {
  // A reader that stops early (`check | head`) closes the pipe: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`corpus-annotator: internal error: ${String(error)}\n`);
      process.exitCode = 3;
    },
  );
}

if (require.main === module) runFromProcess();

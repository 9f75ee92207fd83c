/** `corpus-annotator import`: not written yet (the export issue). */

import { type CliIo, CliError } from './common';

export const IMPORT_HELP = `Usage: corpus-annotator import --format F --out DIR SRC...

Not available yet.`;

export function runImport(_args: string[], _io: CliIo): number {
  throw new CliError('import is not available yet');
}

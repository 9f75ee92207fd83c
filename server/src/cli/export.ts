/** `corpus-annotator export`: not written yet (the export issue). */

import { type CliIo, CliError } from './common';

export const EXPORT_HELP = `Usage: corpus-annotator export --format F --out DIR [PATH...]

Not available yet.`;

export function runExport(_args: string[], _io: CliIo): number {
  throw new CliError('export is not available yet');
}

/** Temporary folders for a test file, all removed at its end: tests leave nothing in the temp folder. */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

/** A new empty folder in the temp folder, its name starting with `prefix`; `removeTempFolders` removes it. */
export function tempFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempFolder` made so far (for an `after` hook). */
export function removeTempFolders(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

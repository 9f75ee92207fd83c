/**
 * The thread that writes an export's files for `StagedOutput` (writeAtomic.ts): it takes batches
 * of files in the order they come, appends each text to its file, and answers each batch. After
 * a write fails it writes nothing more, and answers every batch with that error. Built beside
 * the module that starts it: `out/server/src/node/` for the tests, `dist/` for the bundles.
 */

import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

/** Files to append to, with the text for each: `files[i]` gets `texts[i]`. */
export interface WriteBatch {
  files: string[];
  texts: string[];
}

/** The answer to a batch: written whole, or the error that stopped it (what an Error loses in a message, kept). */
export type BatchReply = { ok: true } | { ok: false; error: { message: string; code?: string; syscall?: string; path?: string } };

/** The answer to every batch after a write failed: nothing of them is written. */
let failure: BatchReply | undefined;

parentPort?.on('message', (batch: WriteBatch) => {
  if (failure === undefined) {
    try {
      for (let i = 0; i < batch.files.length; i++) {
        const fd = fs.openSync(batch.files[i]!, 'a');
        try {
          fs.writeFileSync(fd, batch.texts[i]!);
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch (caught) {
      const error = caught as NodeJS.ErrnoException;
      failure = { ok: false, error: { message: error.message, code: error.code, syscall: error.syscall, path: error.path } };
    }
  }
  parentPort!.postMessage(failure ?? ({ ok: true } satisfies BatchReply));
});

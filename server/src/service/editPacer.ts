/**
 * When to diagnose a document after an edit.
 *
 * An edit that comes after a quiet moment is diagnosed at once: someone typing waits for
 * nothing (keystrokes come a hundred milliseconds apart or more). An edit that follows another
 * within the quiet time is part of a burst (a paste, key repeat, a replace-all, a long undo): it
 * waits until no edit has come for the quiet time, so a burst costs a diagnosis at its start and
 * one at its end, whatever its length.
 */
export class EditPacer {
  private readonly lastEdit = new Map<string, number>();

  constructor(readonly quietMs: number) {}

  /** How long to wait before diagnosing `uri`, for an edit made at `now` (milliseconds). */
  delayAfterEdit(uri: string, now: number): number {
    const last = this.lastEdit.get(uri);
    this.lastEdit.set(uri, now);
    return last !== undefined && now - last < this.quietMs ? this.quietMs : 0;
  }

  /** The document was closed: its next edit starts afresh. */
  forget(uri: string): void {
    this.lastEdit.delete(uri);
  }
}

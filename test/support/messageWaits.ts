/**
 * Waiting on a language server: a check re-run whenever a message arrives (and at least every
 * `pollMs`), until it holds or time runs out. Shared by the test client and the bench's client.
 */
export class MessageWaits {
  private waiters: (() => void)[] = [];

  constructor(private readonly pollMs: number) {}

  /** Re-runs every pending check: call it on each message from the server. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when `check` holds; rejects naming `what` after `timeoutMs`. */
  async until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, this.pollMs);
      });
    }
  }
}

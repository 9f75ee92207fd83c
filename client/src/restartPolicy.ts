/**
 * Whether a language server that died is started again: yes, unless it keeps dying.
 *
 * vscode-languageclient's default error handler stops the client for good on a transport error
 * that arrives before the close event (a write to the killed process fails first, which on a
 * slow machine is the usual order), so one crash could leave the editor without a server. With
 * this policy errors never decide; only the close does, and it gives up, as the default does,
 * when the server crashed more than `maxRestarts` times within `windowMs`: a server that dies at
 * every start is not started forever.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true when the server should be started again. */
  crashed(): boolean {
    const at = this.now();
    this.crashes = this.crashes.filter((crash) => at - crash < this.windowMs);
    this.crashes.push(at);
    return this.crashes.length <= this.maxRestarts;
  }

  /** Forgets the crashes: the user restarted the server by hand. */
  reset(): void {
    this.crashes = [];
  }
}

/**
 * Start notices sent only for jobs still running a little after they started. One timer serves
 * every running job (a setTimeout and clearTimeout per job cost a busy worker a few µs each):
 * jobs are kept in start order, so a tick sends the due ones from the front and re-arms for the
 * next.
 */
export class DelayedNotices {
  readonly #due = new Map<string, { at: number; send: () => void }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs: number) {}

  /** Calls `send` once `id` has been running `delayMs`, unless `done(id)` comes first. */
  schedule(id: string, send: () => void): void {
    // Re-inserted at the back: a Map iterates in insertion order, which stays start order.
    this.#due.delete(id);
    this.#due.set(id, { at: performance.now() + this.delayMs, send });
    this.#arm(this.delayMs);
  }

  done(id: string): void {
    this.#due.delete(id);
  }

  /** Drops every pending notice (the worker is closing). */
  clear(): void {
    this.#due.clear();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => this.#fire(), ms);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (const [id, entry] of this.#due) {
      if (entry.at > now) {
        this.#arm(Math.max(1, Math.ceil(entry.at - now)));
        return;
      }
      this.#due.delete(id);
      entry.send();
    }
  }
}

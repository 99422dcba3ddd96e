/** Callers parked until something happens (room in the queue, idle, all workers gone). */
export class Waiters {
  #resolvers: Array<() => void> = [];

  /** True while someone waits. */
  get waiting(): boolean {
    return this.#resolvers.length > 0;
  }

  /** Resolves at the next `releaseAll()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#resolvers.push(resolve));
  }

  /** Wakes everyone waiting now (a waiter that waits again joins the next round). */
  releaseAll(): void {
    if (this.#resolvers.length === 0) return;
    const resolvers = this.#resolvers;
    this.#resolvers = [];
    for (const resolve of resolvers) resolve();
  }
}

/**
 * What a pool does when a worker dies before it is ready. Two different stories end the same way:
 *
 * - The module can never start: it failed to load or its initializer threw (the worker says so,
 *   `startError`), or workers exit on their own during start-up, MAX_START_EXITS times in a row
 *   (`process.exit` at import, a crash at load). The pool stops at once with WorkerStartError:
 *   every new worker would fail the same way.
 * - The worker was killed from outside (SIGKILL, SIGTERM, SIGINT, SIGHUP: an OOM killer, an
 *   operator, a test). That says nothing about the module: the pool backs off (BACKOFF_MS,
 *   doubling up to MAX_BACKOFF_MS) and tries again, for as long as it takes; tasks stay queued.
 *
 * A worker that becomes ready resets both counts. `stats()` reports the failures and the last one.
 */
import type { WorkerExit } from "../runtime/handle.js";
import { describe } from "./pool-worker.js";

const MAX_START_EXITS = 3;
const BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;
/** Signals another process sends; a crash of the worker itself (SIGSEGV, SIGABRT…) is not one. */
const EXTERNAL_SIGNALS = new Set(["SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"]);

export type StartDecision =
  { action: "retry"; delayMs: number } | { action: "stop"; message: string; cause: unknown };

export class StartPolicy {
  /** Workers that died before they were ready, over the pool's life. */
  failures = 0;
  /** The last of them, in words. */
  last: string | undefined;
  #exits = 0;
  #kills = 0;

  ready(): void {
    this.#exits = 0;
    this.#kills = 0;
  }

  failed(exit: WorkerExit, startError: unknown, fatal: unknown): StartDecision {
    this.failures++;
    if (startError !== undefined) {
      this.last = `workers cannot start: ${describe(startError)}`;
      return { action: "stop", message: this.last, cause: startError };
    }
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.exitCode)}`;
    if (exit.signal && EXTERNAL_SIGNALS.has(exit.signal)) {
      const delayMs = Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** this.#kills++);
      this.last = `a worker was killed by ${exit.signal} during start-up; next try in ${delayMs} ms`;
      return { action: "retry", delayMs };
    }
    this.#exits++;
    this.last = `a worker exited during start-up (${how})`;
    if (this.#exits < MAX_START_EXITS) return { action: "retry", delayMs: 0 };
    return {
      action: "stop",
      message: `workers exited during start-up ${this.#exits} times in a row (last: ${how})`,
      cause: fatal ?? exit.error,
    };
  }
}

/**
 * The command line's one signal policy (`run`, `bench`, `serve`):
 * - the first SIGINT (Ctrl-C) or SIGTERM asks the command to stop: it cancels its work, keeps what
 *   finished, reports, and exits 128 + the signal's number (130 for SIGINT, 143 for SIGTERM);
 * - whatever is stuck (a task that ignores its signal, an executor whose shutdown never settles,
 *   a file system call that never returns), the process exits anyway, with that same code, once
 *   {@link GRACE_PERIOD_MS} have passed since the signal;
 * - a second signal exits at once.
 * Why a hard exit: a command that waits for a clean stop can wait forever on someone else's bug,
 * and a user who pressed Ctrl-C once must not have to find out that twice is needed.
 */
import { constants } from "node:os";

/**
 * Time from the first signal to the hard exit. Longer than the pools' own 5 s shutdown grace
 * (so that a stuck worker is killed by its pool, the clean way, first) and than writing a
 * bench report; short enough that nobody reaches for `kill -9`.
 */
export const GRACE_PERIOD_MS = 10_000;

/** How long a command waits for its executor to stop after a signal, before reporting anyway. */
export const STOP_WAIT_MS = 6_000;

/** The handle a command gets from {@link onInterrupt}. */
export interface Interrupt {
  /** Aborted at the first SIGINT or SIGTERM, with the signal's name as its reason. */
  readonly signal: AbortSignal;
  /** The exit code after the signal received (130 or 143), or undefined while none came. */
  exitCode(): number | undefined;
  /**
   * Removes the handlers, if no signal came. After a signal they stay until the process exits,
   * so that a second one still quits at once and the hard exit still comes.
   */
  dispose(): void;
}

/** 128 + the signal's number, as shells report a process killed by it: SIGINT 130, SIGTERM 143. */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Installs the policy for `command` (the name used in messages); `stopping` says what the
 * command does on the first signal, e.g. "stopping the tasks".
 */
export function onInterrupt(command: string, stopping: string): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (name: NodeJS.Signals): void => {
    if (received !== undefined) {
      process.stderr.write(`concur ${command}: ${name} again, quitting now\n`);
      process.exit(exitCodeFor(received));
    }
    received = name;
    const seconds = GRACE_PERIOD_MS / 1000;
    process.stderr.write(
      `\nconcur ${command}: ${name}, ${stopping} (at most ${seconds} s; Ctrl-C again to quit now)\n`,
    );
    // unref: a command that stops in time exits as soon as its event loop is empty.
    setTimeout(() => {
      process.stderr.write(`concur ${command}: still not stopped ${seconds} s after ${name}, quitting\n`);
      process.exit(exitCodeFor(name));
    }, GRACE_PERIOD_MS).unref();
    controller.abort(name);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : exitCodeFor(received)),
    dispose() {
      if (received !== undefined) return;
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** Waits for `promise` at most `ms`; true if it settled (either way) in time. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when `signal` aborts (never, if it does not): to race work against an interrupt. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** The policy in a few lines, for the `--help` of every command that follows it. */
export const SIGNALS_HELP = [
  "",
  "Signals: the first Ctrl-C (SIGINT) or SIGTERM stops the work cleanly and keeps what finished;",
  `whatever is stuck, the process exits at most ${GRACE_PERIOD_MS / 1000} s later; a second signal quits at once.`,
  "Exit code after a signal: 130 (SIGINT) or 143 (SIGTERM).",
].join("\n");

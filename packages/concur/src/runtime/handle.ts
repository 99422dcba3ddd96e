/**
 * The main side's view of one worker, thread or process alike (worker side: src/entry/). The
 * pool (src/executors/pool.ts) owns the lifecycle; a handle only carries messages and reports
 * the end of its worker exactly once.
 */
import { checkWorkerMessage, type MainMessage, type WorkerMessage } from "../protocol/messages.js";
import type { Transferable } from "../types.js";

/** How a worker ended. */
export interface WorkerExit {
  exitCode: number | null;
  signal: string | null;
  /** The error that ended it, when the runtime reported one (thread 'error' event, spawn failure). */
  error?: unknown;
  /** The running slot's last value (src/protocol/running-slot.ts); absent if there was none. */
  slot?: number;
}

/** Callbacks a handle reports to. */
export interface HandleEvents {
  message(message: WorkerMessage): void;
  /** A message that broke the protocol: the pool kills the worker. */
  invalid(problem: string): void;
  exit(exit: WorkerExit): void;
}

export interface WorkerHandle {
  /** Process id (process pool) or thread id (thread pool), for messages and tests. */
  readonly id: number;
  /** Sends a message; throws synchronously when it cannot be serialized. */
  send(message: MainMessage, transfer?: readonly Transferable[]): void;
  /** Ends the worker now (SIGKILL / terminate()); `exit` follows. */
  kill(): void;
  /** Whether the worker keeps this process alive: only while it holds tasks. */
  setRef(ref: boolean): void;
  /**
   * The running slot's value now, while the worker lives (undefined if it has none): where a
   * cancelled task stands when the worker is too busy in a task to answer.
   */
  peekSlot(): number | undefined;
}

/** A listener for whatever a worker sends: validated, then a message or a protocol problem. */
export function receiveFrom(events: HandleEvents): (message: unknown) => void {
  return (message) => {
    const problem = checkWorkerMessage(message);
    if (problem === undefined) events.message(message as WorkerMessage);
    else events.invalid(problem);
  };
}

/**
 * The worker entry next to this file: the TypeScript source when running from source under tsx,
 * else the one-file CommonJS bundle the build makes (scripts/bundle-entries.mjs), which starts
 * several milliseconds faster than the ES-module graph it is made from.
 */
export function entryUrl(name: "thread" | "process"): URL {
  const extension = import.meta.url.endsWith(".ts") ? "ts" : "cjs";
  return new URL(`../entry/${name}.${extension}`, import.meta.url);
}

/**
 * One worker as the pool sees it, and the small pure helpers the pool engine uses to talk about
 * tasks and workers. The engine itself is pool.ts.
 */
import { WorkerCrashedError } from "../errors.js";
import type { RunTask } from "../protocol/messages.js";
import type { WorkerExit, WorkerHandle } from "../runtime/handle.js";
import type { Transferable } from "../types.js";
import type { TaskRecord } from "./base.js";
import { mayBeRunning } from "./crash-accounting.js";

export interface PoolWorker {
  /** Set right after creation (the handle's callbacks need the worker first). */
  handle: WorkerHandle;
  state: "starting" | "ready" | "closing" | "dead";
  /** Tasks handed to this worker, in the order it runs them. */
  readonly inflight: Map<number, TaskRecord>;
  assigned: number;
  /** Holds a task with a timeout: nothing is queued behind it, so its clock is honest. */
  exclusive: boolean;
  /** A release (work stealing) request is out. */
  releasing: boolean;
  referenced: boolean;
  startError: unknown;
  fatal: unknown;
  idleTimer: NodeJS.Timeout | undefined;
  /** Stops a stopping worker that will not exit (retire, shutdown). */
  killTimer: NodeJS.Timeout | undefined;
  /** Stops a worker whose cancelled or timed-out task ignores its signal (cancelGracePeriod). */
  cancelKillTimer: NodeJS.Timeout | undefined;
  /** The pool killed it for a cancelled task: its death is not a crash. */
  killedForCancel: boolean;
}

export function newPoolWorker(): PoolWorker {
  return {
    handle: undefined as unknown as WorkerHandle,
    state: "starting",
    inflight: new Map(),
    assigned: 0,
    exclusive: false,
    releasing: false,
    referenced: true,
    startError: undefined,
    fatal: undefined,
    idleTimer: undefined,
    killTimer: undefined,
    cancelKillTimer: undefined,
    killedForCancel: false,
  };
}

/** True while the worker's running task is one that was cancelled or timed out. */
export function runningAborted(worker: PoolWorker): boolean {
  const first = worker.inflight.values().next();
  return !first.done && first.value.state === "done";
}

/**
 * True while a cancelled or timed-out task may be what the worker runs: the first one not
 * reported, or, behind results held back, one the running slot (read now) points at.
 */
export function mayRunAborted(worker: PoolWorker): boolean {
  if (runningAborted(worker)) return true;
  const records = [...worker.inflight.values()];
  if (!records.some((record) => record.state === "done")) return false;
  const slot = worker.handle.peekSlot();
  return records.some((record) => record.state === "done" && mayBeRunning(records, slot, record));
}

/** Formats the submitting stack: only for failures, because formatting a stack is costly. */
export function submitStack(record: TaskRecord): string | undefined {
  return record.extras?.origin?.stack?.replace(/^Error\n/, "");
}

/** The message form of a task; `exact`: the worker records its start and end exactly. */
export function toRunTask(record: TaskRecord, exact: boolean): RunTask {
  const task: RunTask = record.chunk
    ? { id: record.id, name: record.name, args: record.args, chunk: true }
    : { id: record.id, name: record.name, args: record.args };
  if (exact) task.exact = true;
  // Only a re-run carries it: the first run's message stays as small as before.
  const attempt = record.extras?.attempt;
  if (attempt !== undefined) task.attempt = attempt;
  return task;
}

export function collectTransfer(records: readonly TaskRecord[]): readonly Transferable[] | undefined {
  let transfer: Transferable[] | undefined;
  for (const record of records) {
    const own = record.extras?.transfer;
    if (own) (transfer ??= []).push(...own);
  }
  return transfer;
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function crashError(record: TaskRecord, exit: WorkerExit, fatal: unknown): WorkerCrashedError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.exitCode)}`;
  const cause = fatal ?? exit.error;
  const why = cause !== undefined ? ` (${describe(cause)})` : "";
  return new WorkerCrashedError(`the worker running task "${record.name}" ${how}${why}`, {
    exitCode: exit.exitCode,
    signal: exit.signal,
    cause,
  });
}

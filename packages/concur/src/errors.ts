/**
 * concur's own errors. Each class has a stable `code` and a `Symbol.for` brand, so that
 * `instanceof` works even when two copies of the package are loaded (the brand is global, the
 * class identity is not), as undici does.
 */

const BRAND = Symbol.for("concur.error");

/** Base class of every error concur itself raises. */
export class ConcurError extends Error {
  /** Stable machine-readable code, e.g. `ERR_WORKER_CRASHED`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: code, enumerable: false });
  }

  /** The class's name (`"WorkerCrashedError"`…), also for subclasses, so stacks and logs say which. */
  override get name(): string {
    return this.constructor.name;
  }

  /**
   * `instanceof` by code, not by class identity: an error from another copy of concur (a bundled
   * one, say) is still `instanceof WorkerCrashedError`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ConcurError) return hasCode(value, undefined);
    const code = codeOf(this);
    // A subclass concur does not know (a user's, or another package's) keeps plain instanceof.
    if (code === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
    return hasCode(value, code);
  }
}

const codes = new WeakMap<object, string>();
function codeOf(cls: object): string | undefined {
  return codes.get(cls);
}
function hasCode(value: unknown, code: string | undefined): boolean {
  if (typeof value !== "object" || value === null) return false;
  const brand = (value as Record<symbol, unknown>)[BRAND];
  if (typeof brand !== "string") return false;
  return code === undefined || brand === code;
}
function register<T extends object>(cls: T, code: string): T {
  codes.set(cls, code);
  return cls;
}

/** A worker died (exit, signal, out of memory, uncaught error) while it held this task. */
export class WorkerCrashedError extends ConcurError {
  /** Exit code of the worker, when it exited. */
  readonly exitCode: number | null;
  /** Signal that killed the worker process, when it was a signal. */
  readonly signal: string | null;
  constructor(message: string, details: { exitCode: number | null; signal: string | null; cause?: unknown }) {
    super("ERR_WORKER_CRASHED", message, { cause: details.cause });
    this.exitCode = details.exitCode;
    this.signal = details.signal;
  }
}
register(WorkerCrashedError, "ERR_WORKER_CRASHED");

/** A task ran past its `timeout`. */
export class TaskTimeoutError extends ConcurError {
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeout: number;
  constructor(message: string, timeout: number) {
    super("ERR_TASK_TIMEOUT", message);
    this.timeout = timeout;
  }
}
register(TaskTimeoutError, "ERR_TASK_TIMEOUT");

/** The future was cancelled (by `cancel()`, its `signal`, or `shutdown({ cancelFutures: true })`). */
export class CancelledError extends ConcurError {
  constructor(message = "the task was cancelled", options?: { cause?: unknown }) {
    super("ERR_CANCELLED", message, options);
  }
}
register(CancelledError, "ERR_CANCELLED");

/** The executor is shut down (or shutting down) and takes no new tasks. */
export class ShutdownError extends ConcurError {
  constructor(message = "the executor is shut down and accepts no new tasks") {
    super("ERR_SHUTDOWN", message);
  }
}
register(ShutdownError, "ERR_SHUTDOWN");

/** `maxQueue` tasks are already waiting; the new task was refused. */
export class QueueFullError extends ConcurError {
  /** The limit that was reached. */
  readonly maxQueue: number;
  constructor(maxQueue: number) {
    super("ERR_QUEUE_FULL", `the task queue is full (maxQueue: ${maxQueue})`);
    this.maxQueue = maxQueue;
  }
}
register(QueueFullError, "ERR_QUEUE_FULL");

/** An argument or a result could not cross the thread or process boundary. */
export class NotSerializableError extends ConcurError {
  /** The task whose argument or result failed. */
  readonly task: string;
  constructor(message: string, task: string, options?: { cause?: unknown }) {
    super("ERR_NOT_SERIALIZABLE", message, options);
    this.task = task;
  }
}
register(NotSerializableError, "ERR_NOT_SERIALIZABLE");

/** The task module has no exported function of that name. */
export class TaskNotFoundError extends ConcurError {
  /** The name that was asked for. */
  readonly task: string;
  constructor(task: string, moduleUrl: string, available: readonly string[]) {
    super(
      "ERR_TASK_NOT_FOUND",
      `task "${task}" is not an exported function of ${moduleUrl}` +
        (available.length > 0
          ? ` (exported functions: ${available.join(", ")})`
          : " (it exports no functions)"),
    );
    this.task = task;
  }
}
register(TaskNotFoundError, "ERR_TASK_NOT_FOUND");

/** Workers could not start: the task module failed to load, or workers kept dying at start-up. */
export class WorkerStartError extends ConcurError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_WORKER_START", message, options);
  }
}
register(WorkerStartError, "ERR_WORKER_START");

/** A task threw something that is not an Error (a string, a number, …); `value` holds it. */
export class TaskError extends ConcurError {
  /** The value the task threw, as it arrived. */
  readonly value: unknown;
  constructor(message: string, value: unknown) {
    super("ERR_TASK_FAILED", message);
    this.value = value;
  }
}
register(TaskError, "ERR_TASK_FAILED");

/** Waiting on a future (`result({ timeout })`, `wait`, `asCompleted`) took longer than allowed. */
export class WaitTimeoutError extends ConcurError {
  /** The wait's limit that was exceeded, in milliseconds. */
  readonly timeout: number;
  constructor(message: string, timeout: number) {
    super("ERR_WAIT_TIMEOUT", message);
    this.timeout = timeout;
  }
}
register(WaitTimeoutError, "ERR_WAIT_TIMEOUT");

/** Invalid options or arguments given to concur itself. */
export class InvalidArgumentError extends ConcurError {
  constructor(message: string) {
    super("ERR_INVALID_ARGUMENT", message);
  }
}
register(InvalidArgumentError, "ERR_INVALID_ARGUMENT");

/** A message between the main side and a worker broke the protocol (wrong shape or version). */
export class ProtocolError extends ConcurError {
  constructor(message: string) {
    super("ERR_PROTOCOL", message);
  }
}
register(ProtocolError, "ERR_PROTOCOL");

/** True when `value` is a concur error with that code (works across package copies and workers). */
export function isConcurError(value: unknown, code?: string): value is ConcurError {
  return hasCode(value, code);
}

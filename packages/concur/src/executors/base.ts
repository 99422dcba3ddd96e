/**
 * What every executor shares: submitting (names, options, backpressure), futures, per-task
 * timeouts and signals, `map`, shutdown state and statistics. Backends only decide where a
 * task runs: they implement the abstract hooks at the bottom.
 */
import { CancelledError, QueueFullError, ShutdownError, TaskTimeoutError } from "../errors.js";
import { Future, futureInternals as settle, type FutureOwner } from "../future.js";
import { toModuleUrl } from "../protocol/task-module.js";
import type {
  Executor,
  ExecutorKind,
  ExecutorOptions,
  ExecutorStats,
  MapOptions,
  MappableTaskName,
  ShutdownOptions,
  TaskArgs,
  TaskInput,
  TaskName,
  TaskOptions,
  TaskResult,
  TaskSubmitter,
  Transferable,
} from "../types.js";
import { checkCount, checkIterable, invalid } from "../validate.js";
import { mapTasks } from "./map.js";
import { checkExecutorOptions, checkMapOptions, checkShutdownOptions, checkTaskOptions } from "./options.js";
import { StatsRecorder } from "./stats.js";

/** A submitted task, from submit to settlement. */
export interface TaskRecord {
  readonly id: number;
  readonly name: string;
  /** Arguments; for a chunk, the list of inputs. */
  readonly args: unknown[];
  readonly chunk: boolean;
  readonly future: Future<unknown>;
  state: "queued" | "running" | "done";
  enqueuedAt: number;
  /**
   * What only some tasks have. Kept apart, and absent for a plain `submit`, because a pending
   * task's size is what 100,000 tasks in flight multiply.
   */
  extras: TaskExtras | undefined;
}

/** The parts of a task record that most tasks do not have. */
export interface TaskExtras {
  timeout?: number;
  transfer?: readonly Transferable[];
  /** Where it was submitted; formatted only if an error needs it (V8 formats stacks lazily). */
  origin?: { stack?: string };
  /** The running task's timeout clock. */
  timer?: NodeJS.Timeout;
  detachSignal?: () => void;
  /**
   * Which run of the task this is (the task reads it as `currentTask().attempt`), when above 1:
   * set by a backend that runs a task again (`withAttempt`), and raised by a pool that re-runs a
   * task after its worker died.
   */
  attempt?: number;
}

let nextTaskId = 1;
/**
 * Frames kept of the submitting stack, counted from the caller of submit (the boundary function
 * passed to captureOrigin is left out, with everything above it). Capturing costs about a
 * microsecond per frame on every submit, so keep the few that locate the caller.
 */
const SUBMIT_STACK_FRAMES = 3;
const NO_ORIGIN: { stack?: string } = {};

/** Captures the caller's stack above `above`; V8 formats it only if `.stack` is read. */
function captureOrigin(above: (...args: never[]) => unknown): { stack?: string } {
  const origin: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = SUBMIT_STACK_FRAMES;
  Error.captureStackTrace(origin, above);
  Error.stackTraceLimit = limit;
  return origin;
}

// pool.ts reads its options with these: one rule for every option (src/validate.ts).
export { checkCount, checkMilliseconds } from "../validate.js";

export abstract class ExecutorBase<M> implements Executor<M>, FutureOwner {
  abstract readonly kind: ExecutorKind;
  /** The task module's URL, as a string. */
  readonly moduleUrl: string;
  protected readonly statsRecorder = new StatsRecorder();
  protected readonly maxQueue: number;
  protected readonly initializer: string | undefined;
  protected readonly initArgs: readonly unknown[];
  readonly #captureStacks: boolean;
  #closed = false;
  #shutdown: Promise<void> | undefined;
  #deadline: NodeJS.Timeout | undefined;
  /** close() has finished: a later shutdown({ timeout }) has nothing left to bound. */
  #closedDone = false;

  constructor(module: URL | string, options: ExecutorOptions) {
    const checked = checkExecutorOptions(new.target.name, options);
    this.moduleUrl = toModuleUrl(module);
    this.maxQueue = checked.maxQueue;
    this.initializer = checked.initializer;
    this.initArgs = checked.initArgs;
    this.#captureStacks = checked.captureSubmitStack;
  }

  /** True once shutdown has begun. */
  get closed(): boolean {
    return this.#closed;
  }

  submit<K extends TaskName<M>>(name: K, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>> {
    const origin = this.#captureStacks ? captureOrigin(this.submit) : NO_ORIGIN;
    return this.submitRecord(name, args, undefined, false, origin).future as Future<TaskResult<M, K>>;
  }

  with(options: TaskOptions): TaskSubmitter<M> {
    return this.#submitter(checkTaskOptions("with()", options), 1);
  }

  /**
   * @internal Use `withAttempt` from concur/backend: a submitter whose tasks run as run number
   * `attempt` (a backend that runs again a task another executor may have started).
   */
  withAttempt(attempt: number, options?: TaskOptions): TaskSubmitter<M> {
    const checked = options === undefined ? undefined : checkTaskOptions("withAttempt()", options);
    return this.#submitter(checked, checkCount("withAttempt(): attempt", attempt, 1));
  }

  #submitter(checked: TaskOptions | undefined, attempt: number): TaskSubmitter<M> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a named function (not an arrow) is the stack boundary
    const self = this;
    return {
      submit: function submit<K extends TaskName<M>>(name: K, ...args: TaskArgs<M, K>) {
        const origin = self.#captureStacks ? captureOrigin(submit) : NO_ORIGIN;
        return self.submitRecord(name, args, checked, false, origin, attempt).future as Future<
          TaskResult<M, K>
        >;
      },
    };
  }

  map<K extends MappableTaskName<M>>(
    name: K,
    inputs: Iterable<TaskInput<M, K>> | AsyncIterable<TaskInput<M, K>>,
    options?: MapOptions,
  ): AsyncIterableIterator<TaskResult<M, K>> {
    if (this.#closed) throw new ShutdownError();
    checkIterable("map(): inputs", inputs, true);
    const { ordered, buffer, chunksize, timeout, signal } = checkMapOptions("map()", options);
    const taskOptions: TaskOptions = { ...(timeout !== undefined && { timeout }) };
    // One submitting place for the whole map: its items all come from this call.
    const origin = this.#captureStacks ? captureOrigin(this.map) : undefined;
    return mapTasks<TaskResult<M, K>>({
      inputs: inputs as Iterable<unknown> | AsyncIterable<unknown>,
      ordered,
      buffer: buffer ?? this.defaultMapBuffer(),
      chunksize: chunksize === "auto" ? this.defaultChunksize(name) : chunksize,
      signal,
      submitOne: (input) => this.submitRecord(name, [input], taskOptions, false, origin ?? NO_ORIGIN).future,
      submitChunk: (chunk) => this.submitRecord(name, chunk, taskOptions, true, origin ?? NO_ORIGIN).future,
      waitForRoom: () => this.waitForRoom(),
    });
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    let checked: ReturnType<typeof checkShutdownOptions>;
    try {
      checked = checkShutdownOptions("shutdown()", options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { wait, cancelFutures, timeout } = checked;
    if (cancelFutures)
      this.cancelQueued(new CancelledError("the executor shut down before the task started"));
    if (!this.#shutdown) {
      this.#closed = true;
      this.#shutdown = this.close(cancelFutures);
      // Clear the deadline once closed, so no timer outlives the executor.
      void this.#shutdown
        .finally(() => {
          this.#closedDone = true;
          clearTimeout(this.#deadline);
        })
        .catch(() => undefined);
    }
    if (timeout !== undefined && this.#deadline === undefined && !this.#closedDone) {
      this.#deadline = setTimeout(() => {
        this.forceStop(
          new CancelledError(
            `the executor shut down: tasks still running after ${timeout} ms were cancelled`,
          ),
        );
      }, timeout);
    }
    if (wait) return this.#shutdown;
    // Not waiting: the pool still drains and closes in the background; a failure there has no
    // one to report to, and must not become an unhandled rejection.
    this.#shutdown.catch(() => undefined);
    return Promise.resolve();
  }

  /** `await using` support: the same as `shutdown()` with its defaults. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  stats(): ExecutorStats {
    return this.statsRecorder.snapshot(this.kind, this.liveCounts());
  }

  /** Creates and enqueues a task; throws ShutdownError or QueueFullError synchronously. */
  protected submitRecord(
    name: string,
    args: unknown[],
    options: TaskOptions | undefined,
    chunk: boolean,
    shared?: { stack?: string },
    attempt = 1,
  ): TaskRecord {
    if (this.#closed) throw new ShutdownError();
    if (typeof name !== "string" || name === "") throw invalid("submit(): name", "a non-empty string", name);
    if (this.queuedCount() >= this.maxQueue) throw new QueueFullError(this.maxQueue);
    // Checked once, by with() or map(): a plain submit has no options.
    const timeout = options?.timeout;
    const origin = shared ?? (this.#captureStacks ? captureOrigin(this.submitRecord) : NO_ORIGIN);
    const transfer = options?.transfer;
    const future = new Future<unknown>(name);
    const record: TaskRecord = {
      id: nextTaskId++,
      name,
      args,
      chunk,
      future,
      state: "queued",
      enqueuedAt: performance.now(),
      extras:
        timeout !== undefined ||
        transfer !== undefined ||
        origin !== NO_ORIGIN ||
        options?.signal ||
        attempt > 1
          ? {
              ...(timeout !== undefined && { timeout }),
              ...(transfer !== undefined && { transfer }),
              ...(origin !== NO_ORIGIN && { origin }),
              ...(attempt > 1 && { attempt }),
            }
          : undefined,
    };
    settle.bind(future, this, record);
    this.statsRecorder.submitted++;
    const signal = options?.signal;
    if (signal) {
      if (signal.aborted) {
        this.#settleCancelled(
          record,
          new CancelledError(`task "${name}" was cancelled by its signal`, { cause: signal.reason }),
        );
        return record;
      }
      const onAbort = (): void => {
        record.future.cancel(`task "${name}" was cancelled by its signal`);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      record.extras!.detachSignal = () => signal.removeEventListener("abort", onAbort);
    }
    this.enqueue(record);
    return record;
  }

  /** Marks a task as started: starts its timeout clock. Returns false if it was cancelled. */
  protected markStarted(record: TaskRecord): boolean {
    if (!settle.start(record.future)) return false;
    record.state = "running";
    this.statsRecorder.queueWait.add(performance.now() - record.enqueuedAt);
    const timeout = record.extras?.timeout;
    if (timeout !== undefined) {
      record.extras!.timer = setTimeout(() => {
        const error = new TaskTimeoutError(`task "${record.name}" timed out after ${timeout} ms`, timeout);
        if (this.#finish(record) && settle.reject(record.future, error)) {
          this.statsRecorder.failed++;
          this.abortRunning(record, error);
        }
      }, timeout);
    }
    return true;
  }

  /** Settles a task with its result. */
  protected resolveTask(record: TaskRecord, value: unknown, runMs: number): void {
    this.statsRecorder.ran(runMs);
    if (this.#finish(record) && settle.resolve(record.future, value)) this.statsRecorder.completed++;
  }

  /** Settles a task with an error. */
  protected rejectTask(record: TaskRecord, error: unknown, runMs?: number): void {
    if (runMs !== undefined) this.statsRecorder.ran(runMs);
    if (this.#finish(record) && settle.reject(record.future, error)) this.statsRecorder.failed++;
  }

  /** Cancels a task that has not started (queue removal is the subclass's job). */
  protected cancelRecord(record: TaskRecord, error: CancelledError): void {
    this.#settleCancelled(record, error);
  }

  #settleCancelled(record: TaskRecord, error: CancelledError): void {
    if (this.#finish(record) && settle.cancel(record.future, error)) this.statsRecorder.cancelled++;
  }

  /** Clears a task's timer and signal; false if it was already done. */
  #finish(record: TaskRecord): boolean {
    if (record.state === "done") return false;
    record.state = "done";
    const extras = record.extras;
    if (extras) {
      if (extras.timer) clearTimeout(extras.timer);
      extras.detachSignal?.();
    }
    return true;
  }

  /** @internal Called by a future's `cancel()`; the token is its task record. */
  cancelFuture(token: unknown, error: CancelledError): boolean {
    const record = token as TaskRecord;
    if (record.state === "done") return false;
    const wasRunning = record.state === "running";
    if (!wasRunning) this.removeQueued(record);
    this.#settleCancelled(record, error);
    if (wasRunning) this.abortRunning(record, error);
    return true;
  }

  /** The map buffer when the caller gives none (a function is asked again as the map goes). */
  protected abstract defaultMapBuffer(): number | (() => number);
  /**
   * The map chunk size for `"auto"` or none (a function is asked again before each chunk), for
   * the task `name` (tasks of one module may cost very different times).
   */
  protected defaultChunksize(_name: string): number | (() => number) {
    return 1;
  }
  /** Puts a new task in line (the record is `queued`). */
  protected abstract enqueue(record: TaskRecord): void;
  /** Takes a queued task out of line (it is being cancelled). */
  protected abstract removeQueued(record: TaskRecord): void;
  /** Stops a running task that has already been settled (cancelled or timed out). */
  protected abstract abortRunning(record: TaskRecord, reason: Error): void;
  /** Cancels every task that has not started. */
  protected abstract cancelQueued(error: CancelledError): void;
  /** Tasks waiting to start (for maxQueue). */
  protected abstract queuedCount(): number;
  /** Resolves when the queue has room again (map's backpressure under maxQueue). */
  protected abstract waitForRoom(): Promise<void>;
  /** Shutdown's timeout passed: cancel everything queued or running, and stop waiting for it. */
  protected abstract forceStop(error: CancelledError): void;
  /** Drains (or cancels) and releases every resource; called once. */
  protected abstract close(cancelFutures: boolean): Promise<void>;
  protected abstract liveCounts(): { workers: number; queued: number; running: number; capacity: number };
}

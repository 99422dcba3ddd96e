/**
 * Public types of concur's executors. The types are the documentation: every option says what it
 * does and its default.
 */
import type { Future } from "./future.js";

/** Any function a task module may export: sync or async. */

export type AnyTask = (...args: any[]) => unknown;

/** The names of `M`'s exported functions: what `submit` and `map` accept. */
export type TaskName<M> = {
  [K in keyof M]: M[K] extends AnyTask ? K : never;
}[keyof M] &
  string;

/** The argument list of task `K` of module `M`. */
export type TaskArgs<M, K extends TaskName<M>> = M[K] extends (...args: infer A) => unknown ? A : never;

/** What task `K` of module `M` resolves to (a Promise is unwrapped). */
export type TaskResult<M, K extends TaskName<M>> = M[K] extends (...args: never[]) => infer R
  ? Awaited<R>
  : never;

/** Tasks of `M` callable with one argument (any further parameters optional): what `map` accepts. */
export type MappableTaskName<M> = {
  [K in TaskName<M>]: [TaskArgs<M, K>[0]] extends TaskArgs<M, K> ? K : never;
}[TaskName<M>];

/** The single argument of a mappable task. */
export type TaskInput<M, K extends TaskName<M>> = TaskArgs<M, K>[0];

/** Which backend an executor is. */
export type ExecutorKind = "sequential" | "async" | "thread" | "process" | "distributed";

/** Options for one task, given through `executor.with(options)`. */
export interface TaskOptions {
  /**
   * Milliseconds the task may run once it has started. Past it the future rejects with
   * `TaskTimeoutError`, the task's signal aborts and (thread and process pools) a worker that does
   * not stop within `cancelGracePeriod` is terminated and replaced.
   * @default undefined (no timeout)
   */
  timeout?: number;
  /** Aborting this signal cancels the task (queued: removed; running: as `future.cancel()`). */
  signal?: AbortSignal;
  /**
   * Objects whose ownership moves to the worker instead of being copied (thread pool only:
   * `ArrayBuffer`, `MessagePort`, …). Ignored by the other executors.
   */
  transfer?: readonly Transferable[];
}

/** Something that can be transferred to a worker thread. */
export type Transferable = ArrayBuffer | MessagePortLike;
/** Structural stand-in for `MessagePort`, so the types need not import worker_threads. */
export interface MessagePortLike {
  postMessage(value: unknown): void;
  close(): void;
}

/** Options of `executor.map`. */
export interface MapOptions {
  /**
   * Yield results in input order (`true`) or as they complete (`false`).
   * @default true
   */
  ordered?: boolean;
  /**
   * At most this many inputs are pulled ahead of the consumer (submitted or running): the memory
   * bound of a long map.
   * @default 4 × maxWorkers (thread/process), 2 × maxConcurrency capped at 1024 (async), 1 (sequential)
   */
  buffer?: number;
  /**
   * Inputs sent to a worker in one message, to cut per-task overhead for tiny tasks. `"auto"`
   * grows the chunk while tasks are fast and shrinks it when they are slow.
   * @default "auto" on thread and process pools; 1 elsewhere
   */
  chunksize?: number | "auto";
  /** Per-item timeout in milliseconds, as `TaskOptions.timeout`. */
  timeout?: number;
  /** Aborting this signal stops the map: pending items are cancelled and iteration throws. */
  signal?: AbortSignal;
}

/** Options of `executor.shutdown`. */
export interface ShutdownOptions {
  /**
   * Wait for queued and running tasks to finish (and workers to exit) before resolving.
   * @default true
   */
  wait?: boolean;
  /**
   * Cancel the tasks that have not started yet (their futures reject with `CancelledError`).
   * @default false
   */
  cancelFutures?: boolean;
  /**
   * Milliseconds to wait for queued and running tasks. Past it, the tasks still queued or running
   * are cancelled (`CancelledError`, their signals abort) and pool workers that do not stop within
   * `cancelGracePeriod` are killed; a task on an in-process executor that ignores its signal is
   * left to finish on its own, but shutdown no longer waits for it.
   * @default undefined (wait as long as the tasks take)
   */
  timeout?: number;
}

/** Options every executor takes. */
export interface ExecutorOptions {
  /**
   * How many tasks may wait for a worker before `submit` throws `QueueFullError`.
   * @default Infinity
   */
  maxQueue?: number;
  /**
   * Name of an exported function of the task module run once in each worker (or once, for the
   * in-process executors) before its first task; a throw fails the start-up with `WorkerStartError`.
   */
  initializer?: string;
  /** Arguments passed to `initializer`. @default [] */
  initArgs?: readonly unknown[];
  /**
   * Record where each task was submitted, so a failed task's error shows that place under
   * `--- submitted from ---` after the worker's stack. It costs a stack walk on every `submit`
   * (about 4 µs and 270 bytes per pending task; about half the main thread's time for a tiny
   * task), so it is off unless asked for. `map` records one place per call.
   * @default true when `process.env.NODE_ENV === "development"`, else false
   */
  captureSubmitStack?: boolean;
}

/** Options of the thread and process pools. */
export interface PoolOptions extends ExecutorOptions {
  /** @default os.availableParallelism() */
  maxWorkers?: number;
  /**
   * A worker is replaced after running this many tasks (a guard against leaks in task code).
   * @default Infinity
   */
  maxTasksPerWorker?: number;
  /**
   * Milliseconds an idle worker is kept before it exits; a later task starts a new one.
   * @default Infinity (idle workers stay until shutdown)
   */
  idleTimeout?: number;
  /** Environment of the workers. @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * Milliseconds a running task gets to stop through its signal after it was cancelled or timed
   * out; a worker still busy with it then is killed and replaced.
   * @default 200
   */
  cancelGracePeriod?: number;
  /**
   * Milliseconds a worker gets to exit once asked to close (shutdown, recycling, idle timeout)
   * before it is killed.
   * @default 5000
   */
  shutdownGracePeriod?: number;
  /**
   * Tasks a worker may hold at once (one runs, the rest wait inside it) to hide the round trip
   * for tiny tasks. `"auto"` sends more while tasks are short and one at a time when they are long.
   * @default "auto"
   */
  prefetch?: number | "auto";
}

/** Options of `ThreadPoolExecutor`. */
export interface ThreadPoolOptions extends PoolOptions {
  /** Heap limits of each worker thread (`worker_threads` `resourceLimits`). */
  resourceLimits?: {
    maxOldGenerationSizeMb?: number;
    maxYoungGenerationSizeMb?: number;
    codeRangeSizeMb?: number;
    stackSizeMb?: number;
  };
}

/** Options of `ProcessPoolExecutor`. */
export interface ProcessPoolOptions extends PoolOptions {
  /**
   * Node flags of the child processes, added after this process's own `process.execArgv` (which
   * carries loaders such as tsx).
   * @default []
   */
  execArgv?: readonly string[];
}

/** Options of `AsyncExecutor`. */
export interface AsyncExecutorOptions extends ExecutorOptions {
  /**
   * Tasks running at once on the event loop.
   * @default 1000
   */
  maxConcurrency?: number;
}

/** Percentiles of a duration, in milliseconds. */
export interface DurationSummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A snapshot of an executor's counters. */
export interface ExecutorStats {
  kind: ExecutorKind;
  /** Workers alive now (thread/process), or the concurrency limit (in-process). */
  workers: number;
  submitted: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Workers started over the executor's life, replacements included. */
  workersStarted: number;
  /** Workers that died while holding tasks. */
  workersCrashed: number;
  /** Time tasks waited before they started (last 4096 tasks). */
  queueWait: DurationSummary;
  /** Time tasks ran (last 4096 tasks). */
  runTime: DurationSummary;
  /** Busy time ÷ (workers × elapsed time), 0..1, since the executor was created. */
  utilization: number;
}

/** Submits tasks of module `M` with fixed per-task options; see `Executor.with`. */
export interface TaskSubmitter<M> {
  /** Runs task `name` with `args`; the future settles with its result. */
  submit<K extends TaskName<M>>(name: K, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>>;
}

/**
 * The executor contract, the same for every backend: swapping the class is the only change.
 * @typeParam M - the task module's type, `typeof import("./tasks.js")`
 */
export interface Executor<M> extends TaskSubmitter<M>, AsyncDisposable {
  readonly kind: ExecutorKind;
  /**
   * A submitter whose tasks carry `options` (timeout, signal, transfer list).
   * @example pool.with({ timeout: 5_000 }).submit("fetchPage", url)
   */
  with(options: TaskOptions): TaskSubmitter<M>;
  /**
   * Runs task `name` over every input, pulling inputs lazily with at most `buffer` in flight.
   * Yields results in input order (unless `ordered: false`); an item's error is thrown when the
   * iteration reaches that item, and the rest of the map is cancelled.
   */
  map<K extends MappableTaskName<M>>(
    name: K,
    inputs: Iterable<TaskInput<M, K>> | AsyncIterable<TaskInput<M, K>>,
    options?: MapOptions,
  ): AsyncIterableIterator<TaskResult<M, K>>;
  /** Stops taking tasks; see `ShutdownOptions`. Idempotent. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** Counters and percentiles. */
  stats(): ExecutorStats;
}

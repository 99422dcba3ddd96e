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
   * not stop within `cancelGracePeriod` is terminated and replaced. Above 0 and at most
   * `MAX_DELAY_MS` (2³¹ − 1, Node's longest timer); anything else is `InvalidArgumentError`.
   * @default undefined (no timeout)
   */
  timeout?: number;
  /**
   * Aborting this signal cancels the task (queued: removed; running: as `future.cancel()`).
   * @default undefined (no signal)
   */
  signal?: AbortSignal;
  /**
   * Objects whose ownership moves to the worker instead of being copied (thread pool only:
   * `ArrayBuffer`, `MessagePort`, …). Ignored by the other executors.
   * @default [] (everything is copied)
   */
  transfer?: readonly Transferable[];
}

/** Something that can be transferred to a worker thread. */
export type Transferable = ArrayBuffer | MessagePortLike;
/** Structural stand-in for `MessagePort`, so the types need not import worker_threads. */
export interface MessagePortLike {
  /** Sends a value to the other end. */
  postMessage(value: unknown): void;
  /** Closes this end. */
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
   * grows the chunk while tasks are fast and shrinks it when they are slow. With a `timeout`,
   * every item is its own task ("auto" means 1; a larger number is `InvalidArgumentError`).
   * @default "auto" on thread and process pools; 1 elsewhere
   */
  chunksize?: number | "auto";
  /**
   * Per-item timeout in milliseconds, as `TaskOptions.timeout`: each item's own run is timed,
   * so items are not chunked when it is set.
   * @default undefined (no timeout)
   */
  timeout?: number;
  /**
   * Aborting this signal stops the map at once: every item in flight (queued or running) is
   * cancelled, no item is yielded after the abort, and the next step of the iteration throws
   * `CancelledError` whose `cause` is the signal's reason.
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Options of `executor.shutdown`. A wrong value makes the returned promise reject with
 * `InvalidArgumentError` (and shutdown does not begin).
 */
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
   * left to finish on its own, but shutdown no longer waits for it. Above 0 and at most
   * `MAX_DELAY_MS` (2³¹ − 1).
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
   * @default undefined (no initializer)
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
  /**
   * Workers at most (started on demand, one per waiting task). A positive integer up to
   * `MAX_WORKERS` (1024): more would start a process or thread per queued task.
   * @default os.availableParallelism()
   */
  maxWorkers?: number;
  /**
   * A worker is replaced after running this many tasks (a guard against leaks in task code).
   * @default Infinity
   */
  maxTasksPerWorker?: number;
  /**
   * Milliseconds an idle worker is kept before it exits; a later task starts a new one. A
   * positive integer up to `MAX_DELAY_MS` (2³¹ − 1), or Infinity.
   * @default Infinity (idle workers stay until shutdown)
   */
  idleTimeout?: number;
  /** Environment of the workers. @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * Milliseconds a running task gets to stop through its signal after it was cancelled or timed
   * out; a worker still busy with it then is killed and replaced. 0 to `MAX_DELAY_MS`.
   * @default 200
   */
  cancelGracePeriod?: number;
  /**
   * Milliseconds a worker gets to exit once asked to close (shutdown, recycling, idle timeout)
   * before it is killed. 0 to `MAX_DELAY_MS`.
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
  /**
   * Heap limits of each worker thread (`worker_threads` `resourceLimits`); a worker that exceeds
   * one dies, and its task fails with `WorkerCrashedError`.
   * @default {} (Node's defaults)
   */
  resourceLimits?: {
    /** Main heap size, in MB. @default Node's default */
    maxOldGenerationSizeMb?: number;
    /** Heap space for recently created objects, in MB. @default Node's default */
    maxYoungGenerationSizeMb?: number;
    /** Memory for generated code, in MB. @default Node's default */
    codeRangeSizeMb?: number;
    /** Thread stack size, in MB. @default 4 */
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
  /** How many durations the summary is over. */
  count: number;
  /** Their mean, in milliseconds. */
  mean: number;
  /** Their median, in milliseconds. */
  p50: number;
  /** Their 90th percentile, in milliseconds. */
  p90: number;
  /** Their 99th percentile, in milliseconds. */
  p99: number;
  /** The longest, in milliseconds. */
  max: number;
}

/** A snapshot of an executor's counters. */
export interface ExecutorStats {
  /** Which executor this is. */
  kind: ExecutorKind;
  /** Workers alive now (thread/process), or the concurrency limit (in-process). */
  workers: number;
  /** Tasks submitted over the executor's life. */
  submitted: number;
  /** Tasks waiting to start now. */
  queued: number;
  /** Tasks running now. */
  running: number;
  /** Tasks that succeeded. */
  completed: number;
  /** Tasks that failed (their own error, a crash, a timeout). */
  failed: number;
  /** Tasks cancelled before they settled. */
  cancelled: number;
  /** Workers started over the executor's life, replacements included. */
  workersStarted: number;
  /** Workers that died while holding tasks. */
  workersCrashed: number;
  /** Workers that died before they were ready (pools; killed ones are retried, see docs/design.md). */
  workerStartFailures: number;
  /** The last start-up failure, in words, if any. */
  lastStartFailure?: string;
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
  /** Which backend runs the tasks: `"sequential"`, `"async"`, `"thread"` or `"process"`. */
  readonly kind: ExecutorKind;
  /**
   * A submitter whose tasks carry `options` (timeout, signal, transfer list).
   * @example pool.with({ timeout: 5_000 }).submit("fetchPage", url)
   */
  with(options: TaskOptions): TaskSubmitter<M>;
  /**
   * Runs task `name` over every input, pulling inputs lazily with at most `buffer` in flight.
   * Yields results in input order (unless `ordered: false`); an item's error is thrown when the
   * iteration reaches that item, and the rest of the map is cancelled. If the executor shuts
   * down meanwhile, the items already submitted still run and are yielded, then the iteration
   * throws `ShutdownError` (inputs not yet submitted are not run).
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

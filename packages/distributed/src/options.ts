/** Options of the distributed executor and of its workers. */
import type { ExecutorOptions } from "concur";

/** Where Redis is and how concur names its keys there. */
export interface RedisTarget {
  /** Redis URL, e.g. `redis://queue-host:6379` or `rediss://user:password@host:6380/0`. */
  connection: string;
  /**
   * The queue's name: submitters and workers of one task module meet on it.
   * @default the task module's file name without extension (`tasks` for tasks.js)
   */
  queue?: string;
  /**
   * First part of every key (BullMQ's and concur's): one per application or test run.
   * @default "concur"
   */
  prefix?: string;
  /**
   * Version of the task module, part of its signature: raise it when a task's behaviour changes
   * without its name changing, so workers still running the old code refuse the new jobs.
   * @default ""
   */
  moduleVersion?: string;
  /**
   * Milliseconds to wait for the first connection to Redis before failing with
   * RedisConnectionError.
   * @default 5000
   */
  connectTimeout?: number;
}

/** Options of `DistributedExecutor`. */
export interface DistributedExecutorOptions
  extends RedisTarget, Omit<ExecutorOptions, "initializer" | "initArgs"> {
  /**
   * Largest encoded argument list (or map chunk) in bytes; bigger fails with PayloadTooLargeError.
   * Every byte goes through Redis's memory, so pass references to large data.
   * @default 4_194_304 (4 MiB)
   */
  maxPayloadBytes?: number;
  /**
   * Milliseconds a result list left behind (by a submitter that died) is kept in Redis.
   * @default 3_600_000 (1 hour)
   */
  resultTtl?: number;
  /**
   * A future pending this many milliseconds is checked against its job in Redis: a job that no
   * longer exists (lost in a Redis crash, or removed by hand) is submitted again.
   * @default 15_000
   */
  reconcileAfter?: number;
  /**
   * Milliseconds this submitter's liveness key lives without a refresh (it is refreshed every
   * third of it). Workers drop the queued jobs of a submitter whose key is gone: after a
   * submitter dies, its jobs still queued are not run for nobody past this.
   * @default 30_000
   */
  livenessTtl?: number;
  /**
   * Tasks submitted in one turn of the event loop, when there are many, travel a few to a BullMQ
   * job (as `map` chunks do), sized from their measured run time: a job costs Redis a few dozen
   * commands whatever it carries. Each task keeps its own future, start notice, result, cancel
   * and attempt count. Only tasks without a timeout whose arguments are plain JSON are grouped,
   * and only when a turn submits at least 32 of them (fewer go one job each, so that long tasks
   * spread over every machine). What changes:
   * - the tasks of one batch run on one machine, and a machine that dies takes back all of its
   *   unfinished ones (delivery stays at-least-once);
   * - a batch that comes back is not run as one again: its tasks are queued one job each, so a
   *   task that kills every machine fails alone with WorkerCrashedError, after one death more
   *   than `maxCrashes` (the batch's);
   * - cancelling a queued task in a batch rejects its future at once, and its machine skips it;
   *   the batch's job stays in Redis until then.
   * `false`: one job per task, always.
   * @default true
   */
  coalesceSubmits?: boolean;
}

/** Options of `runWorker` (and of `concur worker`). */
export interface WorkerOptions extends RedisTarget {
  /** The task module: a URL or an absolute path. Its type is the submitters' `M`. */
  module: URL | string;
  /**
   * The local executor that runs this machine's tasks.
   * @default "thread"
   */
  executor?: "async" | "thread" | "process";
  /**
   * Workers of the local pool (thread/process), or tasks at once (async).
   * @default os.availableParallelism() (thread/process), 100 (async)
   */
  workers?: number;
  /**
   * Jobs taken from the queue at once.
   * @default 2 × workers (thread/process), workers (async)
   */
  concurrency?: number;
  /**
   * Milliseconds a job's lock lasts without renewal: after a machine dies, its jobs are taken
   * back within about lockDuration + stalledInterval.
   * @default 5000
   */
  lockDuration?: number;
  /**
   * Milliseconds between checks for jobs whose worker died.
   * @default 5000
   */
  stalledInterval?: number;
  /**
   * A job whose worker died this many times fails with WorkerCrashedError instead of being run
   * again (a task that crashes every machine it lands on must not loop forever).
   * @default 2
   */
  maxCrashes?: number;
  /**
   * Milliseconds a stopping worker (SIGTERM, `close()`) lets running jobs finish; past it they
   * are cancelled here and handed back to the queue for another worker.
   * @default 10_000
   */
  gracePeriod?: number;
  /**
   * Milliseconds between heartbeats (what `concur status` shows); a worker silent for three is gone.
   * @default 2000
   */
  heartbeatInterval?: number;
  /**
   * Name of an exported function of the task module run once in each local worker before its
   * first task (concur's `initializer`, run on this machine).
   */
  initializer?: string;
  /** Arguments passed to `initializer`. @default [] */
  initArgs?: readonly unknown[];
  /** Where to report refused jobs and errors outside tasks. @default console.error */
  log?: (message: string) => void;
  /**
   * Called once the worker is connected and registered, just before it takes its first job
   * (`concur worker` announces itself here: a task that kills the process at once can no longer
   * beat the announcement).
   * @default no callback
   */
  onReady?: (worker: { readonly id: string; readonly queue: string }) => void;
}

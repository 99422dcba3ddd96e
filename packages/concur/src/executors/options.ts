/**
 * The checks of every executor option and of the per-call options (`with`, `map`, `shutdown`),
 * all written with the rules of src/validate.ts, so that a wrong value gets the same error
 * class and message shape wherever it is given.
 */
import type {
  AsyncExecutorOptions,
  ExecutorOptions,
  MapOptions,
  ProcessPoolOptions,
  ShutdownOptions,
  TaskOptions,
  ThreadPoolOptions,
} from "../types.js";
import {
  MAX_DELAY_MS,
  checkArray,
  checkBoolean,
  checkCount,
  checkMilliseconds,
  checkOptions,
  checkSignal,
  invalid,
} from "../validate.js";

/**
 * The most workers a pool may have. A pool starts as many workers as it has queued tasks, up to
 * maxWorkers: a value far above any machine's cores (a typo, a unit mistake) would start a
 * process or thread per queued task.
 */
export const MAX_WORKERS = 1024;

/** A positive integer or "auto" (undefined is "auto"). */
function countOrAuto(name: string, value: unknown): number | "auto" {
  if (value === undefined || value === "auto") return "auto";
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  throw invalid(name, 'a positive integer or "auto"', value);
}

/** The options every executor takes, checked; `where` is the class name. */
export function checkExecutorOptions(
  where: string,
  options: ExecutorOptions | undefined,
): Required<Omit<ExecutorOptions, "initializer">> & Pick<ExecutorOptions, "initializer"> {
  const o = checkOptions(`${where}: options`, options);
  if (o.initializer !== undefined && (typeof o.initializer !== "string" || o.initializer === ""))
    throw invalid(
      `${where}: initializer`,
      "the name of an exported function of the task module",
      o.initializer,
    );
  checkArray(`${where}: initArgs`, o.initArgs);
  return {
    maxQueue: checkCount(`${where}: maxQueue`, o.maxQueue, Infinity, true),
    initializer: o.initializer,
    initArgs: o.initArgs ?? [],
    // Off unless asked for, or in development (Bluebird's rule for long stack traces): the
    // stack walk is the largest cost of a tiny task's submit (see docs/design.md).
    captureSubmitStack: checkBoolean(
      `${where}: captureSubmitStack`,
      o.captureSubmitStack,
      process.env.NODE_ENV === "development",
    ),
  };
}

/** AsyncExecutor's concurrency, checked. */
export function checkMaxConcurrency(where: string, options: AsyncExecutorOptions | undefined): number {
  return checkCount(`${where}: maxConcurrency`, options?.maxConcurrency, 1000, true);
}

/**
 * The thread and process pools' own options, checked; returns them as given. (The pool engine
 * reads them itself: checking them all here, before it does, keeps one rule for every option.)
 */
export function checkPoolOptions<O extends ThreadPoolOptions & ProcessPoolOptions>(
  where: string,
  options: O | undefined,
): O {
  const o = checkOptions(`${where}: options`, options);
  checkCount(`${where}: maxWorkers`, o.maxWorkers, 1, false, MAX_WORKERS);
  checkCount(`${where}: maxTasksPerWorker`, o.maxTasksPerWorker, 1, true);
  checkCount(`${where}: idleTimeout`, o.idleTimeout, 1, true, MAX_DELAY_MS);
  checkMilliseconds(`${where}: cancelGracePeriod`, o.cancelGracePeriod, 0);
  checkMilliseconds(`${where}: shutdownGracePeriod`, o.shutdownGracePeriod, 0);
  countOrAuto(`${where}: prefetch`, o.prefetch);
  if (o.env !== undefined) checkOptions(`${where}: env`, o.env);
  if (o.resourceLimits !== undefined) checkOptions(`${where}: resourceLimits`, o.resourceLimits);
  checkArray(`${where}: execArgv`, o.execArgv, true);
  return o as O;
}

/** A task's options (`with()`), checked and copied: later changes to the caller's object do not count. */
export function checkTaskOptions(where: string, options: TaskOptions): TaskOptions {
  if (options === undefined) throw invalid(`${where}: options`, "an object", options);
  const o = checkOptions(`${where}: options`, options);
  const timeout = checkMilliseconds(`${where}: timeout`, o.timeout, undefined, true);
  const signal = checkSignal(`${where}: signal`, o.signal);
  checkArray(`${where}: transfer`, o.transfer);
  return {
    ...(timeout !== undefined && { timeout }),
    ...(signal !== undefined && { signal }),
    ...(o.transfer !== undefined && { transfer: o.transfer }),
  };
}

/** A map's options, checked; buffer undefined and chunksize "auto" are the executor's to decide. */
export function checkMapOptions(
  where: string,
  options: MapOptions | undefined,
): {
  ordered: boolean;
  buffer: number | undefined;
  chunksize: number | "auto";
  timeout: number | undefined;
  signal: AbortSignal | undefined;
} {
  const o = checkOptions(`${where}: options`, options);
  const timeout = checkMilliseconds(`${where}: timeout`, o.timeout, undefined, true);
  let chunksize = countOrAuto(`${where}: chunksize`, o.chunksize);
  if (timeout !== undefined) {
    // The timeout is per item, and a chunk runs its items as one task under one clock: so with a
    // timeout every item is its own task.
    if (chunksize !== "auto" && chunksize > 1)
      throw invalid(
        `${where}: chunksize`,
        '1 or "auto" when a timeout is given (the timeout is per item)',
        chunksize,
      );
    chunksize = 1;
  }
  return {
    ordered: checkBoolean(`${where}: ordered`, o.ordered, true),
    buffer: o.buffer === undefined ? undefined : checkCount(`${where}: buffer`, o.buffer, 1),
    chunksize,
    timeout,
    signal: checkSignal(`${where}: signal`, o.signal),
  };
}

/** Shutdown's options, checked. */
export function checkShutdownOptions(
  where: string,
  options: ShutdownOptions | undefined,
): Required<Omit<ShutdownOptions, "timeout">> & { timeout: number | undefined } {
  const o = checkOptions(`${where}: options`, options);
  return {
    wait: checkBoolean(`${where}: wait`, o.wait, true),
    cancelFutures: checkBoolean(`${where}: cancelFutures`, o.cancelFutures, false),
    timeout: checkMilliseconds(`${where}: timeout`, o.timeout, undefined, true),
  };
}

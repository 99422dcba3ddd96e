import type { Executor, ExecutorKind } from "../types.js";
import { InvalidArgumentError } from "../errors.js";
import { SequentialExecutor } from "./sequential.js";
import { AsyncExecutor } from "./async.js";
import { ThreadPoolExecutor } from "./thread.js";
import { ProcessPoolExecutor } from "./process.js";

/** Every executor kind, in the order reports list them. */
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ["sequential", "async", "thread", "process"];

/** Options understood by `createExecutor`: `workers` is maxWorkers or maxConcurrency. */
export interface CreateExecutorOptions {
  /** Workers of a pool, or concurrency of the async executor; ignored by sequential. */
  workers?: number;
  /** Per-kind extra options, passed through to the constructor. */
  [option: string]: unknown;
}

/**
 * Builds an executor by name, for the CLI and the lab: the same task module under any backend.
 * @example const pool = createExecutor<typeof import("./tasks.js")>("thread", new URL("./tasks.js", import.meta.url), { workers: 4 });
 */
export function createExecutor<M>(
  kind: ExecutorKind,
  moduleUrl: URL | string,
  options: CreateExecutorOptions = {},
): Executor<M> {
  const { workers, ...rest } = options;
  switch (kind) {
    case "sequential":
      return new SequentialExecutor<M>(moduleUrl, rest);
    case "async":
      return new AsyncExecutor<M>(moduleUrl, {
        ...rest,
        ...(workers !== undefined && { maxConcurrency: workers }),
      });
    case "thread":
      return new ThreadPoolExecutor<M>(moduleUrl, {
        ...rest,
        ...(workers !== undefined && { maxWorkers: workers }),
      });
    case "process":
      return new ProcessPoolExecutor<M>(moduleUrl, {
        ...rest,
        ...(workers !== undefined && { maxWorkers: workers }),
      });
    default:
      throw new InvalidArgumentError(
        `unknown executor "${String(kind)}" (expected one of ${EXECUTOR_KINDS.join(", ")})`,
      );
  }
}

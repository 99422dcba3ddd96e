/**
 * What `concur run` runs its tasks on: a local executor made by name, or the distributed
 * executor with what serves it (the local `concur worker` processes the lab starts, or the
 * user's). Opening may take a while (workers start); that part is not timed, as the seed does
 * not time starting its endpoint. Creating the executor is, as for every executor.
 */
import { EXECUTOR_KINDS, createExecutor, type Executor, type ExecutorKind } from "concur";
import { DistributedSetupError } from "../lab/distributed/errors.js";
import { redactUrl } from "@concur/distributed/names";
import type { DistributedTarget } from "../lab/distributed/target.js";
import type { HereOnly } from "../lab/distributed/open.js";
import { lettersTasksUrl, type LettersTasks } from "../letters/index.js";
import { distributedTarget, givenDistributedFlags, type DistributedFlags } from "./distributed-flags.js";
import { UsageError } from "./usage.js";

/** Every executor `run` takes: concur's local ones, and the distributed one. */
export const RUN_EXECUTORS: readonly ExecutorKind[] = [...EXECUTOR_KINDS, "distributed"];

/** Local worker processes `run --executor distributed` starts when not told. */
export const DEFAULT_LOCAL_WORKERS = 2;

/** An executor to run on, and how to take down what serves it. */
export interface RunBackend {
  /** Creates the executor: the start of the timed part. */
  create(): Executor<LettersTasks>;
  /** Resolves when the executor can no longer get anything done (every local worker died). */
  lost?: Promise<Error>;
  /** What the JSON document says about the backend beyond the executor's name. */
  context: Record<string, unknown>;
  /** Stops what serves the executor, after it was shut down. Idempotent. */
  close(): Promise<void>;
}

/** What to open, checked from the flags before any work (a bad flag is said at once). */
export interface BackendPlan {
  kind: ExecutorKind;
  workers: number | undefined;
  /** For `distributed`. */
  target?: DistributedTarget;
  /** For `distributed` on the user's workers: what only this machine reaches (see HereOnly). */
  hereOnly?: HereOnly;
}

/**
 * Checks the flags: the distributed ones only with `--executor distributed`, and valid there.
 * Throws a UsageError naming the flag.
 */
export function planBackend(
  kind: ExecutorKind,
  workers: number | undefined,
  flags: DistributedFlags,
): BackendPlan {
  const given = givenDistributedFlags(flags);
  if (kind !== "distributed") {
    if (given.length > 0) throw new UsageError(`${given.join(", ")}: only with --executor distributed`);
    return { kind, workers };
  }
  const target = distributedTarget(flags, {
    flag: "--workers",
    value: workers,
    fallback: DEFAULT_LOCAL_WORKERS,
  });
  return { kind, workers, target };
}

/**
 * Opens the backend. For `distributed`: cpu tasks run on one worker thread per worker process
 * (the process's event loop stays free for Redis), io tasks on each process's event loop (async,
 * up to 100 downloads at once). Throws DistributedSetupError (Redis unreachable, no workers),
 * or an error after `signal` aborted while the workers started.
 */
export async function openBackend(
  plan: BackendPlan,
  task: "io" | "cpu",
  signal: AbortSignal,
): Promise<RunBackend> {
  const { kind, workers, target } = plan;
  if (target === undefined) {
    return {
      create: () =>
        createExecutor<LettersTasks>(kind, lettersTasksUrl, workers === undefined ? {} : { workers }),
      context: { workers: workers ?? null },
      close: () => Promise.resolve(),
    };
  }
  const began = performance.now();
  const { openDistributed } = await import("../lab/distributed/open.js");
  const handle = await openDistributed<LettersTasks>(target, {
    module: lettersTasksUrl,
    executor: task === "io" ? "async" : "thread",
    ...(task === "cpu" && { workersEach: 1 }),
    ...(plan.hereOnly && { hereOnly: plan.hereOnly }),
    signal,
  });
  const startMs = performance.now() - began;
  if (handle.local) {
    process.stderr.write(
      `concur run: ${handle.workers} local concur workers (pids ${handle.pids.join(", ")}) started in ${(startMs / 1000).toFixed(2)} s, queue "${handle.queue}" under prefix "${handle.prefix}"\n`,
    );
  }
  return {
    create: () => handle.executor(),
    ...(handle.lost && { lost: handle.lost }),
    context: {
      workers: handle.workers,
      redis: redactUrl(target.redis),
      prefix: handle.prefix,
      queue: handle.queue,
      localWorkers: handle.local,
      workersStartMs: handle.local ? startMs : null,
    },
    close: handle.close,
  };
}

export { DistributedSetupError };

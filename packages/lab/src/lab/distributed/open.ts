/**
 * Opens a DistributedExecutor for a run: checks Redis answers (at once, with the fix in the
 * message), starts the local `concur worker` processes or finds the user's, and returns the
 * executor with one `close()` that undoes all of it (executor shut down, workers stopped, the
 * run's own keys removed).
 *
 * Loaded only when a run is distributed (`await import`): @concur/distributed brings BullMQ and
 * ioredis, about 0.3 s to import on a 2-core machine, which no other run should pay.
 */
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import {
  DistributedExecutor,
  RedisConnectionError,
  probeRedis,
  purgePrefix,
  readStatus,
} from "@concur/distributed";
import { DistributedSetupError } from "./errors.js";
import { startLocalWorkers, type LocalWorkers } from "./local-workers.js";
import { defaultQueueName, redactUrl } from "@concur/distributed/names";
import { runPrefix, type DistributedTarget } from "./target.js";

export { DistributedSetupError };

/** How the run's tasks are run on each worker. */
export interface OpenOptions {
  module: URL;
  /** Each local worker process's executor. */
  executor: "async" | "thread" | "process";
  /** Each local worker process's workers (thread/process) or concurrency (async). */
  workersEach?: number;
  /** Aborting while the workers start stops them. */
  signal?: AbortSignal;
  /** What the tasks need that only this machine reaches: the user's workers elsewhere are refused. */
  hereOnly?: HereOnly;
}

/**
 * Something a run's tasks need that only this machine can reach (the embedded endpoint listens
 * on 127.0.0.1): `needs` says what, `otherwise` how else the user can run (after "give
 * --endpoint a URL every worker machine can reach").
 */
export interface HereOnly {
  needs: string;
  otherwise?: string;
}

/** What serves a distributed run, and the executor that submits to it. */
export interface DistributedHandle<M> {
  /**
   * The run's executor, created at the first call (so that a caller can time it from its
   * creation, as any other executor's), the same one after.
   */
  executor(): DistributedExecutor<M>;
  /** Worker processes serving the queue: the lab's own, or those seen alive at the start. */
  workers: number;
  prefix: string;
  queue: string;
  /** True when the lab started the workers (on this machine). */
  local: boolean;
  /** The local workers' process ids (none for the user's own workers). */
  pids: readonly number[];
  /** Resolves when every local worker died before `close()`; undefined for the user's workers. */
  lost: Promise<Error> | undefined;
  /** Shuts the executor down, stops local workers, removes the run's own keys. Idempotent. */
  close(): Promise<void>;
}

/** How long Redis gets to answer the first look. */
const PROBE_TIMEOUT_MS = 3_000;
/** How long closing waits for the executor to shut down before stopping the workers anyway. */
const SHUTDOWN_WAIT_MS = 6_000;

function unreachable(error: RedisConnectionError): DistributedSetupError {
  return new DistributedSetupError(
    `${error.message}. Start one (\`redis-server --daemonize yes\`) or point --redis at yours ` +
      "(default: REDIS_URL, else redis://127.0.0.1:6379).",
  );
}

/** The command that starts a worker serving this run's queue, for messages. */
export function workerCommand(target: DistributedTarget, module: URL, prefix: string, queue: string): string {
  return `concur worker --redis ${redactUrl(target.redis)} --module ${fileURLToPath(module)} --prefix ${prefix} --queue ${queue}`;
}

async function usersWorkers(
  target: DistributedTarget,
  module: URL,
  prefix: string,
  queue: string,
  hereOnly?: HereOnly,
): Promise<number> {
  const status = await readStatus({ connection: target.redis, prefix, queue });
  const workers = status.workers.filter((w) => w.queue === queue && w.state !== "stopping");
  const serving = workers.length;
  // Workers on other machines would fail every task that needs what only this one reaches:
  // said now, instead of as a failed cell per worker.
  const away = [...new Set(workers.map((w) => w.host).filter((host) => host !== hostname()))];
  if (hereOnly !== undefined && away.length > 0) {
    throw new DistributedSetupError(
      `${hereOnly.needs}, which only this machine (${hostname()}) can reach, but workers on ${away.join(", ")} ` +
        `serve queue "${queue}" (prefix "${prefix}"): give --endpoint a URL every worker machine can reach` +
        `${hereOnly.otherwise ? `, ${hereOnly.otherwise}` : ""}.`,
    );
  }
  if (serving === 0) {
    throw new DistributedSetupError(
      `no concur worker serves queue "${queue}" (prefix "${prefix}") at ${redactUrl(target.redis)}: start one on each machine with\n` +
        `  ${workerCommand(target, module, prefix, queue)}\n` +
        "or leave out --no-local-workers, and the lab starts them on this machine.",
    );
  }
  return serving;
}

async function probe(target: DistributedTarget): Promise<void> {
  try {
    await probeRedis(target.redis, PROBE_TIMEOUT_MS);
  } catch (error) {
    throw error instanceof RedisConnectionError ? unreachable(error) : error;
  }
}

/**
 * The look before a run (a bench checks before its first cell): Redis answers, and the user's
 * workers serve the queue. Resolves with the worker processes that will serve; throws
 * DistributedSetupError. `hereOnly`: what the run's tasks need that only this machine can
 * reach (the embedded endpoint on 127.0.0.1), so that workers on other machines are refused.
 */
export async function preflightDistributed(
  target: DistributedTarget,
  module: URL,
  hereOnly?: HereOnly,
): Promise<number> {
  await probe(target);
  if (target.localWorkers !== null) return target.localWorkers;
  try {
    return await usersWorkers(
      target,
      module,
      target.prefix ?? "concur",
      target.queue ?? defaultQueueName(module.href),
      hereOnly,
    );
  } catch (error) {
    throw error instanceof RedisConnectionError ? unreachable(error) : error;
  }
}

/** Opens the executor; throws DistributedSetupError when Redis or the workers are missing. */
export async function openDistributed<M>(
  target: DistributedTarget,
  options: OpenOptions,
): Promise<DistributedHandle<M>> {
  await probe(target);
  // Local workers get a prefix of their own; the user's listen under concur worker's default.
  const ownPrefix = target.prefix === undefined && target.localWorkers !== null;
  const prefix = target.prefix ?? (ownPrefix ? runPrefix() : "concur");
  const queue = target.queue ?? defaultQueueName(options.module.href);
  let local: LocalWorkers | undefined;
  let workers: number;
  try {
    if (target.localWorkers === null) {
      workers = await usersWorkers(target, options.module, prefix, queue, options.hereOnly);
    } else {
      local = await startLocalWorkers({
        redis: target.redis,
        prefix,
        queue,
        module: options.module,
        count: target.localWorkers,
        executor: options.executor,
        ownPrefix,
        ...(options.workersEach !== undefined && { workersEach: options.workersEach }),
        ...(options.signal && { signal: options.signal }),
      });
      workers = target.localWorkers;
    }
  } catch (error) {
    if (ownPrefix) await purgePrefix(target.redis, prefix).catch(() => undefined);
    throw error instanceof RedisConnectionError ? unreachable(error) : error;
  }
  let executor: DistributedExecutor<M> | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        executor?.shutdown({ wait: true, cancelFutures: true }).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS))),
      ]);
      clearTimeout(timer);
      await local?.stop();
      // Only a prefix made up for this run is removed: the user's holds other runs' queues.
      if (ownPrefix) await purgePrefix(target.redis, prefix).catch(() => undefined);
    })());
  return {
    executor: () =>
      (executor ??= new DistributedExecutor<M>(options.module, { connection: target.redis, prefix, queue })),
    workers,
    prefix,
    queue,
    local: local !== undefined,
    pids: local?.pids ?? [],
    lost: local?.lost,
    close,
  };
}

/**
 * A worker daemon: takes jobs from one BullMQ queue and runs them in a local concur executor.
 * `concur worker` is this function plus signal handling.
 *
 * Delivery: BullMQ locks a job while this worker holds it and renews the lock every
 * lockDuration / 2. A worker that dies stops renewing; the stalled check (every
 * stalledInterval, on any live worker) moves the job back to wait, so it runs again elsewhere
 * within about lockDuration + stalledInterval. After `maxCrashes` deaths it fails instead, and
 * its submitter gets WorkerCrashedError (pushed from the 'failed' event: the job never reaches a
 * processor again).
 */
import { randomUUID } from "node:crypto";
import { DelayedError, Worker, type Job } from "bullmq";
import { WorkerCrashedError, createExecutor, type Executor } from "concur";
import { checkCount, serializeError, toModuleUrl } from "concur/backend";
import { ModuleMismatchError } from "../errors.js";
import type { WorkerOptions } from "../options.js";
import { encodeResult } from "../protocol/codec.js";
import { PROTOCOL_VERSION, isJobData, jobAttempt, type JobData } from "../protocol/job-data.js";
import { queueKeys } from "../protocol/keys.js";
import { defaultQueueName, describeSignature, moduleSignature } from "../protocol/signature.js";
import { closeRedis, createRedis, waitReady } from "../redis/connect.js";
import { resultPusher } from "../redis/push-result.js";
import { DelayedNotices } from "./delayed-notices.js";
import { Heartbeat } from "./heartbeat.js";
import { HOST, JobRunner } from "./job-runner.js";
import { SubmitterCheck } from "./submitter-check.js";

/** A running worker daemon. */
export interface DistributedWorker {
  readonly id: string;
  readonly queue: string;
  /** Jobs this worker finished (whatever their outcome). */
  readonly completed: number;
  /** Stops taking jobs, lets running ones finish within the grace period (then hands them back), and exits. */
  close(): Promise<void>;
  /** Settles when the worker has stopped. */
  readonly closed: Promise<void>;
}

/** How long a job without a timeout runs before its submitter is told it started. */
const START_NOTICE_AFTER_MS = 2;

/** BullMQ's message for a job that stalled more than maxStalledCount times. */
const STALLED_TOO_OFTEN = /stalled more than allowable limit/;

/**
 * Starts a worker; resolves once it is connected and taking jobs. Rejects with
 * RedisConnectionError within `connectTimeout` if Redis cannot be reached or refuses the password.
 * @example
 * const worker = await runWorker({ connection: "redis://queue-host:6379", module: new URL("./tasks.js", import.meta.url) });
 * process.once("SIGTERM", () => void worker.close());
 */
export async function runWorker(options: WorkerOptions): Promise<DistributedWorker> {
  const moduleUrl = toModuleUrl(options.module);
  const queue = options.queue ?? defaultQueueName(moduleUrl);
  const keys = queueKeys(options.prefix ?? "concur", queue);
  const kind = options.executor ?? "thread";
  const workers = options.workers;
  const concurrency = checkCount(
    "concurrency",
    options.concurrency,
    kind === "async" ? (workers ?? 100) : 2 * (workers ?? (await import("node:os")).availableParallelism()),
  );
  const lockDuration = checkCount("lockDuration", options.lockDuration, 5_000);
  const stalledInterval = checkCount("stalledInterval", options.stalledInterval, 5_000);
  const maxCrashes = checkCount("maxCrashes", options.maxCrashes, 2);
  const gracePeriod = checkCount("gracePeriod", options.gracePeriod, 10_000);
  const log = options.log ?? ((message: string) => console.error(message));
  const id = `${HOST}-${process.pid}-${randomUUID().slice(0, 6)}`;

  const signature = await moduleSignature(moduleUrl, options.moduleVersion ?? "");
  const redis = createRedis(options.connection, { name: `concur-worker-${id}`, blocking: true });
  const subscriber = createRedis(options.connection, { name: `concur-worker-cancel-${id}`, blocking: true });
  const connections = [redis, subscriber];
  try {
    await Promise.all(
      connections.map((connection) =>
        waitReady(connection, options.connection, options.connectTimeout ?? 5_000),
      ),
    );
  } catch (error) {
    await Promise.all(connections.map((connection) => closeRedis(connection)));
    throw error;
  }

  const local = createExecutor<Record<string, unknown>>(kind, moduleUrl, {
    ...(workers !== undefined && { workers }),
    ...(options.initializer !== undefined && {
      initializer: options.initializer,
      initArgs: options.initArgs ?? [],
    }),
  }) as Executor<Record<string, unknown>>;
  const runner = new JobRunner(local);
  const submitters = new SubmitterCheck(redis, (executorId) => keys.submitter(executorId));
  /** Cancels that arrived before their job reached this worker (a race with the queue). */
  const cancelled = new Map<string, number>();
  let completed = 0;
  let stopping = false;
  let handingBack = false;
  const refusedFrom = new Set<string>();

  await subscriber.subscribe(keys.cancelChannel);
  subscriber.on("message", (_channel: string, jobId: string) => {
    if (!runner.cancel(jobId, "cancelled by its submitter")) {
      cancelled.set(jobId, Date.now());
      // Forget cancels older than a minute: their jobs went to other machines.
      for (const [key, at] of cancelled) if (Date.now() - at > 60_000) cancelled.delete(key);
    }
  });

  // concur's messages (start notices, results) go on BullMQ's own connection, written before
  // the job's moveToFinished on the same socket: see push-result.ts for why, and for the order.
  const pusher = resultPusher(redis, (error) =>
    log(`concur worker: could not send a result to its submitter: ${error.message}`),
  );
  /** Resolves once the message is written: a processor awaits it before it returns. */
  const push = (data: JobData, bytes: Buffer): Promise<void> =>
    pusher.push(keys.results(data.e), bytes, data.ttl);

  const notices = new DelayedNotices(START_NOTICE_AFTER_MS);

  const processor = async (job: Job, token?: string): Promise<void> => {
    const data: unknown = job.data;
    const jobId = job.id ?? "";
    if (!isJobData(data)) {
      const other = data as { v?: unknown; r?: unknown; ttl?: unknown } | null;
      const message = `job ${jobId} is not a concur job of protocol version ${PROTOCOL_VERSION} (its version: ${String(other?.v)})`;
      // A submitter of another version still hears why (an error goes as V8's format, which
      // every version reads), instead of waiting for a result that never comes.
      // Version 1 named its result list in `r`.
      const resultKey = other?.v === 1 ? other.r : undefined;
      if (typeof resultKey === "string" && typeof other?.ttl === "number") {
        const error = new Error(`${message}: run the same @concur/distributed version on both sides`);
        await pusher.push(
          resultKey,
          encodeResult({ id: jobId, k: "err", e: serializeError(error), ms: 0, host: HOST }),
          other.ttl,
        );
        return;
      }
      throw new Error(message);
    }
    if (data.m !== signature.hash) {
      const error = new ModuleMismatchError(
        `this worker (${HOST}) refuses task "${job.name}": its task module ${moduleUrl} does not match the submitter's ` +
          `(the worker's module: ${describeSignature(signature)}; the job's signature: ${data.m})`,
        { expected: data.m, actual: signature.hash },
      );
      if (!refusedFrom.has(data.e)) {
        refusedFrom.add(data.e);
        log(`concur worker: ${error.message}`);
      }
      await push(data, encodeResult({ id: jobId, k: "err", e: serializeError(error), ms: 0, host: HOST }));
      return;
    }
    // A job whose submitter is gone would run for nobody: drop it.
    if (!(submitters.cached(data.e) ?? (await submitters.alive(data.e)))) return;
    if (cancelled.delete(jobId)) return;
    // The submitter's future turns running (and a timeout's clock starts) on this notice. Not
    // awaited: it goes on the same connection as the result, so it still arrives first. A job
    // without a timeout sends it only once it has run START_NOTICE_AFTER_MS: a tiny task's
    // result then says both, at half the Redis commands per job.
    const notice = (): void => void push(data, encodeResult({ id: jobId, k: "start" }));
    if (data.to === undefined) notices.schedule(jobId, notice);
    else notice();
    const result = await runner.run(jobId, job.name, data, jobAttempt(job, data));
    notices.done(jobId);
    if (handingBack && token !== undefined) {
      // Stopping past the grace period: the task was cancelled here; another worker runs it.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    // Written before the moveToFinished BullMQ sends once this returns (see push-result.ts).
    await push(data, result);
    completed++;
  };

  const worker = new Worker(keys.queue, processor, {
    connection: redis,
    prefix: keys.prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    // BullMQ fails a job once it stalled more than maxStalledCount times.
    maxStalledCount: maxCrashes - 1,
    // Started below, once ready and announced: a job taken earlier could kill this process
    // before anyone knew it served the queue.
    autorun: false,
  });
  worker.on("error", (error) => log(`concur worker: ${error.message}`));
  worker.on("failed", (job, error) => {
    if (!job || !isJobData(job.data) || error instanceof DelayedError) return;
    const crashed = STALLED_TOO_OFTEN.test(error.message);
    const failure = crashed
      ? new WorkerCrashedError(
          `task "${job.name}" was running on a worker that died, ${maxCrashes} times: it is not run again`,
          { exitCode: null, signal: null },
        )
      : error;
    void push(
      job.data,
      encodeResult({ id: job.id ?? "", k: "err", e: serializeError(failure), ms: 0, host: HOST }),
    );
  });

  const heartbeat = new Heartbeat(
    redis,
    keys.worker(id),
    checkCount("heartbeatInterval", options.heartbeatInterval, 2_000),
    () => ({
      id,
      queue,
      executor: kind,
      workers: local.stats().workers,
      concurrency,
      state: stopping ? "stopping" : runner.busy > 0 ? "busy" : "idle",
      running: runner.busy,
      completed,
      startedAt,
    }),
  );
  const startedAt = Date.now();
  await heartbeat.start();
  await worker.waitUntilReady();
  options.onReady?.({ id, queue });
  // run() settles when the worker closes; its errors also reach the 'error' handler above.
  void worker.run().catch((error: unknown) => log(`concur worker: ${(error as Error).message}`));

  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopping = true;
      await heartbeat.beat();
      const grace = setTimeout(() => {
        handingBack = true;
        runner.cancelAll("the worker is stopping: the job goes back to the queue");
      }, gracePeriod);
      await worker.close();
      clearTimeout(grace);
      notices.clear();
      await local.shutdown({ cancelFutures: true, timeout: 5_000 });
      await heartbeat.stop();
      await Promise.all(connections.map((connection) => closeRedis(connection)));
      resolveClosed();
    })());

  return {
    id,
    queue,
    get completed() {
      return completed;
    },
    close,
    closed,
  };
}

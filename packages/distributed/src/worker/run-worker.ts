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
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import { WorkerCrashedError, createExecutor, type Executor } from "concur";
import { checkCount, serializeError, toModuleUrl } from "concur/backend";
import { ModuleMismatchError } from "../errors.js";
import type { WorkerOptions } from "../options.js";
import { decodeArgs, encodeResult } from "../protocol/codec.js";
import {
  BATCH_VERSION,
  PROTOCOL_VERSION,
  isJobData,
  jobAttempt,
  type JobData,
} from "../protocol/job-data.js";
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

  /** The same error for the job's task, or for each task of a batch (by its own id). */
  const failAll = (data: JobData, jobId: string, error: unknown): Promise<unknown> => {
    const e = serializeError(error);
    return Promise.all(
      (data.b ?? [jobId]).map((id) => push(data, encodeResult({ id, k: "err", e, ms: 0, host: HOST }))),
    );
  };

  /**
   * Which of a batch's tasks their submitter cancelled while they were queued: read from Redis,
   * since a cancel published before this worker subscribed never reached it.
   */
  const cancelledOf = async (data: JobData, members: readonly string[]): Promise<boolean[]> =>
    (await redis.hmget(keys.cancelled(data.e), ...members)).map((value) => value !== null);

  /** A batch's argument lists, one per task; throws TypeError for any other shape. */
  const batchInputs = (job: Job, data: JobData, members: readonly string[]): unknown[][] => {
    const inputs = decodeArgs(data.a);
    if (inputs.length !== members.length || !inputs.every(Array.isArray))
      throw new TypeError(
        `batch ${job.id ?? ""}: its arguments are not one list per task (${inputs.length} for ${members.length} tasks)`,
      );
    return inputs as unknown[][];
  };

  let splitQueue: Queue | undefined;
  /**
   * A batch that comes back (its machine died, or a stopping worker handed it back) is not run
   * as a batch again: its tasks are queued one job each, under their own ids, so a task that
   * kills its machine goes on alone to WorkerCrashedError and does not take its batchmates with
   * it. `runsBefore` is how many times the batch ran: each task's attempt count goes on from it.
   * Written before the batch's completion: a worker dying in between leaves the batch to split
   * again, and BullMQ ignores a job id that is already queued.
   */
  const split = async (
    job: Job,
    data: JobData,
    members: readonly string[],
    runsBefore: number,
  ): Promise<void> => {
    const inputs = batchInputs(job, data, members);
    const skip = await cancelledOf(data, members);
    splitQueue ??= new Queue(keys.queue, {
      connection: redis,
      prefix: keys.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
    });
    const jobs = [];
    for (let i = 0; i < members.length; i++) {
      const id = members[i]!;
      if (cancelled.delete(id) || skip[i]) continue;
      const single: JobData = {
        v: PROTOCOL_VERSION,
        a: JSON.stringify(inputs[i]),
        e: data.e,
        m: data.m,
        ttl: data.ttl,
        p: runsBefore,
      };
      jobs.push({ name: job.name, data: single, opts: { jobId: id } });
    }
    if (jobs.length > 0) await splitQueue.addBulk(jobs);
  };

  /**
   * A batch's first run: its tasks run side by side on the local executor, each with its own
   * start notice, result and cancel, exactly as jobs of their own would; the batch completes
   * once every result is written.
   */
  const runBatch = async (
    job: Job,
    data: JobData,
    members: readonly string[],
    token?: string,
  ): Promise<void> => {
    const attempt = jobAttempt(job, data);
    if (attempt > 1) return split(job, data, members, attempt - 1);
    let inputs: unknown[][];
    try {
      inputs = batchInputs(job, data, members);
    } catch (error) {
      await failAll(data, job.id ?? "", error);
      return;
    }
    const skip = await cancelledOf(data, members);
    const clock = { start: performance.now(), settled: 0 };
    const runs: Array<Promise<void>> = [];
    for (let i = 0; i < members.length; i++) {
      const id = members[i]!;
      if (cancelled.delete(id) || skip[i]) continue;
      notices.schedule(id, () => void push(data, encodeResult({ id, k: "start" })));
      const args = inputs[i]!;
      runs.push(
        runner
          .runArgs(id, job.name, () => args, { clock })
          .then((result) => {
            notices.done(id);
            // Stopping past the grace period: this task was cancelled here, and the batch goes back.
            if (!handingBack) return push(data, result);
          }),
      );
    }
    await Promise.all(runs);
    if (handingBack && token !== undefined) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    completed += runs.length;
  };

  const processor = async (job: Job, token?: string): Promise<void> => {
    const data: unknown = job.data;
    const jobId = job.id ?? "";
    if (!isJobData(data)) {
      const other = data as { v?: unknown; r?: unknown; ttl?: unknown } | null;
      const message = `job ${jobId} is not a concur job of protocol version ${PROTOCOL_VERSION} or ${BATCH_VERSION} (its version: ${String(other?.v)})`;
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
      await failAll(data, jobId, error);
      return;
    }
    // A job whose submitter is gone would run for nobody: drop it.
    if (!(submitters.cached(data.e) ?? (await submitters.alive(data.e)))) return;
    if (data.b !== undefined) return runBatch(job, data, data.b, token);
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
    // BullMQ counts the stalled check's failing move as a start too: every other start died.
    const deaths = Math.max(1, jobAttempt(job, job.data) - 1);
    const members = job.data.b;
    if (crashed && members !== undefined) {
      // A batch is never failed for its deaths: its tasks go on alone (see split).
      split(job, job.data, members, deaths).catch((failure: unknown) =>
        log(`concur worker: could not queue a batch's tasks again: ${(failure as Error).message}`),
      );
      return;
    }
    const failure = crashed
      ? new WorkerCrashedError(
          `task "${job.name}" was running on a worker that died, ${deaths} times: it is not run again`,
          { exitCode: null, signal: null },
        )
      : error;
    void failAll(job.data, job.id ?? "", failure);
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
      await splitQueue?.close();
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

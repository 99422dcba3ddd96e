/**
 * DistributedExecutor: concur's Executor API, with tasks run by `concur worker` daemons on any
 * number of machines. Jobs go through a BullMQ queue (durable, locked while running, taken back
 * from a machine that dies); results come back on a list of this executor's own (see
 * result-reader.ts). Everything the other executors share (futures, timeouts, signals, map,
 * backpressure, shutdown, stats) is concur's ExecutorBase; this file only decides how a task
 * gets to a machine and back.
 *
 * Delivery is at-least-once (a job whose machine died runs again elsewhere); settlement is
 * exactly-once: futures are keyed by job id, and a second result for a job is dropped.
 */
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { CancelledError } from "concur";
import {
  ExecutorBase,
  PartialChunkError,
  checkCount,
  deserializeError,
  type TaskRecord,
} from "concur/backend";
import { ModuleMismatchError, RedisConnectionError, rebuildOwnError, redactUrl } from "../errors.js";
import type { DistributedExecutorOptions } from "../options.js";
import { MalformedResultError, decodeResult, encodeArgs, type ResultMessage } from "../protocol/codec.js";
import { BATCH_VERSION, PROTOCOL_VERSION, type JobData } from "../protocol/job-data.js";
import { jobIdOf, queueKeys, type QueueKeys } from "../protocol/keys.js";
import {
  defaultQueueName,
  describeSignature,
  moduleSignature,
  type ModuleSignature,
} from "../protocol/signature.js";
import { closeRedis, createRedis, waitReady } from "../redis/connect.js";
import { ResultReader } from "./result-reader.js";
import { Reconciler, type PendingJob } from "./reconcile.js";
import { ChunkSizer } from "./chunk-sizer.js";

/** Jobs per addBulk call: one round trip each, and a bounded Lua script. */
const ADD_BATCH = 500;
/** Bytes of arguments per addBulk call at most (the first job of a call always goes). */
const ADD_BYTES = 8 << 20;
/** Fewest tasks of one name submitted in a turn for them to be grouped into batches. */
const MIN_TO_COALESCE = 32;
/** A batch takes at most this fraction's inverse of its group's tasks still to send. */
const MIN_JOBS_PER_GROUP = 16;
/** Bytes of arguments per batch at most. */
const MAX_BATCH_BYTES = 256 * 1024;

/** Marks batch members cancelled: a hash with a TTL, set in one script so it never lacks one. */
const CANCEL_MEMBERS = `
for i = 2, #ARGV do
  redis.call("HSET", KEYS[1], ARGV[i], "1")
end
redis.call("PEXPIRE", KEYS[1], ARGV[1])
return #ARGV - 1
`;

/** One BullMQ job to add: a task of its own, or a batch of several. */
interface OutgoingJob {
  readonly name: string;
  readonly id: string;
  readonly data: JobData;
  readonly tasks: readonly PendingJob[];
}

/**
 * concur's Executor API over a BullMQ queue on Redis: tasks run on `concur worker` daemons
 * (`runWorker`) on any number of machines that load the same task module.
 *
 * Delivery is **at-least-once**: a job whose machine dies (or whose worker stops past its grace
 * period) runs again on another, within about the workers' `lockDuration + stalledInterval` plus
 * the task's time, so a task may run twice and must tolerate it. The run after a take-back reads
 * `currentTask().attempt` above 1 (BullMQ's started count for the job: 2 on the first re-run), so
 * a task with side effects can check what an earlier run left behind. Settlement is exactly-once:
 * each future settles once, with the first result that arrives (`duplicateResults` counts the others).
 * @example
 * await using ex = new DistributedExecutor<Tasks>(new URL("./tasks.js", import.meta.url), {
 *   connection: "redis://queue-host:6379",
 * });
 * const n = await ex.submit("processLetter", record);
 */
export class DistributedExecutor<M> extends ExecutorBase<M> {
  readonly kind = "distributed" as const;
  /** This executor's id: its result list and its jobs' ids carry it. */
  readonly id = randomUUID().replace(/-/g, "").slice(0, 12);
  /** The queue's name in Redis. */
  readonly queueName: string;
  readonly #url: string;
  readonly #keys: QueueKeys;
  readonly #maxPayloadBytes: number;
  readonly #resultTtl: number;
  readonly #moduleVersion: string;
  readonly #livenessTtl: number;
  readonly #coalesce: boolean;
  readonly #redis: Redis;
  readonly #readerRedis: Redis;
  #queue: Queue | undefined;
  #signature: ModuleSignature | undefined;
  /** Settles once Redis answers and the module's signature is known; rejects with a typed error. */
  readonly #ready: Promise<void>;
  #fatal: Error | undefined;
  #reader: ResultReader | undefined;
  readonly #reconciler: Reconciler;
  /** Per task name: one task's run times say nothing of another's. */
  readonly #sizers = new Map<string, ChunkSizer>();
  #heartbeat: NodeJS.Timeout | undefined;
  /** Every task not yet settled, by job id: the one place a result finds its future. */
  readonly #pending = new Map<string, PendingJob>();
  #batch: PendingJob[] = [];
  #flushScheduled = false;
  /** Batch members cancelled in this turn: marked in Redis together at its end. */
  #cancelledMembers: string[] = [];
  #roomWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  /** Results for jobs already settled: the at-least-once engine ran them twice. */
  #duplicates = 0;

  constructor(module: URL | string, options: DistributedExecutorOptions) {
    super(module, options);
    if (typeof options?.connection !== "string") {
      throw new TypeError('DistributedExecutor needs options.connection, a Redis URL ("redis://host:6379")');
    }
    this.#url = options.connection;
    this.queueName = options.queue ?? defaultQueueName(this.moduleUrl);
    this.#keys = queueKeys(options.prefix ?? "concur", this.queueName);
    this.#maxPayloadBytes = checkCount("maxPayloadBytes", options.maxPayloadBytes, 4 * 1024 * 1024);
    this.#resultTtl = checkCount("resultTtl", options.resultTtl, 3_600_000);
    this.#moduleVersion = options.moduleVersion ?? "";
    this.#livenessTtl = checkCount("livenessTtl", options.livenessTtl, 30_000);
    if (options.coalesceSubmits !== undefined && typeof options.coalesceSubmits !== "boolean")
      throw new TypeError(`coalesceSubmits must be true or false, not ${String(options.coalesceSubmits)}`);
    this.#coalesce = options.coalesceSubmits ?? true;
    const connectTimeout = checkCount("connectTimeout", options.connectTimeout, 5_000);
    this.#redis = createRedis(this.#url, { name: `concur-submitter-${this.id}` });
    this.#redis.defineCommand("concurCancelMembers", { numberOfKeys: 1, lua: CANCEL_MEMBERS });
    this.#readerRedis = createRedis(this.#url, { name: `concur-results-${this.id}`, blocking: true });
    this.#reconciler = new Reconciler(
      checkCount("reconcileAfter", options.reconcileAfter, 15_000),
      () => this.#queue,
      (pending) => this.#resubmit(pending),
    );
    this.#ready = this.#start(connectTimeout);
    // A failure is handed to every task (and to submit after it): never unhandled here.
    this.#ready.catch(() => undefined);
  }

  async #start(connectTimeout: number): Promise<void> {
    try {
      const [signature] = await Promise.all([
        moduleSignature(this.moduleUrl, this.#moduleVersion),
        waitReady(this.#redis, this.#url, connectTimeout),
        waitReady(this.#readerRedis, this.#url, connectTimeout),
      ]);
      this.#signature = signature;
      await this.#redis.set(this.#keys.submitter(this.id), "1", "PX", this.#livenessTtl);
    } catch (error) {
      this.#fail(error);
      throw this.#fatal;
    }
    this.#heartbeat = setInterval(() => {
      this.#redis.set(this.#keys.submitter(this.id), "1", "PX", this.#livenessTtl).catch(() => undefined);
    }, this.#livenessTtl / 3);
    this.#heartbeat.unref();
    this.#queue = new Queue(this.queueName, {
      connection: this.#redis,
      prefix: this.#keys.prefix,
      // BullMQ's event stream is not used for results (see result-reader.ts): keep it short.
      streams: { events: { maxLen: 100 } },
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
    });
    this.#queue.on("error", () => undefined);
    this.#reader = new ResultReader(
      this.#readerRedis,
      this.#keys.results(this.id),
      (bytes) => this.#onResult(bytes),
      () => this.#reconciler.sweep(this.#pending.values()),
    );
  }

  /** Fails for good (Redis unreachable, refused password, unloadable module): every task rejects. */
  #fail(error: unknown): void {
    this.#fatal ??=
      error instanceof RedisConnectionError || !(error instanceof Error)
        ? (error as Error)
        : new RedisConnectionError(
            `the distributed executor could not start: ${error.message}`,
            redactUrl(this.#url),
            {
              cause: error,
            },
          );
    for (const pending of [...this.#pending.values()]) this.#settleError(pending, this.#fatal);
  }

  /** Results for jobs that were already settled (a job run twice): a measure of at-least-once. */
  get duplicateResults(): number {
    return this.#duplicates;
  }

  protected defaultMapBuffer(): number {
    return 4096;
  }

  protected override defaultChunksize(name: string): () => number {
    const sizer = this.#sizerOf(name);
    return () => sizer.next();
  }

  #sizerOf(name: string): ChunkSizer {
    let sizer = this.#sizers.get(name);
    if (sizer === undefined) this.#sizers.set(name, (sizer = new ChunkSizer()));
    return sizer;
  }

  protected enqueue(record: TaskRecord): void {
    if (this.#fatal) {
      this.rejectTask(record, this.#fatal);
      return;
    }
    let args: string;
    try {
      args = encodeArgs(record.name, record.args, this.#maxPayloadBytes);
    } catch (error) {
      this.rejectTask(record, error);
      return;
    }
    const timeout = record.extras?.timeout;
    const data: JobData = {
      v: PROTOCOL_VERSION,
      a: args,
      e: this.id,
      m: "",
      ttl: this.#resultTtl,
      ...(record.chunk && { c: 1 as const }),
      ...(timeout !== undefined && { to: timeout }),
    };
    const id = jobIdOf(this.id, record.id);
    const pending: PendingJob = {
      id,
      jobId: id,
      record,
      data,
      sentAt: undefined,
      missing: 0,
    };
    this.#pending.set(pending.id, pending);
    this.#batch.push(pending);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // Batch every submit of this turn of the event loop into one addBulk.
      setImmediate(() => void this.#flush());
    }
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#batch;
    this.#batch = [];
    try {
      await this.#ready;
    } catch {
      return; // #fail settled them
    }
    const live = batch.filter((p) => p.record.state !== "done");
    for (const p of live) p.data.m = this.#signature!.hash;
    const jobs = this.#jobsOf(live);
    for (let i = 0; i < jobs.length;) {
      let end = i + 1;
      let bytes = jobs[i]!.data.a.length;
      while (end < jobs.length && end - i < ADD_BATCH && bytes + jobs[end]!.data.a.length <= ADD_BYTES)
        bytes += jobs[end++]!.data.a.length;
      const slice = jobs.slice(i, end);
      i = end;
      try {
        // A lone job goes by `add` (one EVALSHA): addBulk is a MULTI, and ioredis copies
        // BullMQ's 64 scripts into every pipeline it builds, on the round trip's critical path.
        if (slice.length === 1)
          await this.#queue!.add(slice[0]!.name, slice[0]!.data, { jobId: slice[0]!.id });
        else
          await this.#queue!.addBulk(
            slice.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.id } })),
          );
        const now = Date.now();
        for (const job of slice) for (const p of job.tasks) p.sentAt = now;
      } catch (error) {
        const tasks = slice.flatMap((job) => job.tasks);
        // Redis stayed down through every reconnect attempt (about 20 s): tell the caller.
        const failure = new RedisConnectionError(
          `could not queue ${tasks.length} task(s) on ${redactUrl(this.#url)}: ${(error as Error).message}`,
          redactUrl(this.#url),
          { cause: error },
        );
        for (const p of tasks) this.#settleError(p, failure);
      }
    }
  }

  /**
   * The jobs that carry a turn's tasks: one each, except many tasks of one name that JSON
   * carries and that have no timeout, which go several to a batch (`coalesceSubmits`): at most
   * `map`'s chunk size (from their measured run time), so a long task still gets a job of its
   * own, and at most a MIN_JOBS_PER_GROUP-th of the tasks left.
   */
  #jobsOf(live: readonly PendingJob[]): OutgoingJob[] {
    const jobs: OutgoingJob[] = [];
    const single = (p: PendingJob): void => {
      jobs.push({ name: p.record.name, id: p.id, data: p.data, tasks: [p] });
    };
    if (!this.#coalesce || live.length < MIN_TO_COALESCE) {
      for (const p of live) single(p);
      return jobs;
    }
    const groups = new Map<string, PendingJob[]>();
    for (const p of live) {
      const { data, record } = p;
      // JSON arguments start with "[": a batch's arguments are those lists in one JSON list.
      if (
        data.c !== undefined ||
        data.to !== undefined ||
        data.p !== undefined ||
        data.a.charCodeAt(0) !== 0x5b
      ) {
        single(p);
        continue;
      }
      let group = groups.get(record.name);
      if (group === undefined) groups.set(record.name, (group = []));
      group.push(p);
    }
    for (const [name, group] of groups) {
      if (group.length < MIN_TO_COALESCE) {
        for (const p of group) single(p);
        continue;
      }
      const target = this.#sizerOf(name).next();
      for (let i = 0; i < group.length;) {
        // Guided: a job takes a 16th of what is left at most, so a burst's jobs shrink towards
        // its end and its last ones are single tasks: no machine is left with a big batch to
        // finish while the others idle.
        const size = Math.min(target, Math.floor((group.length - i) / MIN_JOBS_PER_GROUP));
        if (size < 2) {
          single(group[i++]!);
          continue;
        }
        const tasks = [group[i]!];
        let bytes = group[i]!.data.a.length;
        for (i++; i < group.length && tasks.length < size; i++) {
          const next = group[i]!.data.a.length;
          if (bytes + next > MAX_BATCH_BYTES) break;
          bytes += next;
          tasks.push(group[i]!);
        }
        if (tasks.length === 1) {
          single(tasks[0]!);
          continue;
        }
        const first = tasks[0]!;
        const id = `${first.id}b`;
        const data: JobData = {
          v: BATCH_VERSION,
          a: `[${tasks.map((p) => p.data.a).join(",")}]`,
          b: tasks.map((p) => p.id),
          e: this.id,
          m: first.data.m,
          ttl: this.#resultTtl,
        };
        for (const p of tasks) p.jobId = id;
        jobs.push({ name, id, data, tasks });
      }
    }
    return jobs;
  }

  /** A job vanished from Redis with its result never sent (a crash lost it): queue it again. */
  async #resubmit(pending: PendingJob): Promise<void> {
    if (!this.#pending.has(pending.id) || !this.#queue) return;
    // BullMQ counts the new job's runs from zero; it may have run before it was lost.
    pending.data.p = (pending.data.p ?? 0) + 1;
    // A batch's task goes back as a job of its own (its batch may be half done, or split).
    pending.jobId = pending.id;
    await this.#queue.add(pending.record.name, pending.data, { jobId: pending.id });
  }

  #onResult(bytes: Buffer): void {
    let message: ResultMessage;
    try {
      message = decodeResult(bytes);
    } catch (error) {
      // A message that names one of our jobs fails that task, saying what was wrong; anything
      // else is not ours: nothing to settle.
      const pending = error instanceof MalformedResultError ? this.#pending.get(error.jobId) : undefined;
      if (pending) this.#settleError(pending, error);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (pending === undefined) {
      if (message.k !== "start") this.#duplicates++;
      return;
    }
    const record = pending.record;
    if (message.k === "start") {
      // A machine started it: running from now, and a timeout's clock starts here.
      if (record.state === "queued") this.markStarted(record);
      if (this.#roomWaiters.length > 0 && this.queuedCount() < this.maxQueue) release(this.#roomWaiters);
      return;
    }
    this.#forget(pending);
    if (record.state === "queued" && !this.markStarted(record)) return;
    if (message.k === "ok") {
      this.#sizerOf(record.name).record(message.ms, record.chunk ? record.args.length : 1);
      this.resolveTask(record, message.v, message.ms);
      return;
    }
    const error = rebuildOwnError(
      deserializeError(message.e, record.extras?.origin?.stack?.replace(/^Error\n/, "")),
    );
    if (typeof error === "object" && error !== null) (error as { host?: string }).host = message.host;
    if (error instanceof ModuleMismatchError && this.#signature) {
      error.message += `\n  the submitting side's module: ${describeSignature(this.#signature)}`;
    }
    this.rejectTask(
      record,
      message.partial ? new PartialChunkError(message.partial, error) : error,
      message.ms,
    );
  }

  #settleError(pending: PendingJob, error: unknown): void {
    this.#forget(pending);
    this.rejectTask(pending.record, error);
  }

  /** The job's future is settled (or about to be): drop it and wake whoever waits for room. */
  #forget(pending: PendingJob): void {
    if (!this.#pending.delete(pending.id)) return;
    if (this.#roomWaiters.length > 0 && this.queuedCount() < this.maxQueue) release(this.#roomWaiters);
    if (this.#pending.size === 0) release(this.#idleWaiters);
  }

  /** Takes a job out of Redis if still waiting, and tells the machine running it to stop. */
  #withdraw(pending: PendingJob): void {
    if (pending.sentAt === undefined || !this.#queue) return;
    const queue = this.#queue;
    // A batch's task: its batch carries others, so only the machine that takes it can skip it.
    // Its batch may have been split already (its machine died): then it is a job of its own,
    // which the remove below takes out.
    if (pending.jobId !== pending.id && this.#cancelledMembers.push(pending.id) === 1)
      process.nextTick(() => this.#markCancelled());
    // remove() refuses a job that a worker holds (locked): then only the cancel channel reaches it.
    void queue
      .remove(pending.id)
      .catch(() => 0)
      .then(() => this.#redis.publish(this.#keys.cancelChannel, pending.id))
      .catch(() => undefined);
  }

  #markCancelled(): void {
    const ids = this.#cancelledMembers;
    this.#cancelledMembers = [];
    const command = (this.#redis as unknown as { concurCancelMembers: CancelCommand }).concurCancelMembers;
    for (let i = 0; i < ids.length; i += 1_000)
      command
        .call(this.#redis, this.#keys.cancelled(this.id), this.#resultTtl, ...ids.slice(i, i + 1_000))
        .catch(() => undefined);
  }

  protected removeQueued(record: TaskRecord): void {
    const pending = this.#pending.get(jobIdOf(this.id, record.id));
    if (!pending) return;
    this.#forget(pending);
    this.#withdraw(pending);
  }

  protected abortRunning(record: TaskRecord): void {
    this.removeQueued(record);
  }

  protected cancelQueued(error: CancelledError): void {
    for (const pending of [...this.#pending.values()]) {
      if (pending.record.state !== "queued") continue;
      this.#forget(pending);
      this.cancelRecord(pending.record, error);
      this.#withdraw(pending);
    }
  }

  protected queuedCount(): number {
    if (this.maxQueue === Infinity) return 0;
    let queued = 0;
    for (const pending of this.#pending.values()) if (pending.record.state === "queued") queued++;
    return queued;
  }

  protected waitForRoom(): Promise<void> {
    if (this.queuedCount() < this.maxQueue) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  protected forceStop(error: CancelledError): void {
    for (const pending of [...this.#pending.values()]) pending.record.future.cancel(error.message);
  }

  protected async close(): Promise<void> {
    if (this.#pending.size > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    clearInterval(this.#heartbeat);
    await this.#ready.catch(() => undefined);
    if (this.#redis.status === "ready") {
      // Nothing of this executor stays behind: its result list and liveness key go now.
      await this.#redis
        .del(this.#keys.results(this.id), this.#keys.submitter(this.id), this.#keys.cancelled(this.id))
        .catch(() => undefined);
    }
    await this.#reader?.stop();
    await Promise.race([this.#queue?.close(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    await Promise.all([closeRedis(this.#redis), closeRedis(this.#readerRedis)]);
  }

  protected liveCounts(): { workers: number; queued: number; running: number; capacity: number } {
    let queued = 0;
    for (const pending of this.#pending.values()) if (pending.record.state === "queued") queued++;
    return { workers: 0, queued, running: this.#pending.size - queued, capacity: 1 };
  }
}

type CancelCommand = (hash: string, ttlMs: number, ...ids: string[]) => Promise<unknown>;

function release(waiters: Array<() => void>): void {
  for (const resolve of waiters.splice(0)) resolve();
}

/**
 * The two things compared, behind one small interface: concur's DistributedExecutor (the built
 * package, as users run it) and raw BullMQ written as its guide shows it (a Queue, one shared
 * QueueEvents whose 'completed' and 'failed' listeners settle the callers' promises, `add` for one
 * job, `addBulk` for many). Both meet the same Redis, the same task module and the same number of
 * worker processes of the same concurrency.
 */
import { Queue, QueueEvents, type JobsOptions } from "bullmq";
import type { DistributedExecutor } from "../../packages/distributed/src/index.js";

/** The task module's functions, as both sides call them by name. */
export interface Work {
  inc(x: number): number;
  processLetter(record: { id: number; name: string; url: string }, m?: number): number;
  sleepMarked(ms: number, marker: string): Promise<number>;
}
export type TaskName = keyof Work;

export interface Side {
  readonly name: "concur" | "raw";
  /** The queue's key stem in Redis (`<prefix>:<queue>:`): what its keys are counted under. */
  readonly keyStem: string;
  /** One task; resolves with its result. */
  submit(name: TaskName, args: unknown[]): Promise<unknown>;
  /** Many tasks at once (concur: a submit each, batched per tick; raw: one addBulk). */
  submitAll(name: TaskName, argsList: readonly unknown[][]): Promise<unknown[]>;
  close(): Promise<void>;
}

export interface ConcurSide extends Side {
  /** concur's `map` (automatic chunking): there is no raw counterpart. */
  mapAll(name: "inc" | "processLetter", inputs: readonly unknown[]): Promise<unknown[]>;
}

export async function concurSide(
  distributed: typeof import("../../packages/distributed/src/index.js"),
  options: { redis: string; prefix: string; queue: string; module: URL },
): Promise<ConcurSide> {
  const ex: DistributedExecutor<Work> = new distributed.DistributedExecutor<Work>(options.module, {
    connection: options.redis,
    prefix: options.prefix,
    queue: options.queue,
  });
  // The submit path's types come from concur's sources: the call names any task of the module.
  const submit = ex.submit.bind(ex) as unknown as (name: string, ...args: unknown[]) => Promise<unknown>;
  await submit("inc", 0); // connected, signature computed, a worker answering
  return {
    name: "concur",
    keyStem: `${options.prefix}:${options.queue}:`,
    submit: (name, args) => submit(name, ...args),
    submitAll: (name, argsList) => Promise.all(argsList.map((args) => submit(name, ...args))),
    async mapAll(name, inputs) {
      const values: unknown[] = [];
      for await (const value of ex.map(name, inputs as never[])) values.push(value);
      return values;
    },
    close: () => ex.shutdown(),
  };
}

/**
 * Results by job id from one QueueEvents: an event that comes before its caller asked (a fast job
 * whose `add` reply was read after its completion event) is kept until asked for.
 */
class SharedListener {
  readonly #waiting = new Map<string, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #early = new Map<string, { ok: boolean; value: unknown }>();

  constructor(events: QueueEvents) {
    events.on("completed", ({ jobId, returnvalue }) => this.#settle(jobId, true, returnvalue));
    events.on("failed", ({ jobId, failedReason }) => this.#settle(jobId, false, failedReason));
  }

  #settle(id: string, ok: boolean, value: unknown): void {
    const waiter = this.#waiting.get(id);
    if (!waiter) {
      this.#early.set(id, { ok, value });
      return;
    }
    this.#waiting.delete(id);
    if (ok) waiter.resolve(value);
    else waiter.reject(new Error(`raw job ${id} failed: ${String(value)}`));
  }

  result(id: string): Promise<unknown> {
    const early = this.#early.get(id);
    if (early) {
      this.#early.delete(id);
      return early.ok ? Promise.resolve(early.value) : Promise.reject(new Error(String(early.value)));
    }
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }

  /** Jobs still waited for (a result the events stream lost never arrives). */
  get pending(): number {
    return this.#waiting.size;
  }
}

export interface RawSide extends Side {
  readonly pending: number;
}

/**
 * Raw BullMQ on `queue`. `jobOptions`: the run's retention (removeOnComplete, as concur's jobs
 * have, or BullMQ's default of keeping every job).
 */
export async function rawSide(options: {
  redis: string;
  prefix: string;
  queue: string;
  jobOptions: JobsOptions;
}): Promise<RawSide> {
  const url = new URL(options.redis);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const queue = new Queue(options.queue, {
    connection,
    prefix: options.prefix,
    defaultJobOptions: options.jobOptions,
  });
  const events = new QueueEvents(options.queue, { connection, prefix: options.prefix });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const listener = new SharedListener(events);
  const submit = async (name: TaskName, args: unknown[]): Promise<unknown> => {
    const job = await queue.add(name, args);
    return listener.result(job.id!);
  };
  await submit("inc", [0]);
  return {
    name: "raw",
    keyStem: `${options.prefix}:${options.queue}:`,
    submit,
    async submitAll(name, argsList) {
      const jobs = await queue.addBulk(argsList.map((args) => ({ name, data: args })));
      return Promise.all(jobs.map((job) => listener.result(job.id!)));
    },
    get pending() {
      return listener.pending;
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}

/**
 * Runs one job's task(s) in the machine's local concur executor and describes the outcome as a
 * result message. The local executor owns isolation, timeouts and cancel-by-kill (a thread or
 * process that ignores its signal is terminated and replaced there), so none of that is
 * rewritten here.
 */
import { hostname } from "node:os";
import { NotSerializableError, type Executor, type Future } from "concur";
import { serializeError, withAttempt } from "concur/backend";
import { decodeArgs, encodeResult, type ResultMessage } from "../protocol/codec.js";
import type { JobData } from "../protocol/job-data.js";

export const HOST = hostname();

/** Run time in ms to the microsecond: a double's full digits are a dozen bytes more per job. */
const elapsedSince = (start: number): number => Math.round((performance.now() - start) * 1000) / 1000;

/**
 * Shared by the tasks of one batch. They run side by side on the local executor, and their
 * continuations resume only after its pump has run them all, so a clock of each task's own would
 * read the whole batch; a task's run time is instead the batch's time so far per task settled,
 * read as it settles: the work one task cost, which is what the submitter's chunk sizer needs
 * (a map chunk's time per input is measured the same way).
 */
export interface BatchClock {
  readonly start: number;
  settled: number;
}

export interface RunHow {
  /** `args()` is a map chunk's inputs, each run by the task. */
  chunk?: boolean;
  timeout?: number;
  /** Which run this is, handed to the task as `currentTask().attempt`. @default 1 */
  attempt?: number;
  /** A batch's task: its run time is read off the batch's clock. */
  clock?: BatchClock;
}

interface RunningJob {
  futures: Future<unknown>[];
}

export class JobRunner {
  readonly #running = new Map<string, RunningJob>();

  constructor(private readonly local: Executor<Record<string, unknown>>) {}

  get busy(): number {
    return this.#running.size;
  }

  /**
   * Runs the job and returns its result message, encoded (never throws for a task's failure).
   * `attempt`: which run of the job this is, handed to its task(s) as `currentTask().attempt`.
   */
  run(id: string, name: string, data: JobData, attempt = 1): Promise<Buffer> {
    return this.runArgs(id, name, () => decodeArgs(data.a), {
      chunk: data.c === 1,
      ...(data.to !== undefined && { timeout: data.to }),
      attempt,
    });
  }

  /**
   * `run` with the arguments at hand: a batch's task, or a job's own (`args` is called inside
   * the try, so a decoding failure is the task's error).
   */
  async runArgs(id: string, name: string, args: () => unknown[], how: RunHow = {}): Promise<Buffer> {
    const start = performance.now();
    const job: RunningJob = { futures: [] };
    this.#running.set(id, job);
    const attempt = how.attempt ?? 1;
    const clock = how.clock;
    /** Set when the task settles, for a batch's task (see BatchClock). */
    let ran: number | undefined;
    let message: ResultMessage;
    try {
      const inputs = args();
      const options = how.timeout === undefined ? undefined : { timeout: how.timeout };
      // The task name comes from the job: typed as any task of an unknown module. A first run
      // takes the plain path (no per-task extras on the local executor).
      const submitter = (attempt > 1
        ? withAttempt(this.local, attempt, options)
        : options
          ? this.local.with(options)
          : this.local) as unknown as {
        submit(name: string, ...args: unknown[]): Future<unknown>;
      };
      const submit = (input: unknown[]): Future<unknown> => submitter.submit(name, ...input);
      if (how.chunk) {
        // A map chunk: its inputs run side by side on the local pool; the first failure (in input
        // order) ends the chunk, with the results before it, as a local map would.
        job.futures = inputs.map((input) => submit([input]));
        const values: unknown[] = [];
        try {
          for (const future of job.futures) values.push(await future);
          message = { id, k: "ok", v: values, ms: elapsedSince(start) };
        } catch (error) {
          for (const future of job.futures) future.cancel("an earlier input of the chunk failed");
          message = {
            id,
            k: "err",
            e: serializeError(error),
            partial: values,
            ms: elapsedSince(start),
            host: HOST,
          };
        }
      } else {
        const future = submit(inputs);
        job.futures = [future];
        if (clock)
          future.addDoneCallback(() => {
            ran = Math.round(((performance.now() - clock.start) / ++clock.settled) * 1000) / 1000;
          });
        const value = await future;
        message = { id, k: "ok", v: value, ms: ran ?? elapsedSince(start) };
      }
    } catch (error) {
      message = { id, k: "err", e: serializeError(error), ms: ran ?? elapsedSince(start), host: HOST };
    } finally {
      this.#running.delete(id);
    }
    try {
      return encodeResult(message);
    } catch (error) {
      const failure = new NotSerializableError(
        `task "${name}": its result cannot cross back to the submitting machine (${(error as Error).message})`,
        name,
      );
      return encodeResult({ id, k: "err", e: serializeError(failure), ms: message.ms, host: HOST });
    }
  }

  /** Cancels a running job's task(s): the local executor aborts their signals, kills if ignored. */
  cancel(id: string, reason: string): boolean {
    const job = this.#running.get(id);
    if (!job) return false;
    for (const future of job.futures) future.cancel(reason);
    return true;
  }

  cancelAll(reason: string): void {
    for (const id of this.#running.keys()) this.cancel(id, reason);
  }
}

/**
 * The JSON a job carries in BullMQ. Short field names: ten thousand queued jobs multiply them.
 */
export interface JobData {
  /** Protocol version: 2 for one task (or a map chunk), 3 for a batch of submits (`b`). */
  v: typeof PROTOCOL_VERSION | typeof BATCH_VERSION;
  /**
   * Arguments, `encodeArgs` (JSON text, or base64 of v8.serialize). For a chunk, the list of
   * inputs; for a batch, a JSON list of each member's argument list.
   */
  a: string;
  /**
   * A batch (version 3): the ids of the tasks it carries, one per entry of `a`. Each member's
   * result (and start notice) goes under its own id, as if it were a job of its own.
   */
  b?: string[];
  /** 1 for a map chunk: run the task once per input. */
  c?: 1;
  /**
   * The submitting executor's id: its result list and its liveness key (a job whose submitter
   * is gone is dropped, not run) are `QueueKeys.results(e)` and `.submitter(e)` of the queue.
   */
  e: string;
  /** The task module's signature (export names and version), checked by the worker. */
  m: string;
  /** Per-task timeout in milliseconds. */
  to?: number;
  /** Milliseconds the result list is kept. */
  ttl: number;
  /**
   * Runs this job may have had before it was queued again under the same id (the submitter
   * re-adds a job Redis lost, which BullMQ then counts from zero). Absent: none.
   */
  p?: number;
}

/**
 * 2: arguments and results may be JSON text (codec.ts), and the submitter is named by its id
 * (`e`), not by its two keys; a version-1 worker would misread such a job.
 */
export const PROTOCOL_VERSION = 2;

/**
 * 3: a batch of submitted tasks in one job (`b`). Single jobs stay version 2, so a worker of
 * 0.2 still runs them; it refuses a batch (it would read the batch as one task's arguments), and
 * the submitter's reconcile then queues that batch's tasks again one job each.
 */
export const BATCH_VERSION = 3;

/** Checks the shape of a job's data (a job from another program, or another version). */
export function isJobData(value: unknown): value is JobData {
  const data = value as Partial<JobData> | null;
  return (
    typeof data === "object" &&
    data !== null &&
    (data.v === PROTOCOL_VERSION
      ? data.b === undefined
      : data.v === BATCH_VERSION &&
        Array.isArray(data.b) &&
        data.b.length > 0 &&
        data.b.every((id) => typeof id === "string") &&
        data.c === undefined &&
        data.to === undefined) &&
    typeof data.a === "string" &&
    typeof data.e === "string" &&
    typeof data.m === "string" &&
    typeof data.ttl === "number" &&
    (data.p === undefined || (Number.isInteger(data.p) && data.p >= 0))
  );
}

/**
 * Which run of a job this is, for its task's `currentTask().attempt`. BullMQ's `attemptsStarted`
 * counts every move to active, a take-back after a stall included (its `attemptsMade` counts only
 * failures, and `stalledCounter` only stalls); `p` adds the runs before a re-add.
 */
export function jobAttempt(job: { attemptsStarted?: number }, data: JobData): number {
  return Math.max(1, job.attemptsStarted ?? 0) + (data.p ?? 0);
}

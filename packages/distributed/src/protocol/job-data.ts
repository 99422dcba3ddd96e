/**
 * The JSON a job carries in BullMQ. Short field names: ten thousand queued jobs multiply them.
 */
export interface JobData {
  /** Protocol version. */
  v: 2;
  /** Arguments, `encodeArgs` (JSON text, or base64 of v8.serialize). For a chunk, the list of inputs. */
  a: string;
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

/** Checks the shape of a job's data (a job from another program, or another version). */
export function isJobData(value: unknown): value is JobData {
  const data = value as Partial<JobData> | null;
  return (
    typeof data === "object" &&
    data !== null &&
    data.v === PROTOCOL_VERSION &&
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

/**
 * The safety net under the result list: a future pending for long is checked against its job in
 * Redis. Workers push a result before BullMQ marks the job done (and removes it), so a job that
 * no longer exists while its future still waits had its result lost, e.g. by a Redis that
 * crashed before writing its last second of AOF. Such a job is queued again (delivery is
 * at-least-once anyway); a job still waiting or running is left alone, however long it takes.
 * A task that rode in a batch is queued again as a job of its own: its worker may have split the
 * batch already (BullMQ then ignores the id it already holds).
 */
import type { Queue } from "bullmq";
import type { TaskRecord } from "concur/backend";
import type { JobData } from "../protocol/job-data.js";

/** A task on its way through Redis. */
export interface PendingJob {
  /** The task's id: its result messages carry it. */
  readonly id: string;
  /**
   * The BullMQ job that carries it: `id`, or a batch's id while it rides in a batch (see
   * DistributedExecutorOptions.coalesceSubmits).
   */
  jobId: string;
  readonly record: TaskRecord;
  /** The task as a job of its own (what a re-add queues, even for a batch's task). */
  readonly data: JobData;
  /** When addBulk confirmed it (Date.now()); undefined until then. */
  sentAt: number | undefined;
  /** Consecutive checks that found no job record. */
  missing: number;
  /** When it was last checked. */
  checkedAt?: number;
}

/** Jobs checked per sweep at most: a sweep must stay a few round trips. */
const MAX_CHECKS = 100;

export class Reconciler {
  #running = false;

  constructor(
    private readonly after: number,
    private readonly queue: () => Queue | undefined,
    private readonly resubmit: (pending: PendingJob) => Promise<void>,
  ) {}

  /** Called whenever the result list is idle (about once a second). */
  sweep(pending: Iterable<PendingJob>): void {
    const queue = this.queue();
    if (this.#running || !queue) return;
    const now = Date.now();
    const due: PendingJob[] = [];
    for (const job of pending) {
      if (job.sentAt === undefined || now - job.sentAt < this.after) continue;
      if (job.checkedAt !== undefined && now - job.checkedAt < this.after / 3) continue;
      due.push(job);
      if (due.length >= MAX_CHECKS) break;
    }
    if (due.length === 0) return;
    this.#running = true;
    void this.#check(queue, due, now).finally(() => {
      this.#running = false;
    });
  }

  async #check(queue: Queue, due: PendingJob[], now: number): Promise<void> {
    for (const job of due) {
      job.checkedAt = now;
      let state: string;
      try {
        state = await queue.getJobState(job.jobId);
      } catch {
        return; // Redis is away: try again next sweep
      }
      if (state !== "unknown") {
        job.missing = 0;
        continue;
      }
      // Twice in a row, a third of `after` apart: a result pushed just before the job's removal
      // has had time to arrive.
      if (++job.missing < 2) continue;
      job.missing = 0;
      job.sentAt = Date.now();
      await this.resubmit(job).catch(() => undefined);
    }
  }
}

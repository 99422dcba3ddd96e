/**
 * map()'s automatic chunk size: how many inputs one job carries. A job costs a few Redis round
 * trips (add, take, lock, result, completion) whatever the task, so tiny tasks go many to a job;
 * long tasks go one to a job so that every machine gets a share.
 */
/** Aim for jobs of about this much work. */
const TARGET_JOB_MS = 20;
const MIN_CHUNK = 1;
const MAX_CHUNK = 256;
/** Before any result: small enough that a slow task does not pile up on one machine. */
const FIRST_CHUNK = 8;

export class ChunkSizer {
  #itemMs: number | undefined;

  /** A job finished: `ms` of work for `items` inputs. */
  record(ms: number, items: number): void {
    const perItem = ms / Math.max(1, items);
    // Exponential average: follows a workload that changes, without jumping on one outlier.
    this.#itemMs = this.#itemMs === undefined ? perItem : this.#itemMs * 0.8 + perItem * 0.2;
  }

  next(): number {
    if (this.#itemMs === undefined) return FIRST_CHUNK;
    const size = Math.round(TARGET_JOB_MS / Math.max(this.#itemMs, 0.001));
    return Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, size));
  }
}

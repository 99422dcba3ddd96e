/**
 * Every Redis key and channel concur uses beside BullMQ's own, in one place. They all start with
 * `<prefix>:<queue>:`, as BullMQ's keys do, so one prefix per test run (or per tenant) keeps runs
 * apart and `SCAN <prefix>:*` finds everything.
 */
export interface QueueKeys {
  /** BullMQ's prefix (its keys are `<prefix>:<queue>:…`). */
  readonly prefix: string;
  readonly queue: string;
  /** The list a submitter's results are pushed to. */
  results(executorId: string): string;
  /**
   * A hash of the submitter's cancelled tasks that ride in batches (their batch cannot be taken
   * out of the queue for one of them); the machine that takes the batch skips them.
   */
  cancelled(executorId: string): string;
  /** Exists while the submitter is alive (a TTL it keeps refreshing). */
  submitter(executorId: string): string;
  /** A worker's heartbeat. */
  worker(workerId: string): string;
  /** Pattern matching every worker heartbeat of this queue. */
  readonly workerPattern: string;
  /** Pub/sub channel carrying the ids of jobs to cancel. */
  readonly cancelChannel: string;
}

export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:${queue}:concur`;
  return {
    prefix,
    queue,
    results: (id) => `${base}:results:${id}`,
    cancelled: (id) => `${base}:cancelled:${id}`,
    submitter: (id) => `${base}:submitter:${id}`,
    worker: (id) => `${base}:worker:${id}`,
    workerPattern: `${base}:worker:*`,
    cancelChannel: `${base}:cancel`,
  };
}

/** BullMQ refuses ":" in custom job ids; the executor id and task id are joined with "-". */
export function jobIdOf(executorId: string, taskId: number): string {
  return `${executorId}-${taskId}`;
}

/**
 * How the pool sizes its batches: pure functions of the measured run time, kept apart from the
 * engine (pool.ts) so that they can be read and tested on their own.
 */
import type { PoolWorker } from "./pool-worker.js";

/**
 * Prefetch ("auto") aims to keep this many milliseconds of work inside each worker: enough that
 * a worker reports (and the main thread wakes) once per few tasks, not once per task; the tail of
 * a batch is evened out by the engine (no prefetch there, and work stealing).
 */
const PREFETCH_TARGET_MS = 16;
const MAX_PREFETCH = 64;
/** Auto chunks aim at this much work per chunk, so messaging stays a small share. */
const CHUNK_TARGET_MS = 2;
const MAX_CHUNK = 1024;
/** Run times below this are treated as this, so a 0 ms measurement does not divide by zero. */
const MIN_RUN_MS = 1e-4;

/**
 * Inputs per `map` chunk, given the moving average of one input's run time (undefined before
 * any result): one until something is known, then about CHUNK_TARGET_MS of work per chunk.
 */
export function autoChunk(avgRunMs: number | undefined): number {
  if (avgRunMs === undefined) return 1;
  return Math.max(1, Math.min(MAX_CHUNK, Math.floor(CHUNK_TARGET_MS / Math.max(avgRunMs, MIN_RUN_MS))));
}

/**
 * Tasks a worker may hold at once. Two at least once run times are known: the next task waits
 * inside the worker while one runs, so no round trip is lost between tasks (the tail of a batch
 * is handled by the engine: no prefetch there, and work stealing).
 */
export function prefetchLimit(option: number | "auto", avgRunMs: number | undefined): number {
  if (option !== "auto") return option;
  if (avgRunMs === undefined) return 1;
  return Math.max(2, Math.min(MAX_PREFETCH, Math.ceil(PREFETCH_TARGET_MS / Math.max(avgRunMs, MIN_RUN_MS))));
}

/**
 * The least loaded ready worker that can take one more task, or undefined. A task with a timeout
 * (`exclusive`) only goes to an idle worker, so its clock measures its own run; a worker holding
 * such a task takes nothing else.
 */
export function pickWorker(
  workers: Iterable<PoolWorker>,
  limit: number,
  exclusive: boolean,
  maxTasksPerWorker: number,
): PoolWorker | undefined {
  let best: PoolWorker | undefined;
  for (const worker of workers) {
    if (worker.state !== "ready" || worker.exclusive || worker.assigned >= maxTasksPerWorker) continue;
    const load = worker.inflight.size;
    if (exclusive ? load > 0 : load >= limit) continue;
    if (!best || load < best.inflight.size) best = worker;
    if (load === 0) break;
  }
  return best;
}

/**
 * Work stealing at the tail of a batch: while some workers sit idle (and the queue is empty),
 * which busy workers should give back which of their unstarted tasks. Each keeps its running task
 * and half of those waiting; one busy worker is asked per idle one.
 */
export function pickSteals(workers: Iterable<PoolWorker>): Array<[PoolWorker, number[]]> {
  const steals: Array<[PoolWorker, number[]]> = [];
  let idle = 0;
  for (const worker of workers)
    if (worker.state === "ready" && worker.inflight.size === 0 && !worker.exclusive) idle++;
  if (idle === 0) return steals;
  for (const worker of workers) {
    if (worker.releasing || worker.state !== "ready" || worker.inflight.size < 2) continue;
    const waiting = [...worker.inflight.keys()].slice(1);
    const give = waiting.slice(Math.floor(waiting.length / 2));
    if (give.length === 0) continue;
    steals.push([worker, give]);
    if (--idle === 0) break;
  }
  return steals;
}

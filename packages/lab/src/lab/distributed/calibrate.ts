/**
 * What a round trip through Redis adds to each task: a no-op's round trip, one call at a time,
 * through the distributed executor and through a one-worker thread pool on this machine. Run
 * once per distributed cell after its start-up, outside the measured runs (so it costs the
 * cell's samples nothing), and reported beside them.
 *
 * Calls alternate between the two executors, so that a change in the machine's load meanwhile
 * weighs on both alike. One call at a time measures latency: with many tasks in flight, part of
 * it overlaps the work, so the overhead it gives is the upper bound of what a task pays.
 */
import { performance } from "node:perf_hooks";
import { createExecutor, type Executor } from "concur";
import type { RoundTrip } from "../report.js";
import { median } from "../stats.js";
import type { Workload } from "../workloads.js";

/** Calls timed on each executor: a few dozen, enough for a stable median. */
export const CALIBRATION_CALLS = 30;
/** Untimed calls on each first (connections, JIT, the worker's first job). */
const WARMUP_CALLS = 3;
/**
 * Wall-clock budget of the timed calls on each executor: a user's task is probed with itself
 * (its module has no no-op), which may take a while. At least MIN_CALLS are made.
 */
const BUDGET_MS = 3_000;
const MIN_CALLS = 6;

async function timed(executor: Executor<any>, workload: Workload): Promise<number> {
  const began = performance.now();
  await workload.ping(executor, 1);
  return performance.now() - began;
}

/** Calibrates `distributed` against a local one-worker thread pool on the same task module. */
export async function calibrateRoundTrip(
  distributed: Executor<any>,
  workload: Workload,
  signal: AbortSignal,
): Promise<RoundTrip | undefined> {
  const local = createExecutor("thread", workload.moduleUrl, { workers: 1 });
  try {
    for (let i = 0; i < WARMUP_CALLS; i++) {
      await workload.ping(local, 1);
      await workload.ping(distributed, 1);
    }
    const distributedMs: number[] = [];
    const localMs: number[] = [];
    let spent = 0;
    while (
      distributedMs.length < CALIBRATION_CALLS &&
      (spent < BUDGET_MS || distributedMs.length < MIN_CALLS)
    ) {
      if (signal.aborted) return undefined;
      const d = await timed(distributed, workload);
      const l = await timed(local, workload);
      distributedMs.push(d);
      localMs.push(l);
      spent += Math.max(d, l);
    }
    return {
      calls: distributedMs.length,
      distributedMs,
      localMs,
      localExecutor: "thread",
      overheadMs: Math.max(0, median(distributedMs) - median(localMs)),
    };
  } finally {
    await local.shutdown({ wait: true, cancelFutures: true });
  }
}

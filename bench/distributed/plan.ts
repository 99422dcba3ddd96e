/**
 * The sizes and settings of `npm run bench:distributed`, stored with its results. Both sides get
 * the same: worker processes, jobs at once per process, lock and stalled-check intervals.
 */
import { intOption } from "../lib/args.js";

export interface DistributedProfile {
  name: "default" | "quick";
  /** Rounds: every scenario once per round, the two sides interleaved, their order rotated. */
  rounds: number;
  /** Worker processes per side. */
  workers: number;
  /**
   * Jobs each worker process takes at once (BullMQ's `concurrency`; concur worker also runs that
   * many at once on its local async executor, which runs tasks in the worker process as BullMQ's
   * processor does).
   */
  concurrency: number;
  /** Both sides' workers: a dead process's jobs come back after about lock + stalled interval. */
  lockDuration: number;
  stalledInterval: number;
  /** Sequential submits per side per round for the round-trip latency (after `latencyWarmup`). */
  latencyRuns: number;
  latencyWarmup: number;
  /** Tiny tasks per side per round through `submit` (and through concur's `map`). */
  tinyTasks: number;
  mapTasks: number;
  /** Tasks of the memory scenario (figures are scaled to 10,000). */
  memoryTasks: number;
  /** Solo-and-pair measurements of the parallel limit per round (bench/pools/limit.ts). */
  limitPairs: number;
  /** The recovery job's own duration. */
  recoveryTaskMs: number;
  /** A scenario still running after this fails (and the run goes on). */
  scenarioTimeoutMs: number;
}

const DEFAULT: DistributedProfile = {
  name: "default",
  rounds: 3,
  workers: 2,
  concurrency: 8,
  lockDuration: 5_000,
  stalledInterval: 5_000,
  latencyRuns: 200,
  latencyWarmup: 20,
  tinyTasks: 10_000,
  mapTasks: 10_000,
  memoryTasks: 10_000,
  limitPairs: 3,
  recoveryTaskMs: 1_000,
  scenarioTimeoutMs: 180_000,
};

const QUICK: DistributedProfile = {
  ...DEFAULT,
  name: "quick",
  rounds: 1,
  latencyRuns: 50,
  tinyTasks: 2_000,
  mapTasks: 2_000,
  memoryTasks: 2_000,
  limitPairs: 1,
};

/** `--quick` (a smoke run that leaves BENCHMARKS.md alone) or the default; `--rounds N`. */
export function profileFromArgs(args: readonly string[]): DistributedProfile {
  const profile = { ...(args.includes("--quick") ? QUICK : DEFAULT) };
  if (args.includes("--rounds")) profile.rounds = intOption(args, "--rounds", profile.rounds);
  return profile;
}

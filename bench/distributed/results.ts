/**
 * What bench/results/distributed.json holds: one `bench:distributed` run's samples, their
 * summaries, the key census of the memory scenario, and the targets of issue 11 evaluated on
 * them. BENCHMARKS.md's distributed section is rendered from it (report.ts).
 */
import type { Machine } from "../lib/machine.js";
import type { Summary } from "../lib/stats.js";
import { med as medOf, type Failure, type Samples } from "../pools/results.js";
import type { DistributedProfile } from "./plan.js";
import type { KeyCensus } from "./scenarios.js";

export interface DistributedTarget {
  name: string;
  measured: string;
  goal: string;
  met: boolean | undefined;
}

export interface DistributedResults {
  schema: "concur-bench-distributed/1";
  date: string;
  machine: Machine;
  profile: DistributedProfile;
  versions: { redis: string; bullmq: string; ioredis: string };
  /** Task 2's input: the records of bench/pools/setup.ts (the seed's, ten per letter). */
  records: number;
  elapsedMs: number;
  roundsRun: number;
  /** Share of all CPUs busy with other work before each scenario (samples in `samples.machine`). */
  quiet: { threshold: number; waitedMs: number };
  envRemoved: string[];
  samples: Samples;
  summaries: Record<string, Record<string, Record<string, Summary>>>;
  /** Keys under each side's stem before and after its first memory run (a fresh queue). */
  census: Record<string, { before: KeyCensus; after: KeyCensus }>;
  targets: DistributedTarget[];
  failures: Failure[];
}

export const med = (
  results: Pick<DistributedResults, "summaries">,
  scenario: string,
  subject: string,
  metric: string,
): number | undefined => medOf(results, scenario, subject, metric);

/** Issue 11's bound on recovery: lock + stalled interval + the task's time + 2 s. */
export function recoveryBoundMs(profile: DistributedProfile): number {
  return profile.lockDuration + profile.stalledInterval + profile.recoveryTaskMs + 2_000;
}

/** Task 2's speedup (sequential ÷ wall) and its share of the machine's parallel limit. */
export function task2Share(
  results: Pick<DistributedResults, "summaries">,
  subject: string,
): { speedup: number | undefined; ofLimit: number | undefined } {
  const solo = med(results, "task2-baseline", "sequential", "soloMs");
  const limit = med(results, "task2-baseline", "pair", "limit");
  const wall = med(results, "task2", subject, "ms");
  const speedup = solo !== undefined && wall !== undefined ? solo / wall : undefined;
  return { speedup, ofLimit: speedup !== undefined && limit !== undefined ? speedup / limit : undefined };
}

const fmt = (value: number | undefined, digits = 2): string =>
  value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);

export function evaluateTargets(results: DistributedResults): DistributedTarget[] {
  const targets: DistributedTarget[] = [];
  const concurRt = med(results, "latency", "concur", "ms");
  const rawRt = med(results, "latency", "raw", "ms");
  const gap = concurRt !== undefined && rawRt !== undefined ? concurRt - rawRt : undefined;
  targets.push({
    name: "one task's round trip (median of sequential submits)",
    measured: `${fmt(concurRt)} ms vs raw ${fmt(rawRt)} ms: ${gap !== undefined && gap >= 0 ? "+" : ""}${fmt(gap)} ms (${fmt(concurRt! / rawRt!)}×)`,
    goal: "<= raw + 0.50 ms",
    met: gap === undefined ? undefined : gap <= 0.5,
  });
  const rawRate = med(results, "submit", "raw", "tasksPerSec");
  const submitRatio = (med(results, "submit", "concur", "tasksPerSec") ?? NaN) / (rawRate ?? NaN);
  targets.push({
    name: `${results.profile.tinyTasks.toLocaleString("en-US")} tiny tasks through submit`,
    measured: `${fmt(submitRatio)}× raw BullMQ's rate`,
    goal: ">= 1.00×",
    met: Number.isFinite(submitRatio) ? submitRatio >= 1 : undefined,
  });
  const mapRatio = (med(results, "map", "concur", "tasksPerSec") ?? NaN) / (rawRate ?? NaN);
  targets.push({
    name: `${results.profile.mapTasks.toLocaleString("en-US")} tiny tasks through map`,
    measured: `${fmt(mapRatio)}× raw BullMQ's submit rate`,
    goal: ">= 10.00×",
    met: Number.isFinite(mapRatio) ? mapRatio >= 10 : undefined,
  });
  const share = task2Share(results, "concur");
  const rawShare = task2Share(results, "raw");
  targets.push({
    name: `Task 2, ${results.profile.workers} worker processes: share of the parallel limit`,
    measured:
      `${fmt(share.speedup)}× = ${fmt((share.ofLimit ?? NaN) * 100, 0)}% of the limit ` +
      `(raw BullMQ: ${fmt(rawShare.speedup)}× = ${fmt((rawShare.ofLimit ?? NaN) * 100, 0)}%)`,
    // Issue 11's bar: at least 90% of the parallel limit bench:pools measures on this machine.
    goal: ">= 90%",
    met: share.ofLimit === undefined ? undefined : share.ofLimit >= 0.9,
  });
  const bound = recoveryBoundMs(results.profile);
  const recoveries = results.samples.recovery?.concur?.recoveryMs ?? [];
  const worst = recoveries.length > 0 ? Math.max(...recoveries) : undefined;
  targets.push({
    name: "recovery after a SIGKILLed worker (every trial)",
    measured: `median ${fmt((med(results, "recovery", "concur", "recoveryMs") ?? NaN) / 1000)} s, worst ${fmt((worst ?? NaN) / 1000)} s (raw BullMQ median ${fmt((med(results, "recovery", "raw", "recoveryMs") ?? NaN) / 1000)} s)`,
    goal: `<= ${fmt(bound / 1000, 1)} s (lock + stalled interval + task + 2 s)`,
    met: worst === undefined ? undefined : worst <= bound,
  });
  const fresh = (subject: string, metric: string): number | undefined =>
    results.samples["memory-fresh"]?.[subject]?.[metric]?.[0];
  const used = fresh("concur", "bytesPer10k");
  const keys = fresh("concur", "keyBytesPer10k");
  targets.push({
    name: "Redis memory left per 10,000 finished tasks (fresh queue)",
    measured:
      `used_memory ${fmt((used ?? NaN) / 1e6, 3)} MB, its keys ${fmt((keys ?? NaN) / 1e6, 3)} MB ` +
      `(raw BullMQ, jobs removed on completion: ${fmt((fresh("raw", "bytesPer10k") ?? NaN) / 1e6, 3)} MB and ` +
      `${fmt((fresh("raw", "keyBytesPer10k") ?? NaN) / 1e6, 3)} MB)`,
    goal: "< 1 MB, both figures",
    met: used === undefined || keys === undefined ? undefined : Math.max(used, keys) < 1e6,
  });
  return targets;
}

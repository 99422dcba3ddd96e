/**
 * The results of one `bench:pools` run: raw samples as measured, their summaries, and the
 * targets of issue 5 evaluated on them. This is what bench/results/pools.json holds and what
 * BENCHMARKS.md is rendered from.
 */
import { summarize, type Summary } from "../lib/stats.js";
import type { Machine } from "../lib/machine.js";
import type { Profile } from "./plan.js";
import { CONTENDERS, kindOf, type ContenderId, type PoolKind } from "./trial/protocol.js";

/** samples[scenario][subject][metric] = values in the order measured. */
export type Samples = Record<string, Record<string, Record<string, number[]>>>;

export interface Failure {
  scenario: string;
  subject: string;
  error: string;
}

export interface Target {
  kind: PoolKind;
  name: string;
  /** What was measured, e.g. "0.62× the fastest peer (piscina)". */
  measured: string;
  /** The bar, e.g. ">= 2×". */
  goal: string;
  met: boolean | undefined;
}

export interface PoolsResults {
  schema: "concur-bench-pools/1";
  date: string;
  machine: Machine;
  profile: Profile;
  /** Task 2 input and the calibrated CPU task. */
  workload: { records: number; recordsSource: string; spinN: number; cpuTaskMs: number };
  libraries: Record<string, string>;
  elapsedMs: number;
  /** Rounds actually run per scenario (the budget may cut later rounds). */
  roundsRun: number;
  /**
   * Before each trial, the share of all CPUs busy with other work (samples in
   * `samples.machine["before-trial"].busyShare`); trials waited, boundedly, while it was above
   * `threshold`.
   */
  quiet: { threshold: number; waitedMs: number };
  /** Variables of this machine's environment the trials ran without (bench/pools/spawn.ts). */
  envRemoved?: string[];
  samples: Samples;
  summaries: Record<string, Record<string, Record<string, Summary>>>;
  targets: Target[];
  failures: Failure[];
}

export class SampleStore {
  readonly samples: Samples = {};

  add(scenario: string, subject: string, metric: string, value: number): void {
    const bySubject = (this.samples[scenario] ??= {});
    const byMetric = (bySubject[subject] ??= {});
    (byMetric[metric] ??= []).push(value);
  }

  summaries(): PoolsResults["summaries"] {
    const out: PoolsResults["summaries"] = {};
    for (const [scenario, bySubject] of Object.entries(this.samples)) {
      for (const [subject, byMetric] of Object.entries(bySubject)) {
        for (const [metric, values] of Object.entries(byMetric)) {
          ((out[scenario] ??= {})[subject] ??= {})[metric] = summarize(values);
        }
      }
    }
    return out;
  }
}

/** Median of one metric, or undefined when it was not measured. */
export function med(
  results: Pick<PoolsResults, "summaries">,
  scenario: string,
  subject: string,
  metric: string,
): number | undefined {
  return results.summaries[scenario]?.[subject]?.[metric]?.median;
}

export const PEERS: Record<PoolKind, ContenderId[]> = {
  thread: CONTENDERS.filter((id) => kindOf(id) === "thread" && id !== "concur-thread"),
  process: CONTENDERS.filter((id) => kindOf(id) === "process" && id !== "concur-process"),
};
export const CONCUR: Record<PoolKind, ContenderId> = { thread: "concur-thread", process: "concur-process" };

/** The peer of `kind` with the best median of `metric` (highest, or lowest when `lower`). */
export function bestPeer(
  results: Pick<PoolsResults, "summaries">,
  kind: PoolKind,
  scenario: string,
  metric: string,
  lower = false,
): { id: ContenderId; value: number } | undefined {
  let best: { id: ContenderId; value: number } | undefined;
  for (const id of PEERS[kind]) {
    const value = med(results, scenario, id, metric);
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!best || (lower ? value < best.value : value > best.value)) best = { id, value };
  }
  return best;
}

/** Task 2's speedup of a contender over the sequential run, and its share of the machine's limit. */
export function task2Speedup(
  results: Pick<PoolsResults, "summaries">,
  config: string,
  id: string,
  metric: "warmMs" | "coldMs",
): { speedup: number | undefined; ofLimit: number | undefined } {
  const sequential = med(results, "task2-baseline", "sequential", "soloMs");
  const limit = med(results, "task2-baseline", "pair", "limit");
  const ms = med(results, `task2/${config}`, id, metric);
  const speedup = sequential !== undefined && ms !== undefined ? sequential / ms : undefined;
  return { speedup, ofLimit: speedup !== undefined && limit !== undefined ? speedup / limit : undefined };
}

/** Issue 5's targets, evaluated on the medians. */
export function evaluateTargets(results: Pick<PoolsResults, "summaries">): Target[] {
  const targets: Target[] = [];
  const fmt = (x: number): string => `${x.toFixed(2)}×`;
  for (const kind of ["thread", "process"] as const) {
    const concur = CONCUR[kind];
    const versus = (scenario: string, metric: string, name: string, goal: number, lower: boolean): void => {
      const mine = med(results, scenario, concur, metric);
      const peer = bestPeer(results, kind, scenario, metric, lower);
      if (mine === undefined || !peer) {
        targets.push({
          kind,
          name,
          measured: "not measured",
          goal: `${lower ? "<=" : ">="} ${fmt(goal)}`,
          met: undefined,
        });
        return;
      }
      const r = mine / peer.value;
      targets.push({
        kind,
        name,
        measured: `${fmt(r)} the ${lower ? "lowest" : "best"} peer (${peer.id})`,
        goal: `${lower ? "<=" : ">="} ${fmt(goal)}`,
        met: lower ? r <= goal : r >= goal,
      });
    };
    versus("tinyBounded", "tasksPerSec", "tiny tasks via submit, bounded concurrency", 2, false);
    versus("tinyAll", "tasksPerSec", "tiny tasks via submit, all at once", 2, false);
    // map against the peers' best per-task throughput, whichever way they were driven.
    const peerBest = [
      bestPeer(results, kind, "tinyBounded", "tasksPerSec"),
      bestPeer(results, kind, "tinyAll", "tasksPerSec"),
    ]
      .filter((p) => p !== undefined)
      .sort((a, b) => b.value - a.value)[0];
    const map = med(results, "map", concur, "tasksPerSec");
    const sequential = med(results, "map", "sequential", "tasksPerSec");
    if (map !== undefined && peerBest) {
      const share =
        sequential === undefined
          ? ""
          : `; ${((map / sequential) * 100).toFixed(0)}% of SequentialExecutor.map`;
      targets.push({
        kind,
        name: "map over tiny inputs (auto chunking)",
        measured: `${fmt(map / peerBest.value)} the best peer (${peerBest.id})${share}`,
        goal: ">= 10.00×",
        met: map / peerBest.value >= 10,
      });
    }
    for (const [metric, goal, label] of [
      ["warmMs", 0.97, "Task 2 warm, 2 workers"],
      ["coldMs", 0.93, "Task 2 cold, 2 workers"],
    ] as const) {
      const { speedup, ofLimit } = task2Speedup(results, "2", concur, metric);
      targets.push({
        kind,
        name: `${label}: speedup vs the parallel limit`,
        measured:
          speedup === undefined || ofLimit === undefined
            ? "not measured"
            : `${fmt(speedup)} = ${(ofLimit * 100).toFixed(1)}% of the limit`,
        goal: `>= ${(goal * 100).toFixed(0)}%`,
        met: ofLimit === undefined ? undefined : ofLimit >= goal,
      });
    }
    versus("startup", "startupMs", "start-up to first result", 0.8, true);
    noteFloor(targets.at(-1)!, results, kind, "startup", "startupMs", 0.8, "ms");
    versus("tinyAll", "peakRssMiB", "peak RSS, 100,000 tasks in flight", 0.5, true);
    noteFloor(targets.at(-1)!, results, kind, "tinyAll", "peakRssMiB", 0.5, "MiB");
  }
  return targets;
}

/**
 * Adds to a "lower is better" target what the goal is in absolute terms and this machine's floor
 * (bare workers, no library): a goal below the floor cannot be met by any pool here.
 */
function noteFloor(
  target: Target,
  results: Pick<PoolsResults, "summaries">,
  kind: PoolKind,
  scenario: string,
  metric: string,
  goal: number,
  unit: string,
): void {
  const peer = bestPeer(results, kind, scenario, metric, true);
  const floor = med(results, "floor", kind, metric);
  if (!peer || floor === undefined) return;
  const goalValue = peer.value * goal;
  const where = floor > goalValue ? "below" : "above";
  target.measured += `; goal ${goalValue.toFixed(0)} ${unit}, ${where} the floor of ${floor.toFixed(0)} ${unit}`;
}

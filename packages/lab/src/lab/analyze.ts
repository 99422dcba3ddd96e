/**
 * From raw samples to the report's numbers: each cell's statistics, and every cell against its
 * task's sequential baseline (ratio of medians, its bootstrap interval, a Mann–Whitney test).
 */
import {
  ALPHA,
  MIN_RUNS_FOR_INTERVAL,
  NOISE_THRESHOLD,
  RATIO_RESAMPLES,
  RATIO_SEED,
  compareSamples,
} from "./inference.js";
import type { CellResult, Comparison, StatisticalMethods } from "./report.js";
import { median, summarize } from "./stats.js";

/** The methods every report of this version uses. */
export const STATISTICAL_METHODS: StatisticalMethods = {
  interval: "order-statistic-median",
  speedupInterval: "bootstrap-ratio-of-medians",
  bootstrap: { resamples: RATIO_RESAMPLES, seed: RATIO_SEED },
  test: "mann-whitney",
  alpha: ALPHA,
  noiseThreshold: NOISE_THRESHOLD,
  minRunsForInterval: MIN_RUNS_FOR_INTERVAL,
};

/** Fills a cell's statistics from its samples (in place) and returns it. */
export function finalizeCell(cell: CellResult): CellResult {
  cell.stats = cell.samplesMs.length > 0 ? summarize(cell.samplesMs) : null;
  cell.startupStats = cell.startupMs.length > 0 ? summarize(cell.startupMs) : null;
  const med = cell.stats ? median(cell.samplesMs) : null;
  cell.msPerUnit = med !== null && cell.work.perRun > 0 ? med / cell.work.perRun : null;
  cell.throughputPerSecond = med !== null && med > 0 ? cell.work.perRun / (med / 1000) : null;
  if (cell.work.innerIterations !== undefined) {
    cell.msPerMillionIterations =
      med !== null && cell.work.innerIterations > 0 ? (med * 1e6) / cell.work.innerIterations : null;
  }
  return cell;
}

/** The sequential cell a cell is compared with: same task, same runtime. */
export function baselineOf(cell: CellResult, cells: readonly CellResult[]): CellResult | undefined {
  return cells.find(
    (c) =>
      c.task === cell.task && c.runtime === cell.runtime && c.executor === "sequential" && c.stats !== null,
  );
}

/**
 * The most a pool can gain on a CPU-bound task: one core per worker, no more than the machine has.
 * Only the seed's cpu task is known to be CPU-bound; IO, a user's task and the distributed
 * executor (whose workers' machines are not this one) have no such ceiling.
 */
function ceilingOf(cell: CellResult, cores: number | undefined): number | undefined {
  if (cores === undefined || cell.task !== "cpu") return undefined;
  if (cell.executor === "thread" || cell.executor === "process") return Math.min(cell.workers, cores);
  // Distributed workers may run on other machines, whose cores are not known here.
  if (cell.executor === "distributed") return undefined;
  return 1; // async and sequential run on one core
}

/** Every measured non-sequential cell against its baseline; `cores` caps CPU-bound intervals. */
export function compareCells(cells: readonly CellResult[], machine?: { cores: number }): Comparison[] {
  const out: Comparison[] = [];
  for (const cell of cells) {
    if (cell.executor === "sequential" || !cell.stats) continue;
    const baseline = baselineOf(cell, cells);
    if (!baseline?.stats) continue;
    const ceiling = ceilingOf(cell, machine?.cores);
    const c = compareSamples(baseline.samplesMs, cell.samplesMs, ceiling === undefined ? {} : { ceiling });
    out.push({
      task: cell.task,
      runtime: cell.runtime,
      cellId: cell.id,
      baselineId: baseline.id,
      speedup: c.ratio,
      speedupCi95: c.ci95,
      pValue: c.p,
      test: c.test,
      change: c.change,
      significant: c.change === "too-few-runs" ? null : c.change !== "within-noise",
    });
  }
  return out;
}

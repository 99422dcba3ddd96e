/**
 * The words every reporter uses for the statistics, generated from what a comparison means
 * (faster, slower, within noise, too few runs) rather than from the number alone: "1.00× faster"
 * and "gains little (0.73×)" for a loss cannot be produced.
 */
import type { BenchReport, BenchTaskId, Comparison, StatisticalMethods } from "./report.js";

/** A ratio as the sentences print it: 13.6×, 1.04×, 0.98×. */
export function formatRatio(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "∞×";
  return `${value >= 2 ? value.toFixed(1) : value.toFixed(2)}×`;
}

/**
 * "1.93× faster than sequential", "27% slower than sequential (0.73×)", "within noise of
 * sequential (1.02×)", "at 1.40× sequential's speed, from too few runs to tell".
 */
export function describeChange(c: Pick<Comparison, "speedup" | "change">, of = "sequential"): string {
  const x = formatRatio(c.speedup);
  switch (c.change) {
    case "faster":
      return `${x} faster than ${of}`;
    case "slower":
      // Below ½ a percentage reads worse than the factor: "5.0× slower", not "80% slower".
      return c.speedup >= 0.5
        ? `${Math.round((1 - c.speedup) * 100)}% slower than ${of} (${x})`
        : `${formatRatio(1 / c.speedup)} slower than ${of}`;
    case "within-noise":
      return `within noise of ${of} (${x})`;
    case "too-few-runs":
      return `at ${x} ${of}'s speed, from too few runs to tell`;
  }
}

/** What a cell with too few runs shows instead of an interval. */
export function tooFewRuns(n: number): string {
  return `${n} run${n === 1 ? "" : "s"}: too few for an interval`;
}

/** The significance column: "yes, faster (p = 0.002)", "no (p = 0.31)", "too few runs". */
export function significanceText(c: Comparison): string {
  const p = `p ${formatP(c.pValue)}`;
  switch (c.change) {
    case "faster":
      return `yes, faster (${p})`;
    case "slower":
      return `yes, slower (${p})`;
    case "within-noise":
      return c.pValue < 0.05 ? `no: under the noise threshold (${p})` : `no (${p})`;
    case "too-few-runs":
      return "too few runs to tell";
  }
}

/** "= 0.031", "< 0.001". */
export function formatP(p: number): string {
  return p < 0.001 ? "< 0.001" : `= ${p.toFixed(3)}`;
}

/** The methods behind the numbers, in one paragraph every reporter prints. */
export function methodsLegend(m: StatisticalMethods): string {
  return (
    `Medians with their 95% order-statistic interval (distribution-free; none below ${m.minRunsForInterval} runs). ` +
    `Speedup = ratio of medians over the same runtime's sequential cell, with a 95% bootstrap interval ` +
    `(${m.bootstrap.resamples} resamples, seed ${m.bootstrap.seed}; capped at min(workers, cores) for the CPU-bound task). ` +
    `Significance: two-sided Mann–Whitney U test (exact for small samples), p < ${m.alpha} and a change ` +
    `beyond the ${Math.round(m.noiseThreshold * 100)}% noise threshold; ★ marks a significant winner only.`
  );
}

/** Cells that get a star (★ / "winner"): verdict winners whose lead is significant. */
export function starredCells(report: Pick<BenchReport, "verdicts">, task: BenchTaskId): Set<string> {
  return new Set(
    report.verdicts
      .filter((v) => v.task === task && v.significant === true && v.winnerCellId !== null)
      .map((v) => v.winnerCellId!),
  );
}

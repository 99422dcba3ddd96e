/**
 * CI regression mode: each cell of a run against the same cell of a saved report, by the same
 * rank test the report uses (criterion's "change within noise threshold", pytest-benchmark's
 * --benchmark-compare-fail). Pure functions: the CLI reads the files and sets the exit code.
 */
import { ALPHA, MIN_RUNS_FOR_INTERVAL, mannWhitney } from "./inference.js";
import type { BenchReport } from "./report.js";
import { median } from "./stats.js";
import { formatP } from "./wording.js";

/** What became of one cell since the baseline. */
export interface BaselineRow {
  cellId: string;
  /** current median ÷ baseline median: above 1 the cell got slower. */
  ratio: number;
  p: number | null;
  change: "regression" | "improvement" | "within-noise" | "too-few-runs";
}

/**
 * Every cell measured in both reports. A regression is a slowdown beyond `threshold` (0.05 = 5%)
 * that the two-sided Mann–Whitney test finds significant (p < 0.05); cells with fewer than 6 runs
 * on either side are not judged.
 */
export function compareWithBaseline(
  current: BenchReport,
  baseline: BenchReport,
  threshold: number,
): BaselineRow[] {
  const rows: BaselineRow[] = [];
  for (const cell of current.cells) {
    const before = baseline.cells.find((c) => c.id === cell.id);
    if (!before || cell.samplesMs.length === 0 || before.samplesMs.length === 0) continue;
    const ratio = median(cell.samplesMs) / median(before.samplesMs);
    if (cell.samplesMs.length < MIN_RUNS_FOR_INTERVAL || before.samplesMs.length < MIN_RUNS_FOR_INTERVAL) {
      rows.push({ cellId: cell.id, ratio, p: null, change: "too-few-runs" });
      continue;
    }
    const { p } = mannWhitney(before.samplesMs, cell.samplesMs);
    const change =
      p < ALPHA && ratio > 1 + threshold
        ? "regression"
        : p < ALPHA && ratio < 1 / (1 + threshold)
          ? "improvement"
          : "within-noise";
    rows.push({ cellId: cell.id, ratio, p, change });
  }
  return rows;
}

/** The comparison as lines for a terminal, with the rule stated. */
export function renderBaseline(rows: readonly BaselineRow[], source: string, threshold: number): string {
  const pct = (x: number): string => `${Math.abs(Math.round((x - 1) * 1000) / 10)}%`;
  const lines = [
    `Against the baseline ${source} (a regression: over ${Math.round(threshold * 1000) / 10}% slower, Mann–Whitney p < ${ALPHA}):`,
  ];
  if (rows.length === 0) lines.push("  no cell of this run is in the baseline.");
  for (const row of rows) {
    const p = row.p === null ? "" : `, p ${formatP(row.p)}`;
    const what =
      row.change === "regression"
        ? `REGRESSION: ${pct(row.ratio)} slower${p}`
        : row.change === "improvement"
          ? `improved: ${pct(1 / row.ratio)} faster${p}`
          : row.change === "within-noise"
            ? `within noise (${row.ratio.toFixed(2)}× the baseline's time${p})`
            : `too few runs to compare (${row.ratio.toFixed(2)}× the baseline's time)`;
    lines.push(`  ${row.cellId}: ${what}`);
  }
  const regressions = rows.filter((r) => r.change === "regression").length;
  lines.push(
    regressions > 0 ? `${regressions} regression${regressions === 1 ? "" : "s"}.` : "No regression.",
  );
  return `${lines.join("\n")}\n`;
}

/** Parses `--fail-if-slower`: "5%", "5" (percent) → 0.05. Throws a RangeError otherwise. */
export function parseThreshold(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!match) throw new RangeError(`--fail-if-slower must be a percentage such as 5%, got "${value}"`);
  return Number(match[1]) / 100;
}

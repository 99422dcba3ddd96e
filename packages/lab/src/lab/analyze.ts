/**
 * From raw samples to the report's numbers: each cell's statistics, and every cell against its
 * task's sequential baseline.
 */
import type { CellResult, Comparison } from "./report.js";
import { median, speedup, summarize, compare } from "./stats.js";

/** Fills a cell's statistics from its samples (in place) and returns it. */
export function finalizeCell(cell: CellResult): CellResult {
  cell.stats = cell.samplesMs.length > 0 ? summarize(cell.samplesMs) : null;
  cell.startupStats = cell.startupMs.length > 0 ? summarize(cell.startupMs) : null;
  const med = cell.stats ? median(cell.samplesMs) : null;
  cell.msPerUnit = med !== null && cell.work.perRun > 0 ? med / cell.work.perRun : null;
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
 * Every measured non-sequential cell against its baseline: the speedup (ratio of medians), its
 * interval, and whether the two intervals are disjoint (significant).
 */
export function compareCells(cells: readonly CellResult[]): Comparison[] {
  const out: Comparison[] = [];
  for (const cell of cells) {
    if (cell.executor === "sequential" || !cell.stats) continue;
    const baseline = baselineOf(cell, cells);
    if (!baseline?.stats) continue;
    const s = speedup(baseline.stats, cell.stats);
    out.push({
      task: cell.task,
      runtime: cell.runtime,
      cellId: cell.id,
      baselineId: baseline.id,
      speedup: s.ratio,
      speedupCi95: { low: s.ci95.low, high: Number.isFinite(s.ci95.high) ? s.ci95.high : null },
      significant: compare(baseline.stats, cell.stats).significant,
    });
  }
  return out;
}

/**
 * When a cell has been measured enough, and how long the rest will take: the adaptive run count
 * (at least `minRuns` runs and `minTimeMs` of measuring, at most `maxRuns` runs).
 */
import { median } from "./stats.js";

/** The rules of the adaptive run count. */
export interface RunRule {
  minRuns: number;
  maxRuns: number;
  minTimeMs: number;
}

/** How far a cell is: its measured samples and whether it left the rotation (done or failed). */
export interface CellProgress {
  samplesMs: readonly number[];
  /** Failed or stopped: no more runs. */
  closed: boolean;
}

/** True once a cell needs no more runs. */
export function isSatisfied(cell: CellProgress, rule: RunRule): boolean {
  if (cell.closed) return true;
  const runs = cell.samplesMs.length;
  if (runs >= rule.maxRuns) return true;
  const measured = cell.samplesMs.reduce((a, b) => a + b, 0);
  return runs >= rule.minRuns && measured >= rule.minTimeMs;
}

/**
 * Runs a cell still needs, estimated from its median so far (`typicalMs` stands in before its
 * first run).
 */
export function remainingRuns(cell: CellProgress, rule: RunRule, typicalMs?: number): number {
  if (isSatisfied(cell, rule)) return 0;
  const runs = cell.samplesMs.length;
  const measured = cell.samplesMs.reduce((a, b) => a + b, 0);
  const per = runs > 0 ? median(cell.samplesMs) : typicalMs;
  const forTime = per && per > 0 ? Math.ceil((rule.minTimeMs - measured) / per) : 0;
  return Math.min(rule.maxRuns - runs, Math.max(rule.minRuns - runs, forTime, 1));
}

/**
 * Estimated milliseconds of measuring left for these cells (null before any has a sample). A cell
 * without a sample yet is assumed to take the median of the others.
 */
export function estimateRemainingMs(cells: readonly CellProgress[], rule: RunRule): number | null {
  const known = cells.filter((c) => c.samplesMs.length > 0).map((c) => median(c.samplesMs));
  if (known.length === 0) return null;
  const typical = median(known);
  let total = 0;
  for (const cell of cells) {
    const per = cell.samplesMs.length > 0 ? median(cell.samplesMs) : typical;
    total += remainingRuns(cell, rule, typical) * per;
  }
  return total;
}

/**
 * The next round: every cell still needing runs, in plan order. Running cells round-robin
 * (A B C A B C …) rather than one after the other spreads machine drift (thermal throttling, a
 * background job) over every cell instead of biasing whichever ran during it.
 */
export function nextRound<T extends CellProgress>(cells: readonly T[], rule: RunRule): T[] {
  return cells.filter((cell) => !isSatisfied(cell, rule));
}

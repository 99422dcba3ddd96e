/**
 * When distributing pays, in one clause of the verdict, from this run's own numbers: what a
 * round trip through Redis adds per task (the distributed cell's calibration), the task
 * duration above which that is amortized, and where this run's tasks stand.
 *
 * The rule: a task of duration t costs t + o through Redis, o the measured overhead. Spread
 * over W cores on the workers' machines against C here, n tasks take n(t + o)/W against n·t/C,
 * so distributing breaks even at t = o·C/(W − C): never with W ≤ C, at t = o with twice the
 * cores. Past t = 10·o the overhead is under a tenth of each task, and distributing gains nearly
 * all that the extra cores can give; that is the threshold stated ("more than ~K per task, on
 * more cores than here").
 */
import type { CellResult } from "./report.js";
import { median } from "./stats.js";

/** Tasks this many times the overhead pay under 10% for the trip. */
export const AMORTIZED_FACTOR = 10;

/** A duration for a sentence, to 2 significant digits: "19 ms", "1.9 ms", "0.083 ms", "1.2 s". */
export function roundMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(2))} s`;
  return `${Number(ms.toPrecision(2))} ms`;
}

/**
 * The clause for one task's cells (one runtime), or undefined when no distributed cell was
 * calibrated. `cores` is this machine's.
 */
export function distributingClause(cells: readonly CellResult[], cores: number): string | undefined {
  const cell = cells.find((c) => c.executor === "distributed" && c.roundTrip !== undefined);
  const trip = cell?.roundTrip;
  if (!cell || !trip || trip.calls === 0) return undefined;
  const calls = cell.task.startsWith("user:")
    ? `${trip.calls} calls of the task on its first input`
    : `${trip.calls} no-op calls`;
  const measured = `${roundMs(median(trip.distributedMs))} against ${roundMs(median(trip.localMs))} on a thread pool, medians of ${calls}`;
  const more = `more cores in all than this machine's ${cores}`;
  if (trip.overheadMs <= 0) {
    return `a Redis round trip added no measurable time per task here (${measured}): distributing pays once the workers' machines have ${more}`;
  }
  const threshold = AMORTIZED_FACTOR * trip.overheadMs;
  const clause =
    `distributing pays for tasks over ~${roundMs(threshold)} each, on ${more}: ` +
    `a Redis round trip adds ${roundMs(trip.overheadMs)} per task (${measured}), under 10% of such a task`;
  // This run's tasks, timed one at a time on the sequential cell.
  const perTask = cells.find((c) => c.executor === "sequential" && c.msPerUnit !== null)?.msPerUnit;
  if (perTask === undefined || perTask === null) return clause;
  const verdict = perTask >= threshold ? "so it would, given the cores" : "so here it does not";
  return `${clause}; a ${cell.work.name} here takes ${roundMs(perTask)}, ${verdict}`;
}

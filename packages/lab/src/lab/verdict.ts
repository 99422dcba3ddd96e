/**
 * The answer, per task and runtime, in one sentence: the winner, its speedup over sequential and
 * why, every clause derived from the measurements (nothing here knows which executor "should"
 * win) and worded from what each comparison means (see wording.ts).
 */
import { distributingClause } from "./distributing.js";
import { MIN_RUNS_FOR_INTERVAL, compareSamples, type SampleComparison } from "./inference.js";
import type { BenchReport, BenchRuntime, BenchTaskId, CellResult, Comparison, Verdict } from "./report.js";
import { describeChange, formatRatio } from "./wording.js";

type VerdictInput = Pick<BenchReport, "cells" | "comparisons" | "config" | "machine">;
type Measured = CellResult & { stats: NonNullable<CellResult["stats"]> };

/** `thread ×4`, `sequential`, or `async` (which has a single cell per task). */
export function cellLabel(cell: Pick<CellResult, "executor" | "workers">): string {
  if (cell.executor === "sequential" || cell.executor === "async") return cell.executor;
  return `${cell.executor} ×${cell.workers}`;
}

/** A speedup as the sentences print it: 13.6×, 1.04×, 0.98×. */
export const formatSpeedup = formatRatio;

function taskLabel(task: BenchTaskId, runtime: BenchRuntime): string {
  return runtime === "python" ? `${task} (Python)` : task;
}

function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)!}`;
}

/** "thread ×1 is", "thread ×2 and process ×2 are". */
function withinNoise(cells: readonly CellResult[]): string {
  return `${listJoin(cells.map(cellLabel))} ${cells.length === 1 ? "is" : "are"}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

/** A sample comparison as a Comparison-like value, for the wording helpers. */
function asChange(c: SampleComparison): Pick<Comparison, "speedup" | "change"> {
  return { speedup: c.ratio, change: c.change };
}

/**
 * What a cell costs to run, for breaking ties: fewer threads of execution, lighter ones; a
 * Redis and machines of their own cost the most.
 */
const EXECUTOR_COST = { sequential: 0, async: 1, thread: 2, process: 3, distributed: 4 } as const;

function cost(cell: CellResult): number {
  return EXECUTOR_COST[cell.executor] * 1e6 + cell.workers;
}

function judged(change: Comparison["change"]): boolean | null {
  return change === "too-few-runs" ? null : change !== "within-noise";
}

/** One verdict per task and runtime measured, Node first. */
export function decideVerdicts(input: VerdictInput): Verdict[] {
  const tasks = [...new Set(input.cells.map((c) => c.task))];
  const verdicts: Verdict[] = [];
  for (const runtime of ["node", "python"] as const) {
    for (const task of tasks) {
      const cells = input.cells.filter((c) => c.task === task && c.runtime === runtime);
      if (cells.length > 0) verdicts.push(decide(task, runtime, cells, input));
    }
  }
  return verdicts;
}

function decide(task: BenchTaskId, runtime: BenchRuntime, cells: CellResult[], input: VerdictInput): Verdict {
  const verdict = decideWinner(task, runtime, cells, input);
  // When distributing pays follows from the calibration, whoever won: said in every verdict
  // that has a distributed row.
  const clause = distributingClause(cells, input.machine.cores);
  return clause ? { ...verdict, sentence: `${verdict.sentence.slice(0, -1)}; ${clause}.` } : verdict;
}

function decideWinner(
  task: BenchTaskId,
  runtime: BenchRuntime,
  cells: CellResult[],
  input: VerdictInput,
): Verdict {
  const name = taskLabel(task, runtime);
  const measured = cells.filter((c): c is Measured => c.stats !== null);
  const base: Verdict = {
    task,
    ...(runtime === "python" && { runtime }),
    winnerCellId: null,
    speedup: null,
    sentence: "",
  };
  if (measured.length === 0) {
    const failed = cells.filter((c) => c.status === "failed").length;
    return {
      ...base,
      sentence: `${name}: nothing was measured${failed > 0 ? ` (${failed} of ${cells.length} cells failed)` : ""}.`,
    };
  }
  // Cells with too few runs are not judged: naming the fastest of a few runs would crown whichever
  // cell the noise favoured this time.
  const unjudged = measured.filter((c) => c.stats.n < MIN_RUNS_FOR_INTERVAL);
  const judgedCells = measured.filter((c) => c.stats.n >= MIN_RUNS_FOR_INTERVAL);
  if (measured.length > 1 && judgedCells.length < 2) {
    const fewest = Math.min(...measured.map((c) => c.stats.n));
    return {
      ...base,
      significant: null,
      sentence: `${name}: ${fewest} run${fewest === 1 ? "" : "s"} per cell, too few to name a winner (${MIN_RUNS_FOR_INTERVAL} needed); the medians are in the table.`,
    };
  }
  const verdict = decideAmong(
    name,
    base,
    judgedCells.length > 0 ? judgedCells : measured,
    input,
    task,
    runtime,
  );
  if (unjudged.length === 0 || judgedCells.length === 0) return verdict;
  const few = `${listJoin(unjudged.map(cellLabel))} had too few runs to be judged`;
  return { ...verdict, sentence: `${verdict.sentence.slice(0, -1)}; ${few}.` };
}

function decideAmong(
  name: string,
  base: Verdict,
  measured: Measured[],
  input: VerdictInput,
  task: BenchTaskId,
  runtime: BenchRuntime,
): Verdict {
  const byMedian = [...measured].sort((a, b) => a.stats.median - b.stats.median);
  const fastest = byMedian[0]!;
  // Among the cells the data cannot tell from the fastest, the cheapest wins: otherwise two cells
  // within noise of each other (thread ×2, process ×2) trade the title from one run to the next,
  // and the verdict would not repeat.
  const tied = byMedian.filter(
    (c) => c === fastest || compareSamples(fastest.samplesMs, c.samplesMs).change === "within-noise",
  );
  const winner = tied.reduce((a, b) => (cost(b) < cost(a) ? b : a));
  const baseline = measured.find((c) => c.executor === "sequential");
  const comparisons = input.comparisons.filter((c) => c.task === task && c.runtime === runtime);
  const speedupOf = (cell: CellResult): Comparison | undefined =>
    comparisons.find((c) => c.cellId === cell.id);

  if (!baseline) {
    const runnerUp = byMedian.find((c) => c !== winner);
    const median = `median ${formatMs(winner.stats.median)}`;
    if (!runnerUp) {
      return {
        ...base,
        winnerCellId: winner.id,
        significant: null,
        sentence: `${name}: only ${cellLabel(winner)} was measured (${median}); there is nothing to compare it with.`,
      };
    }
    const lead = compareSamples(runnerUp.samplesMs, winner.samplesMs);
    const how =
      lead.change === "faster"
        ? `${cellLabel(winner)} was fastest (${median}), ${describeChange(asChange(lead), cellLabel(runnerUp))}`
        : `${cellLabel(winner)} (${median}) and ${cellLabel(runnerUp)} are within noise of each other (${formatRatio(lead.ratio)})`;
    return {
      ...base,
      winnerCellId: winner.id,
      significant: judged(lead.change),
      sentence: `${name}: ${how}; there is no sequential baseline to compare with.`,
    };
  }
  if (winner === baseline) {
    const closest = byMedian.find((c) => c !== baseline);
    const comp = closest && speedupOf(closest);
    const sentence =
      !closest || !comp
        ? `${name}: only sequential was measured.`
        : comp.change === "slower"
          ? `${name}: nothing beats sequential; the closest, ${cellLabel(closest)}, is ${describeChange(comp)}.`
          : `${name}: nothing is measurably faster than sequential (${withinNoise(tied.filter((c) => c !== baseline))} within noise of it).`;
    return {
      ...base,
      winnerCellId: baseline.id,
      speedup: 1,
      significant: comp ? judged(comp.change) : null,
      sentence,
    };
  }

  const comp = speedupOf(winner)!;
  const clauses: string[] = [];
  if (comp.change === "faster") {
    const ci = comp.speedupCi95
      ? ` (95% CI ${formatRatio(comp.speedupCi95.low).slice(0, -1)}–${formatRatio(comp.speedupCi95.high)})`
      : "";
    clauses.push(`${name}: ${cellLabel(winner)} is ${describeChange(comp)}${ci}`);
    const ties = tied.filter((c) => c !== winner && c !== baseline);
    if (ties.length > 0) clauses.push(`${withinNoise(ties)} within noise of it`);
  } else {
    // Within noise of the fastest but not of sequential, while itself not clearly faster: rare
    // (the test is not transitive), and said as it is.
    clauses.push(`${name}: ${cellLabel(winner)} ran fastest and is ${describeChange(comp)}`);
  }
  clauses.push(...reasons(task, runtime, winner, measured, speedupOf, input.machine.cores));
  return {
    ...base,
    winnerCellId: winner.id,
    speedup: comp.speedup,
    speedupCi95: comp.speedupCi95,
    significant: judged(comp.change),
    sentence: `${clauses.join("; ")}.`,
  };
}

/** True when a comparison shows no gain: measured within noise, or measured slower. */
function noGain(comp: Comparison): boolean {
  return comp.change === "within-noise" || comp.change === "slower";
}

/** The "why" clauses, each stated only when the numbers show it. */
function reasons(
  task: BenchTaskId,
  runtime: BenchRuntime,
  winner: Measured,
  cells: readonly Measured[],
  speedupOf: (cell: CellResult) => Comparison | undefined,
  cores: number,
): string[] {
  const out: string[] = [];
  const pools = (kind: "thread" | "process"): Measured[] =>
    cells.filter((c) => c.executor === kind).sort((a, b) => a.workers - b.workers);

  // Concurrency on one event loop did not help: the work does not wait on anything.
  const asyncCell = cells.find((c) => c.executor === "async");
  const asyncComp = asyncCell && speedupOf(asyncCell);
  if (asyncCell && asyncComp && winner !== asyncCell && noGain(asyncComp)) {
    out.push(`async is ${describeChange(asyncComp)}: the work keeps the event loop busy instead of waiting`);
  }

  // Pools whose speedup never exceeds their worker count are limited by it.
  if (winner === asyncCell) {
    const bounded = (["thread", "process"] as const).filter((kind) => {
      const list = pools(kind);
      return list.length > 0 && list.every((c) => (speedupOf(c)?.speedup ?? 0) <= c.workers * 1.2);
    });
    if (bounded.length > 0) {
      const kind = bounded[0]!;
      const list = pools(kind);
      const first = list[0]!;
      const last = list.at(-1)!;
      const range =
        first === last
          ? `${cellLabel(first)}: ${formatRatio(speedupOf(first)?.speedup ?? null)}`
          : `${kind} ×${first.workers} → ×${last.workers}: ${formatRatio(speedupOf(first)?.speedup ?? null)} → ${formatRatio(speedupOf(last)?.speedup ?? null)}`;
      const limit = task === "io" ? "workers × latency" : "their worker count";
      out.push(`${listJoin(bounded.map((k) => `${k}`))} pools are bounded by ${limit} (${range})`);
    }
  }

  // Python's threads on CPU work: the seed's finding, stated when measured.
  if (runtime === "python") {
    const thread = pools("thread")[0];
    const threadComp = thread && speedupOf(thread);
    if (thread && threadComp && winner !== thread && noGain(threadComp)) {
      out.push(`threads are ${describeChange(threadComp)}: the GIL runs one thread's Python at a time`);
    }
  }

  // A winning pool, against the ideal for its worker count on this machine.
  if (winner.executor === "thread" || winner.executor === "process") {
    const comp = speedupOf(winner);
    const ideal = Math.min(winner.workers, Math.max(1, cores));
    if (comp && task !== "io" && winner.workers > 1) {
      out.push(
        `${winner.workers} workers on ${cores} cores: ideal ${ideal}×, measured ${formatRatio(comp.speedup)}`,
      );
    }
  }

  // Threads against processes, at their best.
  const bestOf = (kind: "thread" | "process"): Measured | undefined =>
    pools(kind).reduce<Measured | undefined>(
      (a, b) => (!a || b.stats.median < a.stats.median ? b : a),
      undefined,
    );
  const thread = bestOf("thread");
  const proc = bestOf("process");
  if (thread && proc) {
    const c = compareSamples(thread.samplesMs, proc.samplesMs);
    if (c.change === "faster" || c.change === "slower") {
      const [fast, slow] = c.change === "faster" ? [proc, thread] : [thread, proc];
      const by = c.change === "faster" ? c.ratio : 1 / c.ratio;
      out.push(`${cellLabel(fast)} beats ${cellLabel(slow)} by ${formatRatio(by)}`);
    }
  }
  // Start-up, at the largest worker count both pools ran.
  const common = pools("thread")
    .filter((t) => pools("process").some((p) => p.workers === t.workers))
    .at(-1);
  const commonProc = common && pools("process").find((p) => p.workers === common.workers);
  if (common?.startupStats && commonProc?.startupStats) {
    out.push(
      `${common.workers} workers start in ${formatMs(common.startupStats.median)} as threads and ${formatMs(commonProc.startupStats.median)} as processes (not counted above)`,
    );
  }
  return out;
}

/**
 * The answer, per task and runtime, in one sentence: the winner, its speedup over sequential and
 * why, every clause derived from the measurements (nothing here knows which executor "should"
 * win), and "not significant" when the intervals say so.
 */
import type { BenchReport, BenchRuntime, BenchTaskId, CellResult, Comparison, Verdict } from "./report.js";
import { compare } from "./stats.js";

type VerdictInput = Pick<BenchReport, "cells" | "comparisons" | "config" | "machine">;

/** `thread ×4`, `sequential`, or `async` (which has a single cell per task). */
export function cellLabel(cell: Pick<CellResult, "executor" | "workers">): string {
  if (cell.executor === "sequential" || cell.executor === "async") return cell.executor;
  return `${cell.executor} ×${cell.workers}`;
}

/** A speedup as the sentences print it: 13.6×, 1.04×, 0.98×. */
export function formatSpeedup(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "∞×";
  return `${value >= 2 ? value.toFixed(1) : value.toFixed(2)}×`;
}

function taskLabel(task: BenchTaskId, runtime: BenchRuntime): string {
  return runtime === "python" ? `${task} (Python)` : task;
}

function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)!}`;
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
  const name = taskLabel(task, runtime);
  const measured = cells.filter(
    (c): c is CellResult & { stats: NonNullable<CellResult["stats"]> } => c.stats !== null,
  );
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
  const winner = measured.reduce((a, b) => (b.stats.median < a.stats.median ? b : a));
  const baseline = measured.find((c) => c.executor === "sequential");
  const comparisons = input.comparisons.filter((c) => c.task === task && c.runtime === runtime);
  const speedupOf = (cell: CellResult): Comparison | undefined =>
    comparisons.find((c) => c.cellId === cell.id);

  if (!baseline) {
    return {
      ...base,
      winnerCellId: winner.id,
      sentence: `${name}: ${cellLabel(winner)} was fastest (median ${formatMs(winner.stats.median)}); there is no sequential baseline to compare with.`,
    };
  }
  if (winner === baseline) {
    const others = measured.filter((c) => c !== baseline);
    const closest = others.reduce<(typeof others)[number] | undefined>(
      (a, b) => (!a || b.stats.median < a.stats.median ? b : a),
      undefined,
    );
    const comp = closest && speedupOf(closest);
    const tail =
      closest && comp
        ? `; the closest, ${cellLabel(closest)}, runs at ${formatSpeedup(comp.speedup)} (${comp.significant ? "significantly slower" : "not significant"})`
        : "";
    return {
      ...base,
      winnerCellId: baseline.id,
      speedup: 1,
      sentence: `${name}: nothing beats sequential${tail}.`,
    };
  }

  const comp = speedupOf(winner);
  let head = `${name}: ${cellLabel(winner)} is ${formatSpeedup(comp?.speedup ?? null)} faster than sequential`;
  const judged = winner.stats.n > 1 && baseline.stats.n > 1;
  if (comp && !comp.significant) {
    head += judged
      ? ", but that is not significant (the 95% intervals overlap)"
      : ", from single runs (too few to judge significance)";
  }
  const ties = measured.filter(
    (c) =>
      c !== winner &&
      c !== baseline &&
      c.stats.n > 1 &&
      judged &&
      !compare(winner.stats, c.stats).significant,
  );
  const clauses = [head];
  if (ties.length > 0) {
    clauses.push(`${listJoin(ties.map(cellLabel))} ${ties.length === 1 ? "is" : "are"} within noise of it`);
  }
  clauses.push(...reasons(task, runtime, winner, measured, speedupOf, input.machine.cores));
  return {
    ...base,
    winnerCellId: winner.id,
    speedup: comp?.speedup ?? null,
    speedupCi95: comp?.speedupCi95 ?? null,
    significant: comp?.significant ?? false,
    sentence: `${clauses.join("; ")}.`,
  };
}

/** True when a cell's speedup shows no real gain: within noise, or under 1.2× either way. */
function noGain(comp: Comparison): boolean {
  return !comp.significant || comp.speedup < 1.2;
}

function little(comp: Comparison): string {
  return `${Math.abs(comp.speedup - 1) < 0.1 ? "nothing" : "little"} (${formatSpeedup(comp.speedup)})`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

/** The "why" clauses, each stated only when the numbers show it. */
function reasons(
  task: BenchTaskId,
  runtime: BenchRuntime,
  winner: CellResult,
  cells: readonly CellResult[],
  speedupOf: (cell: CellResult) => Comparison | undefined,
  cores: number,
): string[] {
  const out: string[] = [];
  const pools = (kind: "thread" | "process"): CellResult[] =>
    cells.filter((c) => c.executor === kind).sort((a, b) => a.workers - b.workers);

  // Concurrency on one event loop did not help: the work does not wait on anything.
  const asyncCell = cells.find((c) => c.executor === "async");
  const asyncComp = asyncCell && speedupOf(asyncCell);
  if (asyncCell && asyncComp && winner !== asyncCell && noGain(asyncComp) && asyncComp.speedup < 1.5) {
    out.push(`async gains ${little(asyncComp)}: the work keeps the event loop busy instead of waiting`);
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
          ? `${cellLabel(first)}: ${formatSpeedup(speedupOf(first)?.speedup ?? null)}`
          : `${kind} ×${first.workers} → ×${last.workers}: ${formatSpeedup(speedupOf(first)?.speedup ?? null)} → ${formatSpeedup(speedupOf(last)?.speedup ?? null)}`;
      const limit = task === "io" ? "workers × latency" : "their worker count";
      out.push(`${listJoin(bounded.map((k) => `${k}`))} pools are bounded by ${limit} (${range})`);
    }
  }

  // Python's threads on CPU work: the seed's finding, stated when measured.
  if (runtime === "python") {
    const thread = pools("thread")[0];
    const threadComp = thread && speedupOf(thread);
    if (thread && threadComp && winner !== thread && noGain(threadComp) && threadComp.speedup < 1.5) {
      out.push(`threads gain ${little(threadComp)}: the GIL runs one thread's Python at a time`);
    }
  }

  // A winning pool, against the ideal for its worker count on this machine.
  if (winner.executor === "thread" || winner.executor === "process") {
    const comp = speedupOf(winner);
    const ideal = Math.min(winner.workers, Math.max(1, cores));
    if (comp && task !== "io" && winner.workers > 1) {
      out.push(
        `${winner.workers} workers on ${cores} cores: ideal ${ideal}×, measured ${formatSpeedup(comp.speedup)}`,
      );
    }
  }

  // Threads against processes, at their best.
  const bestOf = (kind: "thread" | "process"): CellResult | undefined =>
    pools(kind).reduce<CellResult | undefined>(
      (a, b) => (!a || b.stats!.median < a.stats!.median ? b : a),
      undefined,
    );
  const thread = bestOf("thread");
  const proc = bestOf("process");
  if (thread?.stats && proc?.stats) {
    const c = compare(thread.stats, proc.stats);
    if (c.significant) {
      const [fast, slow] = c.faster === "a" ? [thread, proc] : [proc, thread];
      out.push(`${cellLabel(fast)} beats ${cellLabel(slow)} by ${formatSpeedup(c.ratio)}`);
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

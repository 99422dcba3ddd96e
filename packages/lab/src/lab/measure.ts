/**
 * Measures one task's cells: every executor started and timed apart (start-up), warmed up, then
 * run round-robin until each cell has enough runs. Executors stay warm across their runs and are
 * all shut down at the end, whatever happened. With a meter, each measured run's CPU time, peak
 * memory and the machine's load are recorded over the same span as its time.
 *
 * The distributed cell's start-up is its workers' (the local `concur worker` processes started,
 * or the user's found) and its executor's; after it, and before any run, its round trip through
 * Redis is calibrated against a local pool's (distributed/calibrate.ts).
 */
import { performance } from "node:perf_hooks";
import { createExecutor } from "concur";
import type { Executor } from "concur";
import { emptyCell, type CellPlan } from "./cells.js";
import { calibrateRoundTrip } from "./distributed/calibrate.js";
import type { DistributedTarget } from "./distributed/target.js";
import type { Meter, RunUsage } from "./meter.js";
import type { CellResult } from "./report.js";
import { estimateRemainingMs, isSatisfied, nextRound, type RunRule } from "./schedule.js";
import { cellLoad, cellResources } from "./usage.js";
import type { Workload } from "./workloads.js";

/** Progress of a task's measurement, as the runner reports it. */
export type MeasureEvent =
  | { type: "startup"; cellId: string; ms: number }
  | {
      type: "run";
      cellId: string;
      warmup: boolean;
      /** Measured runs of this cell so far (0 during warm-up). */
      run: number;
      ms: number;
      /** Share of this task's measuring done, 0..1 (estimated). */
      progress: number;
      /** Estimated milliseconds left for this task, or null before an estimate exists. */
      etaMs: number | null;
    }
  | { type: "cell-done"; cell: CellResult };

/** Settings of a task's measurement. */
export interface MeasureOptions extends RunRule {
  warmupRuns: number;
  signal: AbortSignal;
  onEvent?: (event: MeasureEvent) => void;
  /** Measures each run's CPU time, memory and the machine's load; none without. */
  meter?: Meter;
  /** Where the distributed cell's tasks go; required when a plan's executor is distributed. */
  distributed?: DistributedTarget;
}

/** A cell's executor and how to take down what serves it. */
interface CellExecutor {
  executor: Executor<any>;
  /** Shuts the executor down (and stops the workers it started). */
  close(): Promise<void>;
  /** Resolves when the executor can no longer get anything done (every local worker died). */
  lost?: Promise<Error>;
}

/** Opens a cell's executor: concur's by name, or the distributed one with its workers. */
async function openCell(plan: CellPlan, workload: Workload, options: MeasureOptions): Promise<CellExecutor> {
  if (plan.executor !== "distributed") {
    const executor = createExecutor(plan.executor, workload.moduleUrl, { workers: plan.workers });
    return { executor, close: () => executor.shutdown({ wait: true, cancelFutures: true }) };
  }
  if (!options.distributed) throw new Error("a distributed cell needs a Redis (options.distributed)");
  const target = options.distributed;
  const { openDistributed } = await import("./distributed/open.js");
  const handle = await openDistributed(
    { ...target, ...(target.localWorkers !== null && { localWorkers: plan.workers }) },
    { module: workload.moduleUrl, ...workload.distributedWorker, signal: options.signal },
  );
  return { executor: handle.executor(), close: handle.close, ...(handle.lost && { lost: handle.lost }) };
}

interface CellState {
  readonly plan: CellPlan;
  readonly cell: CellResult;
  readonly samplesMs: number[];
  /** What each measured run cost, in the order of `samplesMs`. */
  readonly usages: RunUsage[];
  /** The child processes this cell's executor started (its process workers). */
  readonly workerPids: Set<number>;
  executor: Executor<any> | undefined;
  /** Takes the executor down; set with `executor`. */
  close: (() => Promise<void>) | undefined;
  lost: Promise<Error> | undefined;
  closed: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Measures `plans` on `workload`; returns their results, in plan order, statistics not yet filled. */
export async function measureTask(
  workload: Workload,
  plans: readonly CellPlan[],
  options: MeasureOptions,
): Promise<CellResult[]> {
  const { signal } = options;
  const states: CellState[] = plans.map((plan) => {
    const cell = emptyCell(plan, workload.work);
    return {
      plan,
      cell,
      samplesMs: cell.samplesMs,
      usages: [],
      workerPids: new Set(),
      executor: undefined,
      close: undefined,
      lost: undefined,
      closed: false,
    };
  });
  let reference: { cellId: string; checksum: string } | undefined;
  let measuredMs = 0;

  const fail = (state: CellState, error: unknown): void => {
    state.closed = true;
    state.cell.status = "failed";
    state.cell.error = message(error);
    // Shut a failed cell's pool now: a broken pool must not hold workers for the rest of the run.
    void state.close?.().catch(() => undefined);
  };

  const runOnce = async (state: CellState, warmup: boolean): Promise<void> => {
    const clock = warmup ? undefined : options.meter?.run(workersOfOtherCells(states, state));
    try {
      const run = workload.run(state.executor!, signal, clock);
      const { ms, checksum } = await (state.lost
        ? Promise.race([run, state.lost.then((error) => Promise.reject(error))])
        : run);
      if (signal.aborted) return; // a run cut short by Ctrl-C is not a sample
      if (checksum !== undefined) {
        reference ??= { cellId: state.cell.id, checksum };
        if (checksum !== reference.checksum) {
          throw new Error(`results differ from ${reference.cellId}'s (${checksum} ≠ ${reference.checksum})`);
        }
      }
      if (!warmup) {
        state.samplesMs.push(ms);
        const usage = clock?.usage();
        if (usage) state.usages.push(usage);
        measuredMs += ms;
      }
      const etaMs = estimateRemainingMs(states, options);
      options.onEvent?.({
        type: "run",
        cellId: state.cell.id,
        warmup,
        run: state.samplesMs.length,
        ms,
        progress: etaMs === null ? 0 : measuredMs / Math.max(1, measuredMs + etaMs),
        etaMs,
      });
    } catch (error) {
      if (!signal.aborted) fail(state, error);
    } finally {
      clock?.stop(); // a run that threw before its end must not leave its sampler running
    }
  };

  try {
    // Start-up: one executor at a time, so that pools do not compete for the CPU while booting.
    for (const state of states) {
      if (signal.aborted) break;
      const before = new Set(options.meter?.children());
      const began = performance.now();
      try {
        const opened = await openCell(state.plan, workload, options);
        state.executor = opened.executor;
        state.close = opened.close;
        state.lost = opened.lost;
        // A pool gets one call per worker, so that every worker boots; in-process executors have
        // nothing to boot, and one call is what a user's task documents (async's "workers" is its
        // concurrency, and 40 start-up calls of a user's task are not a start-up). Distributed
        // workers are up once they serve; one call per worker reaches them all the same.
        const pooled = state.plan.executor !== "sequential" && state.plan.executor !== "async";
        await workload.ping(state.executor, pooled ? state.plan.workers : 1);
        const ms = performance.now() - began;
        for (const pid of options.meter?.children() ?? []) if (!before.has(pid)) state.workerPids.add(pid);
        state.cell.startupMs.push(ms);
        options.onEvent?.({ type: "startup", cellId: state.cell.id, ms });
        if (state.plan.executor === "distributed") {
          const roundTrip = await calibrateRoundTrip(state.executor, workload, signal);
          if (roundTrip) state.cell.roundTrip = roundTrip;
        }
      } catch (error) {
        if (!signal.aborted) fail(state, error);
      }
    }
    for (let round = 0; round < options.warmupRuns && !signal.aborted; round++) {
      for (const state of states) {
        if (signal.aborted) break;
        if (!state.closed && state.executor) await runOnce(state, true);
      }
    }
    while (!signal.aborted) {
      const round = nextRound(
        states.filter((s) => s.executor),
        options,
      );
      if (round.length === 0) break;
      for (const state of round) {
        if (signal.aborted) break;
        if (!state.closed) await runOnce(state, false);
      }
    }
  } finally {
    await Promise.all(states.map((state) => state.close?.().catch(() => undefined)));
  }
  for (const state of states) {
    if (
      state.cell.status === "ok" &&
      (!state.executor || !isSatisfied({ ...state, closed: false }, options))
    ) {
      state.cell.status = signal.aborted ? "interrupted" : "failed";
      if (!signal.aborted) state.cell.error ??= "no executor";
    }
    if (options.meter) recordUsage(state, options.meter);
    options.onEvent?.({ type: "cell-done", cell: state.cell });
  }
  return states.map((state) => state.cell);
}

/** The process workers of every cell but `state`'s: they stay warm while it runs. */
function workersOfOtherCells(states: readonly CellState[], state: CellState): Set<number> {
  return new Set(states.filter((other) => other !== state).flatMap((other) => [...other.workerPids]));
}

/** Fills the cell's resources and load from its runs' usage (when every measured run has one). */
function recordUsage(state: CellState, meter: Meter): void {
  const { cell, usages } = state;
  if (usages.length === 0 || usages.length !== state.samplesMs.length) return;
  // Without /proc only this process is measured: a process pool's work happens elsewhere.
  cell.resources =
    !meter.tree && cell.executor === "process"
      ? "unavailable"
      : cellResources(usages, meter.tree ? "tree" : "process");
  cell.load = cellLoad(usages);
}

/**
 * The matrix: which cells a task gets, their ids, and the empty results the runner fills.
 */
import type { BenchExecutor, BenchRuntime, BenchTaskId, CellResult, WorkUnit } from "./report.js";

/** One cell to run: a task under one executor with one worker count. */
export interface CellPlan {
  id: string;
  task: BenchTaskId;
  runtime: BenchRuntime;
  executor: BenchExecutor;
  workers: number;
}

/** A cell's id: `task/executor/workers`, with Python's executors prefixed `py-`. */
export function cellId(
  task: BenchTaskId,
  runtime: BenchRuntime,
  executor: BenchExecutor,
  workers: number,
): string {
  return `${task}/${runtime === "python" ? "py-" : ""}${executor}/${workers}`;
}

/**
 * The cells of one task, in report order. Sequential runs once (1 worker). Async runs once with
 * every input of a run in flight (`inputsPerRun` as its concurrency): on one event loop more
 * workers cannot help CPU work, and fewer only slow IO down. Thread and process pools run once per
 * worker count. Distributed runs once, with `distributedWorkers` worker processes: the lab starts
 * one set of them per task and keeps it for every run, as a cluster is set up once.
 */
export function planCells(
  task: BenchTaskId,
  executors: readonly BenchExecutor[],
  workers: readonly number[],
  inputsPerRun: number,
  distributedWorkers = 1,
): CellPlan[] {
  const plans: CellPlan[] = [];
  const add = (executor: BenchExecutor, count: number): void => {
    plans.push({
      id: cellId(task, "node", executor, count),
      task,
      runtime: "node",
      executor,
      workers: count,
    });
  };
  for (const executor of executors) {
    if (executor === "sequential") add(executor, 1);
    else if (executor === "async") add(executor, Math.max(1, inputsPerRun));
    else if (executor === "distributed") add(executor, distributedWorkers);
    else for (const count of workers) add(executor, count);
  }
  return plans;
}

/** An empty result for a planned cell. */
export function emptyCell(plan: CellPlan, work: WorkUnit): CellResult {
  return {
    id: plan.id,
    task: plan.task,
    runtime: plan.runtime,
    executor: plan.executor,
    workers: plan.workers,
    status: "ok",
    work,
    startupMs: [],
    samplesMs: [],
    stats: null,
    startupStats: null,
    msPerUnit: null,
  };
}

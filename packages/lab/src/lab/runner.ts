/**
 * `runBench`: the whole experiment. Starts the endpoint, measures each task's cells (see
 * measure.ts), runs the original Python experiment, and returns the BenchReport, also when it was
 * interrupted (then with what was measured so far).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import {
  LETTERS,
  describeLatency,
  downloadAndWrite,
  lettersTasksUrl,
  loadLetters,
  processLetter,
  startEndpoint,
  type CompanyRecord,
  type RunningEndpoint,
} from "../letters/index.js";
import { STATISTICAL_METHODS, compareCells, finalizeCell } from "./analyze.js";
import { planCells, type CellPlan } from "./cells.js";
import {
  endpointTemplate,
  resolveOptions,
  type BenchOptions,
  type ResolvedOptions,
  type SeedTask,
} from "./config.js";
import { redactUrl } from "@concur/distributed/names";
import { captureMachine, findPython } from "./env.js";
import { NoCellMatchError } from "./filter.js";
import { measureTask, type MeasureEvent } from "./measure.js";
import { createMeter } from "./meter.js";
import { collectNotes } from "./notes.js";
import { pythonCellPlans, runPythonExperiment } from "./python.js";
import {
  BENCH_REPORT_SCHEMA,
  BENCH_REPORT_VERSION,
  type BenchConfig,
  type BenchReport,
  type CellResult,
} from "./report.js";
import { decideVerdicts } from "./verdict.js";
import { collectWarnings } from "./warnings.js";
import { cpuWorkload, ioWorkload, selectRecords, userWorkload, type Workload } from "./workloads.js";

/** What the runner tells its caller while it works (the CLI draws a progress bar from it). */
export type BenchEvent =
  | { type: "phase"; message: string }
  | (MeasureEvent & { task: string })
  | { type: "python-sample"; cellId: string; run: number; of: number; ms: number };

/** A task's workload and the cells it runs. */
interface TaskPlan {
  workload: Workload;
  plans: CellPlan[];
}

/**
 * Applies `--filter` to the planned cells: the tasks with the cells it keeps (none dropped without
 * a filter), and the Python cells it keeps. Throws a RangeError listing every cell id when it
 * keeps none. Records the filter, and only the tasks left, in `config`.
 */
function selectCells(
  tasks: readonly TaskPlan[],
  python: readonly CellPlan[],
  opts: ResolvedOptions,
  config: BenchConfig,
): { tasks: TaskPlan[]; python: CellPlan[] } {
  const { filter } = opts;
  if (!filter) return { tasks: [...tasks], python: [...python] };
  const all = [...tasks.flatMap((task) => task.plans), ...python];
  const keep = (plans: readonly CellPlan[]): CellPlan[] => plans.filter((plan) => filter.matches(plan.id));
  const selected = keep(all);
  if (selected.length === 0) {
    throw new NoCellMatchError(
      filter.source,
      all.map((plan) => plan.id),
    );
  }
  config.filter = filter.source;
  config.tasks = config.tasks.filter((task) => selected.some((plan) => plan.task === task));
  if (config.python.enabled && keep(python).length === 0)
    config.python = { enabled: false, note: `No Python row matches --filter ${filter.source}.` };
  return {
    tasks: tasks
      .map((task) => ({ workload: task.workload, plans: keep(task.plans) }))
      .filter((task) => task.plans.length > 0),
    python: keep(python),
  };
}

/** Hooks of `runBench`. */
export interface BenchHooks {
  /** Aborting stops the run cleanly: pools shut down, the report holds what was measured. */
  signal?: AbortSignal;
  onEvent?: (event: BenchEvent) => void;
}

/** Every record the endpoint serves for a..z: Task 1 run once in this process, then loaded (not timed). */
async function fetchRecords(template: string): Promise<CompanyRecord[]> {
  const dir = await mkdtemp(join(tmpdir(), "concur-bench-data-"));
  try {
    await Promise.all(
      [...LETTERS].map((letter) => downloadAndWrite(letter, { endpoint: template, outDir: dir })),
    );
    return await loadLetters(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pythonRecordCount(opts: ResolvedOptions, nodeRecords: number): number {
  if (opts.pythonRecords !== undefined) return opts.pythonRecords;
  // Pure Python runs the loop ~100× slower: about 1/100 of Node's records gives Python rows a run
  // time close to Node's; at least one record per worker, so the pool has something to spread.
  const workers = Math.max(...opts.workersByTask.cpu);
  return Math.min(nodeRecords, Math.max(workers, Math.round(nodeRecords / 100)));
}

/**
 * Runs the benchmark and returns its report.
 * @example
 * const report = await runBench({ quick: true }, { onEvent: console.error });
 * console.log(report.verdicts.map((v) => v.sentence).join("\n"));
 */
export async function runBench(options: BenchOptions = {}, hooks: BenchHooks = {}): Promise<BenchReport> {
  const began = performance.now();
  const createdAt = new Date().toISOString();
  const signal = hooks.signal ?? new AbortController().signal;
  const emit = (event: BenchEvent): void => hooks.onEvent?.(event);
  const opts = resolveOptions(options, os.availableParallelism());
  const seedTasks = opts.tasks;
  const moduleUrl = opts.module ? moduleUrlOf(opts.module.path) : lettersTasksUrl;
  // Before anything is measured: a Redis that cannot be reached, or no worker serving the queue,
  // is said now (DistributedSetupError), not after the other cells have run.
  // Task 1 on the embedded endpoint (it listens on 127.0.0.1) can run on this machine's workers
  // only: refused at the preflight for the workers there, and in the task for any joining later.
  const onlyOnHost = opts.endpoint ? undefined : os.hostname();
  const hereOnly =
    !opts.module && seedTasks.includes("io") && onlyOnHost !== undefined
      ? {
          needs: "the io task downloads from the embedded endpoint on 127.0.0.1",
          otherwise: "or leave the io task out (--tasks cpu)",
        }
      : undefined;
  const distributedWorkers = opts.distributed
    ? await (
        await import("./distributed/open.js")
      ).preflightDistributed(opts.distributed, moduleUrl, hereOnly)
    : undefined;
  const python = await findPython();
  const { machine, finish } = await captureMachine(python);

  const pythonWanted = opts.python && seedTasks.length > 0;
  const pythonEnabled = pythonWanted && python !== null;
  const pythonNote = !opts.python
    ? "Python rows skipped (--no-python)."
    : seedTasks.length > 0 && python === null
      ? "python3 was not found: the original experiment's rows are missing (install Python 3 to compare)."
      : undefined;
  const pythonWorkers = { io: Math.max(...opts.workersByTask.io), cpu: Math.max(...opts.workersByTask.cpu) };
  const workersByTask: Record<string, number[]> = opts.module
    ? { [`user:${opts.module.task}`]: opts.workersByTask.user }
    : Object.fromEntries(seedTasks.map((task) => [task, opts.workersByTask[task]]));
  const config: BenchConfig = {
    tasks: opts.module ? [`user:${opts.module.task}`] : [...seedTasks],
    executors: [...opts.executors],
    workers: [...new Set(Object.values(workersByTask).flat())].sort((x, y) => x - y),
    workersByTask,
    warmupRuns: opts.warmupRuns,
    minRuns: opts.minRuns,
    maxRuns: opts.maxRuns,
    minTimeMs: opts.minTimeMs,
    quick: opts.quick,
    size: { factor: opts.size, records: 0, multiplier: opts.multiplier, pythonRecords: 0 },
    endpoint: { url: "", latency: "none", embedded: false },
    python: {
      enabled: pythonEnabled,
      ...(pythonNote && { note: pythonNote }),
      ...(pythonEnabled && { workers: pythonWorkers, repetitions: opts.pythonRepetitions }),
    },
    ...(opts.module && {
      module: { path: opts.module.path, task: opts.module.task, inputs: opts.module.inputs.length },
    }),
    seed: opts.seed,
    distributed:
      opts.distributed && distributedWorkers !== undefined
        ? {
            enabled: true,
            redis: redactUrl(opts.distributed.redis),
            localWorkers: opts.distributed.localWorkers !== null,
            workers: distributedWorkers,
          }
        : { enabled: false, note: NO_DISTRIBUTED_NOTE },
  };

  const cells: CellResult[] = [];
  const rule = {
    minRuns: opts.minRuns,
    maxRuns: opts.maxRuns,
    minTimeMs: opts.minTimeMs,
    warmupRuns: opts.warmupRuns,
    signal,
    meter: createMeter(),
    ...(opts.distributed && { distributed: opts.distributed }),
  };
  const measure = async ({ workload, plans }: TaskPlan): Promise<void> => {
    emit({ type: "phase", message: `${workload.task}: ${plans.length} cells` });
    const measured = await measureTask(workload, plans, {
      ...rule,
      onEvent: (event) => emit({ ...event, task: workload.task }),
    });
    cells.push(...measured);
  };
  const planOf = (workload: Workload, workers: readonly number[]): TaskPlan => ({
    workload,
    plans: planCells(workload.task, opts.executors, workers, workload.inputsPerRun, distributedWorkers),
  });

  let endpoint: RunningEndpoint | undefined;
  try {
    if (opts.module) {
      const [job] = selectCells(
        [planOf(userWorkload(moduleUrl, opts.module.task, opts.module.inputs), opts.workersByTask.user)],
        [],
        opts,
        config,
      ).tasks;
      if (job) await measure(job);
    } else {
      let template: string;
      if (opts.endpoint) {
        template = endpointTemplate(opts.endpoint);
        config.endpoint = { url: template, latency: "remote (not controlled)", embedded: false };
      } else {
        endpoint = await startEndpoint({ port: 0, seed: opts.seed, latency: opts.latency });
        template = endpoint.searchTemplate;
        config.endpoint = { url: template, latency: describeLatency(endpoint.latency), embedded: true };
      }
      emit({ type: "phase", message: `endpoint: ${template} (${config.endpoint.latency})` });
      let records: CompanyRecord[] = [];
      if (seedTasks.includes("cpu")) {
        const all = await fetchRecords(template);
        records = selectRecords(all, Math.max(1, Math.round(all.length * opts.size)));
        config.size.records = records.length;
      }
      // Every cell is planned (the cpu cells' ids need the records) and filtered before any runs.
      const selected = selectCells(
        seedTasks.map((task) =>
          planOf(
            task === "io"
              ? ioWorkload(template, undefined, onlyOnHost)
              : cpuWorkload(records, opts.multiplier),
            opts.workersByTask[task],
          ),
        ),
        pythonEnabled ? pythonCellPlans(seedTasks, opts.executors, pythonWorkers) : [],
        opts,
        config,
      );
      for (const job of selected.tasks) {
        if (signal.aborted) break;
        await measure(job);
      }
      if (pythonEnabled && selected.python.length > 0 && !signal.aborted) {
        const pyRecords = seedTasks.includes("cpu")
          ? selectRecords(records, pythonRecordCount(opts, records.length))
          : [];
        config.size.pythonRecords = pyRecords.length;
        cells.push(
          ...(await runPython(
            python.command,
            seedTasks,
            opts,
            template,
            pyRecords,
            pythonWorkers,
            signal,
            emit,
            config,
          )),
        );
      }
    }
  } finally {
    await endpoint?.close();
  }

  for (const cell of cells) finalizeCell(cell);
  const comparisons = compareCells(cells, machine);
  finish();
  const interrupted = signal.aborted;
  const partial = { cells, comparisons, config, machine, interrupted };
  return {
    schema: BENCH_REPORT_SCHEMA,
    version: BENCH_REPORT_VERSION,
    createdAt,
    durationMs: performance.now() - began,
    interrupted,
    config,
    machine,
    cells,
    comparisons,
    statistics: STATISTICAL_METHODS,
    verdicts: decideVerdicts(partial),
    warnings: collectWarnings(partial),
    notes: collectNotes(config, cells),
  };
}

/** The module of a user's task, from a path or a file URL. */
function moduleUrlOf(path: string): URL {
  return path.startsWith("file:") ? new URL(path) : pathToFileURL(path);
}

/** What a report without distributed rows says about them. */
const NO_DISTRIBUTED_NOTE =
  "No distributed row: --redis <url> (or distributed in --executors) adds one, the tasks going through " +
  "that Redis to `concur worker` processes the lab starts here (--no-local-workers: to yours).";

async function runPython(
  command: string,
  tasks: readonly SeedTask[],
  opts: ResolvedOptions,
  template: string,
  records: CompanyRecord[],
  workers: { io: number; cpu: number },
  signal: AbortSignal,
  emit: (event: BenchEvent) => void,
  config: BenchConfig,
): Promise<CellResult[]> {
  emit({ type: "phase", message: `python: the original experiment (${command})` });
  const result = await runPythonExperiment({
    command,
    tasks,
    executors: opts.executors,
    endpointTemplate: template,
    records,
    multiplier: opts.multiplier,
    workers,
    repetitions: opts.pythonRepetitions,
    ...(opts.filter && { include: opts.filter.matches }),
    // Node's own result on the same records: Python must agree.
    cpuChecksum: records.reduce((sum, record) => sum + processLetter(record, opts.multiplier), 0),
    signal,
    onSample: (cell, ms) =>
      emit({
        type: "python-sample",
        cellId: cell.id,
        run: cell.samplesMs.length,
        of: opts.pythonRepetitions,
        ms,
      }),
  });
  if (result.error) config.python.note = `The Python experiment failed: ${result.error}`;
  return result.cells;
}

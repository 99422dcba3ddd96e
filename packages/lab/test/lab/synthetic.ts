/** Builds synthetic cells and reports for the lab's tests: numbers chosen, no timing involved. */
import { STATISTICAL_METHODS, compareCells, finalizeCell } from "../../src/lab/analyze.js";
import { cellId, emptyCell } from "../../src/lab/cells.js";
import type {
  BenchExecutor,
  BenchReport,
  BenchRuntime,
  BenchTaskId,
  CellResult,
  MachineContext,
} from "../../src/lab/report.js";
import { SPIKE_CORES } from "../../src/lab/usage.js";
import { decideVerdicts } from "../../src/lab/verdict.js";
import { collectWarnings } from "../../src/lab/warnings.js";

/** `n` samples spread evenly over ms × (1 ± spread): median exactly `ms`, a narrow interval. */
export function around(ms: number, n = 8, spread = 0.01): number[] {
  if (n === 1) return [ms];
  return Array.from({ length: n }, (_, i) => ms * (1 + spread * ((2 * i) / (n - 1) - 1)));
}

export function cell(
  task: BenchTaskId,
  executor: BenchExecutor,
  workers: number,
  samples: number[],
  options: { runtime?: BenchRuntime; startup?: number[]; status?: CellResult["status"] } = {},
): CellResult {
  const runtime = options.runtime ?? "node";
  const result = emptyCell(
    { id: cellId(task, runtime, executor, workers), task, runtime, executor, workers },
    task === "cpu" ? { name: "record", perRun: 10, innerIterations: 1e7 } : { name: "request", perRun: 26 },
  );
  result.samplesMs.push(...samples);
  result.startupMs.push(...(options.startup ?? []));
  if (options.status) result.status = options.status;
  return finalizeCell(result);
}

/** What a measured cell records besides its times; per run, the same for every run. */
export interface SyntheticUsage {
  userMs?: number;
  systemMs?: number;
  rssBytes?: number;
  /** The most CPU other processes took, in cores; null: too short to tell. */
  otherCores?: number | null;
  scope?: "tree" | "process";
}

/** Gives a cell the CPU time, peak memory and machine load of its measured runs (in place). */
export function withUsage(result: CellResult, usage: SyntheticUsage = {}): CellResult {
  result.resources = {
    scope: usage.scope ?? "tree",
    cpuUserMs: result.samplesMs.map(() => usage.userMs ?? 100),
    cpuSystemMs: result.samplesMs.map(() => usage.systemMs ?? 5),
    peakRssBytes: usage.rssBytes ?? 90 * 2 ** 20,
  };
  const other = usage.otherCores === undefined ? 0.05 : usage.otherCores;
  result.load = {
    samples: 2 * result.samplesMs.length,
    maxLoadAverage: 1.5,
    maxOtherCpuCores: other,
    meanOtherCpuCores: other,
    spike: other !== null && other > SPIKE_CORES,
  };
  return result;
}

export function machine(overrides: Partial<MachineContext> = {}): MachineContext {
  return {
    cpuModel: "Test CPU",
    cores: 2,
    availableParallelism: 2,
    memoryBytes: 8 * 2 ** 30,
    platform: "linux",
    arch: "x64",
    nodeVersion: "v20.0.0",
    pythonVersion: "3.11.0",
    loadAverageStart: [0.1, 0.1, 0.1],
    loadAverageEnd: [0.5, 0.2, 0.1],
    concurVersion: "0.0.0-test",
    ...overrides,
  };
}

export function report(cells: CellResult[], overrides: Partial<BenchReport> = {}): BenchReport {
  const m = overrides.machine ?? machine();
  const comparisons = compareCells(cells, m);
  const interrupted = overrides.interrupted ?? false;
  const base: BenchReport = {
    schema: "concur.bench-report",
    version: 2,
    createdAt: "2025-01-01T00:00:00.000Z",
    durationMs: 1234,
    interrupted,
    config: {
      tasks: [...new Set(cells.map((c) => c.task))],
      executors: ["sequential", "async", "thread", "process"],
      workers: [1, 2],
      warmupRuns: 1,
      minRuns: 5,
      maxRuns: 30,
      minTimeMs: 1000,
      quick: false,
      size: { factor: 0.25, records: 10, multiplier: 99, pythonRecords: 2 },
      endpoint: {
        url: "http://127.0.0.1:1/api/company/search/?q={letter}",
        latency: "fixed 25ms",
        embedded: true,
      },
      python: { enabled: true },
      seed: 1,
    },
    machine: m,
    cells,
    comparisons,
    statistics: STATISTICAL_METHODS,
    verdicts: [],
    warnings: [],
    notes: [],
  };
  const merged = { ...base, ...overrides };
  merged.verdicts = overrides.verdicts ?? decideVerdicts(merged);
  merged.warnings = overrides.warnings ?? collectWarnings(merged);
  return merged;
}

/** Gives a distributed cell its round-trip calibration (in place): samples chosen, medians known. */
export function withRoundTrip(result: CellResult, distributedMs: number[], localMs: number[]): CellResult {
  const mid = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    const half = sorted.length / 2;
    return sorted.length % 2 ? sorted[Math.floor(half)]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  result.roundTrip = {
    calls: distributedMs.length,
    distributedMs,
    localMs,
    localExecutor: "thread",
    overheadMs: Math.max(0, mid(distributedMs) - mid(localMs)),
  };
  return result;
}

/**
 * The BenchReport document: the single source of truth of a `concur bench` run. Every reporter
 * (terminal, JSON, Markdown, HTML) renders this and nothing else. Its JSON Schema lives in
 * `schema/bench-report.schema.json`; bump `BENCH_REPORT_VERSION` on any incompatible change.
 */

export const BENCH_REPORT_SCHEMA = "concur.bench-report" as const;
export const BENCH_REPORT_VERSION = 1 as const;

/** Which workload a cell measures: the seed's two tasks, or a user's own task. */
export type BenchTaskId = "io" | "cpu" | `user:${string}`;

/** Who ran the cell: concur on Node, or the seed's original Python script. */
export type BenchRuntime = "node" | "python";

/** Executor names across runtimes (Python has only `thread` and `process`, plus `sequential`). */
export type BenchExecutor = "sequential" | "async" | "thread" | "process";

/** The run's settings, as resolved (defaults filled in). */
export interface BenchConfig {
  tasks: BenchTaskId[];
  executors: BenchExecutor[];
  /** Worker counts tried for the pools (and concurrency for async). */
  workers: number[];
  warmupRuns: number;
  minRuns: number;
  maxRuns: number;
  /** Minimum measuring time per cell, milliseconds. */
  minTimeMs: number;
  quick: boolean;
  /** How much CPU work one Task 2 run does. */
  size: {
    /** Records processed per run (all the letters' records at size 1). */
    records: number;
    /** The seed's multiplier `m` (99 in the seed). */
    multiplier: number;
    /** Records the Python CPU rows process per run (a subset when Python is slow). */
    pythonRecords: number;
  };
  endpoint: {
    url: string;
    /** e.g. "fixed 100ms", "lognormal median 80ms p99 400ms". */
    latency: string;
    embedded: boolean;
  };
  python: { enabled: boolean; note?: string };
  /** Set when a user's own module is benchmarked. */
  module?: { path: string; task: string; inputs: number };
  seed: number;
}

/** Where the numbers came from. */
export interface MachineContext {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  memoryBytes: number;
  platform: string;
  arch: string;
  nodeVersion: string;
  pythonVersion: string | null;
  /** os.loadavg() at the start and the end of the run. */
  loadAverageStart: [number, number, number];
  loadAverageEnd: [number, number, number];
  concurVersion: string;
}

/** Summary statistics of one sample of durations (milliseconds). */
export interface SampleStats {
  n: number;
  median: number;
  mean: number;
  stddev: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
  min: number;
  max: number;
  /** 95% confidence interval of the median (bootstrap) or the mean (Student t, when n is small). */
  ci95: { low: number; high: number; method: "bootstrap-median" | "student-t-mean" };
  /** Indexes into the samples of runs whose modified z-score exceeds 3.5. */
  outliers: number[];
  /** Relative spread: MAD ÷ median (0 when the median is 0). */
  relativeSpread: number;
}

/** What one run of a cell does, so cells of different sizes compare per unit of work. */
export interface WorkUnit {
  /** "request" (io), "record" (cpu), "input" (user task). */
  name: string;
  /** Units in one run. */
  perRun: number;
  /** Inner-loop iterations in one run (cpu only), for per-million-iterations comparisons. */
  innerIterations?: number;
}

/** One row of the matrix: a task under one executor with one worker count. */
export interface CellResult {
  id: string;
  task: BenchTaskId;
  runtime: BenchRuntime;
  executor: BenchExecutor;
  /** Workers (pools) or concurrency (async); 1 for sequential. */
  workers: number;
  status: "ok" | "failed" | "interrupted";
  /** Why the cell failed, when it did. */
  error?: string;
  work: WorkUnit;
  /** Pool creation to ready, per run, milliseconds (0 for in-process executors). */
  startupMs: number[];
  /** Steady-state wall time per measured run, milliseconds. */
  samplesMs: number[];
  stats: SampleStats | null;
  startupStats: SampleStats | null;
  /** Median time per unit of work, milliseconds. */
  msPerUnit: number | null;
}

/** A cell against its task's sequential baseline (same runtime). */
export interface Comparison {
  task: BenchTaskId;
  runtime: BenchRuntime;
  cellId: string;
  baselineId: string;
  /** baseline median ÷ cell median; > 1 is faster. */
  speedup: number;
  speedupCi95: { low: number; high: number };
  /** False when the two intervals overlap: the difference may be noise. */
  significant: boolean;
}

/** The answer for one task, in one sentence and in fields. */
export interface Verdict {
  task: BenchTaskId;
  winnerCellId: string | null;
  speedup: number | null;
  sentence: string;
}

/** The whole document. */
export interface BenchReport {
  schema: typeof BENCH_REPORT_SCHEMA;
  version: typeof BENCH_REPORT_VERSION;
  createdAt: string;
  durationMs: number;
  /** True when the run was stopped (Ctrl-C) and holds only what was measured by then. */
  interrupted: boolean;
  config: BenchConfig;
  machine: MachineContext;
  cells: CellResult[];
  comparisons: Comparison[];
  verdicts: Verdict[];
  /** Hyperfine-style warnings: few runs, high spread, machine load above the core count. */
  warnings: string[];
}

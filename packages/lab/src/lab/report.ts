/**
 * The BenchReport document: the single source of truth of a `concur bench` run. Every reporter
 * (terminal, JSON, Markdown, HTML) renders this and nothing else. Its JSON Schema lives in
 * `schema/bench-report.schema.json`; bump `BENCH_REPORT_VERSION` on any incompatible change.
 */

/** The `schema` field of every report: what kind of document this is. */
export const BENCH_REPORT_SCHEMA = "concur.bench-report" as const;
/** The document's version: bumped on any incompatible change to the fields below. */
export const BENCH_REPORT_VERSION = 2 as const;

/** Which workload a cell measures: the seed's two tasks, or a user's own task. */
export type BenchTaskId = "io" | "cpu" | `user:${string}`;

/** Who ran the cell: concur on Node, or the seed's original Python script. */
export type BenchRuntime = "node" | "python";

/**
 * Executor names across runtimes (Python has only `thread` and `process`, plus `sequential`).
 * `distributed` is concur's DistributedExecutor: tasks through Redis to `concur worker`s.
 */
export type BenchExecutor = "sequential" | "async" | "thread" | "process" | "distributed";

/** The run's settings, as resolved (defaults filled in). */
export interface BenchConfig {
  tasks: BenchTaskId[];
  executors: BenchExecutor[];
  /**
   * Worker counts tried for the pools: the union over tasks (see `workersByTask`). The async
   * executor runs one cell per task with every input in flight at once; sequential runs once.
   */
  workers: number[];
  /** Worker counts per task, when they differ (by default IO tries more workers than cores). */
  workersByTask?: Record<string, number[]>;
  warmupRuns: number;
  minRuns: number;
  maxRuns: number;
  /** Minimum measuring time per cell, milliseconds. */
  minTimeMs: number;
  quick: boolean;
  /** How much CPU work one Task 2 run does. */
  size: {
    /** The `--size` factor: 1 is the seed's full Task 2 (every record, multiplier 99). */
    factor?: number;
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
  python: {
    enabled: boolean;
    /** Why Python rows are missing or differ (python3 not found, `--no-python`, a failure). */
    note?: string;
    /** Worker count of the Python pools, per task. */
    workers?: { io: number; cpu: number };
    /** Measured repetitions per Python cell. */
    repetitions?: number;
  };
  /** Set when a user's own module is benchmarked. */
  module?: { path: string; task: string; inputs: number };
  seed: number;
  /** The `--filter` patterns, when only some cells ran (see `parseCellFilter`). */
  filter?: string;
  /**
   * The distributed rows: whether they ran, against which Redis and workers, or how to add
   * them. Absent in reports from before the lab had them.
   */
  distributed?: {
    enabled: boolean;
    /** How to add the rows, or why they are missing. */
    note?: string;
    /** Redis URL, without its password. */
    redis?: string;
    /** True when the lab started the workers on this machine; false for the user's own. */
    localWorkers?: boolean;
    /** Worker processes serving the queue. */
    workers?: number;
  };
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
  /**
   * Variables set in this environment that every Node process start pays for (and so every
   * process worker): NODE_EXTRA_CA_CERTS is read at each start, NODE_OPTIONS applies its flags.
   * Absent in reports from before it was recorded.
   */
  startupEnv?: string[];
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
  /**
   * The distribution-free 95% confidence interval of the median (order statistics), with its exact
   * coverage; null below the runs such an interval needs (see `StatisticalMethods`).
   */
  ci95: { low: number; high: number; method: "order-statistic-median"; coverage: number } | null;
  /** Indexes into the samples of runs whose modified z-score exceeds 3.5. */
  outliers: number[];
  /** Relative spread: MAD ÷ median (0 when the median is 0). */
  relativeSpread: number;
  /** The 75th percentile (linear interpolation, R's type 7). Absent in reports from before it was recorded. */
  p75?: number;
  /** The 99th percentile (as p75; with few runs, close to the maximum). */
  p99?: number;
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

/** CPU time and memory a cell's measured runs took (`CellResult.resources`). */
export interface CellResources {
  /**
   * What was measured: `tree`, this process (the lab, its worker threads, the embedded endpoint)
   * and every child process, from /proc; `process`, this process only (no /proc: never for process
   * pools, whose cells are then "unavailable").
   */
  scope: "tree" | "process";
  /** User CPU time of each measured run, milliseconds, in the order of `samplesMs`. */
  cpuUserMs: number[];
  /** System CPU time of each measured run, milliseconds. */
  cpuSystemMs: number[];
  /** The highest resident memory of the scope seen during the measured runs, bytes (sampled). */
  peakRssBytes: number;
}

/** The machine's load while a cell's measured runs ran (`CellResult.load`), from /proc. */
export interface CellLoad {
  /** Readings taken: at each run's start and end, and every 250 ms in between. */
  samples: number;
  /** The highest 1-minute load average read (this run's own workers count in it). */
  maxLoadAverage: number;
  /**
   * CPU other processes took, in cores (0.25 is a quarter of one core): the highest over windows
   * of 500 ms of this cell's running, and the mean over all of it; null when the cell ran for too
   * short a time to tell (under 250 ms in all).
   */
  maxOtherCpuCores: number | null;
  meanOtherCpuCores: number | null;
  /** True when other processes took more than 0.25 of a core in some window: timings may be inflated. */
  spike: boolean;
}

/** One row of the matrix: a task under one executor with one worker count. */
export interface CellResult {
  id: string;
  task: BenchTaskId;
  runtime: BenchRuntime;
  executor: BenchExecutor;
  /** Workers (pools) or concurrency (async: every input of a run at once); 1 for sequential. */
  workers: number;
  status: "ok" | "failed" | "interrupted";
  /** Why the cell failed, when it did. */
  error?: string;
  work: WorkUnit;
  /**
   * Start-up, milliseconds, one entry per executor created (normally one per cell): from the
   * executor's creation until `workers` no-op calls, submitted at once, have all returned (a pool
   * boots workers in parallel for them; in-process executors only import the task module). For a
   * user's task, whose module has no no-op, the calls are the task on its first input.
   */
  startupMs: number[];
  /** Steady-state wall time per measured run, milliseconds. */
  samplesMs: number[];
  stats: SampleStats | null;
  startupStats: SampleStats | null;
  /** Median time per unit of work, milliseconds. */
  msPerUnit: number | null;
  /**
   * Median time per million inner-loop iterations (cpu only), milliseconds: the fair comparison
   * between cells that processed different records (Python's subset against Node's set).
   */
  msPerMillionIterations?: number | null;
  /** Units of work per second at the median: `work.perRun` ÷ the median in seconds. */
  throughputPerSecond?: number | null;
  /**
   * CPU time and peak memory of the measured runs; "unavailable" when they cannot be measured
   * here (a process pool without /proc). Absent for Python's rows (one script runs them all,
   * interleaved) and in reports from before it was recorded.
   */
  resources?: CellResources | "unavailable";
  /** The machine's load during the measured runs; "unavailable" without /proc. Absent as `resources`. */
  load?: CellLoad | "unavailable";
  /** The distributed cell's calibration: what a round trip through Redis adds per task. */
  roundTrip?: RoundTrip;
}

/**
 * A no-op task's round trip, one call at a time, through the distributed executor and through a
 * one-worker thread pool on this machine (alternating, after their start-up and a few warm-up
 * calls, outside the measured runs). The difference of the medians is what distributing adds to
 * each task: Redis, the job's bookkeeping, and the hops to the worker and back.
 */
export interface RoundTrip {
  /** Calls timed on each executor. */
  calls: number;
  /** Each call's round trip through the distributed executor, milliseconds. */
  distributedMs: number[];
  /** Each call's round trip through the local pool, milliseconds. */
  localMs: number[];
  /** The local pool compared with. */
  localExecutor: "thread";
  /** median(distributedMs) − median(localMs), at least 0. */
  overheadMs: number;
}

/** A cell against its task's sequential baseline (same runtime). */
export interface Comparison {
  task: BenchTaskId;
  runtime: BenchRuntime;
  cellId: string;
  baselineId: string;
  /** baseline median ÷ cell median; > 1 is faster. */
  speedup: number;
  /**
   * Percentile-bootstrap 95% interval of the ratio of medians (seeded), its top capped at what the
   * machine allows for CPU-bound pools; null when either cell has too few runs for an interval.
   */
  speedupCi95: { low: number; high: number } | null;
  /** Two-sided p-value of the difference (see `test`). */
  pValue: number;
  test: "mann-whitney-exact" | "mann-whitney-normal";
  /** What the comparison found, the source of every reporter's wording. */
  change: "faster" | "slower" | "within-noise" | "too-few-runs";
  /** True for a change (faster or slower), false within noise, null when too few runs to tell. */
  significant: boolean | null;
}

/** How the report's statistics were computed, so that every reporter can say so. */
export interface StatisticalMethods {
  /** The interval printed beside each median. */
  interval: "order-statistic-median";
  /** The interval of each speedup. */
  speedupInterval: "bootstrap-ratio-of-medians";
  bootstrap: { resamples: number; seed: number };
  /** The test of a difference between two cells. */
  test: "mann-whitney";
  alpha: number;
  /** Changes smaller than this fraction are within noise even when detected. */
  noiseThreshold: number;
  /** Cells with fewer runs get no interval and no judgement of significance. */
  minRunsForInterval: number;
}

/** The answer for one task, in one sentence and in fields. */
export interface Verdict {
  task: BenchTaskId;
  /** Whose cells the verdict is about. @default "node" */
  runtime?: BenchRuntime;
  winnerCellId: string | null;
  speedup: number | null;
  /** The winner's speedup interval, when there is a winner and it has one. */
  speedupCi95?: { low: number; high: number } | null;
  /**
   * True when the winner's lead is significant (over sequential, or when sequential wins, over the
   * closest cell); false within noise; null when there were too few runs to tell. Reporters star
   * the winner only when true.
   */
  significant?: boolean | null;
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
  statistics: StatisticalMethods;
  verdicts: Verdict[];
  /** Hyperfine-style warnings: few runs, high spread, machine load above the core count. */
  warnings: string[];
  /**
   * Facts a reader needs to read the numbers right, e.g. that Python's CPU rows ran a subset of
   * the records and are compared per unit of work.
   */
  notes?: string[];
}

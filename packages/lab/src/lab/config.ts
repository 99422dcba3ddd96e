/**
 * What `concur bench` runs when told nothing: the defaults, and how options resolve against them
 * and the machine. The defaults are budgeted so that `npm start` takes about a minute on 2 cores
 * and `--quick` about 15 seconds.
 */
import { defaultRedisUrl, type DistributedTarget } from "./distributed/target.js";
import { parseCellFilter, type CellFilter } from "./filter.js";
import { MIN_RUNS_FOR_INTERVAL } from "./inference.js";
import type { BenchExecutor } from "./report.js";

/** The seed's tasks. */
export type SeedTask = "io" | "cpu";

/** The executors a bench runs when told none, in the order reports list them: this machine's. */
export const BENCH_EXECUTORS: readonly BenchExecutor[] = ["sequential", "async", "thread", "process"];

/**
 * Every executor a bench can run, in report order: this machine's and the distributed one, which
 * needs a Redis and so runs only when asked for (`distributed` in `executors`, or `distributed`
 * options given).
 */
export const ALL_BENCH_EXECUTORS: readonly BenchExecutor[] = [...BENCH_EXECUTORS, "distributed"];

/** The seed's tasks, in the order they run. */
export const SEED_TASKS: readonly SeedTask[] = ["io", "cpu"];

/** A user's own task: any exported function of any module, over given inputs. */
export interface UserTaskOptions {
  /** Path (or file URL) of the task module. */
  path: string;
  /** Name of the exported function. */
  task: string;
  /** The inputs: one call per input and run. */
  inputs: readonly unknown[];
}

/** Options of `runBench`; everything is optional and resolves to a `BenchConfig`. */
export interface BenchOptions {
  /** @default ["io", "cpu"] (or only the user's task when `module` is given) */
  tasks?: readonly SeedTask[];
  /** @default every executor of this machine, and distributed when `distributed` is given */
  executors?: readonly BenchExecutor[];
  /**
   * The distributed rows' Redis and workers; giving it adds the rows (one cell per task). Every
   * field is optional: Redis defaults to REDIS_URL, else redis://127.0.0.1:6379; the lab starts
   * as many local `concur worker` processes as the machine has cores (`localWorkers: null` uses
   * the workers already serving the queue).
   */
  distributed?: Partial<DistributedTarget>;
  /**
   * Worker counts of the thread and process pools, for every task.
   * @default io: 1, 2, 4, 8 and the core count; cpu: 1, half the cores and the core count
   */
  workers?: readonly number[];
  /** Unmeasured runs per cell after its start-up. @default 1 */
  warmupRuns?: number;
  /** @default 10 (quick: 6, the fewest with an interval of the median) */
  minRuns?: number;
  /** @default 30 (quick: 6) */
  maxRuns?: number;
  /** Minimum measured time per cell, milliseconds. @default 1000 (quick: 0) */
  minTimeMs?: number;
  /** CI-sized run: fewer runs, less work, lower latency. @default false */
  quick?: boolean;
  /**
   * CPU work per run as a fraction of the seed's full Task 2 (every record of every letter at
   * multiplier 99): 1 is the full workload, 0.25 a quarter of the records, 2 every record twice.
   * @default 0.25 (quick: 0.03)
   */
  size?: number;
  /** The seed's multiplier `m`; the loop runs (name.length·m) × (url.length·m) times. @default 99 */
  multiplier?: number;
  /** Latency of the embedded endpoint (see `parseLatency`). @default "25ms" (quick: "10ms") */
  latency?: string;
  /**
   * A remote endpoint instead of the embedded one: a URL template with `{letter}`, or a base URL
   * to which `/api/company/search/?q={letter}` is appended.
   */
  endpoint?: string;
  /** Seed of the embedded endpoint's data. @default 1 */
  seed?: number;
  /** Run the original Python experiment too, when python3 is found. @default true */
  python?: boolean;
  /** Records the Python CPU rows process (pure Python is ~100× slower). @default ~1/100 of Node's, at least one per worker */
  pythonRecords?: number;
  /** Measured runs per Python cell. @default 6 (quick: 1, too few to judge: quick skips that cost) */
  pythonRepetitions?: number;
  /** Benchmark a user's task instead of the seed's. */
  module?: UserTaskOptions;
  /**
   * Run only the cells whose id matches: comma-separated glob patterns over the whole id
   * (`cpu/thread/*`, `io/async/*`; `*` any characters, `?` one). One that matches no cell is a
   * RangeError listing the cell ids, thrown before any cell runs.
   */
  filter?: string;
}

/** The settings every default resolves to, before the machine and the data are known. */
export interface ResolvedOptions {
  tasks: SeedTask[];
  executors: BenchExecutor[];
  workersByTask: Record<SeedTask | "user", number[]>;
  warmupRuns: number;
  minRuns: number;
  maxRuns: number;
  minTimeMs: number;
  quick: boolean;
  size: number;
  multiplier: number;
  latency: string;
  endpoint: string | undefined;
  seed: number;
  python: boolean;
  pythonRecords: number | undefined;
  pythonRepetitions: number;
  module: UserTaskOptions | undefined;
  filter: CellFilter | undefined;
  /** Set when the distributed rows run. */
  distributed: DistributedTarget | undefined;
}

/** The defaults, and what `--quick` changes. */
export const DEFAULTS = {
  normal: {
    warmupRuns: 1,
    minRuns: 10,
    maxRuns: 30,
    minTimeMs: 1000,
    size: 0.25,
    latency: "25ms",
    // Enough for an interval and a verdict on Python's rows too (3 runs could give neither).
    pythonRepetitions: MIN_RUNS_FOR_INTERVAL,
  },
  // Quick runs exactly MIN_RUNS_FOR_INTERVAL runs per cell: the fewest with a distribution-free
  // interval and a test that can reach p < 0.05 (3 runs never can: the smallest Mann–Whitney p of
  // 3 against 3 is 0.1), and a fixed count so that repeated quick runs do the same experiment.
  quick: {
    warmupRuns: 1,
    minRuns: MIN_RUNS_FOR_INTERVAL,
    maxRuns: MIN_RUNS_FOR_INTERVAL,
    minTimeMs: 0,
    size: 0.03,
    latency: "10ms",
    pythonRepetitions: 1,
  },
  multiplier: 99,
  seed: 1,
} as const;

function unique(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * Default worker counts. IO waits, so more workers than cores still help: 1, 2, 4, 8 and the core
 * count. CPU work cannot use more workers than cores: 1, half the cores, all of them. `--quick`
 * keeps the ends only.
 */
export function defaultWorkers(cores: number, quick: boolean): Record<SeedTask | "user", number[]> {
  const n = Math.max(1, cores);
  if (quick) return { io: unique([1, Math.max(4, n)]), cpu: unique([1, n]), user: unique([1, n]) };
  return {
    io: unique([1, 2, 4, 8, n]),
    cpu: unique([1, Math.ceil(n / 2), n]),
    user: unique([1, Math.ceil(n / 2), n]),
  };
}

/** Fills the defaults in; throws a RangeError naming the option that is out of range. */
export function resolveOptions(options: BenchOptions, cores: number): ResolvedOptions {
  const quick = options.quick ?? false;
  const base = quick ? DEFAULTS.quick : DEFAULTS.normal;
  const workersByTask = options.workers?.length
    ? { io: unique(options.workers), cpu: unique(options.workers), user: unique(options.workers) }
    : defaultWorkers(cores, quick);
  const asked = options.executors ?? [
    ...BENCH_EXECUTORS,
    ...(options.distributed ? ["distributed" as const] : []),
  ];
  if (options.distributed && !asked.includes("distributed"))
    throw new RangeError("distributed options were given, but executors leaves distributed out");
  const resolved: ResolvedOptions = {
    tasks: options.module ? [] : [...new Set(options.tasks ?? SEED_TASKS)],
    executors: ALL_BENCH_EXECUTORS.filter((kind) => asked.includes(kind)),
    workersByTask,
    warmupRuns: options.warmupRuns ?? base.warmupRuns,
    minRuns: options.minRuns ?? base.minRuns,
    maxRuns: options.maxRuns ?? Math.max(base.maxRuns, options.minRuns ?? 0),
    minTimeMs: options.minTimeMs ?? base.minTimeMs,
    quick,
    size: options.size ?? base.size,
    multiplier: options.multiplier ?? DEFAULTS.multiplier,
    latency: options.latency ?? base.latency,
    endpoint: options.endpoint,
    seed: options.seed ?? DEFAULTS.seed,
    python: options.python ?? true,
    pythonRecords: options.pythonRecords,
    pythonRepetitions:
      options.pythonRepetitions ?? Math.min(options.minRuns ?? Infinity, base.pythonRepetitions),
    module: options.module,
    filter: options.filter === undefined ? undefined : parseCellFilter(options.filter),
    distributed: asked.includes("distributed")
      ? {
          redis: options.distributed?.redis ?? defaultRedisUrl(),
          localWorkers:
            options.distributed?.localWorkers === undefined
              ? Math.max(1, cores)
              : options.distributed.localWorkers,
          ...(options.distributed?.prefix !== undefined && { prefix: options.distributed.prefix }),
          ...(options.distributed?.queue !== undefined && { queue: options.distributed.queue }),
        }
      : undefined,
  };
  check(resolved);
  return resolved;
}

function check(r: ResolvedOptions): void {
  const positiveInt = (name: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
  };
  if (r.executors.length === 0) throw new RangeError("executors must name at least one executor");
  if (!r.module && r.tasks.length === 0) throw new RangeError("tasks must name at least one task");
  for (const list of Object.values(r.workersByTask)) list.forEach((w) => positiveInt("workers", w));
  if (!Number.isSafeInteger(r.warmupRuns) || r.warmupRuns < 0) {
    throw new RangeError(`warmupRuns must be a non-negative integer, got ${r.warmupRuns}`);
  }
  positiveInt("minRuns", r.minRuns);
  positiveInt("maxRuns", r.maxRuns);
  if (r.maxRuns < r.minRuns) throw new RangeError(`maxRuns (${r.maxRuns}) is below minRuns (${r.minRuns})`);
  if (!Number.isFinite(r.minTimeMs) || r.minTimeMs < 0)
    throw new RangeError(`minTimeMs must be ≥ 0, got ${r.minTimeMs}`);
  if (!Number.isFinite(r.size) || r.size <= 0 || r.size > 100)
    throw new RangeError(`size must be in (0, 100], got ${r.size}`);
  positiveInt("multiplier", r.multiplier);
  if (r.pythonRecords !== undefined) positiveInt("pythonRecords", r.pythonRecords);
  positiveInt("pythonRepetitions", r.pythonRepetitions);
  if (!Number.isSafeInteger(r.seed) || r.seed < 0)
    throw new RangeError(`seed must be a non-negative integer, got ${r.seed}`);
  if (r.distributed && r.distributed.localWorkers !== null)
    positiveInt("distributed.localWorkers", r.distributed.localWorkers);
}

/**
 * Turns `--endpoint` into a URL template: kept as is when it holds `{letter}`, otherwise the
 * company-search path is appended to it.
 */
export function endpointTemplate(endpoint: string): string {
  if (endpoint.includes("{letter}")) return endpoint;
  return `${endpoint.replace(/\/+$/, "")}/api/company/search/?q={letter}`;
}

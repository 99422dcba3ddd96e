/**
 * `concur bench`: measures which executor wins on the seed's tasks (or on a user's own task),
 * prints the table and the verdict on stdout, progress on stderr, and writes the requested
 * reports. Ctrl-C stops cleanly and still reports what was measured (exit 130; 143 after SIGTERM).
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseLatency } from "../../letters/index.js";
import {
  ALL_BENCH_EXECUTORS,
  BENCH_EXECUTORS,
  DEFAULTS,
  SEED_TASKS,
  type BenchOptions,
  type SeedTask,
} from "../../lab/config.js";
import { DistributedSetupError } from "../../lab/distributed/errors.js";
import { claimsStdout, prepareOutputs, writeOutputs, type OutputTargets } from "../../lab/outputs.js";
import { oneOnStdout } from "../stdout-targets.js";
import { NoCellMatchError, parseCellFilter } from "../../lab/filter.js";
import { PreflightError, checkTargets, checkTaskModule } from "../../lab/preflight.js";
import { createProgress } from "../../lab/progress.js";
import { compareWithBaseline, parseThreshold, renderBaseline } from "../../lab/regression.js";
import { validateReport } from "../../lab/validate.js";
import { renderTerminal } from "../../lab/reporters/terminal.js";
import type { BenchExecutor, BenchReport } from "../../lab/report.js";
import { runBench } from "../../lab/runner.js";
import { printable } from "../../letters/printable.js";
import { SIGNALS_HELP, onInterrupt } from "../interrupt.js";
import { JSON_HELP, addJsonOptions, jsonTarget, type JsonFlags } from "../json-flags.js";
import {
  addDistributedOptions,
  distributedTarget,
  givenDistributedFlags,
  type DistributedFlags,
} from "../distributed-flags.js";
import { UsageError, exitCodes, parseChoice, parsePositiveInt, parsePositiveIntList } from "../usage.js";

interface BenchFlags extends JsonFlags, DistributedFlags {
  distributedWorkers?: string;
  tasks?: string;
  executors?: string;
  workers?: string;
  runs?: string;
  minRuns?: string;
  maxRuns?: string;
  minTime?: string;
  warmup?: string;
  quick?: boolean;
  size?: string;
  multiplier?: string;
  latency?: string;
  endpoint?: string;
  seed?: string;
  python: boolean;
  pythonRecords?: string;
  markdown?: string;
  html?: string;
  module?: string;
  task?: string;
  inputs?: string;
  baseline?: string;
  failIfSlower?: string;
  exportCsv?: string;
  filter?: string;
  quiet?: boolean;
  color: boolean;
}

/** Adds `concur bench`. */
export function register(program: Command): void {
  const n = DEFAULTS.normal;
  const q = DEFAULTS.quick;
  const command = program
    .command("bench")
    .description(
      "Measure which executor wins: the seed's IO and CPU tasks (or your own) under every executor.",
    )
    .option("--tasks <list>", `tasks to run: ${SEED_TASKS.join(",")}`, SEED_TASKS.join(","))
    .option(
      "--executors <list>",
      `executors to compare: ${ALL_BENCH_EXECUTORS.join(",")} (default: ${BENCH_EXECUTORS.join(",")}, and distributed with --redis)`,
    )
    .option(
      "--workers <list>",
      "worker counts of the pools, e.g. 1,2,4 (default: io 1,2,4,8,cores; cpu 1,cores/2,cores)",
    )
    .option("--runs <n>", "exactly n measured runs per cell (no adaptive count, no --min-time)")
    .option("--min-runs <n>", `measured runs per cell, at least (default ${n.minRuns}; quick ${q.minRuns})`)
    .option("--max-runs <n>", `measured runs per cell, at most (default ${n.maxRuns}; quick ${q.maxRuns})`)
    .option(
      "--min-time <duration>",
      `measuring time per cell, at least, e.g. 2s or 500ms (default ${n.minTimeMs}ms)`,
    )
    .option("--warmup <n>", `unmeasured runs per cell after its start-up (default ${n.warmupRuns})`)
    .option("--quick", "CI-sized run: fewer runs, smaller CPU work, lower latency (about 15 s)")
    .option(
      "--size <x>",
      `CPU work as a fraction of the seed's full Task 2 (1 = every record; default ${n.size}, quick ${q.size})`,
    )
    .option("--multiplier <n>", `the seed's multiplier m of the CPU loop (default ${DEFAULTS.multiplier})`)
    .option(
      "--latency <spec>",
      `latency of the embedded endpoint: 25ms, uniform:10ms..40ms, lognormal:20ms,p99=100ms (default ${n.latency})`,
    )
    .option(
      "--endpoint <url>",
      "use this endpoint instead of the embedded one (a template with {letter}, or a base URL)",
    )
    .option("--seed <n>", `seed of the embedded endpoint's data (default ${DEFAULTS.seed})`)
    .option("--no-python", "skip the original Python experiment's rows")
    .option("--python-records <n>", "records the Python CPU rows process (default: about 1/100 of Node's)");
  addDistributedOptions(command, "of the distributed row (giving it adds the row)").option(
    "--distributed-workers <n>",
    "local concur worker processes the distributed row starts (default: the core count)",
  );
  addJsonOptions(command, "the report")
    .option("--markdown <file>", "write the report as Markdown (- for stdout)")
    .option("--html <file>", "write the report as a self-contained HTML page")
    .option(
      "--export-csv <file>",
      "write one CSV row per cell: times, percentiles, speedup, CPU time, peak RSS, throughput (- for stdout)",
    )
    .option(
      "--filter <patterns>",
      "run only the cells whose id matches one of these comma-separated globs, e.g. 'cpu/thread/*,io/async/*'",
    )
    .option("--quiet", "no progress: only the results (with --json, nothing on stderr but errors)")
    .option("--module <path>", "benchmark your own task module instead of the seed's tasks")
    .option("--task <name>", "with --module: the exported function to run")
    .option("--inputs <file>", "with --module: a JSON file holding an array of inputs, one call each")
    .option("--baseline <file>", "compare each cell with a saved --json report; exit 1 on a regression")
    .option("--fail-if-slower <pct>", "with --baseline: the slowdown that fails, e.g. 5% (default 5%)")
    .option("--no-color", "no colours in the table")
    .addHelpText(
      "after",
      [
        "",
        "Each cell (a task under one executor and worker count) starts its executor (timed apart as start-up),",
        "warms up, then runs round-robin with the other cells until it has --min-runs runs and --min-time of",
        "measuring (at most --max-runs). The table shows median ± 95% CI and the speedup over sequential;",
        "'ns' marks differences within noise. Progress goes to stderr, results to stdout.",
        "",
        "Cell ids are task/executor/workers, Python's executors prefixed py-: io/sequential/1, io/async/26,",
        "cpu/thread/2, io/py-thread/8, user:resize/process/4. --filter takes globs matched against the whole id",
        "(* any characters, slashes too; ? one character); a cell runs when any pattern matches. A filter that",
        "matches no cell is refused before any cell runs, with the list of ids. Speedups need the task's",
        "sequential cell (*/sequential/* keeps it).",
        "",
        "The distributed row (--redis <url>, or distributed in --executors) sends each task through Redis to",
        "--distributed-workers `concur worker` processes the lab starts here, once per task and kept for every",
        "run (cpu: one worker thread each; io: each process's event loop); their start-up is the row's start-up.",
        "Before its runs, a no-op's round trip is timed through Redis and through a local thread pool: the",
        "verdict says from it above which task duration distributing pays. --no-local-workers uses the workers",
        "already serving the queue instead (--prefix, --queue: as given to concur worker); with workers on other",
        "machines, the io task needs --endpoint (a URL they can reach: the embedded endpoint listens on 127.0.0.1).",
        "",
        "While each cell runs, /proc is sampled (at each run's start and end, and every 250 ms): CPU time and",
        "peak RSS of this process and its child processes, and the CPU other processes take; a cell during",
        "which they took over a quarter of a core is named in the warnings. Without /proc: 'n/a'.",
        "",
        "Examples:",
        "  concur bench --quick",
        "  concur bench --tasks cpu --workers 1,2,4 --size 0.5 --json-out bench.json --html report.html",
        "  concur bench --quick --json | jq .verdicts",
        "  concur bench --module ./my-tasks.ts --task resize --inputs inputs.json --markdown -",
        "  concur bench --quick --filter 'cpu/*' --export-csv cpu.csv --quiet",
        "  concur bench --quick --executors sequential,thread,distributed --redis redis://127.0.0.1:6379",
        "",
        "Exit codes: 0 ok, 1 a cell failed (or the distributed row's Redis is unreachable), 2 bad usage,",
        "130/143 interrupted (the report is still written).",
        SIGNALS_HELP + JSON_HELP,
      ].join("\n"),
    )
    .action(async (flags: BenchFlags) => {
      process.exitCode = await bench(flags);
    });
}

/** Parses a duration flag: `2s`, `500ms`, or a number of milliseconds. */
export function parseDurationFlag(flag: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value);
  if (!match) throw new UsageError(`${flag} must be a duration such as 2s or 500ms, got "${value}"`);
  return Number(match[1]) * (match[2] === "s" ? 1000 : 1);
}

function parseNonNegativeInt(flag: string, value: string): number {
  if (value.trim() === "0") return 0;
  return parsePositiveInt(flag, value);
}

function parsePositiveNumber(flag: string, value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return x;
}

function parseList<T extends string>(flag: string, value: string, choices: readonly T[]): T[] {
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${flag} must name at least one of ${choices.join(", ")}`);
  return parts.map((part) => parseChoice(flag, part, choices));
}

async function readInputs(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--inputs: cannot read ${file}: ${(error as Error).message}`);
  }
  let inputs: unknown;
  try {
    inputs = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--inputs: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new UsageError(`--inputs: ${file} must hold a non-empty JSON array`);
  return inputs;
}

/** Turns the flags into runBench options; throws a UsageError naming the first bad flag. */
export async function benchOptions(flags: BenchFlags): Promise<BenchOptions> {
  const options: BenchOptions = { python: flags.python };
  if (flags.tasks !== undefined) options.tasks = parseList<SeedTask>("--tasks", flags.tasks, SEED_TASKS);
  if (flags.executors !== undefined)
    options.executors = parseList<BenchExecutor>("--executors", flags.executors, ALL_BENCH_EXECUTORS);
  const target = distributedOptions(flags, options.executors);
  if (target) options.distributed = target;
  if (flags.workers !== undefined) options.workers = parsePositiveIntList("--workers", flags.workers);
  if (flags.minRuns !== undefined) options.minRuns = parsePositiveInt("--min-runs", flags.minRuns);
  if (flags.maxRuns !== undefined) options.maxRuns = parsePositiveInt("--max-runs", flags.maxRuns);
  if (options.minRuns !== undefined && options.maxRuns !== undefined && options.maxRuns < options.minRuns) {
    throw new UsageError(`--max-runs (${options.maxRuns}) must not be below --min-runs (${options.minRuns})`);
  }
  if (flags.minTime !== undefined) options.minTimeMs = parseDurationFlag("--min-time", flags.minTime);
  if (flags.runs !== undefined) {
    if (flags.minRuns !== undefined || flags.maxRuns !== undefined || flags.minTime !== undefined)
      throw new UsageError("--runs fixes the run count: not with --min-runs, --max-runs or --min-time");
    const runs = parsePositiveInt("--runs", flags.runs);
    Object.assign(options, { minRuns: runs, maxRuns: runs, minTimeMs: 0 });
  }
  if (flags.warmup !== undefined) options.warmupRuns = parseNonNegativeInt("--warmup", flags.warmup);
  if (flags.quick) options.quick = true;
  if (flags.size !== undefined) {
    options.size = parsePositiveNumber("--size", flags.size);
    if (options.size > 100) throw new UsageError(`--size must be at most 100, got "${flags.size}"`);
  }
  if (flags.multiplier !== undefined) options.multiplier = parsePositiveInt("--multiplier", flags.multiplier);
  if (flags.latency !== undefined) {
    try {
      parseLatency(flags.latency);
    } catch (error) {
      throw new UsageError(`--latency: ${(error as Error).message}`);
    }
    options.latency = flags.latency;
  }
  if (flags.endpoint !== undefined) {
    const probe = flags.endpoint.replaceAll("{letter}", "a");
    if (!URL.canParse(probe) || !/^https?:$/.test(new URL(probe).protocol)) {
      throw new UsageError(`--endpoint must be an http(s) URL, got "${flags.endpoint}"`);
    }
    if (flags.latency !== undefined)
      throw new UsageError("--latency applies to the embedded endpoint only, not with --endpoint");
    options.endpoint = flags.endpoint;
  }
  if (flags.seed !== undefined) options.seed = parseNonNegativeInt("--seed", flags.seed);
  if (flags.pythonRecords !== undefined)
    options.pythonRecords = parsePositiveInt("--python-records", flags.pythonRecords);
  if (flags.filter !== undefined) {
    try {
      parseCellFilter(flags.filter);
    } catch (error) {
      throw new UsageError(`--${(error as Error).message}`);
    }
    options.filter = flags.filter;
  }
  const userFlags = [flags.module && "--module", flags.task && "--task", flags.inputs && "--inputs"].filter(
    Boolean,
  );
  if (userFlags.length > 0) {
    if (!flags.module || !flags.task || !flags.inputs) {
      throw new UsageError("--module, --task and --inputs go together (one was given without the others)");
    }
    if (!/^[A-Za-z_$][\w$]*$/.test(flags.task))
      throw new UsageError(`--task must be an exported function's name, got "${flags.task}"`);
    options.module = {
      path: resolve(flags.module),
      task: flags.task,
      inputs: await readInputs(flags.inputs),
    };
  }
  return options;
}

/**
 * The distributed row's Redis and workers, when the row is asked for: by `--redis`, or by
 * `distributed` in `--executors` (then Redis is REDIS_URL, else the local default). Without it,
 * its other flags are refused, as is `--redis` with an `--executors` that leaves it out.
 */
function distributedOptions(
  flags: BenchFlags,
  executors: readonly BenchExecutor[] | undefined,
): BenchOptions["distributed"] {
  const named = executors?.includes("distributed") ?? false;
  if (flags.redis !== undefined && executors !== undefined && !named)
    throw new UsageError(
      "--redis adds the distributed row, but --executors leaves it out: add distributed to --executors, or drop --redis",
    );
  const given = [
    ...givenDistributedFlags(flags),
    ...(flags.distributedWorkers !== undefined ? ["--distributed-workers"] : []),
  ];
  if (!named && flags.redis === undefined) {
    if (given.length > 0)
      throw new UsageError(
        `${given.join(", ")}: only with a distributed row (--redis <url>, or distributed in --executors)`,
      );
    return undefined;
  }
  const workers =
    flags.distributedWorkers === undefined
      ? undefined
      : parsePositiveInt("--distributed-workers", flags.distributedWorkers);
  return distributedTarget(flags, {
    flag: "--distributed-workers",
    value: workers,
    fallback: os.availableParallelism(),
  });
}

function targetsOf(flags: BenchFlags): OutputTargets {
  if (flags.html === "-")
    throw new UsageError("--html needs a file name (an HTML page is not for a terminal)");
  const json = jsonTarget("bench", flags);
  return oneOnStdout({
    ...(json !== undefined && { json }),
    ...(flags.markdown && { markdown: flags.markdown }),
    ...(flags.html && { html: flags.html }),
    ...(flags.exportCsv && { csv: flags.exportCsv }),
  });
}

/** Fail early: a bad module or an unwritable report path is reported before anything runs. */
async function preflight(options: BenchOptions, targets: OutputTargets): Promise<void> {
  try {
    await checkTargets(targets);
    if (options.module) await checkTaskModule(options.module.path, options.module.task);
  } catch (error) {
    if (error instanceof PreflightError) throw new UsageError(error.message);
    throw error;
  }
  try {
    await prepareOutputs(targets);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function bench(flags: BenchFlags): Promise<number> {
  const targets = targetsOf(flags);
  const options = await benchOptions(flags);
  await preflight(options, targets);
  const baseline = await readBaseline(flags);
  // The first signal stops the run (the report of what was measured is still written).
  const interrupt = onInterrupt("bench", "stopping (shutting pools down)");
  const progress = flags.quiet ? undefined : createProgress(process.stderr);
  let report: BenchReport;
  try {
    report = await runBench(options, {
      signal: interrupt.signal,
      ...(progress && { onEvent: progress.onEvent }),
    });
  } catch (error) {
    if (error instanceof DistributedSetupError) {
      process.stderr.write(`concur bench: ${printable(error.message)}\n`);
      return exitCodes.failure;
    }
    if (error instanceof NoCellMatchError) throw new UsageError(`--${error.message}`);
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  } finally {
    progress?.end();
    interrupt.dispose();
  }
  if (!claimsStdout(targets)) {
    process.stdout.write(renderTerminal(report, flags.color ? {} : { color: false }));
  }
  const written = await writeOutputs(report, targets);
  if (!flags.quiet)
    for (const file of written) process.stderr.write(`concur bench: wrote ${printable(file)}\n`);
  if (report.interrupted) return interrupt.exitCode() ?? exitCodes.interrupted;
  if (baseline) {
    const rows = compareWithBaseline(report, baseline.report, baseline.threshold);
    const regressed = rows.some((row) => row.change === "regression");
    // With --quiet and stdout taken, stderr carries only what explains a failing exit code.
    const stream = claimsStdout(targets) ? process.stderr : process.stdout;
    if (!(flags.quiet && claimsStdout(targets)) || regressed)
      stream.write(renderBaseline(rows, baseline.file, baseline.threshold));
    if (regressed) return exitCodes.failure;
  }
  return report.cells.some((cell) => cell.status === "failed") ? exitCodes.failure : exitCodes.ok;
}

/** `--baseline` read and validated before the run (a bad file should not cost a benchmark). */
async function readBaseline(
  flags: BenchFlags,
): Promise<{ file: string; report: BenchReport; threshold: number } | undefined> {
  if (flags.baseline === undefined) {
    if (flags.failIfSlower !== undefined) throw new UsageError("--fail-if-slower needs --baseline");
    return undefined;
  }
  let threshold = 0.05;
  try {
    if (flags.failIfSlower !== undefined) threshold = parseThreshold(flags.failIfSlower);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(flags.baseline, "utf8"));
  } catch (error) {
    throw new UsageError(`--baseline: cannot read ${flags.baseline}: ${(error as Error).message}`);
  }
  const result = await validateReport(doc);
  if (!result.ok)
    throw new UsageError(`--baseline: ${flags.baseline} is not a report: ${result.errors.join("; ")}`);
  return { file: flags.baseline, report: result.report, threshold };
}

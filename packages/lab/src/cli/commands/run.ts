/**
 * `concur run io|cpu`: the seed's two experiments, once, under one executor. Prints each result
 * in input order, then the wall time, as the seed's script does; `--json` prints one document
 * instead, `--json-out <file>` writes it to a file (see json-flags.ts).
 * Exit codes: 0 ok, 1 some task failed (each named on stderr), 2 bad usage, 130 / 143 stopped by
 * SIGINT / SIGTERM.
 *
 * The timed part spans creating the executor to its shutdown (the seed times its whole
 * `with Executor() as e:` block), and excludes starting the endpoint, loading the files and,
 * for `--executor distributed`, starting the local `concur worker` processes (run-backend.ts).
 */
import { hostname } from "node:os";
import { readdir, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { Future } from "concur";
import type { Executor } from "concur";
import { isTempFileFor } from "../../letters/atomic-write.js";
import { makeDir } from "../../letters/make-dir.js";
import { DEFAULT_SEED } from "../../letters/data.js";
import { startEndpoint, type RunningEndpoint } from "../../letters/endpoint.js";
import {
  loadLetters,
  lettersTasksUrl,
  LETTERS,
  type CompanyRecord,
  type LettersTasks,
} from "../../letters/index.js";
import { DEFAULT_LATENCY, formatLatency, parseLatency } from "../../letters/latency.js";
import { DEFAULT_MULTIPLIER } from "../../letters/process.js";
import { printable, safeJson } from "../../letters/printable.js";
import { JSON_HELP, addJsonOptions, jsonTarget, writeJsonFile, type JsonFlags } from "../json-flags.js";
import { addDistributedOptions, type DistributedFlags } from "../distributed-flags.js";
import {
  SIGNALS_HELP,
  STOP_WAIT_MS,
  aborted,
  onInterrupt,
  settlesWithin,
  type Interrupt,
} from "../interrupt.js";
import {
  DEFAULT_LOCAL_WORKERS,
  DistributedSetupError,
  RUN_EXECUTORS,
  openBackend,
  planBackend,
  type BackendPlan,
  type RunBackend,
} from "../run-backend.js";
import { UsageError, exitCodes, parseChoice, parseInteger, parsePositiveInt, specOrUsage } from "../usage.js";

const DEFAULT_DIR = "concur-letters";

interface CommonFlags extends JsonFlags, DistributedFlags {
  executor?: string;
  workers?: string;
  letters: string;
}
interface IoFlags extends CommonFlags {
  endpoint?: string;
  out: string;
  latency: string;
  seed: string;
  timeout: string;
  retries: string;
}
interface CpuFlags extends CommonFlags {
  in: string;
  multiplier: string;
}

export function register(program: Command): void {
  const run = program
    .command("run")
    .description("Run one of the seed's tasks once under an executor and time it.")
    .addHelpText(
      "after",
      `\nExit codes: 0 ok, 1 a task failed (distributed: or Redis unreachable, or no worker), 2 bad usage, 130/143 interrupted.${SIGNALS_HELP}`,
    );
  common(
    run
      .command("io")
      .description("Task 1 (IO-bound): download each letter's search results to {letter}.txt."),
  )
    .option(
      "--endpoint <url>",
      "URL template with {letter}, or the base URL of a company-search API (default: start one)",
    )
    .option("--out <dir>", "folder the files are written to (created if missing)", DEFAULT_DIR)
    .option("--latency <spec>", "latency of the embedded endpoint", formatLatency(DEFAULT_LATENCY))
    .option("--seed <n>", "data seed of the embedded endpoint", String(DEFAULT_SEED))
    .option("--timeout <ms>", "timeout of one request attempt, in ms", "10000")
    .option("--retries <n>", "retries of a failed request (network errors, timeouts, 5xx, 429)", "3")
    .action(async (flags: IoFlags) => {
      process.exitCode = await runIo(flags);
    });
  common(
    run
      .command("cpu")
      .description("Task 2 (CPU-bound): the seed's arithmetic over every record of {letter}.txt."),
  )
    .option("--in <dir>", "folder holding the {letter}.txt files (as `run io` writes them)", DEFAULT_DIR)
    .option(
      "--multiplier <n>",
      "the seed's m: the work per record grows with its square",
      String(DEFAULT_MULTIPLIER),
    )
    .action(async (flags: CpuFlags) => {
      process.exitCode = await runCpu(flags);
    });
}

function common(command: Command): Command {
  command
    .option("--executor <kind>", `${RUN_EXECUTORS.join(", ")} (default: async for io, thread for cpu)`)
    .option(
      "--workers <n>",
      `workers of a pool, concurrency of async, or local worker processes of distributed (default: the executor's; distributed ${DEFAULT_LOCAL_WORKERS})`,
    )
    .option("--letters <letters>", "which letters, e.g. abc", LETTERS);
  addDistributedOptions(command, "for --executor distributed").addHelpText(
    "after",
    `${DISTRIBUTED_HELP}${JSON_HELP}`,
  );
  return addJsonOptions(command, "the results");
}

const DISTRIBUTED_HELP = [
  "",
  "Distributed: --executor distributed runs the tasks through Redis. By default the lab starts --workers",
  "`concur worker` processes here (cpu: one worker thread each; io: each process's event loop, up to 100",
  "downloads at once) under a key prefix of their own, stops them at the end or on Ctrl-C, and removes",
  "the prefix's keys. With --no-local-workers, the workers already serving the queue run them (start them",
  `with: concur worker --redis <url> --module ${fileURLToPath(lettersTasksUrl)}); for io on other machines,`,
  "give an --endpoint they can reach, and the files are written on their disks.",
].join("\n");

async function runIo(flags: IoFlags): Promise<number> {
  const kind = parseChoice("--executor", flags.executor ?? "async", RUN_EXECUTORS);
  const workers = flags.workers === undefined ? undefined : parsePositiveInt("--workers", flags.workers);
  const template = flags.endpoint === undefined ? undefined : parseEndpoint(flags.endpoint);
  const plan: BackendPlan = {
    ...planBackend(kind, workers, flags),
    // The embedded endpoint listens on 127.0.0.1: workers on other machines cannot download.
    ...(template === undefined && {
      hereOnly: { needs: "concur run io downloads from the embedded endpoint on 127.0.0.1" },
    }),
  };
  const letters = parseLetters(flags.letters);
  const latency = specOrUsage("--latency", () => parseLatency(flags.latency));
  const seed = parseInteger("--seed", flags.seed, 0, Number.MAX_SAFE_INTEGER);
  const timeoutMs = parsePositiveInt("--timeout", flags.timeout);
  const retries = parseInteger("--retries", flags.retries, 0, 100);
  const json = jsonTarget("run", flags);
  const outDir = await prepareOutDir(flags.out);

  let endpoint: RunningEndpoint | undefined;
  try {
    if (template === undefined) endpoint = await startEndpoint({ latency, seed });
    const options = {
      endpoint: template ?? endpoint!.searchTemplate,
      outDir,
      timeoutMs,
      retries,
      // The embedded endpoint listens on this machine's 127.0.0.1 only.
      ...(template === undefined && { onlyOnHost: hostname() }),
    };
    return await onBackend(plan, "io", async (backend, interrupt) => {
      const run = await execute(interrupt, backend, letters, { json: json === "-" }, (pool, letter) =>
        pool.submit("downloadAndWrite", letter, options),
      );
      // A worker killed mid-write leaves its temp file behind (never a partial {letter}.txt).
      if (run.interruptCode !== undefined) await sweepTempFiles(outDir, letters);
      return () =>
        report(run, json, {
          task: "io",
          executor: kind,
          ...backend.context,
          endpoint: options.endpoint,
          outDir,
        });
    });
  } finally {
    await endpoint?.close();
  }
}

async function runCpu(flags: CpuFlags): Promise<number> {
  const kind = parseChoice("--executor", flags.executor ?? "thread", RUN_EXECUTORS);
  const workers = flags.workers === undefined ? undefined : parsePositiveInt("--workers", flags.workers);
  const plan = planBackend(kind, workers, flags);
  const letters = parseLetters(flags.letters);
  const multiplier = parseInteger("--multiplier", flags.multiplier, 0, 10_000);
  const json = jsonTarget("run", flags);
  if (flags.in.trim() === "") throw new UsageError("--in must name a folder, got an empty string");
  const inDir = resolve(flags.in);
  let records: CompanyRecord[];
  try {
    records = await loadLetters(inDir, letters);
  } catch (error) {
    process.stderr.write(`concur run cpu: ${printable((error as Error).message)}\n`);
    return exitCodes.failure;
  }
  return onBackend(plan, "cpu", async (backend, interrupt) => {
    const run = await execute(interrupt, backend, records, { json: json === "-" }, (pool, record) =>
      pool.submit("processLetter", record, multiplier),
    );
    return () =>
      report(run, json, {
        task: "cpu",
        executor: kind,
        ...backend.context,
        inDir,
        multiplier,
        records: records.length,
      });
  });
}

/**
 * Opens the backend under the signal policy, hands it to `work`, and takes it down (local
 * workers stopped) before the report is printed. The policy is installed first and removed
 * last, so that Ctrl-C while workers start or stop is handled like Ctrl-C mid-run: never an
 * exit that leaves workers behind. `work` returns the report to print once all is down.
 */
async function onBackend(
  plan: BackendPlan,
  task: "io" | "cpu",
  work: (backend: RunBackend, interrupt: Interrupt) => Promise<() => Promise<number>>,
): Promise<number> {
  const interrupt = onInterrupt("run", "stopping the tasks");
  try {
    let backend: RunBackend;
    try {
      backend = await openBackend(plan, task, interrupt.signal);
    } catch (error) {
      if (interrupt.signal.aborted) {
        process.stderr.write("concur run: interrupted before the tasks started\n");
        return interrupt.exitCode() ?? exitCodes.interrupted;
      }
      if (!(error instanceof DistributedSetupError)) throw error;
      process.stderr.write(`concur run: ${printable(error.message)}\n`);
      return exitCodes.failure;
    }
    let print: () => Promise<number>;
    try {
      print = await work(backend, interrupt);
    } finally {
      await backend.close();
    }
    return await print();
  } finally {
    interrupt.dispose();
  }
}

/** How one input ended. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; cancelled: boolean };

interface Run<I, T> {
  inputs: readonly I[];
  outcomes: Outcome<T>[];
  wallMs: number;
  /** The exit code of the signal that interrupted the run (130, 143), or undefined. */
  interruptCode: number | undefined;
}

/** What the inputs left unsettled when every local worker died are marked with. */
const NOT_RUN = new Error("not run: every local worker is gone");

/**
 * Submits every input, prints results in input order as they become available (text mode), and
 * handles Ctrl-C (see interrupt.ts): running tasks are cancelled (thread and process workers are
 * stopped), finished results are kept, and the run reports itself interrupted.
 */
async function execute<I, T>(
  interrupt: Interrupt,
  backend: RunBackend,
  inputs: readonly I[],
  mode: { json: boolean | undefined },
  submit: (pool: Executor<LettersTasks>, input: I) => Future<T>,
): Promise<Run<I, T>> {
  const futures: Future<T>[] = [];
  let pool: Executor<LettersTasks> | undefined;
  const stop = (reason: string): undefined => {
    for (const future of futures) future.cancel(reason);
    pool?.shutdown({ wait: false, cancelFutures: true }).catch(() => undefined);
    return undefined;
  };
  const interrupted = aborted(interrupt.signal).then(() => stop("interrupted"));
  // Nothing is left to run the tasks: stop waiting for them, and say why once.
  let lost = false;
  const gone = backend.lost?.then((error) => {
    lost = true;
    process.stderr.write(`concur run: ${printable(error.message)}\n`);
    return stop("every local worker is gone");
  });
  // If the event loop empties while a future or the shutdown is still pending (an executor bug:
  // nothing left that could ever settle it), Node would exit silently with code 0. Say so, and fail.
  const onStall = () => {
    process.stderr.write("concur run: the executor stopped with tasks or its shutdown still pending\n");
    process.exitCode = interrupt.exitCode() ?? exitCodes.failure;
  };
  process.on("beforeExit", onStall);
  const outcomes: Outcome<T>[] = [];
  const start = performance.now();
  let stopped = true;
  try {
    pool = backend.create();
    // Each future's outcome is captured when it settles, so that an error that happens after
    // Ctrl-C is told apart from a genuine failure before it.
    const settled: Promise<Outcome<T>>[] = [];
    // In-process executors let the event loop turn between tasks (every ~10 ms of work), so
    // Ctrl-C is seen mid-run on every executor without feeding tasks one at a time here.
    for (const input of inputs) {
      const future = submit(pool, input);
      futures.push(future);
      settled.push(capture(future, () => interrupt.signal.aborted));
    }
    for (let i = 0; i < settled.length; i++) {
      // After a signal, stop waiting: a future the executor failed to settle on cancel (a task in
      // flight on a worker that was being stopped) would otherwise turn Ctrl-C into a hang or an
      // exit 1 for a "stall". An interrupt is an interrupt, whatever was in flight.
      const outcome = await Promise.race([settled[i]!, interrupted, ...(gone ? [gone] : [])]);
      if (outcome === undefined) break;
      outcomes.push(outcome);
      if (!mode.json && outcome.ok) process.stdout.write(`${printable(String(outcome.value))}\n`);
    }
    await Promise.race([pool.shutdown({ wait: true }), interrupted, ...(gone ? [gone] : [])]);
  } finally {
    // Bounded: after a signal, a shutdown that never settles must not keep the report from
    // being printed (the hard exit of interrupt.ts ends the process if its workers linger).
    if (pool) stopped = await settlesWithin(pool.shutdown({ wait: true, cancelFutures: true }), STOP_WAIT_MS);
    process.off("beforeExit", onStall);
  }
  if (!stopped) {
    process.stderr.write(
      `concur run: the executor did not stop within ${STOP_WAIT_MS / 1000} s; reporting anyway\n`,
    );
  }
  const wallMs = performance.now() - start;
  while (outcomes.length < inputs.length)
    outcomes.push(
      lost
        ? { ok: false, error: NOT_RUN, cancelled: false }
        : { ok: false, error: undefined, cancelled: true },
    );
  return { inputs, outcomes, wallMs, interruptCode: interrupt.exitCode() };
}

function capture<T>(future: Future<T>, interrupted: () => boolean): Promise<Outcome<T>> {
  return Promise.resolve(future).then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error, cancelled: interrupted() }),
  );
}

/**
 * Prints the wall time (text) and/or writes the JSON document (`json`: "-" for stdout, or a file),
 * names failures on stderr, picks the exit code.
 */
async function report<I, T>(
  run: Run<I, T>,
  json: string | undefined,
  context: Record<string, unknown>,
): Promise<number> {
  const failed = run.outcomes.filter((o) => !o.ok && !o.cancelled).length;
  const cancelled = run.outcomes.filter((o) => !o.ok && o.cancelled).length;
  run.outcomes.forEach((outcome, i) => {
    if (!outcome.ok && !outcome.cancelled) {
      process.stderr.write(`concur run: ${label(run.inputs[i])} failed: ${errorText(outcome.error)}\n`);
    }
  });
  const seconds = (run.wallMs / 1000).toFixed(3);
  if (json !== undefined) {
    const results = run.outcomes.map((outcome, i) => ({
      input: run.inputs[i],
      ...(outcome.ok
        ? { ok: true, value: outcome.value }
        : { ok: false, ...(outcome.cancelled ? { cancelled: true } : { error: errorJson(outcome.error) }) }),
    }));
    const doc = {
      ...context,
      wallMs: run.wallMs,
      completed: run.outcomes.length - failed - cancelled,
      failed,
      cancelled,
      interrupted: run.interruptCode !== undefined,
      results,
    };
    if (json === "-") process.stdout.write(`${safeJson(doc)}\n`);
    else process.stderr.write(`concur run: wrote ${printable(await writeJsonFile(json, doc))}\n`);
  }
  // With --json, stdout holds the JSON document only.
  if (json !== "-" && run.interruptCode !== undefined) {
    const done = run.outcomes.filter((o) => o.ok).length;
    process.stderr.write(
      `concur run: interrupted after ${seconds} s: ${done} of ${run.inputs.length} finished\n`,
    );
  } else if (json !== "-") {
    process.stdout.write(`Wall time: ${seconds} s\n`);
  }
  if (run.interruptCode !== undefined) return run.interruptCode;
  return failed > 0 ? exitCodes.failure : exitCodes.ok;
}

function label(input: unknown): string {
  if (typeof input === "string") return `letter "${input}"`;
  const record = input as CompanyRecord;
  return `record ${String(record.id)} (${printable(JSON.stringify(record.name))})`;
}

/** An error for stderr: remote text (a server's body, a URL) escaped. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return printable(String(error));
  const code = (error as { code?: unknown }).code;
  return printable(typeof code === "string" ? `${code}: ${error.message}` : error.message);
}

function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, status, attempts } = error as { code?: unknown; status?: unknown; attempts?: unknown };
  return { name: error.name, message: error.message, code, status, attempts };
}

/** `--letters abc` → ["a", "b", "c"]: lower-case a..z, no repeats. */
function parseLetters(value: string): string[] {
  const letters = [...value.trim()];
  if (letters.length === 0) throw new UsageError("--letters must list at least one letter a-z");
  const seen = new Set<string>();
  for (const letter of letters) {
    if (!LETTERS.includes(letter))
      throw new UsageError(`--letters takes letters a-z only, got "${letter}" in "${value}"`);
    if (seen.has(letter)) throw new UsageError(`--letters lists "${letter}" twice`);
    seen.add(letter);
  }
  return letters;
}

/** A template with `{letter}` as given; a base URL gets the search path appended. */
function parseEndpoint(value: string): string {
  const template = value.includes("{letter}")
    ? value
    : `${value.replace(/\/+$/, "")}/api/company/search/?q={letter}`;
  let url: URL;
  try {
    url = new URL(template.replaceAll("{letter}", "a"));
  } catch {
    throw new UsageError(`--endpoint must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--endpoint must be an http(s) URL, got "${value}"`);
  }
  return template;
}

/**
 * Resolves and creates the `--out` folder before any work starts: an empty value, a file in the
 * way, or a folder the file system refuses (such as /proc/x, where Node's recursive mkdir would
 * spin forever) is bad usage, said at once.
 */
async function prepareOutDir(value: string): Promise<string> {
  if (value.trim() === "") throw new UsageError("--out must name a folder, got an empty string");
  const dir = resolve(value);
  try {
    await makeDir(dir);
  } catch (error) {
    throw new UsageError(`--out: cannot create the folder ${dir}: ${(error as Error).message}`);
  }
  return dir;
}

async function sweepTempFiles(dir: string, letters: readonly string[]): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const temps = names.filter((name) => letters.some((letter) => isTempFileFor(`${letter}.txt`, name)));
  await Promise.all(temps.map((name) => rm(resolve(dir, name), { force: true })));
}
